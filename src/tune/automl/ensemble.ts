import { UsageError } from '../../core/errors.js';
import type { Target } from '../../estimator/contract.js';
import type { SupervisedMetric } from '../../evaluate/registry.js';
import { argmaxRows } from '../../models/ensemble.js';
import type { Fold } from '../splitters.js';
import { meanAndStd, scoreFold, selectionMetric } from './trial.js';

/**
 * Greedy ensemble selection with replacement (Caruana, Niculescu-Mizil,
 * Crew & Ksikes, "Ensemble selection from libraries of models", ICML 2004),
 * on the trials' out-of-fold predictions: start from nothing, and in each
 * round add the candidate (again, if it is already in) whose addition makes
 * the averaged blend score best. A candidate chosen c times out of r rounds
 * weighs c / r. Classifiers blend probabilities, regressors values.
 *
 * The blend is scored per fold on the same held-out rows as the trials, so
 * its score compares with a single model's. It is slightly optimistic: the
 * weights were chosen on those same rows. AutoGluon and auto-sklearn accept
 * this too; with few, coarse weights (at most `rounds` steps) the bias is small.
 */
export interface EnsembleCandidate {
  readonly id: number;
  /** Out-of-fold predictions (values or class indices), one per row. */
  readonly predictions: Float64Array;
  /** Out-of-fold class probabilities, row-major n × classes (required for classification). */
  readonly probabilities?: Float64Array;
}

export interface EnsembleSelection {
  /** Chosen candidates, heaviest first; weights sum to 1. */
  readonly members: readonly { id: number; weight: number }[];
  /** The blend's metric, averaged over folds (raw value: compare with the metric's greaterIsBetter). */
  readonly score: number;
  readonly foldScores: readonly number[];
  readonly std: number;
}

export interface EnsembleOptions {
  /** Greedy rounds (default 25): the weights are multiples of 1 / rounds. */
  readonly rounds?: number;
  /** Only the best this many candidates by their own score take part (default 20). */
  readonly maxCandidates?: number;
}

export function selectEnsemble(
  candidates: readonly EnsembleCandidate[],
  target: Target,
  folds: readonly Fold[],
  metric: string,
  options: EnsembleOptions = {},
): EnsembleSelection {
  const scorer = new BlendScorer(selectionMetric(metric, target.task), target, folds);
  const rounds = atLeastOne(options.rounds ?? 25, 'rounds');
  const pool = rankCandidates(candidates, scorer).slice(
    0,
    atLeastOne(options.maxCandidates ?? 20, 'maxCandidates'),
  );
  const width = pool[0]!.values.length;
  const sum = new Float64Array(width);
  const blend = new Float64Array(width);
  const counts = new Array<number>(pool.length).fill(0);
  let best = { round: 0, counts: [...counts], foldScores: [] as number[], score: Number.NaN };
  for (let round = 1; round <= rounds; round++) {
    let chosen = { index: -1, foldScores: [] as number[], score: Number.NaN };
    pool.forEach(({ values }, index) => {
      for (let i = 0; i < width; i++) blend[i] = (sum[i]! + values[i]!) / round;
      const foldScores = scorer.foldScores(blend);
      const score = meanAndStd(foldScores).mean;
      if (chosen.index < 0 || scorer.better(score, chosen.score)) chosen = { index, foldScores, score };
    });
    const values = pool[chosen.index]!.values;
    for (let i = 0; i < width; i++) sum[i] = sum[i]! + values[i]!;
    counts[chosen.index]! += 1;
    // The earliest best round wins: round 1 is the best single candidate, so the blend never scores worse.
    if (best.round === 0 || scorer.better(chosen.score, best.score))
      best = { round, counts: [...counts], foldScores: chosen.foldScores, score: chosen.score };
  }
  const members = pool
    .map(({ id }, index) => ({ id, weight: best.counts[index]! / best.round }))
    .filter((m) => m.weight > 0)
    .sort((a, b) => b.weight - a.weight);
  return { members, score: best.score, foldScores: best.foldScores, std: meanAndStd(best.foldScores).std };
}

/** Usable candidates, each with what it blends, best own score first (input order among equals). */
function rankCandidates(
  candidates: readonly EnsembleCandidate[],
  scorer: BlendScorer,
): { id: number; values: Float64Array }[] {
  const classification = scorer.target.task !== 'regression';
  const usable = candidates.flatMap((c) => {
    const values = classification ? c.probabilities : c.predictions;
    return values === undefined
      ? []
      : [{ id: c.id, values, score: meanAndStd(scorer.foldScores(values)).mean }];
  });
  if (usable.length === 0) {
    throw new UsageError('ensemble.no-candidates', 'no candidate has out-of-fold predictions to blend', {
      hint: classification
        ? 'classifiers blend class probabilities: pass the trials’ oofProbabilities'
        : 'pass the trials’ oofPredictions (trials with trainShare 1)',
    });
  }
  return usable
    .map((c, order) => ({ ...c, order }))
    .sort((a, b) =>
      scorer.better(a.score, b.score) ? -1 : scorer.better(b.score, a.score) ? 1 : a.order - b.order,
    );
}

/** Scores a blend (values, or row-major probabilities) on each fold's held-out rows. */
class BlendScorer {
  private readonly classes: number;

  constructor(
    private readonly metric: SupervisedMetric,
    readonly target: Target,
    private readonly folds: readonly Fold[],
  ) {
    this.classes = target.classes.length;
  }

  /** Whether score a beats score b; NaN never beats anything, and anything beats NaN. */
  better(a: number, b: number): boolean {
    if (Number.isNaN(a)) return false;
    if (Number.isNaN(b)) return true;
    return this.metric.greaterIsBetter ? a > b : a < b;
  }

  foldScores(blend: Float64Array): number[] {
    return this.folds.map((fold) => {
      if (this.target.task === 'regression') {
        const values = Float64Array.from(fold.test, (row) => blend[row]!);
        return scoreFold(this.metric, this.target, fold.test, values, undefined);
      }
      const k = this.classes;
      const probabilities = new Float64Array(fold.test.length * k);
      fold.test.forEach((row, i) => {
        probabilities.set(blend.subarray(row * k, (row + 1) * k), i * k);
      });
      return scoreFold(this.metric, this.target, fold.test, argmaxRows(probabilities, k), probabilities);
    });
  }
}

function atLeastOne(value: number, field: string): number {
  if (Number.isSafeInteger(value) && value >= 1) return value;
  throw new UsageError('usage.bad-param', `${field} must be a whole number ≥ 1, got ${value}`, {
    location: { field },
  });
}
