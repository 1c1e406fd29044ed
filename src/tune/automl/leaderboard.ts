import type { Prepared } from './prepare.js';
import type { LeaderboardEntry } from './result.js';
import { configKey } from './search-space.js';
import type { TrialOutcome, TrialSpec } from './trial.js';
import { isFullData, type Trial } from './trial-log.js';

export function entryOf(spec: TrialSpec, outcome: TrialOutcome): LeaderboardEntry {
  return {
    model: `${spec.algorithm} #${spec.id}`,
    algorithm: spec.algorithm,
    params: spec.params,
    score: outcome.score,
    std: outcome.std,
    foldScores: outcome.foldScores,
    fitSeconds: outcome.fitSeconds,
    trial: spec.id,
  };
}

export function better(
  current: LeaderboardEntry | undefined,
  candidate: LeaderboardEntry,
  prepared: Prepared,
): LeaderboardEntry {
  if (current === undefined) return candidate;
  return compareEntries(candidate, current, prepared.greaterIsBetter) < 0 ? candidate : current;
}

/** Best first; equal scores by trial id, so the order does not depend on finishing order. */
export function compareEntries(a: LeaderboardEntry, b: LeaderboardEntry, greaterIsBetter: boolean): number {
  const difference = greaterIsBetter ? b.score - a.score : a.score - b.score;
  return difference !== 0 ? difference : a.trial - b.trial;
}

/** Successful full-data trials, best first, keeping the best of any configuration run twice. */
export function leaderboardOf(
  trials: readonly Required<Trial>[],
  greaterIsBetter: boolean,
): LeaderboardEntry[] {
  const entries = trials
    .filter((t) => t.outcome.status === 'ok' && isFullData(t.spec))
    .map((t) => entryOf(t.spec, t.outcome))
    .sort((a, b) => compareEntries(a, b, greaterIsBetter));
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = configKey(entry.algorithm, entry.params);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
