import { UsageError } from '../../core/errors.js';
import { better, entryOf } from './leaderboard.js';
import type { AutomlOptions, Settings } from './options.js';
import type { Prepared } from './prepare.js';
import type { Proposer } from './proposer.js';
import type { LeaderboardEntry, StopReason } from './result.js';
import { type StopWatch, stopWatch } from './stop-watch.js';
import type { TrialSpec } from './trial.js';
import { isFullData, type SearchLog, type Trial } from './trial-log.js';
import type { TrialPool } from './trial-pool.js';

/**
 * Keeps `threads` trials in flight until the budget is spent, maxTrials
 * have started, the proposer runs dry, or the signal aborts. The budget
 * only counts once a full-data trial has succeeded (a search must end with
 * a model); an abort counts at once, and ends the search with an error if
 * no running trial then succeeds. On a spent budget, running trials get a
 * grace period (a tenth of the budget, 30 s at most: a slow trial near its
 * end, often the strongest model on a large table, is worth a little
 * overrun, but a budget should mean what it says), and are then cancelled;
 * on an abort they are cancelled at once.
 */
export async function runSearch(
  pool: TrialPool,
  proposer: Proposer,
  prepared: Prepared,
  settings: Settings,
  options: AutomlOptions,
  elapsed: () => number,
): Promise<SearchLog> {
  const trials: Trial[] = [];
  const running = new Map<number, Promise<void>>();
  let done = 0;
  let best: LeaderboardEntry | undefined;
  const wake = stopWatch(settings.budgetSeconds - elapsed(), options.signal);
  const start = (spec: TrialSpec): void => {
    const trial: Trial = { spec };
    trials.push(trial);
    const promise = pool.run(spec).then((outcome) => {
      trial.outcome = outcome;
      running.delete(spec.id);
      done++;
      if (outcome.status === 'ok' && isFullData(spec)) best = better(best, entryOf(spec, outcome), prepared);
      options.onEvent?.({
        type: 'trial',
        spec,
        outcome,
        best,
        trialsDone: done,
        elapsedSeconds: elapsed(),
        budgetSeconds: settings.budgetSeconds,
      });
    });
    running.set(spec.id, promise);
  };
  const stopReason = (): StopReason | undefined => {
    if (options.signal?.aborted) return 'aborted';
    // The deadline timer may fire a moment before elapsed() reaches the budget; either says it is spent.
    if (best !== undefined && (wake.budgetSpent() || elapsed() >= settings.budgetSeconds)) return 'budget';
    if (trials.length >= settings.maxTrials) return 'max-trials';
    return undefined;
  };
  let stopped: StopReason | undefined;
  try {
    for (;;) {
      stopped = stopReason();
      if (stopped !== undefined) break;
      const id = trials.length;
      const horizon = id - settings.lag;
      if (running.size >= settings.threads || !prefixComplete(trials, horizon)) {
        await wake.race(running.values());
        continue;
      }
      const spec = proposer.next(id, trials.slice(0, Math.max(0, horizon + 1)));
      if (spec === undefined) {
        stopped = 'exhausted';
        break;
      }
      start(spec);
    }
    stopped = await windDown(pool, running, stopped, () => best !== undefined, settings, options, wake);
  } finally {
    wake.clear();
  }
  if (best === undefined) throw noModel(trials, stopped);
  return { trials: trials as Required<Trial>[], stopped };
}

/** Running trials may overrun a spent budget by this share of it, at most GRACE_MAX_MS. */
const GRACE_SHARE = 0.1;
const GRACE_MAX_MS = 30_000;

/** Whether trials 0 … horizon have all finished (true for a negative horizon). */
function prefixComplete(trials: readonly Trial[], horizon: number): boolean {
  for (let i = 0; i <= horizon; i++) if (trials[i]!.outcome === undefined) return false;
  return true;
}

/**
 * Waits for the running trials. After a budget or an abort with a model in
 * hand, they get their grace and are cancelled; otherwise they finish (and
 * a budget or abort arriving meanwhile cancels them then).
 */
async function windDown(
  pool: TrialPool,
  running: Map<number, Promise<void>>,
  stopped: StopReason,
  haveModel: () => boolean,
  settings: Settings,
  options: AutomlOptions,
  wake: StopWatch,
): Promise<StopReason> {
  let reason = stopped;
  let cancelled = false;
  while (running.size > 0) {
    const now: StopReason | undefined = options.signal?.aborted
      ? 'aborted'
      : wake.budgetSpent()
        ? 'budget'
        : undefined;
    if (!cancelled && now !== undefined && haveModel()) {
      cancelled = true;
      if (reason !== 'aborted') reason = now;
      const graceMs =
        now === 'aborted' ? 0 : Math.min(GRACE_MAX_MS, settings.budgetSeconds * 1000 * GRACE_SHARE);
      await pool.cancel(graceMs);
      // Cancelled trials have settled by now: racing an empty set would wait forever.
      if (running.size === 0) break;
    }
    await wake.race(running.values());
  }
  return reason;
}

function noModel(trials: readonly Trial[], stopped: StopReason): UsageError {
  if (stopped === 'aborted') {
    return new UsageError('automl.aborted', 'AutoML was stopped before any model finished', {
      hint: 'let it run until the first trial completes to keep a model',
    });
  }
  const errors = [...new Set(trials.map((t) => t.outcome?.error).filter((e) => e !== undefined))];
  return new UsageError('automl.no-model', `every trial failed (${trials.length} tried)`, {
    hint: errors.length === 0 ? undefined : `the errors: ${errors.slice(0, 3).join('; ')}`,
  });
}
