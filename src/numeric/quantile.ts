/**
 * Quantiles of sorted values. keel matches its oracles to the last bit, so
 * each definition here is written as the oracle's arithmetic: numpy's default
 * ("linear") method, and scipy's mstats.mquantiles, which scikit-learn's
 * partial dependence calls.
 */

/**
 * The q-quantile of ascending values with numpy's default ("linear") method:
 * virtual index h = (n - 1) q, then numpy's `_lerp` between the neighbours,
 * which interpolates from the nearer end so that results match it bit for bit.
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  if (h >= n - 1) return sorted[n - 1]!;
  if (h < 0) return sorted[0]!;
  const below = Math.floor(h);
  const gamma = h - below;
  const a = sorted[below]!;
  const b = sorted[below + 1]!;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** scipy's mstats.mquantiles with its defaults, which scikit-learn calls; written as scipy's arithmetic, to the last bit. */
export function mquantile(sorted: Float64Array, p: number): number {
  const [alphap, betap] = [0.4, 0.4];
  const n = sorted.length;
  if (n === 1) return sorted[0]!;
  const aleph = n * p + (alphap + p * (1 - alphap - betap));
  const k = Math.floor(Math.min(Math.max(aleph, 1), n - 1));
  const gamma = Math.min(Math.max(aleph - k, 0), 1);
  return (1 - gamma) * sorted[k - 1]! + gamma * sorted[k]!;
}
