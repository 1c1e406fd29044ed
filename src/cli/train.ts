import { UsageError } from '../core/errors.js';
import { readTable, readTableWithNotes } from '../data/read.js';
import { redactPassword } from '../data/sql.js';
import type { Params, SupervisedTask } from '../estimator/contract.js';
import { catalogEntries, catalogEntry, isSupervised } from '../models/catalog.js';
import { catalogListing } from '../models/catalog-text.js';
import type { Recorded } from '../train/recording.js';
import { SILHOUETTE_MAX_ROWS } from '../train/summaries.js';
import { type TrainedModel, type TrainRequest, train, type Validation } from '../train/train.js';
import { defineCommand } from './command.js';
import { whole } from './option-kinds.js';
import { choice, flag, list, repeated, text } from './options.js';
import { missingOption } from './parse-options.js';
import { Progress } from './progress.js';
import { READ_OPTIONS, readOptionsFrom } from './read-options.js';
import { fmt, parseSettings } from './train-options.js';
import { openRecording, recordedLine, TRACKING_OPTIONS } from './train-tracking.js';
import { refuseSupervisedOptions, unsupervisedOutput } from './train-unsupervised.js';

const TASKS = ['regression', 'binary', 'multiclass'] as const;

const OPTIONS = {
  target: text({ placeholder: 'COL', help: 'the column to predict (supervised models only)' }),
  model: text({
    placeholder: 'NAME',
    help: 'the model; keel train --list shows them and their parameters',
    required: 'choose a model: --model NAME (keel train --list)',
  }),
  drop: list({
    placeholder: 'COL',
    help: 'leave a column out: an id, a leak, or the label when clustering, as --drop target on iris',
    default: [],
  }),
  set: repeated({ placeholder: 'KEY=VALUE', help: 'a hyperparameter, e.g. --set alpha=0.5', default: [] }),
  cv: whole({
    placeholder: 'K',
    help: 'K-fold cross-validation, stratified for classes',
    min: 2,
    default: 5,
  }),
  'no-shuffle': flag({
    help: "cut folds in file order (scikit-learn's default) instead of shuffling rows first (keel's default, seeded: a file sorted by the target would otherwise give folds that share nothing)",
  }),
  test: text({ placeholder: 'FILE', help: 'fit on SOURCE and score on FILE instead of cross-validating' }),
  task: choice(TASKS, {
    placeholder: 'TASK',
    help: 'regression, binary or multiclass',
    defaultHelp:
      'from the target: categories and integers with at most 20 values are classes, other numbers a regression',
  }),
  metric: repeated({
    placeholder: 'NAME',
    help: 'a metric to report',
    defaultHelp: 'the usual ones for the task',
  }),
  seed: whole({
    help: "the seed for every random choice: folds; for unsupervised models, the model's seed (unless --set seed=N) and the silhouette sample",
    min: 0,
    default: 0,
  }),
  json: flag({ help: 'print the result as JSON on stdout' }),
  list: flag({ help: 'list the models and their hyperparameters', alone: true }),
  ...TRACKING_OPTIONS,
  ...READ_OPTIONS,
};

/** The options only a model with a target uses: given to one without, they are refused by name. */
const SUPERVISED_ONLY = ['target', 'cv', 'test', 'metric', 'task', 'no-shuffle'] as const;

export const trainCommand = defineCommand({
  name: 'train',
  summary: 'fit a model and report cross-validated metrics',
  usage: [
    'keel train SOURCE --target COL --model NAME [--set KEY=VALUE …] [--cv K | --test FILE] [--json]',
    'keel train SOURCE --model kmeans|dbscan|pca|isolation-forest [--set KEY=VALUE …] [--json]',
    'keel train --list',
  ],
  about: `Fits one model, with preprocessing chosen from the column kinds. A supervised
model (--target) is reported with its metrics' spread across cross-validation
folds (or on a test file). An unsupervised model learns from every column and
is fitted on all rows: k-means reports its clusters, their sizes, inertia and
silhouette; DBSCAN its clusters, noise rows and silhouette; PCA the share of
variance of each component; an isolation forest the share of rows it flags
and the most anomalous rows (by line of the file). The silhouette is computed
on a seeded sample of ${SILHOUETTE_MAX_ROWS} rows when there are more.`,
  args: [{ name: 'SOURCE', what: 'the table to learn from (a file or a database URL)' }],
  options: OPTIONS,
  async run({ values, args: [source], given }) {
    if (values.list) {
      process.stdout.write(catalogListing(catalogEntries()));
      return 0;
    }
    const entry = catalogEntry(values.model);
    const supervised = isSupervised(entry);
    if (!supervised)
      refuseSupervisedOptions(
        entry,
        SUPERVISED_ONLY.filter((name) => given.has(name)),
      );
    const targetName = supervised
      ? (values.target ??
        missingTarget(
          `${entry.name} learns to predict a column: name it with --target COL, or choose a model that needs no target (${unsupervisedNames()})`,
        ))
      : undefined;
    if (given.has('cv') && values.test !== undefined) {
      throw new UsageError('usage.conflict', 'give either --cv or --test, not both', {
        location: { field: 'test' },
      });
    }
    const params = parseSettings(values.set, entry);
    const readOptions = readOptionsFrom(values);
    const progress = new Progress();

    progress.start(`reading ${redactPassword(source)}`);
    const { frame, dialect } = await readTableWithNotes(source, readOptions);
    // Read a test file before any fitting, so a bad one fails fast.
    const test = values.test === undefined ? undefined : await readTable(values.test, readOptions);
    const recording = await openRecording(values);
    let trained: TrainedModel;
    try {
      const request: TrainRequest = {
        model: entry.name,
        params,
        ...(targetName === undefined ? {} : { target: targetName }),
        ...(values.task === undefined ? {} : { task: values.task }),
        dropped: values.drop,
        seed: values.seed,
        validation:
          test === undefined
            ? { folds: values.cv, shuffle: !values['no-shuffle'] }
            : { test, source: values.test! },
        ...(values.metric === undefined || values.metric.length === 0 ? {} : { metrics: values.metric }),
        source: redactPassword(source),
        read: readOptions,
      };
      trained = await train(request, frame, {
        ...(recording === null ? {} : { recording }),
        ...(dialect === undefined ? {} : { firstLine: dialect.header ? 2 : 1 }),
        onStart: ({ task, rows }) => progress.finish(`${rows.toLocaleString('en-US')} rows, ${task}`),
        onValidate: (folds) => progress.start(`${folds}-fold cross-validation`),
        onFold: (done, total) => {
          progress.update(done, total);
          if (done === total) progress.finish();
        },
      });
    } finally {
      await recording?.store.close();
    }
    const output =
      trained.summary === null
        ? supervisedOutput(trained, values.json)
        : unsupervisedOutput(trained, values.json);
    process.stdout.write(output);
    return 0;
  },
});

function missingTarget(hint: string): never {
  throw missingOption('train', 'target', OPTIONS.target, hint);
}

/** What keel train prints for a supervised model: its scores, the preprocessing, where it was recorded. */
function supervisedOutput(trained: TrainedModel, json: boolean): string {
  const report = {
    source: trained.recipe.data.source,
    rows: trained.rows,
    target: trained.target!.name,
    task: trained.target!.task,
    classes: trained.target!.classes,
    model: trained.entry.name,
    params: trained.params,
    validation: trained.validation!,
    fitSeconds: trained.fitSeconds,
    preprocessing: trained.preprocessing,
    recorded: trained.recorded,
  };
  return json ? `${JSON.stringify(toJson(report), null, 2)}\n` : renderReport(report);
}

interface TrainReport {
  readonly source: string;
  readonly rows: number;
  readonly target: string;
  readonly task: SupervisedTask;
  readonly classes: readonly string[];
  readonly model: string;
  readonly params: Params;
  readonly validation: Validation;
  readonly fitSeconds: number;
  readonly preprocessing: readonly string[];
  readonly recorded: Recorded | null;
}

function toJson(report: TrainReport): Record<string, unknown> {
  const { validation } = report;
  const metrics =
    validation.kind === 'cv'
      ? Object.fromEntries(Object.entries(validation.result.metrics).map(([name, m]) => [name, m.mean]))
      : validation.scores;
  const spread =
    validation.kind === 'cv'
      ? {
          metricsStd: Object.fromEntries(
            Object.entries(validation.result.metrics).map(([n, m]) => [n, m.std]),
          ),
          folds: Object.fromEntries(Object.entries(validation.result.metrics).map(([n, m]) => [n, m.folds])),
        }
      : {};
  const how =
    validation.kind === 'cv'
      ? { folds: validation.folds, stratified: validation.stratified, shuffled: validation.shuffled }
      : { file: validation.file, rows: validation.rows };
  return {
    task: report.task,
    model: report.model,
    target: report.target,
    rows: report.rows,
    classes: report.classes,
    params: report.params,
    metrics,
    ...spread,
    validation: { kind: validation.kind, ...how },
    fitSeconds: report.fitSeconds,
    preprocessing: report.preprocessing,
    run: report.recorded?.runId ?? null,
    registered: report.recorded?.registered ?? null,
  };
}

function renderReport(report: TrainReport): string {
  const { validation } = report;
  const how =
    validation.kind === 'cv'
      ? `${validation.folds}-fold ${validation.stratified ? 'stratified ' : ''}cross-validation${validation.shuffled ? ' (shuffled)' : ''}`
      : `scored on ${validation.file} (${validation.rows} rows)`;
  const lines = [
    `${report.source} · ${report.rows} rows · ${report.target} (${report.task}) · ${report.model} · ${how}`,
    '',
  ];
  if (validation.kind === 'cv') {
    lines.push(`${'metric'.padEnd(20)}${'mean'.padStart(10)}${'± std'.padStart(10)}   folds`);
    for (const [name, m] of Object.entries(validation.result.metrics)) {
      lines.push(
        `${name.padEnd(20)}${fmt(m.mean).padStart(10)}${fmt(m.std).padStart(10)}   ${m.folds.map(fmt).join(' ')}`,
      );
    }
  } else {
    for (const [name, score] of Object.entries(validation.scores))
      lines.push(`${name.padEnd(20)}${fmt(score).padStart(10)}`);
  }
  lines.push('', 'Preprocessing:', ...report.preprocessing.map((n) => `  - ${n}`));
  lines.push('', `Fitted on all ${report.rows} rows in ${report.fitSeconds.toFixed(2)} s.`);
  if (report.recorded !== null) lines.push(recordedLine(report.recorded));
  lines.push('');
  return lines.join('\n');
}

function unsupervisedNames(): string {
  return catalogEntries()
    .filter((e) => !isSupervised(e))
    .map((e) => e.name)
    .join(', ');
}
