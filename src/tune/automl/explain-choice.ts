import { ENSEMBLE_MARGIN } from './blend.js';
import type { Prepared } from './prepare.js';
import type { EnsembleSummary, LeaderboardEntry } from './result.js';

function formatScore(score: number): string {
  return Math.abs(score) >= 100 ? score.toFixed(1) : score.toPrecision(4);
}

/** One or two sentences a learner can follow: what won, by how much, on what evidence. */
export function explainChoice(
  best: LeaderboardEntry,
  singles: readonly LeaderboardEntry[],
  ensemble: EnsembleSummary | undefined,
  prepared: Prepared,
  trialCount: number,
): string {
  const { metric, greaterIsBetter, cv } = prepared;
  const direction = greaterIsBetter ? 'higher' : 'lower';
  const algorithms = new Set(singles.map((e) => e.algorithm)).size;
  const evidence = `${metric} over ${cv.folds} ${cv.kind === 'kfold' ? '' : `${cv.kind} `}folds (${direction} is better)`;
  const top = singles[0]!;
  const runnerUp = singles.find((e) => e.algorithm !== top.algorithm);
  const versus =
    runnerUp === undefined
      ? ''
      : `; the best other algorithm, ${runnerUp.model}, scored ${formatScore(runnerUp.score)}`;
  const single = `${top.model} had the best cross-validated ${evidence}: ${formatScore(top.score)} ± ${formatScore(top.std)}, of ${singles.length} models from ${algorithms} algorithm${algorithms === 1 ? '' : 's'} (${trialCount} trials)${versus}.`;
  if (ensemble === undefined) return single;
  const blend = `a weighted blend of ${ensemble.members.length} models (${ensemble.members.map((m) => `${m.algorithm} #${m.trial}`).join(', ')}) scored ${formatScore(ensemble.score)}`;
  if (best.model === 'ensemble') {
    return `${single} But ${blend} on the same folds, better by more than ${ENSEMBLE_MARGIN * 100}%, so the blend was chosen: models that err differently cancel part of each other's errors.`;
  }
  return `${single} ${blend.charAt(0).toUpperCase()}${blend.slice(1)}, not better by more than ${ENSEMBLE_MARGIN * 100}%, so the simpler single model was kept.`;
}
