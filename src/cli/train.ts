import { UsageError } from '../core/errors.js';
import type { Frame } from '../data/frame.js';
import { readTable } from '../data/read.js';
import { redactPassword } from '../data/sql.js';
import type { Estimator, Model, Params, Target } from '../estimator/contract.js';
import { catalogEntries, catalogEntry, isSupervised } from '../models/catalog.js';
import { catalogListing } from '../models/catalog-text.js';
import { targetFromFrame } from '../models/target.js';
import { defaultPreprocessing } from '../prep/defaults.js';
import { pipeline } from '../prep/pipeline.js';
import type { MetricPoint } from '../registry/types.js';
import { SILHOUETTE_MAX_ROWS } from '../train/summaries.js';
import { type CrossValidationResult, crossValidate, holdoutScores } from '../tune/cross-validate.js';
import { kFold, stratifiedKFold } from '../tune/splitters.js';
import { defineCommand } from './command.js';
import { whole } from './option-kinds.js';
import { choice, flag, list, repeated, text } from './options.js';
import { missingOption } from './parse-options.js';
import { Progress } from './progress.js';
import { READ_OPTIONS, readOptionsFrom } from './read-options.js';
import { fmt, parseSettings } from './train-options.js';
import {
  beginTracking,
  cvPoints,
  failTracking,
  finishTracking,
  type Recorded,
  recordedLine,
  TRACKING_OPTIONS,
} from './train-tracking.js';
import { trainUnsupervised } from './train-unsupervised.js';

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
    const { seed, drop: dropped } = values;
    if (!isSupervised(entry)) {
      const supervisedGiven = SUPERVISED_ONLY.filter((name) => given.has(name)).map((name) => [
        name,
        values[name],
      ]);
      const options = {
        source,
        read: readOptionsFrom(values),
        settings: values.set,
        seed,
        given: Object.fromEntries(supervisedGiven),
        dropped,
        tracking: values,
      };
      const output = await trainUnsupervised(entry, { ...options, json: values.json }, new Progress());
      process.stdout.write(output);
      return 0;
    }
    const targetName =
      values.target ??
      missingTarget(
        `${entry.name} learns to predict a column: name it with --target COL, or choose a model that needs no target (${unsupervisedNames()})`,
      );
    const folds = values.cv;
    if (given.has('cv') && values.test !== undefined) {
      throw new UsageError('usage.conflict', 'give either --cv or --test, not both', {
        location: { field: 'test' },
      });
    }
    const readOptions = readOptionsFrom(values);
    const progress = new Progress();

    progress.start(`reading ${redactPassword(source)}`);
    const frame = await readTable(source, readOptions);
    const target = targetFromFrame(frame, targetName, values.task);
    progress.finish(`${frame.rowCount.toLocaleString('en-US')} rows, ${target.task}`);

    const features = frame.drop([targetName, ...dropped]);
    const preprocessing = defaultPreprocessing(features, entry);
    const model = entry.make(parseSettings(values.set, entry), target.task);
    const estimator = pipeline([preprocessing.transformer], model);

    // Read a test file before any fitting, so a bad one fails fast; the final model is fitted
    // once, timed, and is the model a test file scores.
    const test = values.test === undefined ? undefined : await readTable(values.test, readOptions);
    const setup = {
      model: entry.name,
      target: targetName,
      task: target.task,
      source: redactPassword(source),
      drop: dropped,
      ...(test === undefined ? { cv: folds, shuffle: !values['no-shuffle'] } : { test: values.test! }),
    };
    const tracked = await beginTracking(values, frame, setup.source, { ...model.params, ...setup }, seed);
    let trained: Trained;
    try {
      const holdout =
        test === undefined
          ? undefined
          : {
              file: values.test!,
              rows: test.rowCount,
              features: test.drop([targetName, ...dropped]),
              target: alignedTarget(targetFromFrame(test, targetName, target.task), target, values.test!),
            };
      trained = train(estimator, features, target, holdout, values, folds, seed, progress);
    } catch (error) {
      if (tracked !== null) await failTracking(tracked, error);
      throw error;
    }
    const { fitted, fitSeconds, validation } = trained;
    const recorded =
      tracked === null
        ? null
        : await finishTracking(tracked, values, {
            points: validationPoints(validation),
            timings: { fit: fitSeconds, ...(trained.cvSeconds === null ? {} : { cv: trained.cvSeconds }) },
            model: fitted,
            features,
            target,
            ...(validation.kind === 'cv'
              ? {
                  outOfFold: {
                    predictions: validation.result.predictions,
                    ...(validation.result.probabilities === undefined
                      ? {}
                      : { probabilities: validation.result.probabilities }),
                  },
                }
              : {}),
          });

    const report = {
      source: redactPassword(source),
      rows: frame.rowCount,
      target: targetName,
      task: target.task,
      classes: target.classes,
      model: entry.name,
      params: model.params,
      validation,
      fitSeconds,
      preprocessing: preprocessing.notes,
      recorded,
    };
    process.stdout.write(values.json ? `${JSON.stringify(toJson(report), null, 2)}\n` : renderReport(report));
    return 0;
  },
});

function missingTarget(hint: string): never {
  throw missingOption('train', 'target', OPTIONS.target, hint);
}

interface Trained {
  readonly fitted: Model;
  readonly fitSeconds: number;
  readonly cvSeconds: number | null;
  readonly validation: Validation;
}

/** Fits the final model on every row, then scores it on the test file or cross-validates the estimator. */
function train(
  estimator: Estimator,
  features: Frame,
  target: Target,
  holdout: { file: string; rows: number; features: Frame; target: Target } | undefined,
  values: { metric?: string[]; 'no-shuffle'?: boolean },
  folds: number,
  seed: number,
  progress: Progress,
): Trained {
  const started = performance.now();
  const fitted = estimator.fit(features, target);
  const fitSeconds = (performance.now() - started) / 1000;
  if (holdout !== undefined) {
    const scores = holdoutScores(fitted, holdout.features, holdout.target, values.metric);
    const validation = { kind: 'test', file: holdout.file, rows: holdout.rows, scores } as const;
    return { fitted, fitSeconds, cvSeconds: null, validation };
  }
  const cvStarted = performance.now();
  const validation = crossValidateWithProgress(estimator, features, target, folds, values, seed, progress);
  return { fitted, fitSeconds, cvSeconds: (performance.now() - cvStarted) / 1000, validation };
}

function validationPoints(validation: Validation): MetricPoint[] {
  if (validation.kind === 'cv') return cvPoints(validation.result);
  return Object.entries(validation.scores).map(([name, value]) => ({ name, value }));
}

type Validation =
  | { kind: 'cv'; folds: number; stratified: boolean; shuffled: boolean; result: CrossValidationResult }
  | { kind: 'test'; file: string; rows: number; scores: Record<string, number> };

interface TrainReport {
  readonly source: string;
  readonly rows: number;
  readonly target: string;
  readonly task: Target['task'];
  readonly classes: readonly string[];
  readonly model: string;
  readonly params: Params;
  readonly validation: Validation;
  readonly fitSeconds: number;
  readonly preprocessing: readonly string[];
  readonly recorded: Recorded | null;
}

function crossValidateWithProgress(
  estimator: Estimator,
  features: Frame,
  target: Target,
  k: number,
  values: { 'no-shuffle'?: boolean; metric?: string[] },
  seed: number,
  progress: Progress,
): Validation {
  const stratified = target.task !== 'regression';
  const options = { k, shuffle: !values['no-shuffle'], seed };
  const cv = stratified ? stratifiedKFold(options) : kFold(options);
  progress.start(`${k}-fold cross-validation`);
  const result = crossValidate(estimator, features, target, {
    cv,
    metrics: values.metric,
    onFold: (done, total) => progress.update(done, total),
  });
  progress.finish();
  return { kind: 'cv', folds: k, stratified, shuffled: options.shuffle, result };
}

/** The test file's classes must be the training classes, by label. */
function alignedTarget(test: Target, train: Target, file: string): Target {
  if (train.task === 'regression') return test;
  const index = new Map(train.classes.map((label, i) => [label, i]));
  const values = Float64Array.from(test.values, (v) => {
    const label = test.classes[v]!;
    const mapped = index.get(label);
    if (mapped === undefined) {
      throw new UsageError(
        'usage.unseen-class',
        `the test file has the class "${label}", which training never saw`,
        {
          location: { source: file, column: test.name },
        },
      );
    }
    return mapped;
  });
  return { ...train, values };
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
