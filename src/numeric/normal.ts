/**
 * The standard normal quantile function (Φ⁻¹), to near machine precision.
 * Acklam's rational approximation (relative error < 1.2e-9) starts one
 * Halley step on Φ(x) − p, with Φ from Marsaglia's series (J. Stat. Softw.
 * 11(4), 2004), whose absolute error ~1e-16 is all the step needs.
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p)) return Number.NaN;
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  // 1 − p is exact for p > 0.5, so the upper half mirrors the lower without loss.
  if (p > 0.5) return -normalQuantile(1 - p);
  const x = acklam(p);
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * Φ(x). Near the centre: ½ + φ(x) (x + x³/3 + x⁵/(3·5) + …) (Marsaglia 2004).
 * In the lower tail that sum cancels against ½, so there Laplace's continued
 * fraction Φ(x) = φ(x) / (t + 1/(t + 2/(t + 3/(t + …)))), t = −x, keeps the
 * relative error near machine precision.
 */
export function normalCdf(x: number): number {
  if (x < -38) return 0;
  if (x > 38) return 1;
  if (x < -3) {
    const t = -x;
    let fraction = t;
    for (let k = 120; k >= 1; k--) fraction = t + k / fraction;
    return Math.exp(-(x * x) / 2 - LOG_SQRT_2PI) / fraction;
  }
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let k = 3; Math.abs(term) > 1e-18 * Math.abs(sum); k += 2) {
    term *= x2 / k;
    sum += term;
  }
  return 0.5 + sum * Math.exp(-x2 / 2 - LOG_SQRT_2PI);
}

/** log √(2π), so that φ(x) = exp(−x²/2 − LOG_SQRT_2PI). */
const LOG_SQRT_2PI = 0.9189385332046728;

const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/** Acklam's approximation for p ≤ ½ (tail below 0.02425, central region above). */
function acklam(p: number): number {
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) /
      ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) /
    (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1)
  );
}
