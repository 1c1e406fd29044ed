import { UsageError } from '../core/errors.js';
import { readTable } from '../data/read.js';
import { redactPassword } from '../data/sql.js';
import {
  RETRAIN_DEFAULTS,
  type RetrainDecision,
  type RetrainEvent,
  retrain,
} from '../monitor/retrain/index.js';
import { onePositional, parseCommandArgs, READ_OPTIONS, READ_OPTIONS_HELP, readOptionsFrom } from './args.js';
import { parseDuration } from './duration.js';
import type { Command } from './main.js';
import { Progress } from './progress.js';
import { STORE_OPTION, STORE_OPTION_HELP, withStore } from './store-option.js';
import { fmt, integerOption, required } from './train-options.js';

const USAGE = `Usage: keel retrain NAME --data SOURCE [--time 5m] [--margin M] [--holdout 0.2]
                    [--time-column COL] [--alias champion] [--dry-run] [--json]

Trains a challenger to NAME@champion on new labelled data, the way the
champion was trained: the same AutoML search (target, metric, algorithms,
folds, time and group columns, seed) within --time, or, for a model from
keel train, the same model with the same parameters. The most recent rows
are held out; the challenger learns from the rest, and both models are
scored on the holdout with the champion's metric. The challenger is always
registered (tagged retrain=challenger); it takes the alias only when it
scores better by more than --margin and the holdout does not drift against
its own training rows (nor break its schema). The decision, both scores and
the reasons are recorded as a run in experiment "retrain" (keel runs).
Keeping the champion is an answer, not an error: the exit code is 0 either way.

Options:
  --data SOURCE        the new data, with the target column (a file or a database URL);
                       rows without a label are dropped
  --alias A            the champion's alias (default champion; without one, the latest
                       version is the champion and a promotion creates the alias)
  --time T             the AutoML budget: 60s, 5m, 1h (default 5m; a model from keel train
                       is refitted, which the budget does not limit)
  --holdout SHARE      the share of rows held out, the last ones in file order (default 0.2;
                       at least ${RETRAIN_DEFAULTS.minRows} labelled rows)
  --time-column COL    hold out the latest rows by this column instead (default: the AutoML
                       run's time column, if it had one)
  --margin M           how much better the challenger must score, in the metric's units
                       (default 0: any improvement)
  --threads N          AutoML trials run at once (default: one per core)
  --dry-run            decide and report, but register, move and record nothing
  --json               print the decision as JSON on stdout
${STORE_OPTION_HELP}

${READ_OPTIONS_HELP}`;

export const retrainCommand: Command = {
  name: 'retrain',
  summary: 'train a challenger on new data and promote it if it beats the champion on a recent holdout',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs('retrain', args, {
      ...READ_OPTIONS,
      ...STORE_OPTION,
      data: { type: 'string' },
      alias: { type: 'string' },
      time: { type: 'string' },
      holdout: { type: 'string' },
      'time-column': { type: 'string' },
      margin: { type: 'string' },
      threads: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const name = onePositional('retrain', positionals, 'registered model to retrain');
    const source = required(values.data, 'data', 'name the new labelled data: --data FILE_OR_QUERY');
    const options = {
      model: name,
      source: redactPassword(source),
      ...(values.alias === undefined ? {} : { alias: values.alias }),
      ...(values.time === undefined ? {} : { timeBudgetSeconds: parseDuration(values.time, 'time') }),
      ...(values['time-column'] === undefined ? {} : { timeColumn: values['time-column'] }),
      ...(values.holdout === undefined ? {} : { holdoutShare: shareOption(values.holdout) }),
      ...(values.margin === undefined ? {} : { margin: marginOption(values.margin) }),
      ...(values.threads === undefined ? {} : { threads: integerOption(values.threads, 'threads', 1) }),
      dryRun: values['dry-run'] === true,
    };
    const progress = new Progress();
    progress.start(`reading ${redactPassword(source)}`);
    const data = await readTable(source, readOptionsFrom(values));
    progress.finish(`${data.rowCount.toLocaleString('en-US')} rows`);
    const decision = await withStore(values.store, (store) =>
      retrain(store, { ...options, data, onEvent: progressHandler(progress) }),
    );
    process.stdout.write(
      values.json
        ? `${JSON.stringify(decision, null, 2)}\n`
        : renderDecision(decision, redactPassword(source)),
    );
    return 0;
  },
};

/** Each stage on its own progress line; AutoML's trials redraw the search's line against its budget. */
function progressHandler(progress: Progress): (event: RetrainEvent) => void {
  let open = false;
  return (event) => {
    if (event.type === 'stage') {
      if (open) progress.finish();
      progress.start(event.message);
      open = true;
    } else if (event.event.type === 'trial') {
      const { trialsDone, best, elapsedSeconds, budgetSeconds } = event.event;
      const bestText = best === undefined ? 'no model yet' : `best ${fmt(best.score)} (${best.model})`;
      progress.update(
        Math.min(elapsedSeconds, budgetSeconds),
        budgetSeconds,
        `${trialsDone} trials · ${bestText}`,
      );
    }
  };
}

function shareOption(text: string): number {
  const share = Number(text);
  if (share > 0 && share < 1) return share;
  throw new UsageError('usage.bad-option', `--holdout must be a share between 0 and 1, not "${text}"`, {
    location: { field: 'holdout' },
    hint: 'e.g. --holdout 0.2 holds out the last fifth of the rows',
  });
}

function marginOption(text: string): number {
  const margin = Number(text);
  if (text.trim() !== '' && Number.isFinite(margin) && margin >= 0) return margin;
  throw new UsageError('usage.bad-option', `--margin must be a number ≥ 0, not "${text}"`, {
    location: { field: 'margin' },
    hint: "in the metric's units, e.g. --margin 0.01 for an AUC, --margin 50 for an RMSE in dollars",
  });
}

function renderDecision(d: RetrainDecision, source: string): string {
  const direction = d.greaterIsBetter ? 'higher is better' : 'lower is better';
  const challenger =
    d.challenger.version === null ? 'challenger' : `challenger version ${d.challenger.version}`;
  const lines = [
    `${d.model}: champion version ${d.champion.version} against a ${challenger} (${d.challenger.trainedBy}) trained on ${source}`,
    `  ${d.rows.training.toLocaleString('en-US')} training rows, ${d.rows.holdout.toLocaleString('en-US')} holdout rows (${d.holdout})${d.rows.unlabelled > 0 ? `, ${d.rows.unlabelled.toLocaleString('en-US')} unlabelled rows dropped` : ''}`,
    '',
    `  ${d.metric} (${direction})`,
    `    champion    ${fmt(d.champion.score)}`,
    `    challenger  ${fmt(d.challenger.score)}`,
    `    margin      ${d.margin}`,
    '',
    `Decision: ${decisionLine(d)}`,
    '',
    'Reasons:',
    ...d.reasons.map((r) => `  - ${r}`),
  ];
  if (d.notes.length > 0) lines.push('', 'Notes:', ...d.notes.map((n) => `  - ${n}`));
  lines.push('');
  if (d.runId !== null) {
    const short = d.runId.slice(0, 8);
    lines.push(`Recorded as run ${short} in experiment "retrain" (keel runs show ${short}).`, '');
  }
  return lines.join('\n');
}

function decisionLine(d: RetrainDecision): string {
  if (d.dryRun) {
    return d.promoted
      ? `the challenger would be promoted (dry run: nothing registered, moved or recorded)`
      : `the champion would be kept (dry run: nothing registered, moved or recorded)`;
  }
  return d.promoted
    ? `promoted: "${d.alias}" now names version ${d.challenger.version}`
    : `kept: "${d.alias}" still names version ${d.champion.version}`;
}
