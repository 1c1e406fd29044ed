import { partialSquaredDistance } from '../../numeric/linalg.js';
/**
 * Exact k-nearest-neighbour search by brute force, and the bounded buffer
 * both searches (this one and the k-d tree's) keep their k best in.
 *
 * Distances are compared in "reduced" units: the squared distance for
 * euclidean (no square root per pair), the plain sum for manhattan. Ties in
 * distance are broken by training row index, lower first, so every search
 * returns the same neighbours in the same order (scikit-learn's brute force
 * also keeps the lower index).
 */
export type Metric = 'euclidean' | 'manhattan';

/** Row-major points: row i is `data[i * cols … (i + 1) * cols)`. */
export interface Points {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** The k nearest training rows of each query row, nearest first: row-major m × k. */
export interface Neighbours {
  readonly k: number;
  readonly indices: Int32Array;
  /** In reduced units; see `trueDistance`. */
  readonly distances: Float64Array;
}

/** Reduced distance back to the metric's own distance. */
export function trueDistance(reduced: number, metric: Metric): number {
  return metric === 'euclidean' ? Math.sqrt(reduced) : reduced;
}

/** The reduced distance between row a of A and row b of B (same column count). */
export function reducedDistance(
  A: Float64Array,
  a: number,
  B: Float64Array,
  b: number,
  cols: number,
  euclidean: boolean,
): number {
  const aStart = a * cols;
  const bStart = b * cols;
  let sum = 0;
  if (euclidean) {
    for (let j = 0; j < cols; j++) {
      const d = A[aStart + j]! - B[bStart + j]!;
      sum += d * d;
    }
  } else {
    for (let j = 0; j < cols; j++) sum += Math.abs(A[aStart + j]! - B[bStart + j]!);
  }
  return sum;
}

/**
 * The same sum as `reducedDistance`, term for term, given up once it passes
 * `limit` (checked every 4 terms): a result ≤ limit is the full distance, bit
 * for bit; a larger one is only a lower bound, as adding non-negative terms
 * never makes a sum smaller. A search passes its current k-th distance, so
 * most training rows are rejected after a few columns.
 */
export function reducedDistanceUpTo(
  A: Float64Array,
  a: number,
  B: Float64Array,
  b: number,
  cols: number,
  euclidean: boolean,
  limit: number,
): number {
  return euclidean
    ? partialSquaredDistance(A, a * cols, B, b * cols, cols, limit)
    : absoluteDistanceUpTo(A, a * cols, B, b * cols, cols, limit);
}

function absoluteDistanceUpTo(
  A: Float64Array,
  aStart: number,
  B: Float64Array,
  bStart: number,
  cols: number,
  limit: number,
): number {
  let sum = 0;
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    sum += Math.abs(A[aStart + j]! - B[bStart + j]!);
    sum += Math.abs(A[aStart + j + 1]! - B[bStart + j + 1]!);
    sum += Math.abs(A[aStart + j + 2]! - B[bStart + j + 2]!);
    sum += Math.abs(A[aStart + j + 3]! - B[bStart + j + 3]!);
    if (sum > limit) return sum;
  }
  for (; j < cols; j++) sum += Math.abs(A[aStart + j]! - B[bStart + j]!);
  return sum;
}

/**
 * Offers (distance, index) to the buffer of k slots at `base`, of which
 * `filled` are in use and sorted by (distance, index). Returns the new fill.
 * An insertion sort: k is small, and most candidates are rejected by the
 * first comparison, against the current worst.
 */
export function offerNeighbour(
  distances: Float64Array,
  indices: Int32Array,
  base: number,
  k: number,
  filled: number,
  distance: number,
  index: number,
): number {
  if (filled === k) {
    const worst = distances[base + k - 1]!;
    if (distance > worst || (distance === worst && index > indices[base + k - 1]!)) return filled;
  }
  let slot = filled === k ? k - 1 : filled;
  while (slot > 0) {
    const d = distances[base + slot - 1]!;
    if (d < distance || (d === distance && indices[base + slot - 1]! < index)) break;
    distances[base + slot] = d;
    indices[base + slot] = indices[base + slot - 1]!;
    slot--;
  }
  distances[base + slot] = distance;
  indices[base + slot] = index;
  return filled === k ? k : filled + 1;
}

/** Query rows per block: the block's buffers stay in cache while every training row streams past. */
const BLOCK_ROWS = 32;

/** Brute force: every query row against every training row, a block of query rows at a time. */
export function bruteForceNeighbours(train: Points, query: Points, k: number, metric: Metric): Neighbours {
  const indices = new Int32Array(query.rows * k);
  const distances = new Float64Array(query.rows * k);
  const filled = new Int32Array(BLOCK_ROWS);
  const euclidean = metric === 'euclidean';
  for (let start = 0; start < query.rows; start += BLOCK_ROWS) {
    const end = Math.min(query.rows, start + BLOCK_ROWS);
    filled.fill(0);
    for (let t = 0; t < train.rows; t++) {
      for (let q = start; q < end; q++) {
        const slot = q - start;
        // Once k are held, a row no nearer than the k-th cannot enter (rows come in index order).
        const limit = filled[slot] === k ? distances[q * k + k - 1]! : Number.POSITIVE_INFINITY;
        const distance = reducedDistanceUpTo(query.data, q, train.data, t, train.cols, euclidean, limit);
        if (filled[slot] === k && distance >= limit) continue;
        filled[slot] = offerNeighbour(distances, indices, q * k, k, filled[slot]!, distance, t);
      }
    }
  }
  return { k, indices, distances };
}
