import type { Model, Params, SupervisedTask, Target } from '../../estimator/contract.js';
import type { Profile } from '../../profile/types.js';
import type { Fold } from '../splitters.js';
import type { CvChoice, DroppedColumn } from './prepare.js';
import type { TrialOutcome, TrialSpec } from './trial.js';

export interface LeaderboardEntry {
  /** e.g. 'gbdt #7', or 'ensemble'. */
  readonly model: string;
  readonly algorithm: string;
  readonly params: Params;
  /** The metric's raw value, averaged over folds. */
  readonly score: number;
  readonly std: number;
  readonly foldScores: readonly number[];
  /** Fit seconds summed over folds (over members, for the ensemble). */
  readonly fitSeconds: number;
  /** The trial's id (-1 for the ensemble). */
  readonly trial: number;
}

export interface EnsembleSummary {
  readonly members: readonly { trial: number; algorithm: string; weight: number }[];
  readonly score: number;
  readonly std: number;
  readonly chosen: boolean;
}

export type StopReason = 'budget' | 'max-trials' | 'aborted' | 'exhausted';

export interface AutomlResult {
  readonly task: SupervisedTask;
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  readonly cv: CvChoice;
  readonly features: readonly string[];
  readonly dropped: readonly DroppedColumn[];
  readonly notes: readonly string[];
  /** Completed full-data trials (best per configuration) and the ensemble if one was built, best first. */
  readonly leaderboard: readonly LeaderboardEntry[];
  /** Every trial in id order, halving rungs and failures included. */
  readonly trials: readonly { spec: TrialSpec; outcome: TrialOutcome }[];
  readonly best: LeaderboardEntry;
  readonly ensemble?: EnsembleSummary;
  /** The winner refitted on every row. */
  readonly model: Model;
  /** The winner's out-of-fold predictions, aligned with `target`. */
  readonly oof: { readonly predictions: Float64Array; readonly probabilities?: Float64Array };
  readonly target: Target;
  /** The input frame's row of each row of `target` and `oof` (rows without a target are left out; a time column sorts). */
  readonly rows: Int32Array;
  /** The folds every trial was scored on (row numbers into `target`), for per-fold figures of the winner. */
  readonly folds: readonly Fold[];
  /** The profile the search read the table with (its findings go in the report). */
  readonly profile: Profile;
  /** A plain sentence on why the winner won. */
  readonly why: string;
  readonly elapsedSeconds: number;
  readonly stopped: StopReason;
}

export type AutomlEvent =
  | {
      readonly type: 'start';
      readonly task: SupervisedTask;
      readonly metric: string;
      readonly greaterIsBetter: boolean;
      readonly cv: CvChoice;
      readonly rows: number;
      readonly features: readonly string[];
      readonly dropped: readonly DroppedColumn[];
      readonly algorithms: readonly string[];
      readonly budgetSeconds: number;
      readonly maxTrials: number | undefined;
      readonly threads: number;
    }
  | {
      readonly type: 'trial';
      readonly spec: TrialSpec;
      readonly outcome: TrialOutcome;
      /** The best full-data trial so far. */
      readonly best: LeaderboardEntry | undefined;
      readonly trialsDone: number;
      readonly elapsedSeconds: number;
      readonly budgetSeconds: number;
    }
  | { readonly type: 'phase'; readonly phase: 'ensemble' | 'refit'; readonly elapsedSeconds: number }
  | {
      readonly type: 'done';
      readonly best: LeaderboardEntry;
      readonly stopped: StopReason;
      readonly elapsedSeconds: number;
    };
