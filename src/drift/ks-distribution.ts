/**
 * The distribution of the one-sample Kolmogorov–Smirnov statistic Dₙ, whose
 * tail gives the two-sample test its asymptotic p-value (ks.ts).
 */
import { logGamma } from '../numeric/special.js';
import { clamp01 } from './stat-guards.js';

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
