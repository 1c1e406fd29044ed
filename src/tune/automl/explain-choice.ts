import { formatNumber, type NumberFormat } from '../../report/format.js';
import { ENSEMBLE_MARGIN } from './blend.js';
import type { Prepared } from './prepare.js';
import type { EnsembleSummary, LeaderboardEntry } from './result.js';

/** Four digits, padded, as the terminal's leaderboard prints the same scores just above this sentence. */
const SCORE: NumberFormat = { digits: 4, pad: true };

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
      : `; the best other algorithm, ${runnerUp.model}, scored ${formatNumber(runnerUp.score, SCORE)}`;
  const single = `${top.model} had the best cross-validated ${evidence}: ${formatNumber(top.score, SCORE)} ± ${formatNumber(top.std, SCORE)}, of ${singles.length} models from ${algorithms} algorithm${algorithms === 1 ? '' : 's'} (${trialCount} trials)${versus}.`;
  if (ensemble === undefined) return single;
  const blend = `a weighted blend of ${ensemble.members.length} models (${ensemble.members.map((m) => `${m.algorithm} #${m.trial}`).join(', ')}) scored ${formatNumber(ensemble.score, SCORE)}`;
  if (best.model === 'ensemble') {
    return `${single} But ${blend} on the same folds, better by more than ${ENSEMBLE_MARGIN * 100}%, so the blend was chosen: models that err differently cancel part of each other's errors.`;
  }
  return `${single} ${blend.charAt(0).toUpperCase()}${blend.slice(1)}, not better by more than ${ENSEMBLE_MARGIN * 100}%, so the simpler single model was kept.`;
}
