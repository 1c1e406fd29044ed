/**
 * Special functions for the statistics of feature selection: log Γ, the
 * digamma function ψ, the regularised incomplete beta function and, from
 * it, the survival function of Fisher's F distribution. Each is accurate to
 * a few units in the last place over the ranges selection uses.
 */

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** Below this, log Γ and ψ first step up by their recurrences, so that the asymptotic series converge. */
const ASYMPTOTIC_FROM = 12;

/** ln Γ(x) for x > 0: Stirling's series after shifting x up by Γ(x + 1) = x Γ(x). */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let shift = 1;
  while (x < ASYMPTOTIC_FROM) {
    shift *= x;
    x += 1;
  }
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + stirlingSeries(x) - Math.log(shift);
}

/** The Bernoulli terms B₂ₖ / (2k(2k − 1) x^(2k−1)) of Stirling's series, for x ≥ 12. */
function stirlingSeries(x: number): number {
  const r = 1 / (x * x);
  return (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680 - r * (1 / 1188 - (r * 691) / 360360))))) / x;
}

/** ψ(x) = Γ′(x)/Γ(x) for x > 0: the asymptotic series after ψ(x) = ψ(x + 1) − 1/x. */
export function digamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let shifted = 0;
  while (x < ASYMPTOTIC_FROM) {
    shifted += 1 / x;
    x += 1;
  }
  const r = 1 / (x * x);
  const series = r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r * (1 / 240 - r * (1 / 132)))));
  return Math.log(x) - 0.5 / x - series - shifted;
}

/**
 * The regularised incomplete beta function I_x(a, b) (`upper` false) or its
 * complement 1 − I_x(a, b) (`upper` true). The continued fraction (Abramowitz
 * & Stegun 26.5.8, evaluated by Lentz's method) converges fast for
 * x < (a + 1)/(a + b + 2); beyond it, the symmetry I_x(a, b) = 1 − I_{1−x}(b, a)
 * is used. Whichever tail is computed directly keeps its full relative
 * precision, so tiny p-values are not lost to 1 − (1 − p).
 */
export function incompleteBeta(x: number, a: number, b: number, upper = false): number {
  return betaTail(x, 1 - x, a, b, upper);
}

/** `incompleteBeta` given both x and y = 1 − x, for callers that know y more precisely than 1 − x. */
function betaTail(x: number, y: number, a: number, b: number, upper: boolean): number {
  if (Number.isNaN(x) || !(a > 0) || !(b > 0)) return Number.NaN;
  if (x <= 0) return upper ? 1 : 0;
  if (y <= 0) return upper ? 0 : 1;
  const logFront = a * Math.log(x) + b * Math.log(y) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    const lower = (Math.exp(logFront) * betaFraction(x, a, b)) / a;
    return upper ? 1 - lower : lower;
  }
  const complement = (Math.exp(logFront) * betaFraction(y, b, a)) / b;
  return upper ? complement : 1 - complement;
}

/**
 * ln B(a, b). With b large (an F test's d2/2 on many rows), ln Γ(b) and
 * ln Γ(a + b) are large and nearly equal: their difference comes from
 * Stirling's series with the large terms cancelled by hand,
 * (b − ½) ln(b/(a + b)) − a ln(a + b) + a + S(b) − S(a + b).
 */
function logBeta(a: number, b: number): number {
  const small = Math.min(a, b);
  const large = Math.max(a, b);
  if (large < ASYMPTOTIC_FROM) return logGamma(small) + logGamma(large) - logGamma(small + large);
  const sum = small + large;
  return (
    logGamma(small) -
    (large - 0.5) * Math.log1p(small / large) -
    small * Math.log(sum) +
    small +
    stirlingSeries(large) -
    stirlingSeries(sum)
  );
}

const TINY = 1e-300;
const EPSILON = 1e-16;
const MAX_TERMS = 10_000;

/** 1/(1 + d₁/(1 + d₂/(1 + …))) with the d_m of the incomplete beta, by modified Lentz. */
function betaFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 / nonZero(1 - ((a + b) * x) / (a + 1));
  let result = d;
  for (let m = 1; m <= MAX_TERMS; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / nonZero(1 + even * d);
    c = nonZero(1 + even / c);
    result *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / nonZero(1 + odd * d);
    c = nonZero(1 + odd / c);
    const step = d * c;
    result *= step;
    if (Math.abs(step - 1) < EPSILON) break;
  }
  return result;
}

function nonZero(v: number): number {
  return Math.abs(v) < TINY ? TINY : v;
}

/**
 * P(F > f) for Fisher's F with d1 and d2 degrees of freedom:
 * I_{d2/(d2 + d1 f)}(d2/2, d1/2). NaN for NaN; 0 for f = ∞.
 */
export function fSurvival(f: number, d1: number, d2: number): number {
  if (Number.isNaN(f)) return Number.NaN;
  if (f <= 0) return 1;
  if (f === Number.POSITIVE_INFINITY) return 0;
  // x and 1 − x from one division each, so neither loses digits to cancellation.
  const denominator = d2 + d1 * f;
  return betaTail(d2 / denominator, (d1 * f) / denominator, d2 / 2, d1 / 2, false);
}
