/**
 * Two-sample statistics for drift: each compares a reference sample with a
 * current one and matches scipy 1.10 (the oracle in test/monitor):
 *
 * - Kolmogorov–Smirnov: `scipy.stats.ks_2samp` with its default
 *   method='auto' — the exact p-value when neither sample has more than
 *   10,000 values, else the asymptotic one, `kstwo.sf(D, round(n1 n2 / (n1 + n2)))`;
 * - chi-squared: `scipy.stats.chisquare` and `chi2.sf`, and for drift the
 *   two-sample form, `scipy.stats.chi2_contingency` on the 2 × k table;
 * - Wasserstein-1: `scipy.stats.wasserstein_distance`, and Evidently's
 *   normalised form (divided by the reference's population std, at least 0.001);
 * - Jensen–Shannon distance: `scipy.spatial.distance.jensenshannon` with its
 *   default natural logarithm (so it lies in [0, √ln 2 ≈ 0.833]);
 * - PSI over quantile bins of the reference.
 *
 * Every function drops NaN (missing) values; the `…Sorted` forms take present
 * values already in ascending order, which is how a reference profile stores them.
 *
 * The Kolmogorov–Smirnov test lives in ks.ts (its null distribution in
 * ks-distribution.ts) and the chi-squared tests in chi-square.ts; all are
 * re-exported here, so callers import every statistic from this module.
 */
import { UsageError } from '../core/errors.js';
import { quantileSorted } from '../numeric/quantile.js';
import { populationStabilityIndex } from '../profile/findings.js';
import { lowerBound, sortedPresent } from '../profile/stats.js';
import { requireValues } from './stat-guards.js';

export {
  type ChiSquareResult,
  chiSquareDrift,
  chiSquareSurvival,
  chiSquareTest,
} from './chi-square.js';
export {
  KS_EXACT_MAX_N,
  type KsMethod,
  type KsResult,
  ksStatisticSorted,
  ksTwoSample,
  ksTwoSampleSorted,
} from './ks.js';
export { kolmogorovSmirnovSurvival } from './ks-distribution.js';

/** First Wasserstein distance between two samples, as scipy.stats.wasserstein_distance. NaN are dropped. */
export function wassersteinDistance(u: Float64Array, v: Float64Array): number {
  return wassersteinSorted(sortedPresent(u), sortedPresent(v));
}

/**
 * ∫ |F_u − F_v| over the merged ascending values: between each value and the
 * next, the gap between the two right-continuous CDFs times the step.
 */
export function wassersteinSorted(u: Float64Array, v: Float64Array): number {
  const nu = u.length;
  const nv = v.length;
  requireValues(nu, nv, 'the Wasserstein distance');
  let i = 0;
  let j = 0;
  let area = 0;
  let previous = Math.min(u[0]!, v[0]!);
  while (i < nu || j < nv) {
    const x = j >= nv || (i < nu && u[i]! <= v[j]!) ? u[i]! : v[j]!;
    area += Math.abs(i / nu - j / nv) * (x - previous);
    while (i < nu && u[i] === x) i++;
    while (j < nv && v[j] === x) j++;
    previous = x;
  }
  return area;
}

/** Evidently's floor on the reference std, so a constant reference does not divide by zero. */
export const MIN_NORMALISING_STD = 0.001;

/**
 * The Wasserstein distance in units of the reference's population standard
 * deviation (numpy's default ddof = 0), floored at 0.001, as Evidently's
 * "normalised Wasserstein": 0.1 means the current values moved by a tenth of
 * a reference std on average.
 */
export function normalizedWasserstein(distance: number, referenceStd: number): number {
  return distance / Math.max(referenceStd, MIN_NORMALISING_STD);
}

/** numpy.std (ddof = 0) of NaN-free values. */
export function populationStd(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  return Math.sqrt(squares / n);
}

/**
 * Jensen–Shannon distance between two distributions given as counts or
 * shares (each is normalised to sum to 1), as
 * scipy.spatial.distance.jensenshannon with its default natural logarithm:
 * √((KL(p‖m) + KL(q‖m)) / 2), m = (p + q)/2. Categories empty on one side
 * need no smoothing (0 · ln 0 = 0). In [0, √ln 2 ≈ 0.833].
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) {
    throw new UsageError('monitor.js-shape', `distributions of ${p.length} and ${q.length} categories`);
  }
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i]!;
    sq += q[i]!;
  }
  requireValues(sp, sq, 'the Jensen–Shannon distance');
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / sp;
    const b = q[i]! / sq;
    const m = (a + b) / 2;
    if (a > 0) divergence += a * Math.log(a / m);
    if (b > 0) divergence += b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(0, divergence) / 2);
}

/**
 * Edges of `bins` quantile bins of ascending values (numpy's linear
 * quantiles at 0, 1/bins, …, 1), repeated edges dropped, so a value that
 * fills several quantiles makes one bin. A constant sample gives one bin [c, c].
 */
export function quantileBinEdges(sorted: Float64Array, bins: number): number[] {
  if (sorted.length === 0) return [];
  const edges: number[] = [];
  for (let b = 0; b <= bins; b++) {
    const edge = quantileSorted(sorted, b / bins);
    if (edges.length === 0 || edge !== edges[edges.length - 1]) edges.push(edge);
  }
  if (edges.length === 1) edges.push(edges[0]!);
  return edges;
}

/**
 * Counts of ascending values per bin: bin b holds [edges[b], edges[b+1]),
 * the first bin open to the left and the last open to the right, so values
 * outside the reference's range still count (in the outer bins).
 */
export function binCounts(sorted: Float64Array, edges: readonly number[]): Float64Array {
  const bins = Math.max(1, edges.length - 1);
  const counts = new Float64Array(bins);
  let start = 0;
  for (let b = 0; b < bins - 1; b++) {
    const end = lowerBound(sorted, edges[b + 1]!);
    counts[b] = end - start;
    start = end;
  }
  counts[bins - 1] = sorted.length - start;
  return counts;
}

/**
 * Population stability index between reference and current counts over the
 * same bins or categories: Σ (q − p) ln(q / p) on shares floored at 1e-4
 * (profile/findings' definition, used for time shift there).
 */
export function psi(referenceCounts: ArrayLike<number>, currentCounts: ArrayLike<number>): number {
  return populationStabilityIndex(Float64Array.from(referenceCounts), Float64Array.from(currentCounts));
}
