import { Rng } from '../core/random.js';
import { digamma } from '../numeric/special.js';
import { mutualInformation } from '../profile/associations.js';

/**
 * Mutual information between each feature and the target, in nats, as
 * scikit-learn's mutual_info_classif and mutual_info_regression estimate it:
 *
 * - continuous feature, continuous target: the k-nearest-neighbour estimator
 *   of Kraskov, Stögbauer & Grassberger (2004, their first), with max-norm
 *   distances in the (x, y) plane;
 * - continuous and discrete: Ross's estimator (PLoS ONE 9(2), 2014), with
 *   neighbours counted within each class;
 * - both discrete: the plug-in estimate from the contingency table.
 *
 * Continuous columns (and a continuous target) are first divided by their
 * standard deviation, then get noise of 1e-10 · max(1, mean |x|) · N(0, 1),
 * as Kraskov et al. advise, so that tied values do not make neighbour
 * distances zero. The noise is drawn from `seed`: on data without ties it
 * changes no neighbour and the estimate is exact; with ties, it decides them,
 * and estimates move with the seed (by up to 0.05 nats on wine's columns).
 * Negative estimates are reported as 0.
 */
export interface MutualInfoOptions {
  /** Neighbours per point (k); scikit-learn's default 3. */
  readonly neighbors: number;
  /** Per feature: whether it is discrete (its values are labels). */
  readonly discrete: readonly boolean[];
  readonly seed: number;
}

/** Relative size of the tie-breaking noise. */
const NOISE = 1e-10;

export function mutualInfoClassif(
  columns: readonly Float64Array[],
  classes: Float64Array,
  options: MutualInfoOptions,
): Float64Array {
  const rng = new Rng(options.seed);
  const labels = labelCodes(classes);
  return Float64Array.from(columns, (x, j) => {
    if (options.discrete[j]) return mutualInformation(labelCodes(x), labels);
    return continuousDiscrete(withNoise(x, rng), labels.codes, options.neighbors);
  });
}

export function mutualInfoRegression(
  columns: readonly Float64Array[],
  y: Float64Array,
  options: MutualInfoOptions,
): Float64Array {
  const rng = new Rng(options.seed);
  const noisy = columns.map((x, j) => (options.discrete[j] ? x : withNoise(x, rng)));
  const target = withNoise(y, rng);
  return Float64Array.from(noisy, (x, j) =>
    options.discrete[j]
      ? continuousDiscrete(target, labelCodes(x).codes, options.neighbors)
      : continuousContinuous(x, target, options.neighbors),
  );
}

/** x / sd(x) (population sd; a constant column is left unscaled) plus the tie-breaking noise. */
function withNoise(x: Float64Array, rng: Rng): Float64Array {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (x[i]! - mean) ** 2;
  const sd = Math.sqrt(squares / n);
  const scale = sd > 0 ? sd : 1;
  const out = Float64Array.from(x, (v) => v / scale);
  let absolute = 0;
  for (let i = 0; i < n; i++) absolute += Math.abs(out[i]!);
  const amplitude = NOISE * Math.max(1, absolute / n);
  for (let i = 0; i < n; i++) out[i]! += amplitude * rng.normal();
  return out;
}

/** Distinct values as codes 0 … levels − 1 (in ascending order of value). */
function labelCodes(values: Float64Array): { codes: Int32Array; levels: number } {
  const distinct = Array.from(new Set(values)).sort((a, b) => a - b);
  const index = new Map(distinct.map((v, i) => [v, i]));
  return { codes: Int32Array.from(values, (v) => index.get(v)!), levels: distinct.length };
}

/**
 * KSG: with ε_i the distance (max-norm) from point i to its k-th neighbour
 * in the plane, and n_x(i), n_y(i) the points strictly closer than ε_i in x
 * and in y (the point itself included),
 * I = ψ(n) + ψ(k) − ⟨ψ(n_x)⟩ − ⟨ψ(n_y)⟩.
 */
function continuousContinuous(x: Float64Array, y: Float64Array, k: number): number {
  const n = x.length;
  if (n <= k) return 0;
  const radii = kthPlaneDistances(x, y, k);
  const sortedX = Float64Array.from(x).sort();
  const sortedY = Float64Array.from(y).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const radius = below(radii[i]!);
    sum += digamma(countWithin(sortedX, x[i]!, radius)) + digamma(countWithin(sortedY, y[i]!, radius));
  }
  return Math.max(0, digamma(n) + digamma(k) - sum / n);
}

/**
 * Ross: with ε_i the distance to the k_i-th neighbour of the same class
 * (k_i = min(k, class size − 1)), N_i the class size and m_i the points of
 * any class strictly closer than ε_i (itself included),
 * I = ψ(n) + ⟨ψ(k_i)⟩ − ⟨ψ(N_i)⟩ − ⟨ψ(m_i)⟩, over the n points whose class
 * has more than one point.
 */
function continuousDiscrete(c: Float64Array, labels: Int32Array, k: number): number {
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const rows = byClass.get(label);
    if (rows === undefined) byClass.set(label, [i]);
    else rows.push(i);
  });
  const kept: number[] = [];
  const radii: number[] = [];
  let sumK = 0;
  let sumClass = 0;
  for (const rows of byClass.values()) {
    if (rows.length < 2) continue;
    const classK = Math.min(k, rows.length - 1);
    const values = Float64Array.from(rows, (i) => c[i]!);
    const distances = kthLineDistances(values, classK);
    rows.forEach((i, r) => {
      kept.push(i);
      radii.push(distances[r]!);
    });
    sumK += rows.length * digamma(classK);
    sumClass += rows.length * digamma(rows.length);
  }
  const n = kept.length;
  if (n === 0) return 0;
  const sorted = Float64Array.from(kept, (i) => c[i]!).sort();
  let sumM = 0;
  kept.forEach((i, r) => {
    sumM += digamma(countWithin(sorted, c[i]!, below(radii[r]!)));
  });
  return Math.max(0, digamma(n) + (sumK - sumClass - sumM) / n);
}

/** For each value, the distance to its k-th nearest other value (1-D), walking out from it in sorted order. */
function kthLineDistances(values: Float64Array, k: number): Float64Array {
  const order = Int32Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!);
  const sorted = Float64Array.from(order, (i) => values[i]!);
  const out = new Float64Array(values.length);
  for (let p = 0; p < sorted.length; p++) {
    const v = sorted[p]!;
    let left = p - 1;
    let right = p + 1;
    let distance = 0;
    for (let step = 0; step < k; step++) {
      const toLeft = left >= 0 ? v - sorted[left]! : Number.POSITIVE_INFINITY;
      const toRight = right < sorted.length ? sorted[right]! - v : Number.POSITIVE_INFINITY;
      if (toLeft <= toRight) {
        distance = toLeft;
        left--;
      } else {
        distance = toRight;
        right++;
      }
    }
    out[order[p]!] = distance;
  }
  return out;
}

/**
 * For each point, the max-norm distance to its k-th nearest other point of
 * the plane: walk outwards in x order, keeping the k best distances, and
 * stop on a side once the x gap alone is no better than the k-th best.
 */
function kthPlaneDistances(x: Float64Array, y: Float64Array, k: number): Float64Array {
  const n = x.length;
  const order = Int32Array.from(x.keys()).sort((a, b) => x[a]! - x[b]!);
  const best = new Float64Array(k);
  const out = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const i = order[p]!;
    best.fill(Number.POSITIVE_INFINITY);
    for (const direction of [-1, 1]) {
      for (let q = p + direction; q >= 0 && q < n; q += direction) {
        const j = order[q]!;
        const dx = Math.abs(x[j]! - x[i]!);
        if (dx >= best[k - 1]!) break;
        insertSorted(best, Math.max(dx, Math.abs(y[j]! - y[i]!)));
      }
    }
    out[i] = best[k - 1]!;
  }
  return out;
}

/** Puts `value` into the ascending array `best`, dropping its largest entry, if it is smaller. */
function insertSorted(best: Float64Array, value: number): void {
  let at = best.length - 1;
  if (!(value < best[at]!)) return;
  while (at > 0 && best[at - 1]! > value) {
    best[at] = best[at - 1]!;
    at--;
  }
  best[at] = value;
}

/** How many values of the ascending array lie within `radius` of v (|s − v| ≤ radius, as computed). */
function countWithin(sorted: Float64Array, v: number, radius: number): number {
  // Both tests are monotone along the sorted array, so binary search finds where they flip.
  const first = firstIndex(sorted, (s) => v - s <= radius);
  const end = firstIndex(sorted, (s) => s - v > radius);
  return end - first;
}

/** The first index at which `test` holds, for a test that is false and then true along the array. */
function firstIndex(sorted: Float64Array, test: (s: number) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (test(sorted[middle]!)) high = middle;
    else low = middle + 1;
  }
  return low;
}

const BITS = new DataView(new ArrayBuffer(8));

/**
 * The largest double below a distance (0 stays 0), so that "within it"
 * means strictly closer than the k-th neighbour, as numpy's nextafter(r, 0)
 * does for scikit-learn.
 */
function below(distance: number): number {
  if (!(distance > 0) || distance === Number.POSITIVE_INFINITY) return distance;
  BITS.setFloat64(0, distance);
  BITS.setBigUint64(0, BITS.getBigUint64(0) - 1n);
  return BITS.getFloat64(0);
}
