/**
 * Chi-squared tests on counts, as scipy 1.10: `scipy.stats.chisquare` with
 * `chi2.sf`, and for drift the two-sample form, `scipy.stats.chi2_contingency`
 * on the 2 × k table.
 */
import { UsageError } from '../core/errors.js';
import { logGamma } from '../numeric/special.js';
import { clamp01, requireValues } from './stat-guards.js';

export interface ChiSquareResult {
  readonly statistic: number;
  readonly pValue: number;
  /** Degrees of freedom: categories − 1. */
  readonly df: number;
}

/**
 * Pearson's goodness-of-fit test of observed counts against expected ones,
 * as scipy.stats.chisquare: Σ (o − e)² / e on k − 1 degrees of freedom. As
 * in scipy, both must hold the same total (to 1e-8), an expected 0 with an
 * observed count gives an infinite statistic and p = 0.
 */
export function chiSquareTest(observed: ArrayLike<number>, expected: ArrayLike<number>): ChiSquareResult {
  const k = observed.length;
  if (expected.length !== k || k < 2) {
    throw new UsageError(
      'monitor.chi-square-shape',
      `the chi-squared test needs two or more categories with as many expected counts as observed (got ${k} and ${expected.length})`,
    );
  }
  let statistic = 0;
  let totalObserved = 0;
  let totalExpected = 0;
  for (let i = 0; i < k; i++) {
    const diff = observed[i]! - expected[i]!;
    statistic += (diff * diff) / expected[i]!;
    totalObserved += observed[i]!;
    totalExpected += expected[i]!;
  }
  if (
    Math.abs(totalObserved - totalExpected) >
    1e-8 * Math.max(Math.abs(totalObserved), Math.abs(totalExpected))
  ) {
    throw new UsageError(
      'monitor.chi-square-totals',
      `observed counts sum to ${totalObserved} but expected counts to ${totalExpected}`,
      { hint: 'scale the expected counts to the observed total' },
    );
  }
  return { statistic, pValue: chiSquareSurvival(statistic, k - 1), df: k - 1 };
}

/**
 * The chi-squared drift test on category counts: the test of homogeneity of
 * the 2 × k table (reference counts, current counts), as
 * scipy.stats.chi2_contingency with its defaults (Yates' continuity
 * correction when there are two categories), categories empty in both
 * samples left out. Fewer than two categories in all: statistic 0, p = 1.
 *
 * Why not Evidently's form, scipy.stats.chisquare of the current counts
 * against the reference's shares: it takes those shares as exact, while a
 * reference of 1,000 rows is as noisy as the window it is compared with,
 * which doubles the statistic's spread. On diamonds (reference 1,000 rows,
 * twenty 1,000-row windows of the same distribution) it called "clarity"
 * drifted in 13 of 20 windows at p < 0.05; the two-sample test holds the
 * nominal 5%, as the two-sample KS test does for numbers. It also needs no
 * special case for a category the reference never saw (expected counts come
 * from both samples, so none is 0): one new value in a window adds about 1
 * to the statistic, a new category holding a tenth of the window drifts.
 */
export function chiSquareDrift(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
): ChiSquareResult {
  const reference: number[] = [];
  const current: number[] = [];
  for (let i = 0; i < referenceCounts.length; i++) {
    const r = referenceCounts[i]!;
    const c = currentCounts[i]!;
    if (r === 0 && c === 0) continue;
    reference.push(r);
    current.push(c);
  }
  const k = reference.length;
  if (k < 2) return { statistic: 0, pValue: 1, df: 0 };
  const referenceTotal = reference.reduce((a, b) => a + b, 0);
  const currentTotal = current.reduce((a, b) => a + b, 0);
  requireValues(referenceTotal, currentTotal, 'the chi-squared test');
  const total = referenceTotal + currentTotal;
  let statistic = 0;
  for (const [observed, rowTotal] of [
    [reference, referenceTotal],
    [current, currentTotal],
  ] as const) {
    for (let j = 0; j < k; j++) {
      const expected = (rowTotal * (reference[j]! + current[j]!)) / total;
      let o = observed[j]!;
      // Yates: move each count half a unit towards its expectation (no further than it).
      if (k === 2) o += Math.sign(expected - o) * Math.min(0.5, Math.abs(expected - o));
      statistic += (o - expected) ** 2 / expected;
    }
  }
  return { statistic, pValue: chiSquareSurvival(statistic, k - 1), df: k - 1 };
}

/** P(χ²_df ≥ x), scipy.stats.chi2.sf: the regularised upper incomplete gamma Q(df/2, x/2). */
export function chiSquareSurvival(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  return upperGammaRegularized(df / 2, x / 2);
}

const GAMMA_EPSILON = 1e-16;
const GAMMA_MAX_TERMS = 10_000;
const TINY = 1e-300;

/**
 * Q(a, x) = Γ(a, x) / Γ(a): below x = a + 1 as 1 − P(a, x) from P's power
 * series (which converges fast there, and Q is not small there); above, by
 * Legendre's continued fraction for Q, evaluated with Lentz's method.
 */
function upperGammaRegularized(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let k = 1; k < GAMMA_MAX_TERMS && term > sum * GAMMA_EPSILON; k++) {
      term *= x / (a + k);
      sum += term;
    }
    return clamp01(1 - sum * Math.exp(logPrefix));
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let dd = 1 / b;
  let fraction = dd;
  for (let i = 1; i < GAMMA_MAX_TERMS; i++) {
    const an = -i * (i - a);
    b += 2;
    dd = an * dd + b;
    if (Math.abs(dd) < TINY) dd = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    dd = 1 / dd;
    const step = dd * c;
    fraction *= step;
    if (Math.abs(step - 1) < GAMMA_EPSILON) break;
  }
  return clamp01(Math.exp(logPrefix) * fraction);
}
