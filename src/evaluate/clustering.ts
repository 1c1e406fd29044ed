/**
 * Cluster quality without ground truth: the silhouette (Rousseeuw 1987), as
 * scikit-learn's `silhouette_score` with the euclidean metric.
 */

import { UsageError } from '../core/errors.js';
import type { Matrix } from '../data/frame.js';
import { checkFinite, checkNotEmpty, checkSameLength } from './inputs.js';

/** Points as a row-major matrix: row i, feature j is `data[i * cols + j]`. */
export type Points = Pick<Matrix, 'data' | 'rows' | 'cols'>;

/** Rows per block of the distance loop: a block's per-cluster sums stay in cache. */
const BLOCK_ROWS = 64;

/**
 * Mean over points of s = (b − a) / max(a, b), where a is the mean distance
 * to the other points of the same cluster and b the smallest mean distance
 * to the points of another cluster. A point alone in its cluster scores 0.
 * Labels may be any numbers (e.g. −1 for noise counts as one more cluster,
 * as in scikit-learn). O(n²·d) time, O(block · clusters) extra memory.
 */
export function silhouetteScore(points: Points, labels: ArrayLike<number>): number {
  checkNotEmpty(labels, 'labels');
  checkSameLength({ length: points.rows }, 'points', labels, 'labels');
  checkFinite(points.data, 'points');
  checkFinite(labels, 'labels');
  const { clusterOf, sizes } = denseClusters(labels);
  const k = sizes.length;
  if (k < 2 || k > points.rows - 1) {
    throw new UsageError(
      'metric.cluster-count',
      `silhouette needs 2 to n − 1 clusters, got ${k} for ${points.rows} points`,
      {
        location: { field: 'labels' },
        hint: 'it compares distances within a cluster to distances to other clusters, so both must exist',
      },
    );
  }
  let total = 0;
  const sums = new Float64Array(BLOCK_ROWS * k);
  for (let start = 0; start < points.rows; start += BLOCK_ROWS) {
    const end = Math.min(start + BLOCK_ROWS, points.rows);
    sums.fill(0);
    sumDistancesByCluster(points, clusterOf, k, start, end, sums);
    for (let i = start; i < end; i++)
      total += silhouetteOfPoint(sums.subarray((i - start) * k, (i - start + 1) * k), clusterOf[i]!, sizes);
  }
  return total / points.rows;
}

/** For rows start..end-1: Σ distance to the points of each cluster, into `sums` (row-major, k per row). */
function sumDistancesByCluster(
  { data, rows, cols }: Points,
  clusterOf: Int32Array,
  k: number,
  start: number,
  end: number,
  sums: Float64Array,
): void {
  for (let j = 0; j < rows; j++) {
    const cluster = clusterOf[j]!;
    for (let i = start; i < end; i++) {
      let squared = 0;
      for (let f = 0; f < cols; f++) {
        const d = data[i * cols + f]! - data[j * cols + f]!;
        squared += d * d;
      }
      const at = (i - start) * k + cluster;
      sums[at] = sums[at]! + Math.sqrt(squared);
    }
  }
}

function silhouetteOfPoint(distanceSums: Float64Array, own: number, sizes: Int32Array): number {
  if (sizes[own] === 1) return 0;
  const within = distanceSums[own]! / (sizes[own]! - 1);
  let nearest = Number.POSITIVE_INFINITY;
  for (let c = 0; c < sizes.length; c++) {
    if (c !== own) nearest = Math.min(nearest, distanceSums[c]! / sizes[c]!);
  }
  const larger = Math.max(within, nearest);
  return larger === 0 ? 0 : (nearest - within) / larger;
}

/** Cluster ids 0..k-1 in first-seen order, and each cluster's size. */
function denseClusters(labels: ArrayLike<number>): { clusterOf: Int32Array; sizes: Int32Array } {
  const idOf = new Map<number, number>();
  const clusterOf = new Int32Array(labels.length);
  const sizes: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    let id = idOf.get(labels[i]!);
    if (id === undefined) {
      id = sizes.length;
      idOf.set(labels[i]!, id);
      sizes.push(0);
    }
    clusterOf[i] = id;
    sizes[id]!++;
  }
  return { clusterOf, sizes: Int32Array.from(sizes) };
}
