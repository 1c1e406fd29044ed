import { readTable } from '../data/read.js';
import { redactPassword } from '../data/sql.js';
import { type RetrainDecision, type RetrainEvent, retrain } from '../monitor/retrain/index.js';
import { defineCommand } from './command.js';
import { whole } from './option-kinds.js';
import { flag, text } from './options.js';
import { Progress } from './progress.js';
import { READ_OPTIONS, readOptionsFrom } from './read-options.js';
import { CHALLENGER_OPTIONS } from './retrain-options.js';
import { STORE_OPTIONS, withStore } from './store-option.js';
import { fmt } from './train-options.js';

export const retrainCommand = defineCommand({
  name: 'retrain',
  summary: 'train a challenger on new data and promote it if it beats the champion on a recent holdout',
  usage: [
    `keel retrain NAME --data SOURCE [--time 5m] [--margin M] [--holdout 0.2]
                    [--time-column COL] [--alias champion] [--dry-run] [--json]`,
  ],
  about: `Trains a challenger to NAME@champion on new labelled data, the way the
champion was trained: the same AutoML search (target, metric, algorithms,
folds, time and group columns, seed) within --time, or, for a model from
keel train, the same model with the same parameters. The most recent rows
are held out; the challenger learns from the rest, and both models are
scored on the holdout with the champion's metric. The challenger is always
registered (tagged retrain=challenger); it takes the alias only when it
scores better by more than --margin and the holdout does not drift against
its own training rows (nor break its schema). The decision, both scores and
the reasons are recorded as a run in experiment "retrain" (keel runs).
Keeping the champion is an answer, not an error: the exit code is 0 either way.`,
  args: [{ name: 'NAME', what: 'the registered model to retrain' }],
  options: {
    data: text({
      placeholder: 'SOURCE',
      help: 'the new data, with the target column (a file or a database URL); rows without a label are dropped',
      required: 'name the new labelled data: --data FILE_OR_QUERY',
    }),
    ...CHALLENGER_OPTIONS,
    'time-column': text({
      placeholder: 'COL',
      help: 'hold out the latest rows by this column instead',
      defaultHelp: "the AutoML run's time column, if it had one",
    }),
    threads: whole({ help: 'AutoML trials run at once', min: 1, defaultHelp: 'one per core' }),
    'dry-run': flag({ help: 'decide and report, but register, move and record nothing' }),
    json: flag({ help: 'print the decision as JSON on stdout' }),
    ...STORE_OPTIONS,
    ...READ_OPTIONS,
  },
  async run({ values, args: [name] }) {
    const source = values.data;
    const options = {
      model: name,
      source: redactPassword(source),
      ...(values.alias === undefined ? {} : { alias: values.alias }),
      ...(values.time === undefined ? {} : { timeBudgetSeconds: values.time }),
      ...(values['time-column'] === undefined ? {} : { timeColumn: values['time-column'] }),
      ...(values.holdout === undefined ? {} : { holdoutShare: values.holdout }),
      ...(values.margin === undefined ? {} : { margin: values.margin }),
      ...(values.threads === undefined ? {} : { threads: values.threads }),
      dryRun: values['dry-run'],
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
});

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
