/**
 * Regression metrics, as scikit-learn 1.2 defines them (single output).
 * With `sampleWeight`, means are weighted means Σ w_i x_i / Σ w_i.
 */
import { UsageError } from '../core/errors.js';
import { largestMagnitude, squaredDeviations, unitFor } from '../numeric/moments.js';
import { checkPairedRows, checkWeights, type WeightOptions, weightAt } from './inputs.js';

/** Mean absolute error. */
export function meanAbsoluteError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: WeightOptions = {},
): number {
  return weightedMean(yTrue, yPred, options, (t, p) => Math.abs(t - p));
}

/** Mean squared error. */
export function meanSquaredError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: WeightOptions = {},
): number {
  return weightedMean(yTrue, yPred, options, (t, p) => (t - p) ** 2);
}

/** √MSE, as `mean_squared_error(squared=False)`. */
export function rootMeanSquaredError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: WeightOptions = {},
): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred, options));
}

/** Σ w_i (y_i − ŷ_i)², the (weighted) residual sum of squares; scikit-learn has no function for it. */
export function sumSquaredError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: WeightOptions = {},
): number {
  const weights = checkRegressionInput(yTrue, yPred, options);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += weightAt(weights, i) * (yTrue[i]! - yPred[i]!) ** 2;
  return sum;
}

/**
 * Mean of |y − ŷ| / max(|y|, ε) with ε = 2⁻⁵² (`mean_absolute_percentage_error`):
 * a fraction, not a percentage, and huge (not infinite) where y = 0.
 */
export function meanAbsolutePercentageError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: WeightOptions = {},
): number {
  return weightedMean(
    yTrue,
    yPred,
    options,
    (t, p) => Math.abs(p - t) / Math.max(Math.abs(t), Number.EPSILON),
  );
}

/**
 * Median of |y − ŷ|. Unweighted, the ordinary median (the mean of the two
 * middle values when n is even). Weighted, scikit-learn's
 * `_weighted_percentile`: the smallest error whose cumulative weight reaches
 * half the total — a lower median, so with unit weights and even n it is
 * the lower middle value, not the mean of the two.
 */
export function medianAbsoluteError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: WeightOptions = {},
): number {
  const weights = checkRegressionInput(yTrue, yPred, options);
  const errors = Float64Array.from({ length: yTrue.length }, (_, i) => Math.abs(yPred[i]! - yTrue[i]!));
  if (weights === undefined) {
    const sorted = errors.sort();
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
  const order = [...errors.keys()].sort((a, b) => errors[a]! - errors[b]!);
  let total = 0;
  for (const i of order) total += weights[i]!;
  const half = 0.5 * total;
  let cumulative = 0;
  for (const i of order) {
    cumulative += weights[i]!;
    if (cumulative >= half) return errors[i]!;
  }
  return errors[order[order.length - 1]!]!;
}

/**
 * Coefficient of determination 1 − Σw(y − ŷ)² / Σw(y − ȳ)². As scikit-learn
 * (force_finite=True): 1 when the residuals are all 0, 0 when y is constant
 * but the residuals are not. "Constant" is decided from the values (every
 * row of weight > 0 holds the same y), not from a rounded sum: ten rows of
 * 0.1 have spread 0 although their mean, summed in order, is not exactly
 * 0.1. Fewer than two rows is an error here, where scikit-learn warns and
 * returns NaN.
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: WeightOptions = {}): number {
  const weights = checkRegressionInput(yTrue, yPred, options);
  requireTwoRows(yTrue, 'R²');
  const [t, p] = inSafeUnits(yTrue, yPred);
  let residual = 0;
  for (let i = 0; i < t.length; i++) residual += weightAt(weights, i) * (t[i]! - p[i]!) ** 2;
  const spread = squaredDeviations(t, weights);
  return finiteRatioScore(residual, spread.sum * spread.unit ** 2);
}

/**
 * 1 − Var(y − ŷ) / Var(y) (`explained_variance_score`): like R² but blind to
 * a constant bias in the predictions. Same finite conventions as `r2`, with
 * "constant" decided from the values for both the residuals and y.
 */
export function explainedVariance(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: WeightOptions = {},
): number {
  const weights = checkRegressionInput(yTrue, yPred, options);
  const [t, p] = inSafeUnits(yTrue, yPred);
  const residuals = Float64Array.from({ length: t.length }, (_, i) => t[i]! - p[i]!);
  return finiteRatioScore(weightedVariance(residuals, weights), weightedVariance(t, weights));
}

/**
 * Both arrays as they are, or — when their largest magnitude is so large
 * or small that squares overflow or underflow (1e300, 1e-300) — both
 * divided by one power of two (exact), which leaves every ratio as it is.
 */
function inSafeUnits(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
): [ArrayLike<number>, ArrayLike<number>] {
  const unit = unitFor(Math.max(largestMagnitude(yTrue), largestMagnitude(yPred)));
  if (unit === 1) return [yTrue, yPred];
  return [Float64Array.from(yTrue, (v) => v / unit), Float64Array.from(yPred, (v) => v / unit)];
}

/** Weighted population variance (ddof = 0), two-pass; exactly 0 when the values are all equal. */
function weightedVariance(values: ArrayLike<number>, weights: ArrayLike<number> | undefined): number {
  const { sum, total, unit } = squaredDeviations(values, weights);
  return (sum / total) * unit ** 2;
}

function checkRegressionInput(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: WeightOptions,
): ArrayLike<number> | undefined {
  checkPairedRows(yTrue, yPred);
  return checkWeights(options.sampleWeight, yTrue.length);
}

function weightedMean(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: WeightOptions,
  loss: (truth: number, prediction: number) => number,
): number {
  const weights = checkRegressionInput(yTrue, yPred, options);
  let sum = 0;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const w = weightAt(weights, i);
    sum += w * loss(yTrue[i]!, yPred[i]!);
    total += w;
  }
  return sum / total;
}

/** 1 − numerator/denominator, with scikit-learn's force_finite conventions for zeros. */
function finiteRatioScore(numerator: number, denominator: number): number {
  if (numerator === 0) return 1;
  if (denominator === 0) return 0;
  return 1 - numerator / denominator;
}

function requireTwoRows(yTrue: ArrayLike<number>, metric: string): void {
  if (yTrue.length >= 2) return;
  throw new UsageError('metric.too-few-rows', `${metric} needs at least 2 rows, got ${yTrue.length}`, {
    location: { field: 'yTrue' },
    hint: 'the spread of a single value is 0, so the score is undefined',
  });
}
