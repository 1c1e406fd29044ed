/**
 * The two-sample Kolmogorov–Smirnov test, as `scipy.stats.ks_2samp` (scipy
 * 1.10) with its default method='auto': the exact p-value when neither sample
 * has more than 10,000 values, else the asymptotic one,
 * `kstwo.sf(D, round(n1 n2 / (n1 + n2)))` (in ks-distribution.ts).
 */
import { sortedPresent } from '../profile/stats.js';
import { kolmogorovSmirnovSurvival } from './ks-distribution.js';
import { clamp01, requireValues } from './stat-guards.js';

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

/** Path mass below this is dropped: p-values under ~1e-270 lose their relative accuracy (scipy returns 0 there). */
const NEGLIGIBLE_MASS = 1e-280;

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
