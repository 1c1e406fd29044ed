// The keel side of bench/automl.mjs, one outer fold per process (a crash
// then loses that fold only, and each fold starts from a fresh process):
// `automl` searches on the fold's training rows (from the folds file written
// by automl_sklearn.py) within the time budget, and its refitted winner
// predicts the held-out rows. Writes the held-out rows, predictions (class
// probabilities with their labels, or values), seconds, trial counts and the
// winner to OUT as JSON; an error in automl or in predicting is recorded
// there with its stack. Runs on the built library (dist/, or KEEL_DIST).
//   node bench/peers/automl-keel.mjs FILE TARGET TASK FOLDS_JSON FOLD OUT SECONDS THREADS
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const dist = process.env.KEEL_DIST
  ? pathToFileURL(`${process.env.KEEL_DIST}/`).href
  : new URL('../../dist/', import.meta.url).href;
const { readTable } = await import(`${dist}index.js`);
const { automl } = await import(`${dist}tune/automl/index.js`);

const [path, targetName, task, foldsPath, foldArg, out, secondsPerFold, threads] = process.argv.slice(2);
const foldOfRow = JSON.parse(readFileSync(foldsPath, 'utf8'));
const frame = await readTable(path);
if (frame.rowCount !== foldOfRow.length) {
  throw new Error(`keel read ${frame.rowCount} rows from ${path}, the folds file has ${foldOfRow.length}`);
}

/** The winner in a few words: an algorithm, or an ensemble's members with their weights. */
function describeWinner(result) {
  if (result.best.algorithm !== 'ensemble' || result.ensemble === undefined) {
    return { model: result.best.model, algorithm: result.best.algorithm };
  }
  const members = result.ensemble.members.map((m) => ({ algorithm: m.algorithm, weight: m.weight }));
  return { model: 'ensemble', algorithm: 'ensemble', members };
}

async function runFold(fold) {
  const trainRows = [];
  const testRows = [];
  for (let i = 0; i < foldOfRow.length; i++) (foldOfRow[i] === fold ? testRows : trainRows).push(i);
  const started = performance.now();
  // When the search ended and the refit began, to tell search time from refit time.
  const phases = {};
  const result = await automl(frame.take(trainRows), {
    target: targetName,
    task,
    timeBudgetSeconds: Number(secondsPerFold),
    seed: 0,
    threads: Number(threads),
    onEvent: (event) => {
      if (event.type === 'phase') phases[event.phase] = event.elapsedSeconds;
    },
  });
  const test = frame.take(testRows).drop([targetName]);
  const output =
    task === 'regression'
      ? { predictions: Array.from(result.model.predict(test)) }
      : {
          probabilities: Array.from(result.model.predictProba(test)),
          classes: [...(result.model.classes ?? result.target.classes)],
        };
  return {
    fold,
    testRows,
    ...output,
    seconds: (performance.now() - started) / 1000,
    searchSeconds: phases.ensemble ?? result.elapsedSeconds,
    refitSeconds: result.elapsedSeconds - (phases.refit ?? result.elapsedSeconds),
    trials: result.trials.length,
    failedTrials: result.trials.filter((t) => t.outcome.status !== 'ok').length,
    fullDataModels: result.leaderboard.filter((e) => e.algorithm !== 'ensemble').length,
    algorithms: [...new Set(result.leaderboard.map((e) => e.algorithm))],
    task: result.task,
    metric: result.metric,
    innerCvScore: result.best.score,
    winner: describeWinner(result),
    stopped: result.stopped,
  };
}

const fold = Number(foldArg);
let entry;
try {
  entry = await runFold(fold);
  const w = entry.winner;
  console.error(
    `  keel fold ${fold}: ${entry.trials} trials, ${entry.seconds.toFixed(1)} s, winner ${w.model}` +
      (w.members ? ` (${w.members.map((m) => m.algorithm).join(', ')})` : ''),
  );
} catch (error) {
  entry = { fold, error: String(error?.message ?? error), stack: String(error?.stack ?? '') };
  console.error(`  keel fold ${fold} failed: ${error?.stack ?? error}`);
}
writeFileSync(out, JSON.stringify({ rows: frame.rowCount, ...entry }));
