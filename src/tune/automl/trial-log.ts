import type { StopReason } from './result.js';
import type { TrialOutcome, TrialSpec } from './trial.js';

/** One trial of a search: its spec, and its outcome once it has finished. */
export interface Trial {
  readonly spec: TrialSpec;
  outcome?: TrialOutcome;
}

export function isFullData(spec: TrialSpec): boolean {
  return spec.trainShare === undefined || spec.trainShare >= 1;
}

export interface SearchLog {
  readonly trials: readonly Required<Trial>[];
  readonly stopped: StopReason;
}
