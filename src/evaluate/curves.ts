/**
 * Threshold curves of a binary classifier's scores, as scikit-learn 1.2
 * computes them: `roc_curve`, `precision_recall_curve`, `calibration_curve`.
 * Labels are 0/1 with class 1 positive; scores are P(class 1) (or any score
 * that ranks class 1 higher), as a 1-D array or column 1 of an n×2 matrix.
 */

import { UsageError } from '../core/errors.js';
import { quantileSorted } from '../numeric/quantile.js';
import {
  checkBinaryLabels,
  checkClassesPresent,
  checkNotEmpty,
  checkPairedRows,
  checkUnitInterval,
  checkWeights,
  positiveClassScores,
  type WeightOptions,
  weightAt,
} from './inputs.js';

/** Weighted counts of false and true positives at each distinct score, highest score first. */
export interface ThresholdCounts {
  readonly falsePositives: Float64Array;
  readonly truePositives: Float64Array;
  /** The distinct scores, descending; rows scoring ≥ thresholds[i] are predicted positive. */
  readonly thresholds: Float64Array;
}

export interface RocCurve {
  readonly fpr: Float64Array;
  readonly tpr: Float64Array;
  /** Descending; the first is the highest score + 1 (scikit-learn 1.2), so the curve starts at (0, 0). */
  readonly thresholds: Float64Array;
}

export interface PrecisionRecallCurve {
  /** One more value than `thresholds`: the last point is (recall 0, precision 1). */
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  /** Ascending. */
  readonly thresholds: Float64Array;
}

export interface CalibrationCurve {
  /** Fraction of class 1 in each non-empty bin. */
  readonly probTrue: Float64Array;
  /** Mean predicted probability in each non-empty bin. */
  readonly probPred: Float64Array;
  /** Rows in each non-empty bin. */
  readonly counts: Int32Array;
}

export interface RocCurveOptions extends WeightOptions {
  /** Drop points on a straight segment of the curve, as scikit-learn does by default. Default true. */
  readonly dropIntermediate?: boolean;
}

export interface CalibrationOptions {
  /** Number of bins. Default 5. */
  readonly bins?: number;
  /** Equal-width bins over [0, 1], or bins holding equal numbers of rows. Default 'uniform'. */
  readonly strategy?: 'uniform' | 'quantile';
}

/**
 * The counts behind ROC and precision–recall curves (scikit-learn's
 * `_binary_clf_curve`). Rows with weight 0 are left out, so they add no
 * threshold. Rows are visited by descending score, ties in descending row
 * order (numpy's reversed stable argsort), so weighted running sums match
 * scikit-learn's bit for bit.
 */
export function thresholdCounts(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
): ThresholdCounts {
  const rows: number[] = [];
  for (let i = 0; i < yTrue.length; i++) if (weightAt(weights, i) !== 0) rows.push(i);
  rows.sort((a, b) => scores[b]! - scores[a]! || b - a);
  const falsePositives: number[] = [];
  const truePositives: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  rows.forEach((row, i) => {
    if (yTrue[row] === 1) tp += weightAt(weights, row);
    else fp += weightAt(weights, row);
    const next = rows[i + 1];
    if (next !== undefined && scores[next] === scores[row]) return;
    falsePositives.push(fp);
    truePositives.push(tp);
    thresholds.push(scores[row]!);
  });
  return {
    falsePositives: Float64Array.from(falsePositives),
    truePositives: Float64Array.from(truePositives),
    thresholds: Float64Array.from(thresholds),
  };
}

/** Checked binary labels and positive-class scores for a curve or ranking metric. */
export function binaryScoresInput(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  sampleWeight: ArrayLike<number> | undefined,
  metric: string,
  needs: 'both' | 'positive',
): { positiveScores: ArrayLike<number>; weights: ArrayLike<number> | undefined } {
  checkNotEmpty(yTrue, 'yTrue');
  const positiveScores = positiveClassScores(scores, yTrue.length, 'yScore');
  checkPairedRows(yTrue, positiveScores, 'yScore');
  checkBinaryLabels(yTrue, 'yTrue', metric);
  const weights = checkWeights(sampleWeight, yTrue.length);
  checkClassesPresent(yTrue, weights, metric, needs);
  return { positiveScores, weights };
}

/** The receiver operating characteristic, as `sklearn.metrics.roc_curve`. */
export function rocCurve(
  yTrue: ArrayLike<number>,
  yScore: ArrayLike<number>,
  options: RocCurveOptions = {},
): RocCurve {
  const { positiveScores, weights } = binaryScoresInput(
    yTrue,
    yScore,
    options.sampleWeight,
    'ROC curve',
    'both',
  );
  const counts = thresholdCounts(yTrue, positiveScores, weights);
  return rocFromCounts((options.dropIntermediate ?? true) ? dropCollinear(counts) : counts);
}

/** Rates from counts, with the point (0, 0) in front at threshold (highest score + 1). */
export function rocFromCounts(counts: ThresholdCounts): RocCurve {
  const m = counts.thresholds.length;
  const fpr = new Float64Array(m + 1);
  const tpr = new Float64Array(m + 1);
  const thresholds = new Float64Array(m + 1);
  const negatives = counts.falsePositives[m - 1]!;
  const positives = counts.truePositives[m - 1]!;
  thresholds[0] = counts.thresholds[0]! + 1;
  for (let i = 0; i < m; i++) {
    fpr[i + 1] = counts.falsePositives[i]! / negatives;
    tpr[i + 1] = counts.truePositives[i]! / positives;
    thresholds[i + 1] = counts.thresholds[i]!;
  }
  return { fpr, tpr, thresholds };
}

/**
 * Keeps the ends and every point where the curve turns: a point is dropped
 * when the second difference of both counts is 0 there (numpy's
 * `diff(x, 2)`, evaluated in the same order so float weights agree).
 */
export function dropCollinear(counts: ThresholdCounts): ThresholdCounts {
  const m = counts.thresholds.length;
  if (m <= 2) return counts;
  const fp = counts.falsePositives;
  const tp = counts.truePositives;
  const kept: number[] = [0];
  for (let j = 1; j < m - 1; j++) {
    const fpTurn = fp[j + 1]! - fp[j]! - (fp[j]! - fp[j - 1]!);
    const tpTurn = tp[j + 1]! - tp[j]! - (tp[j]! - tp[j - 1]!);
    if (fpTurn !== 0 || tpTurn !== 0) kept.push(j);
  }
  kept.push(m - 1);
  return {
    falsePositives: Float64Array.from(kept, (j) => fp[j]!),
    truePositives: Float64Array.from(kept, (j) => tp[j]!),
    thresholds: Float64Array.from(kept, (j) => counts.thresholds[j]!),
  };
}

/**
 * Precision and recall at every distinct score, as
 * `sklearn.metrics.precision_recall_curve` (1.2: the whole curve, not cut at
 * full recall), with the point (recall 0, precision 1) appended.
 */
export function precisionRecallCurve(
  yTrue: ArrayLike<number>,
  yScore: ArrayLike<number>,
  options: WeightOptions = {},
): PrecisionRecallCurve {
  const { positiveScores, weights } = binaryScoresInput(
    yTrue,
    yScore,
    options.sampleWeight,
    'precision–recall curve',
    'positive',
  );
  const counts = thresholdCounts(yTrue, positiveScores, weights);
  const m = counts.thresholds.length;
  const positives = counts.truePositives[m - 1]!;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const thresholds = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const at = m - 1 - i;
    const tp = counts.truePositives[at]!;
    const predicted = tp + counts.falsePositives[at]!;
    precision[i] = predicted === 0 ? 0 : tp / predicted;
    recall[i] = tp / positives;
    thresholds[i] = counts.thresholds[at]!;
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds };
}

/**
 * Observed frequency of class 1 against mean predicted probability per bin,
 * as `sklearn.metrics.calibration_curve`. A row goes to the first bin whose
 * upper edge is ≥ its probability (numpy `searchsorted`, side 'left'); empty
 * bins are left out.
 */
export function calibrationCurve(
  yTrue: ArrayLike<number>,
  yProb: ArrayLike<number>,
  options: CalibrationOptions = {},
): CalibrationCurve {
  checkNotEmpty(yTrue, 'yTrue');
  const probabilities = positiveClassScores(yProb, yTrue.length, 'yProb');
  checkPairedRows(yTrue, probabilities, 'yProb');
  checkBinaryLabels(yTrue, 'yTrue', 'calibration curve');
  checkUnitInterval(probabilities, 'yProb');
  const bins = checkBinCount(options.bins ?? 5);
  const strategy = options.strategy ?? 'uniform';
  const edges = strategy === 'quantile' ? quantileEdges(probabilities, bins) : uniformEdges(bins);
  const sumProb = new Float64Array(bins);
  const sumTrue = new Float64Array(bins);
  const counts = new Int32Array(bins);
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!;
    const bin = countInnerEdgesBelow(edges, p);
    sumProb[bin] = sumProb[bin]! + p;
    sumTrue[bin] = sumTrue[bin]! + (yTrue[i] === 1 ? 1 : 0);
    counts[bin] = counts[bin]! + 1;
  }
  const filled = [...counts.keys()].filter((b) => counts[b]! > 0);
  return {
    probTrue: Float64Array.from(filled, (b) => sumTrue[b]! / counts[b]!),
    probPred: Float64Array.from(filled, (b) => sumProb[b]! / counts[b]!),
    counts: Int32Array.from(filled, (b) => counts[b]!),
  };
}

/** numpy's `linspace(0, 1, bins + 1)`: i · (1 / bins), the last edge exactly 1. */
function uniformEdges(bins: number): Float64Array {
  const step = 1 / bins;
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => i * step);
  edges[bins] = 1;
  return edges;
}

/**
 * numpy's `percentile(p, linspace(0, 1, bins + 1) * 100)`: the levels go
 * through ×100 and ÷100 as they do there, so edges match to the last bit.
 */
function quantileEdges(probabilities: ArrayLike<number>, bins: number): Float64Array {
  const sorted = Float64Array.from(probabilities).sort();
  return uniformEdges(bins).map((level) => quantileSorted(sorted, (level * 100) / 100));
}

/** How many of the inner edges (all but the first and last) are < p. */
function countInnerEdgesBelow(edges: Float64Array, p: number): number {
  let count = 0;
  for (let e = 1; e < edges.length - 1; e++) if (edges[e]! < p) count++;
  return count;
}

function checkBinCount(bins: number): number {
  if (Number.isInteger(bins) && bins >= 1) return bins;
  throw new UsageError('metric.bins', `bins must be a whole number ≥ 1, got ${bins}`, {
    location: { field: 'bins' },
    hint: '5 or 10 bins suit most calibration plots',
  });
}
