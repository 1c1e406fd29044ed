import { availableParallelism } from 'node:os';
import { UsageError } from '../../core/errors.js';
import type { SupervisedTask } from '../../estimator/contract.js';
import { DEFAULT_ALGORITHMS } from './portfolio.js';
import type { AutomlEvent } from './result.js';
import { searchSpace } from './search-space.js';

/** What `automl()` is asked to do; every field but the target has a default. */
export interface AutomlOptions {
  readonly target: string;
  /** Default: inferred from the target column (the profile's rule). */
  readonly task?: SupervisedTask;
  /** Default: binary roc_auc, multiclass log_loss, regression rmse. */
  readonly metric?: string;
  /** Default 300, or no limit when maxTrials is given; no trial starts once it is spent. */
  readonly timeBudgetSeconds?: number;
  /** At most this many trials (halving rungs and failures count). */
  readonly maxTrials?: number;
  /** Default 5. */
  readonly folds?: number;
  /** Time-ordered folds; the column orders rows and is not a feature. */
  readonly timeColumn?: string;
  /** Grouped folds; the column is not a feature. */
  readonly groupColumn?: string;
  /** Columns never used as features (a fairness audit passes its sensitive columns). */
  readonly exclude?: readonly string[];
  /** Catalog names; default: every searchable algorithm that does the task (DEFAULT_ALGORITHMS). */
  readonly algorithms?: readonly string[];
  /** Default 0. */
  readonly seed?: number;
  /** Trials run side by side; default os.availableParallelism(). */
  readonly threads?: number;
  /** Default true. */
  readonly ensemble?: boolean;
  /** Aborting stops starting trials, cancels running ones, and finishes with the best so far. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: AutomlEvent) => void;
}

export const DEFAULT_BUDGET_SECONDS = 300;

/**
 * Proposal i is decided from the outcomes of trials 0 … i − LAG only, never
 * from whichever later trials happen to have finished, so a seed gives the
 * same sequence of trials for any number of threads up to LAG and any
 * finishing order. The cost: up to LAG − 1 recent outcomes are not yet used
 * by each proposal, and a slow trial can hold back the start of the trial
 * LAG places after it (its thread waits). More threads than LAG raise the
 * lag to the thread count (still deterministic for that count).
 */
export const DECISION_LAG = 4;

export interface Settings {
  readonly seed: number;
  readonly threads: number;
  readonly budgetSeconds: number;
  readonly maxTrials: number;
  readonly lag: number;
}

export function checkOptions(options: AutomlOptions): Settings {
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) {
    throw new UsageError('automl.seed', `seed must be a whole number from 0 to 2^32 − 1, got ${seed}`, {
      location: { field: 'seed' },
    });
  }
  const threads = options.threads ?? availableParallelism();
  if (!Number.isSafeInteger(threads) || threads < 1) {
    throw new UsageError('automl.threads', `threads must be a whole number ≥ 1, got ${threads}`, {
      location: { field: 'threads' },
    });
  }
  const maxTrials = options.maxTrials ?? Number.POSITIVE_INFINITY;
  if (!(maxTrials === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxTrials) && maxTrials >= 1))) {
    throw new UsageError('automl.max-trials', `maxTrials must be a whole number ≥ 1, got ${maxTrials}`, {
      location: { field: 'maxTrials' },
    });
  }
  // A trial count alone is an exact, reproducible stopping rule: no clock unless one is asked for.
  const budgetSeconds =
    options.timeBudgetSeconds ??
    (options.maxTrials === undefined ? DEFAULT_BUDGET_SECONDS : Number.POSITIVE_INFINITY);
  if (!(budgetSeconds > 0)) {
    throw new UsageError('automl.budget', `timeBudgetSeconds must be > 0, got ${budgetSeconds}`, {
      location: { field: 'timeBudgetSeconds' },
      hint: 'give a few minutes for a real search; 30 seconds gives a first leaderboard on small tables',
    });
  }
  return { seed, threads, budgetSeconds, maxTrials, lag: Math.max(DECISION_LAG, threads) };
}

export function resolveAlgorithms(names: readonly string[] | undefined, task: SupervisedTask): string[] {
  const chosen = names ?? DEFAULT_ALGORITHMS[task];
  if (chosen.length === 0) {
    throw new UsageError('automl.algorithms', 'no algorithm to search', {
      location: { field: 'algorithms' },
      hint: `leave the list out for the usual ones: ${DEFAULT_ALGORITHMS[task].join(', ')}`,
    });
  }
  // Unknown names and algorithms that cannot do the task fail here, before any data is shared.
  for (const name of chosen) searchSpace(name, { task, trainRows: 100, seed: 0 });
  return [...new Set(chosen)];
}
