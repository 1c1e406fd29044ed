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
 */
import { UsageError } from '../errors.js';
import { logGamma } from '../prep/special.js';
import { populationStabilityIndex } from '../profile/findings.js';
import { lowerBound, quantileSorted, sortedPresent } from '../profile/stats.js';

export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KsResult {
  /** The largest gap between the two empirical CDFs. */
  readonly statistic: number;
  readonly pValue: number;
  /** How the p-value was computed. */
  readonly method: 'exact' | 'asymp';
}

/** scipy's 'auto' is exact while both samples have at most this many values. */
export const KS_EXACT_MAX_N = 10_000;

function requireValues(n1: number, n2: number, test: string): void {
  if (n1 === 0 || n2 === 0) {
    throw new UsageError('monitor.empty-sample', `${test} needs at least one present value in each sample`, {
      hint: 'drop the column from the comparison, or compare a window that has values',
    });
  }
}

/** Two-sample Kolmogorov–Smirnov test (two-sided), as scipy.stats.ks_2samp. NaN are dropped. */
export function ksTwoSample(a: Float64Array, b: Float64Array, method: KsMethod = 'auto'): KsResult {
  return ksTwoSampleSorted(sortedPresent(a), sortedPresent(b), method);
}

/** `ksTwoSample` on NaN-free ascending samples. */
export function ksTwoSampleSorted(a: Float64Array, b: Float64Array, method: KsMethod = 'auto'): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  requireValues(n1, n2, 'the Kolmogorov–Smirnov test');
  const d = ksStatisticSorted(a, b);
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  // scipy falls back to the asymptotic form when lcm(n1, n2) would overflow an int32.
  const exact =
    (method === 'exact' && n1 / g < 2147483647 / (n2 / g)) ||
    (method === 'auto' && Math.max(n1, n2) <= KS_EXACT_MAX_N);
  if (exact) {
    // The statistic is a multiple of 1 / lcm: take it exactly, as scipy does.
    const h = roundHalfEven(d * lcm);
    const pValue = h === 0 ? 1 : n1 === n2 ? outsideSquare(n1, h) : outsideBand(n1, n2, g, h);
    return { statistic: h / lcm, pValue: clamp01(pValue), method: 'exact' };
  }
  const en = roundHalfEven((n1 * n2) / (n1 + n2));
  return { statistic: d, pValue: kolmogorovSmirnovSurvival(d, en), method: 'asymp' };
}

/**
 * sup |F_a − F_b| over all values, the CDFs evaluated after every run of
 * equal values (right-continuous), with scipy's arithmetic: i / n1 − j / n2.
 */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let most = 0;
  let least = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    const diff = i / n1 - j / n2;
    if (diff > most) most = diff;
    else if (diff < least) least = diff;
  }
  return Math.max(most, Math.min(1, -least));
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** numpy's round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function clamp01(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/**
 * P(D ≥ h/n) for two samples of n values each, by the reflection principle:
 * 2 Σₖ (−1)^(k+1) C(2n, n − kh) / C(2n, n). The ratios of consecutive terms
 * are products of h factors, so the alternating sum is evaluated inside out,
 * P = r₁(1 − r₂/r₁ (1 − r₃/r₂ (1 − …))), never forming a binomial coefficient.
 */
function outsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    p = ratio * (1 - p);
  }
  return 2 * p;
}

/**
 * P(D ≥ h / lcm) for samples of n1 ≠ n2 values: the share of the C(n1 + n2, n1)
 * interleavings whose lattice path (i values of one sample, j of the other)
 * reaches |i/m − j/n| ≥ h / lcm somewhere. Walks the path as a random draw
 * without replacement, column by column, keeping the probability mass of the
 * paths still inside the band; mass that steps onto the boundary is added to
 * the answer. Every term is a probability, so nothing overflows and small
 * p-values keep their relative accuracy (down to ~1e-270). Work: the cells
 * inside the band, about 2·D·n1·n2.
 */
/** Path mass below this is dropped: p-values under ~1e-270 lose their relative accuracy (scipy returns 0 there). */
const NEGLIGIBLE_MASS = 1e-280;

function outsideBand(n1: number, n2: number, g: number, h: number): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const mg = m / g;
  const ng = n / g;
  const total = m + n;
  // 1 / (draws left): a step from a cell with r draws left is an x-step with chance (x left)/r.
  const perLeft = new Float64Array(total + 1);
  for (let r = 1; r <= total; r++) perLeft[r] = 1 / r;
  let previous = new Float64Array(n + 1);
  let current = new Float64Array(n + 1);
  let outside = 0;
  // Column 0: cells j with j·mg < h. [low, high] is where a column holds any mass (all else is 0).
  const firstHi = Math.min(n, Math.ceil(h / mg) - 1);
  previous[0] = 1;
  for (let j = 1; j <= firstHi; j++) previous[j] = previous[j - 1]! * (n - j + 1) * perLeft[total - j + 1]!;
  if (firstHi < n) outside += previous[firstHi]! * (n - firstHi) * perLeft[total - firstHi]!;
  let low = 0;
  let high = firstHi;
  for (let i = 1; i <= m; i++) {
    // Column i's band: |i·ng − j·mg| < h (integer arithmetic: i/m − j/n = (i·ng − j·mg) / lcm).
    const bandLo = Math.max(0, Math.floor((i * ng - h) / mg) + 1);
    const bandHi = Math.min(n, Math.ceil((i * ng + h) / mg) - 1);
    const xLeft = m - i + 1;
    // x-steps from the previous column that land outside the band.
    for (let j = low; j <= Math.min(high, bandLo - 1); j++) {
      outside += previous[j]! * xLeft * perLeft[total - i + 1 - j]!;
    }
    for (let j = Math.max(low, bandHi + 1); j <= high; j++) {
      outside += previous[j]! * xLeft * perLeft[total - i + 1 - j]!;
    }
    // Inside: mass from the left (x-step) plus from below (y-step within the column).
    let mass = 0;
    let newLow = -1;
    let newHigh = -1;
    let j = Math.max(bandLo, low);
    for (; j <= bandHi; j++) {
      if (j > high && mass === 0) break;
      const fromLeft = j <= high ? previous[j]! * xLeft * perLeft[total - i + 1 - j]! : 0;
      mass = fromLeft + mass * (n - j + 1) * perLeft[total - i - j + 1]!;
      // Far from the diagonal the mass sinks to subnormal numbers, whose arithmetic is ~100× slower.
      if (mass < NEGLIGIBLE_MASS) mass = 0;
      current[j] = mass;
      if (mass > 0) {
        if (newLow < 0) newLow = j;
        newHigh = j;
      }
    }
    if (j > bandHi && bandHi < n) outside += mass * (n - bandHi) * perLeft[total - i - bandHi]!;
    if (newLow < 0) return outside;
    [previous, current] = [current, previous];
    low = newLow;
    high = newHigh;
  }
  return outside;
}

/**
 * P(Dₙ ≥ d) for the two-sided one-sample Kolmogorov–Smirnov statistic
 * (scipy.stats.kstwo.sf), by Simard & L'Ecuyer's choice of method (J. Stat.
 * Softw. 39(11), 2011), as scipy makes it: Ruben–Gambino's closed forms at
 * the ends, twice Smirnov's one-sided tail where the two tails cannot both
 * be reached (or their overlap is negligible), Durbin's matrix (Marsaglia,
 * Tsang & Wang 2003) for small n·d, and Pelz–Good's expansion elsewhere.
 * Where scipy uses Pomeranz's recursion (n ≤ 140, 0.754693 < n·d² ≤ 4) this
 * uses Durbin's matrix, which is also exact.
 */
export function kolmogorovSmirnovSurvival(d: number, n: number): number {
  if (Number.isNaN(d) || !(n >= 1) || !Number.isInteger(n)) return Number.NaN;
  if (d >= 1) return 0;
  if (d <= 0) return 1;
  const t = n * d;
  if (t <= 1) {
    // P(Dₙ < d) = n!/nⁿ (2t − 1)ⁿ; past n = 140 it is below 1e-58 and 1 − it is 1.
    if (t <= 0.5 || n > 140) return 1;
    let cdf = 1;
    for (let i = 1; i <= n; i++) cdf *= (i / n) * (2 * t - 1);
    return clamp01(1 - cdf);
  }
  if (t >= n - 1) return clamp01(2 * (1 - d) ** n);
  if (d >= 0.5) return clamp01(2 * smirnovSurvival(n, d));
  const nxx = t * d;
  if (n <= 140) return clamp01(nxx <= 4 ? 1 - durbinCdf(n, d) : 2 * smirnovSurvival(n, d));
  if (nxx >= 370) return 0;
  if (nxx >= 2.2) return clamp01(2 * smirnovSurvival(n, d));
  const cdf = n <= 100_000 && n * d ** 1.5 <= 1.4 ? durbinCdf(n, d) : pelzGoodCdf(n, d);
  return clamp01(1 - cdf);
}

/**
 * Smirnov's one-sided tail P(Dₙ⁺ ≥ d), by Birnbaum & Tingey's exact sum
 * d Σ_{j ≤ n(1−d)} C(n, j) (d + j/n)^(j−1) (1 − d − j/n)^(n−j), each term
 * in logarithms (the binomial from log Γ) so large n neither overflows nor
 * accumulates rounding along the sum.
 */
function smirnovSurvival(n: number, d: number): number {
  const last = Math.floor(n * (1 - d));
  const logNFactorial = logGamma(n + 1);
  let sum = 0;
  for (let j = 0; j <= last; j++) {
    const right = (n - j) / n - d;
    if (!(right > 0)) break;
    const logBinomial = logNFactorial - logGamma(j + 1) - logGamma(n - j + 1);
    sum += Math.exp(logBinomial + (j - 1) * Math.log(d + j / n) + (n - j) * Math.log(right));
  }
  return d * sum;
}

/** 2^465 ≈ 1e140: the scale by which Durbin's matrix powers are kept in range. */
const SCALE_BITS = 465;
const SCALE = 2 ** SCALE_BITS;

/**
 * Durbin's matrix formula P(Dₙ < d) = n!/nⁿ (Hⁿ)ₖₖ with k = ⌈nd⌉, as
 * Marsaglia, Tsang & Wang lay it out: H is (2k−1)², H[i][j] = 1/(i−j+1)! on
 * and below the superdiagonal, with h = k − nd corrections in the first column
 * and last row. Powers by squaring, scaled by 2^±465 with the exponent kept aside.
 */
function durbinCdf(n: number, d: number): number {
  const nd = n * d;
  const k = Math.ceil(nd);
  const m = 2 * k - 1;
  const H = durbinMatrix(k - nd, m);
  let power: Float64Array | undefined;
  let powerExponent = 0;
  let base = H;
  let baseExponent = 0;
  const at = (k - 1) * m + (k - 1);
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) {
      power = power === undefined ? base.slice() : multiply(power, base, m);
      powerExponent += baseExponent;
      if (power[at]! > SCALE) {
        scaleInPlace(power, 1 / SCALE);
        powerExponent += SCALE_BITS;
      }
    }
    if (e > 1) {
      base = multiply(base, base, m);
      baseExponent *= 2;
      if (base[at]! > SCALE) {
        scaleInPlace(base, 1 / SCALE);
        baseExponent += SCALE_BITS;
      }
    }
  }
  let p = power![at]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (p < 1 / SCALE) {
      p *= SCALE;
      powerExponent -= SCALE_BITS;
    }
  }
  return ldexp(p, powerExponent);
}

function durbinMatrix(h: number, m: number): Float64Array {
  const inverseFactorial = [1];
  for (let i = 1; i <= m; i++) inverseFactorial.push(inverseFactorial[i - 1]! / i);
  const H = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= Math.min(i + 1, m - 1); j++) H[i * m + j] = inverseFactorial[i - j + 1]!;
  }
  for (let i = 0; i < m; i++) {
    H[i * m]! -= h ** (i + 1) * inverseFactorial[i + 1]!;
    H[(m - 1) * m + i]! -= h ** (m - i) * inverseFactorial[m - i]!;
  }
  H[(m - 1) * m]! += Math.max(0, 2 * h - 1) ** m * inverseFactorial[m]!;
  return H;
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l]!;
      if (ail === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j]! += ail * b[l * m + j]!;
    }
  }
  return out;
}

function scaleInPlace(a: Float64Array, factor: number): void {
  for (let i = 0; i < a.length; i++) a[i]! *= factor;
}

/** x · 2^e without overflowing or underflowing on the way. */
function ldexp(x: number, e: number): number {
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * 2 ** e;
}

/**
 * Pelz & Good's expansion of P(Dₙ ≤ d) in powers of n^(−1/2) (J. R. Stat.
 * Soc. B 38(2), 1976): K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^(3/2) at z = d√n,
 * each Kᵢ a theta-function series that converges fast for small z. Sums run
 * over k ≤ ⌈16z/π⌉, past which every term is below e^(−128) of the first.
 */
function pelzGoodCdf(n: number, d: number): number {
  const z = Math.sqrt(n) * d;
  const z2 = z * z;
  if (-(Math.PI ** 2) / (8 * z2) < -708) return 0;
  const pi2 = Math.PI ** 2;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const terms = Math.ceil((16 * z) / Math.PI);
  // Sums over odd m = 2k − 1 of polynomials in m² times exp(−m²π²/(8z²)).
  let k0 = 0;
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  for (let k = terms; k >= 1; k--) {
    const m2 = (2 * k - 1) ** 2;
    const e = Math.exp((-m2 * pi2) / (8 * z2));
    const u = (m2 * pi2) / 4; // π²(k − ½)²
    k0 += e;
    k1 += (u - z2) * e;
    k2 += (6 * z6 + 2 * z4 + u * (2 * z4 - 5 * z2) + u * u * (1 - 2 * z2)) * e;
    k3 +=
      (u * u * u * (5 - 30 * z2) +
        u * u * (212 * z4 - 60 * z2) +
        u * (135 * z4 - 96 * z6) -
        30 * z6 -
        90 * z4 * z4) *
      e;
  }
  // Sums over all k ≥ 1 of polynomials in k² times exp(−k²π²/(2z²)).
  let s2 = 0;
  let s3 = 0;
  for (let k = terms; k >= 1; k--) {
    const kk = k * k;
    const e = Math.exp((-kk * pi2) / (2 * z2));
    s2 += kk * e;
    s3 += (3 * z2 - pi2 * kk) * kk * e;
  }
  const root2pi = Math.sqrt(2 * Math.PI);
  const K0 = (root2pi / z) * k0;
  const K1 = (root2pi / (6 * z4)) * k1;
  const K2 = (root2pi / (72 * z4 * z2 * z)) * k2 - ((pi2 * root2pi) / (36 * z2 * z)) * s2;
  const K3 = (root2pi / (6480 * z6 * z4)) * k3 + ((pi2 * root2pi) / (216 * z6)) * s3;
  return K0 + K1 / Math.sqrt(n) + K2 / n + K3 / n ** 1.5;
}

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
