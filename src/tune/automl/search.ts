import type { Frame } from '../../data/frame.js';
import { finish } from './finish.js';
import { type AutomlOptions, checkOptions, resolveAlgorithms } from './options.js';
import { portfolio } from './portfolio.js';
import { prepareAutoml } from './prepare.js';
import { HALVING_MIN_ROWS, Proposer } from './proposer.js';
import type { AutomlResult } from './result.js';
import { runSearch } from './run-search.js';
import { searchSpace } from './search-space.js';
import type { SearchLog } from './trial-log.js';
import { TrialPool } from './trial-pool.js';

/**
 * AutoML: a table and a target column in, the best model an honest search
 * finds within a time budget out, with the reasons. The steps:
 *
 * 1. `prepareAutoml` decides the task, the metric, the folds and the columns.
 * 2. A portfolio of known-good configurations runs first, so that any budget
 *    ends with a leaderboard of several algorithms.
 * 3. Then TPE proposes configurations per algorithm (the algorithm itself
 *    chosen by how well it has done); on larger tables new proposals first
 *    train on a third of each fold's rows, and only the best third of those
 *    earn a full-data trial (asynchronous successive halving).
 * 4. Greedy ensemble selection blends the best full-data trials' out-of-fold
 *    predictions; the blend wins only if it beats the best single model.
 * 5. The winner is refitted on every row.
 *
 * Every trial is scored on the same folds, so scores compare.
 */
export async function automl(frame: Frame, options: AutomlOptions): Promise<AutomlResult> {
  const started = performance.now();
  const settings = checkOptions(options);
  const prepared = prepareAutoml(frame, options);
  const algorithms = resolveAlgorithms(options.algorithms, prepared.task);
  const trainRows = Math.min(...prepared.folds.map((fold) => fold.train.length));
  const spaces = new Map(
    algorithms.map((a) => [a, searchSpace(a, { task: prepared.task, trainRows, seed: settings.seed })]),
  );
  const elapsed = (): number => (performance.now() - started) / 1000;
  options.onEvent?.({
    type: 'start',
    task: prepared.task,
    metric: prepared.metric,
    greaterIsBetter: prepared.greaterIsBetter,
    cv: prepared.cv,
    rows: prepared.target.values.length,
    features: prepared.features.names,
    dropped: prepared.dropped,
    algorithms,
    budgetSeconds: settings.budgetSeconds,
    maxTrials: options.maxTrials,
    threads: settings.threads,
  });
  const proposer = new Proposer({
    spaces,
    portfolio: portfolio(algorithms, prepared.target.values.length),
    halving: prepared.target.values.length > HALVING_MIN_ROWS,
    greaterIsBetter: prepared.greaterIsBetter,
    seed: settings.seed,
  });
  const pool = await TrialPool.open(
    {
      features: prepared.features,
      target: prepared.target,
      folds: prepared.folds,
      metric: prepared.metric,
      seed: settings.seed,
    },
    settings.threads,
  );
  let search: SearchLog;
  try {
    search = await runSearch(pool, proposer, prepared, settings, options, elapsed);
  } finally {
    await pool.close();
  }
  return finish(prepared, search, settings, options, elapsed);
}

// The public API stays importable from here: the parts live in modules of their own.
export { ENSEMBLE_MARGIN } from './blend.js';
export { type AutomlOptions, DECISION_LAG, DEFAULT_BUDGET_SECONDS } from './options.js';
export { HALVING_MIN_ROWS } from './proposer.js';
export type { AutomlEvent, AutomlResult, EnsembleSummary, LeaderboardEntry, StopReason } from './result.js';
