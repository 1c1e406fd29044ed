export {
  averageRanks,
  type Codes,
  correlationRatio,
  cramersV,
  discretize,
  MI_BINS,
  mutualInformation,
  pearson,
  pearsonMatrix,
  spearman,
  spearmanMatrix,
} from './associations.js';
export { countDuplicateRows } from './duplicates.js';
export {
  collectFindings,
  type FindingInputs,
  type MixedTypeNote,
  populationStabilityIndex,
  type Task,
} from './findings.js';
export { PARALLEL_MIN_CELLS, profileFrameAsync } from './parallel.js';
export { inferTask, type ProfileOptions, profileFrame, SAMPLE_ROWS } from './profile.js';
export { numericSummary, profileColumn, QUANTILE_LEVELS, sortedPresent } from './stats.js';
export type * from './types.js';
