/**
 * AutoML (issue 6): `automl()` searches algorithms and hyperparameters on
 * a table within a time budget and returns the refitted winner with its
 * leaderboard and reasons. The parts are exported too, for a search of
 * one's own: the trial runner and its pool, search spaces, the portfolio,
 * TPE, and ensemble selection.
 */
export {
  type EnsembleCandidate,
  type EnsembleOptions,
  type EnsembleSelection,
  selectEnsemble,
} from './ensemble.js';
export { DEFAULT_ALGORITHMS, type PortfolioEntry, portfolio } from './portfolio.js';
export {
  type CvChoice,
  type CvKind,
  DEFAULT_FOLDS,
  DEFAULT_METRIC,
  type DroppedColumn,
  type Prepared,
  type PrepareOptions,
  prepareAutoml,
} from './prepare.js';
export {
  type AutomlEvent,
  type AutomlOptions,
  type AutomlResult,
  automl,
  DECISION_LAG,
  DEFAULT_BUDGET_SECONDS,
  ENSEMBLE_MARGIN,
  type EnsembleSummary,
  HALVING_MIN_ROWS,
  type LeaderboardEntry,
  type StopReason,
} from './search.js';
export {
  type Choice,
  configKey,
  type Dimension,
  type SearchSpace,
  type SpaceContext,
  samplePrior,
  searchableAlgorithms,
  searchSpace,
} from './search-space.js';
export {
  type AlgorithmRecord,
  chooseAlgorithm,
  type Observation,
  proposeTpe,
  type TpeOptions,
} from './tpe.js';
export { runTrial, type TrialData, type TrialOutcome, type TrialSpec, trialEstimator } from './trial.js';
export { TrialPool } from './trial-pool.js';
