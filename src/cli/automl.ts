import { availableParallelism } from 'node:os';
import { basename, extname, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { readTable } from '../data/read.js';
import { redactPassword } from '../data/sql.js';
import type { SupervisedTask } from '../estimator/contract.js';
import { KEEL_VERSION } from '../registry/version.js';
import { type AutomlEvent, type AutomlOptions, automl } from '../tune/automl/index.js';
import { onePositional, parseCommandArgs, READ_OPTIONS, READ_OPTIONS_HELP, readOptionsFrom } from './args.js';
import { automlJson, renderAutomlSummary } from './automl-output.js';
import { buildAndWriteReport, recordAutoml, startAutomlRun, type WrittenReport } from './automl-tracking.js';
import { parseDuration } from './duration.js';
import type { Command } from './main.js';
import { Progress } from './progress.js';
import { fmt, integerOption, required } from './train-options.js';
import { type Recorded, TRACKING_HELP, TRACKING_OPTIONS } from './train-tracking.js';

const USAGE = `Usage: keel automl SOURCE --target COL [--time 5m] [--metric NAME] [--cv K]
                  [--time-column COL] [--group-column COL] [--sensitive COL …]
                  [--register NAME] [--report FILE] [--json]

Finds the best model for predicting COL within a time budget, honestly: it
profiles the data, drops ID-like and leaking columns (and says so), tries
gradient boosting, random forests, extra trees, linear and logistic models,
kNN, naive Bayes and MLPs with preprocessing chosen for each, tunes them with
cross-validation that matches the data, blends the best into an ensemble when
that scores better, refits the winner on every row, and writes an HTML report
that explains what it found. Every trial is recorded as a child run.

Options:
  --target COL          the column to predict
  --time T              the search budget: 60s, 5m, 1h (default 5m, or none with --trials)
  --trials N            stop after N trials: with a seed, the same search on any machine
  --metric NAME         what to optimise (default: roc_auc for two classes, log_loss
                        for more, rmse for numbers)
  --cv K                folds (default 5; fewer when a class is rarer than K rows)
  --time-column COL     rows are ordered in time: train on the past, validate on the future
  --group-column COL    rows of one group (a patient, a customer) never straddle folds
  --sensitive COL       audit the model's fairness across this column's groups (repeatable);
                        the column is left out of the features unless
                        --allow-sensitive-features
  --allow-sensitive-features  keep sensitive columns as features
  --algorithms A,B,…    only these (keel train --list shows the names)
  --task TASK           regression, binary or multiclass (default: from the target)
  --seed N              seed for every random choice (default 0): the same seed and data
                        give the same search, up to what the time budget cuts short
  --threads N           trials run at once (default: one per core)
  --report FILE         where to write the HTML report (default SOURCE-automl.html)
  --no-register         do not register the winner (by default it becomes the next version
                        of --register NAME, else of a model named after the file)
  --json                print the result as JSON on stdout

Ctrl-C stops the search cleanly: the best model so far is refitted, registered
and reported. A second Ctrl-C quits at once.

${TRACKING_HELP}

${READ_OPTIONS_HELP}`;

export const automlCommand: Command = {
  name: 'automl',
  summary: 'search models and hyperparameters within a time budget; report and register the best',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs('automl', args, {
      ...READ_OPTIONS,
      ...TRACKING_OPTIONS,
      target: { type: 'string' },
      time: { type: 'string' },
      trials: { type: 'string' },
      metric: { type: 'string' },
      cv: { type: 'string' },
      'time-column': { type: 'string' },
      'group-column': { type: 'string' },
      sensitive: { type: 'string', multiple: true },
      'allow-sensitive-features': { type: 'boolean' },
      algorithms: { type: 'string' },
      task: { type: 'string' },
      seed: { type: 'string' },
      threads: { type: 'string' },
      report: { type: 'string' },
      'no-register': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const source = onePositional('automl', positionals, 'table to learn from (a file or a database URL)');
    const target = required(values.target, 'target', 'name the column to predict: --target COL');
    const trials = values.trials === undefined ? undefined : integerOption(values.trials, 'trials', 1);
    // A trial count alone is an exact stopping rule; a clock would make the search depend on the machine.
    const budget =
      values.time === undefined && trials !== undefined
        ? Number.POSITIVE_INFINITY
        : parseDuration(values.time ?? '5m', 'time');
    const seed = integerOption(values.seed ?? '0', 'seed', 0);
    const sensitive = listOption(values.sensitive ?? []);
    const reportPath = resolve(values.report ?? defaultReportPath(source));
    const progress = new Progress();

    progress.start(`reading ${redactPassword(source)}`);
    const frame = await readTable(source, readOptionsFrom(values));
    progress.finish(`${frame.rowCount.toLocaleString('en-US')} rows, ${frame.columnCount} columns`);
    for (const column of [target, ...sensitive]) frame.column(column); // unknown names fail before the search

    const options = searchOptions(values, target, budget, trials, seed, sensitive);
    const tracking = { ...values, register: registerName(values, source) };
    const tracked = await startAutomlRun(tracking, frame, redactPassword(source), options);
    const stop = stopOnSignal();
    const ticker = budgetTicker(progress, budget, trials);
    let result: Awaited<ReturnType<typeof automl>>;
    try {
      result = await automl(frame, { ...options, signal: stop.signal, onEvent: ticker.onEvent });
    } catch (error) {
      ticker.stop();
      stop.dispose();
      await tracked?.fail(error);
      throw error;
    }
    ticker.stop();
    stop.dispose();
    let recorded: Recorded | null = null;
    let report: WrittenReport;
    try {
      recorded = tracked === null ? null : await recordAutoml(tracked, tracking, result, frame);
      progress.start('explaining the model and writing the report');
      report = await buildAndWriteReport({
        result,
        frame,
        source: redactPassword(source),
        sensitive,
        budgetSeconds: Number.isFinite(budget) ? budget : null,
        keelVersion: KEEL_VERSION,
        seed,
        recorded,
        path: reportPath,
        tracked,
      });
      progress.finish(report.path);
    } finally {
      await tracked?.close();
    }
    process.stdout.write(
      values.json
        ? `${JSON.stringify(automlJson(result, recorded, report), null, 2)}\n`
        : renderAutomlSummary(result, recorded, report),
    );
    return 0;
  },
};

type AutomlFlags = {
  task?: string;
  metric?: string;
  cv?: string;
  threads?: string;
  algorithms?: string;
  'time-column'?: string;
  'group-column'?: string;
  'allow-sensitive-features'?: boolean;
};

function searchOptions(
  values: AutomlFlags,
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
    threads: integerOption(values.threads ?? String(availableParallelism()), 'threads', 1),
    ...(values.task === undefined ? {} : { task: taskOption(values.task) }),
    ...(values.metric === undefined ? {} : { metric: values.metric }),
    ...(values.cv === undefined ? {} : { folds: integerOption(values.cv, 'cv', 2) }),
    ...(values['time-column'] === undefined ? {} : { timeColumn: values['time-column'] }),
    ...(values['group-column'] === undefined ? {} : { groupColumn: values['group-column'] }),
    ...(values.algorithms === undefined ? {} : { algorithms: listOption([values.algorithms]) }),
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

function listOption(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function taskOption(text: string): SupervisedTask {
  if (text === 'regression' || text === 'binary' || text === 'multiclass') return text;
  throw new UsageError('usage.bad-option', `--task must be regression, binary or multiclass, not "${text}"`, {
    location: { field: 'task' },
  });
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
