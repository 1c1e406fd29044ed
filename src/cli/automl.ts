import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, extname, resolve } from 'node:path';
import { readTable } from '../data/read.js';
import { redactPassword } from '../data/sql.js';
import type { SupervisedTask } from '../estimator/contract.js';
import { type TrainedAutoml, trainAutoml } from '../train/automl.js';
import type { AutomlEvent, AutomlOptions } from '../tune/automl/index.js';
import { automlJson, renderAutomlSummary } from './automl-output.js';
import { defineCommand } from './command.js';
import { showDuration } from './duration.js';
import { duration, whole } from './option-kinds.js';
import { choice, flag, list, text, type Values } from './options.js';
import { Progress } from './progress.js';
import { READ_OPTIONS, readOptionsFrom } from './read-options.js';
import { fmt } from './train-options.js';
import { openRecording, TRACKING_OPTIONS } from './train-tracking.js';

const TASKS: readonly SupervisedTask[] = ['regression', 'binary', 'multiclass'];

/** The search budget when neither --time nor --trials says when to stop. */
const DEFAULT_BUDGET_SECONDS = 300;

const OPTIONS = {
  target: text({
    placeholder: 'COL',
    help: 'the column to predict',
    required: 'name the column to predict: --target COL',
  }),
  time: duration({
    help: 'the search budget: 60s, 5m, 1h',
    defaultHelp: `${showDuration(DEFAULT_BUDGET_SECONDS)}, or none with --trials`,
  }),
  trials: whole({ help: 'stop after N trials: with a seed, the same search on any machine', min: 1 }),
  metric: text({
    placeholder: 'NAME',
    help: 'what to optimise',
    defaultHelp: 'roc_auc for two classes, log_loss for more, rmse for numbers',
  }),
  cv: whole({
    placeholder: 'K',
    help: 'folds; fewer when a class is rarer than K rows',
    min: 2,
    defaultHelp: '5',
  }),
  'time-column': text({
    placeholder: 'COL',
    help: 'rows are ordered in time: train on the past, validate on the future',
  }),
  'group-column': text({
    placeholder: 'COL',
    help: 'rows of one group (a patient, a customer) never straddle folds',
  }),
  sensitive: list({
    placeholder: 'COL',
    help: "audit the model's fairness across this column's groups; the column is left out of the features unless --allow-sensitive-features",
    default: [],
  }),
  'allow-sensitive-features': flag({ help: 'keep sensitive columns as features' }),
  algorithms: list({ help: 'only these (keel train --list shows the names)' }),
  task: choice(TASKS, {
    placeholder: 'TASK',
    help: 'regression, binary or multiclass',
    defaultHelp: 'from the target',
  }),
  seed: whole({
    help: 'seed for every random choice: the same seed and data give the same search, up to what the time budget cuts short',
    min: 0,
    default: 0,
  }),
  threads: whole({ help: 'trials run at once', min: 1, defaultHelp: 'one per core' }),
  report: text({
    placeholder: 'FILE',
    help: 'where to write the HTML report',
    defaultHelp: 'SOURCE-automl.html',
  }),
  'no-register': flag({
    help: 'do not register the winner (by default it becomes the next version of --register NAME, else of a model named after the file)',
  }),
  json: flag({ help: 'print the result as JSON on stdout' }),
  ...TRACKING_OPTIONS,
  ...READ_OPTIONS,
};

export const automlCommand = defineCommand({
  name: 'automl',
  summary: 'search models and hyperparameters within a time budget; report and register the best',
  usage: [
    `keel automl SOURCE --target COL [--time 5m] [--metric NAME] [--cv K]
                  [--time-column COL] [--group-column COL] [--sensitive COL …]
                  [--register NAME] [--report FILE] [--json]`,
  ],
  about: `Finds the best model for predicting COL within a time budget, honestly: it
profiles the data, drops ID-like and leaking columns (and says so), tries
gradient boosting, random forests, extra trees, linear and logistic models,
kNN, naive Bayes and MLPs with preprocessing chosen for each, tunes them with
cross-validation that matches the data, blends the best into an ensemble when
that scores better, refits the winner on every row, and writes an HTML report
that explains what it found. Every trial is recorded as a child run.

Ctrl-C stops the search cleanly: the best model so far is refitted, registered
and reported. A second Ctrl-C quits at once.`,
  args: [{ name: 'SOURCE', what: 'the table to learn from (a file or a database URL)' }],
  options: OPTIONS,
  async run({ values, args: [source] }) {
    const { target, trials, seed, sensitive } = values;
    // A trial count alone is an exact stopping rule; a clock would make the search depend on the machine.
    const budget =
      values.time === undefined && trials !== undefined
        ? Number.POSITIVE_INFINITY
        : (values.time ?? DEFAULT_BUDGET_SECONDS);
    const reportPath = resolve(values.report ?? defaultReportPath(source));
    const progress = new Progress();

    progress.start(`reading ${redactPassword(source)}`);
    const readOptions = readOptionsFrom(values);
    const frame = await readTable(source, readOptions);
    progress.finish(`${frame.rowCount.toLocaleString('en-US')} rows, ${frame.columnCount} columns`);
    for (const column of [target, ...sensitive]) frame.column(column); // unknown names fail before the search

    const options = searchOptions(values, target, budget, trials, seed, sensitive);
    const recording = await openRecording({ ...values, register: registerName(values, source) });
    const stop = stopOnSignal();
    const ticker = budgetTicker(progress, budget, trials);
    let trained: TrainedAutoml;
    try {
      trained = await trainAutoml(
        { ...options, source: redactPassword(source), read: readOptions, sensitive },
        frame,
        {
          ...(recording === null ? {} : { recording }),
          signal: stop.signal,
          onEvent: ticker.onEvent,
          onReport: () => progress.start('explaining the model and writing the report'),
        },
      );
    } finally {
      ticker.stop();
      stop.dispose();
      await recording?.store.close();
    }
    const { result, recorded } = trained;
    const report = { path: reportPath, fairness: trained.report.fairness ?? null };
    writeAtomically(reportPath, trained.html);
    progress.finish(reportPath);
    process.stdout.write(
      values.json
        ? `${JSON.stringify(automlJson(result, recorded, report), null, 2)}\n`
        : renderAutomlSummary(result, recorded, report),
    );
    return 0;
  },
});

/** A temporary file renamed into place: a reader never sees half a report. */
function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function searchOptions(
  values: Values<typeof OPTIONS>,
  target: string,
  budget: number,
  trials: number | undefined,
  seed: number,
  sensitive: readonly string[],
): AutomlOptions {
  return {
    target,
    ...(Number.isFinite(budget) ? { timeBudgetSeconds: budget } : {}),
    ...(trials === undefined ? {} : { maxTrials: trials }),
    seed,
    threads: values.threads ?? availableParallelism(),
    ...(values.task === undefined ? {} : { task: values.task }),
    ...(values.metric === undefined ? {} : { metric: values.metric }),
    ...(values.cv === undefined ? {} : { folds: values.cv }),
    ...(values['time-column'] === undefined ? {} : { timeColumn: values['time-column'] }),
    ...(values['group-column'] === undefined ? {} : { groupColumn: values['group-column'] }),
    ...(values.algorithms === undefined ? {} : { algorithms: values.algorithms }),
    exclude: values['allow-sensitive-features'] ? [] : [...sensitive],
  };
}

function sourceName(source: string): string {
  return /^[a-z]+:\/\//i.test(source) ? 'query' : basename(source, extname(source));
}

function defaultReportPath(source: string): string {
  return `${sourceName(source)}-automl.html`;
}

/**
 * AutoML's point is a model ready to serve, so the winner is registered by
 * default, under --register NAME or else the file's name (made a valid model
 * name); --no-register or --no-track keep the store's model list as it was.
 */
function registerName(
  values: { register?: string; 'no-register'?: boolean; 'no-track'?: boolean },
  source: string,
): string | undefined {
  if (values.register !== undefined) return values.register;
  if (values['no-register'] || values['no-track']) return undefined;
  const name = sourceName(source)
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
  return name === '' ? 'automl' : name;
}

/**
 * The first Ctrl-C (or SIGTERM) asks the search to stop and keep its best
 * model; the second ends the process at once, as a user pressing it twice
 * means.
 */
function stopOnSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\nkeel automl: ${name}: stopping; keeping the best model so far (again to quit)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * The bar measures the time budget (trials take unequal time, so their count
 * says little about what is left), or the trial count when there is no clock;
 * the line also says how many trials are done and the best score so far.
 * Redrawn every second while trials run in workers.
 */
function budgetTicker(progress: Progress, budgetSeconds: number, maxTrials: number | undefined) {
  const started = Date.now();
  let detail = 'starting';
  let searching = true;
  let trialsDone = 0;
  const draw = () => {
    if (!searching) return;
    if (Number.isFinite(budgetSeconds) || maxTrials === undefined) {
      progress.update(Math.min(budgetSeconds, (Date.now() - started) / 1000), budgetSeconds, detail);
    } else {
      progress.update(Math.min(maxTrials, trialsDone), maxTrials, detail);
    }
  };
  progress.start('automl');
  const timer = setInterval(draw, 1000);
  timer.unref();
  const onEvent = (event: AutomlEvent) => {
    if (event.type === 'trial') {
      const best = event.best;
      trialsDone = event.trialsDone;
      const bestText = best === undefined ? 'no model yet' : `best ${fmt(best.score)} (${best.model})`;
      detail = `${event.trialsDone} trials · ${bestText}`;
      draw();
    } else if (event.type === 'phase') {
      progress.finish(searching ? detail : undefined);
      searching = false;
      progress.start(
        event.phase === 'ensemble' ? 'building an ensemble' : 'refitting the winner on every row',
      );
    } else if (event.type === 'done') {
      progress.finish(searching ? detail : undefined);
      searching = false;
    }
  };
  return {
    onEvent,
    stop() {
      clearInterval(timer);
    },
  };
}
