/**
 * Means and spreads where a rounded sum must not decide the answer.
 *
 * The plain two-pass formulas (mean, then Σ w (x − mean)²) are kept for
 * ordinary data, bit for bit, since fitted models and stored metrics depend
 * on them. Three cases step aside from them:
 *
 * - values that are all equal have spread 0 and their own value as mean,
 *   decided by comparing the values, not by a sum whose rounding leaves
 *   1e-17 behind (the mean of ten 0.1s summed in order is 0.09999999999999999);
 * - a spread so small that the rounding of the mean could have made it is
 *   recomputed from a compensated mean with the two-pass correction term;
 * - values so large or so small that their squares overflow or underflow
 *   (beyond 2^±500, such as 1e300 or 1e-300) are summed divided by a power
 *   of two near their magnitude, which is exact, so the answer is right
 *   whenever it can be represented.
 */

/**
 * A range (max − min, an interquartile range) at most this share of the
 * values' magnitude — or of 1, when the values are smaller than 1 — is
 * rounding noise, not spread: 10 ε, about 2.2e-15. Below magnitude 1 this
 * is scikit-learn's threshold for a scale of zero (`_handle_zeros_in_scale`).
 */
export const NOISE_TOLERANCE = 10 * Number.EPSILON;

/** Whether a range is rounding noise around values of this magnitude (see `NOISE_TOLERANCE`). */
export function isRoundingNoise(range: number, magnitude: number): boolean {
  return range <= NOISE_TOLERANCE * Math.max(1, magnitude);
}

/**
 * The value every counted entry holds, when they all hold the same one;
 * undefined when they differ or none counts. NaN entries and entries of
 * weight 0 do not count.
 */
export function commonValue(
  values: ArrayLike<number>,
  weights?: ArrayLike<number> | undefined,
): number | undefined {
  let common: number | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v) || (weights !== undefined && weights[i] === 0)) continue;
    if (common === undefined) common = v;
    else if (v !== common) return undefined;
  }
  return common;
}

/** A weighted sum of squared deviations from the weighted mean. */
export interface SquaredDeviations {
  /** Σ w, over the entries that are not NaN. */
  readonly total: number;
  /** The weighted mean, in units of `unit`. */
  readonly mean: number;
  /** Σ w (x − mean)², in units of `unit`². */
  readonly sum: number;
  /**
   * 1, or the power of two the values were divided by because their
   * squares would overflow or underflow: the mean is `mean · unit` and the
   * sum `sum · unit²` (which may itself be beyond a double while its square
   * root is not).
   */
  readonly unit: number;
}

/**
 * Σ w (x − x̄)² over the entries that are not NaN (w = 1 without weights),
 * with the weighted mean x̄: two-pass, as numpy computes it, except in the
 * three cases the module's summary lists.
 */
export function squaredDeviations(
  values: ArrayLike<number>,
  weights?: ArrayLike<number> | undefined,
): SquaredDeviations {
  const unit = unitFor(largestMagnitude(values));
  const plain = twoPass(values, weights, unit);
  const common = commonValue(values, weights);
  if (common !== undefined && Number.isFinite(common)) {
    return { total: plain.total, mean: common / unit, sum: 0, unit };
  }
  if (unit === 1 && plain.sum <= roundingBound(plain, values.length)) {
    return corrected(values, weights, plain.total);
  }
  return plain;
}

/** Weighted mean and population variance (ddof = 0) over the entries that are not NaN, as `squaredDeviations` decides them. */
export interface Moments {
  /** The weighted mean (NaN when no entry counts). */
  readonly mean: number;
  /** The population standard deviation: finite even where the variance overflows. */
  readonly std: number;
  /** The population variance in units of `unit`² (the actual variance is `variance · unit²`). */
  readonly variance: number;
  readonly unit: number;
  /** Σ w. */
  readonly total: number;
}

export function weightedMoments(values: ArrayLike<number>, weights?: ArrayLike<number> | undefined): Moments {
  const { total, mean, sum, unit } = squaredDeviations(values, weights);
  const variance = sum / total;
  return { mean: mean * unit, std: Math.sqrt(variance) * unit, variance, unit, total };
}

function twoPass(
  values: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  unit: number,
): SquaredDeviations {
  let total = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) continue;
    const w = weights === undefined ? 1 : weights[i]!;
    total += w;
    sum += w * (values[i]! / unit);
  }
  const mean = sum / total;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) continue;
    squares += (weights === undefined ? 1 : weights[i]!) * (values[i]! / unit - mean) ** 2;
  }
  return { total, mean, sum: squares, unit };
}

/** Magnitudes between these square and sum without overflow or underflow. */
const SAFE_LOW = 2 ** -500;
const SAFE_HIGH = 2 ** 500;

/** The largest finite |value| (0 when there is none). */
export function largestMagnitude(values: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]!);
    if (v > largest && Number.isFinite(v)) largest = v;
  }
  return largest;
}

/**
 * 1 for a largest magnitude between 2^−500 and 2^500 (or 0), else the power
 * of two at or above it (between 2^−1074 and 2^1023, the powers of two a
 * double holds): dividing by it is exact and leaves quotients of at most 2,
 * whose squares neither overflow nor underflow.
 */
export function unitFor(largest: number): number {
  if (largest === 0 || (largest >= SAFE_LOW && largest <= SAFE_HIGH)) return 1;
  return 2 ** Math.max(-1074, Math.min(1023, Math.ceil(Math.log2(largest))));
}

/**
 * How large Σ w (x − x̄)² can come out from rounding alone: a mean off by
 * n ε |x̄| (a sum of n terms in order) adds Σw · (n ε x̄)². A sum at or
 * below four times that is not trusted.
 */
function roundingBound(plain: SquaredDeviations, n: number): number {
  return 4 * plain.total * (n * Number.EPSILON * plain.mean) ** 2;
}

/**
 * The two-pass sum from a compensated (Neumaier) mean, less the correction
 * (Σ w d)² / Σ w that removes what error is left in the mean (Chan, Golub
 * and LeVeque 1983).
 */
function corrected(
  values: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  total: number,
): SquaredDeviations {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) continue;
    const term = (weights === undefined ? 1 : weights[i]!) * values[i]!;
    const next = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - next + term : term - next + sum;
    sum = next;
  }
  const mean = (sum + compensation) / total;
  let squares = 0;
  let deviations = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) continue;
    const w = weights === undefined ? 1 : weights[i]!;
    const d = values[i]! - mean;
    squares += w * d * d;
    deviations += w * d;
  }
  return { total, mean, sum: Math.max(0, squares - (deviations * deviations) / total), unit: 1 };
}
