import { selectEnsemble } from './ensemble.js';
import type { Prepared } from './prepare.js';
import type { EnsembleSummary, LeaderboardEntry } from './result.js';
import type { Trial } from './trial-log.js';

/**
 * The ensemble must beat the best single model by more than this share of
 * its score (or 1e-6 when the score is near 0): a blend of several models
 * costs more to serve and explain, and a smaller gain is within noise.
 */
export const ENSEMBLE_MARGIN = 1e-3;

/** Only the best this many distinct configurations are offered to ensemble selection. */
const ENSEMBLE_CANDIDATES = 20;

export function buildEnsemble(
  singles: readonly LeaderboardEntry[],
  trials: ReadonlyMap<number, Required<Trial>>,
  prepared: Prepared,
): { entry: LeaderboardEntry; summary: EnsembleSummary } | undefined {
  if (singles.length < 2) return undefined;
  const candidates = singles.slice(0, ENSEMBLE_CANDIDATES).map((entry) => {
    const { outcome } = trials.get(entry.trial)!;
    return {
      id: entry.trial,
      predictions: outcome.oofPredictions!,
      ...(outcome.oofProbabilities === undefined ? {} : { probabilities: outcome.oofProbabilities }),
    };
  });
  const selection = selectEnsemble(candidates, prepared.target, prepared.folds, prepared.metric, {
    maxCandidates: ENSEMBLE_CANDIDATES,
  });
  // One member is the best single model again, not an ensemble.
  if (selection.members.length < 2) return undefined;
  const byTrial = new Map(singles.map((e) => [e.trial, e]));
  const members = selection.members.map((m) => ({
    trial: m.id,
    algorithm: byTrial.get(m.id)!.algorithm,
    weight: m.weight,
  }));
  const bestSingle = singles[0]!.score;
  const gain = prepared.greaterIsBetter ? selection.score - bestSingle : bestSingle - selection.score;
  const chosen = gain > Math.max(ENSEMBLE_MARGIN * Math.abs(bestSingle), 1e-6);
  const entry: LeaderboardEntry = {
    model: 'ensemble',
    algorithm: 'ensemble',
    params: {
      members: members.map((m) => byTrial.get(m.trial)!.model),
      weights: members.map((m) => Number(m.weight.toFixed(4))),
    },
    score: selection.score,
    std: selection.std,
    foldScores: selection.foldScores,
    fitSeconds: members.reduce((sum, m) => sum + byTrial.get(m.trial)!.fitSeconds, 0),
    trial: -1,
  };
  return { entry, summary: { members, score: selection.score, std: selection.std, chosen } };
}
