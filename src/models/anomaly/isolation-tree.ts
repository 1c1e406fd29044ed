import type { Rng } from '../../core/random.js';
import type { Matrix } from '../../data/frame.js';

/**
 * Isolation trees (Liu, Ting & Zhou 2008), stored end to end as parallel
 * typed arrays in depth-first order: a node's left child is the node right
 * after it, so only the right child is stored. A row goes left when
 * `x[feature] <= threshold`. Per node: 4 + 8 + 4 + 4 bytes.
 */
export interface IsolationTrees {
  /** The feature a node splits on; −1 at a leaf. */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** The absolute index of the right child (the left child is the next node); −1 at a leaf. */
  readonly right: Int32Array;
  /** The number of sampled training rows that reached the node (duplicates counted with bootstrap). */
  readonly size: Int32Array;
  /** Where each tree's nodes begin, and one past the last node. */
  readonly treeStart: Int32Array;
}

/** What one tree grows from: its rows of the sample, the features it may split on, and a depth limit. */
export interface TreeSample {
  /** Row indices into X; reordered in place while growing. */
  readonly rows: Int32Array;
  /** The features this tree may split on; reordered in place while growing. */
  readonly features: Int32Array;
  readonly maxDepth: number;
}

const EULER_GAMMA = 0.5772156649015329;

/**
 * c(n), the average path length of an unsuccessful search in a binary search
 * tree of n keys: 2 H(n − 1) − 2 (n − 1) / n with H(i) ≈ ln i + γ (the
 * paper's eq. 1); c(1) = 0 and c(2) = 1 exactly. It normalises path lengths
 * and estimates the depth still to go below a leaf that holds n rows.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** Appends nodes of any number of trees; `finish` packs them. */
export class IsolationTreeBuilder {
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly right: number[] = [];
  private readonly size: number[] = [];
  private readonly starts: number[] = [];

  /** Grows one tree on `sample` of `X`, drawing every choice from `rng`. */
  grow(X: Matrix, sample: TreeSample, rng: Rng): void {
    this.starts.push(this.feature.length);
    this.growNode(X, sample, rng, 0, sample.rows.length, 0);
  }

  private growNode(X: Matrix, sample: TreeSample, rng: Rng, start: number, end: number, depth: number): void {
    const node = this.feature.length;
    this.feature.push(-1);
    this.threshold.push(0);
    this.right.push(-1);
    this.size.push(end - start);
    if (end - start <= 1 || depth >= sample.maxDepth) return;
    const split = randomSplit(X, sample, rng, start, end);
    if (split === undefined) return;
    const middle = partition(X, sample.rows, start, end, split.feature, split.threshold);
    this.feature[node] = split.feature;
    this.threshold[node] = split.threshold;
    this.growNode(X, sample, rng, start, middle, depth + 1);
    this.right[node] = this.feature.length;
    this.growNode(X, sample, rng, middle, end, depth + 1);
  }

  finish(): IsolationTrees {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      right: Int32Array.from(this.right),
      size: Int32Array.from(this.size),
      treeStart: Int32Array.from([...this.starts, this.feature.length]),
    };
  }
}

/**
 * A feature drawn uniformly among those not constant on the node's rows and
 * a threshold drawn uniformly in [min, max) of it (as scikit-learn's random
 * splitter with one feature: constant features are skipped, not counted).
 * Undefined when every feature is constant there: the rows cannot be told apart.
 */
function randomSplit(
  X: Matrix,
  sample: TreeSample,
  rng: Rng,
  start: number,
  end: number,
): { feature: number; threshold: number } | undefined {
  const { rows, features } = sample;
  const p = X.cols;
  for (let k = 0; k < features.length; k++) {
    const pick = k + rng.int(features.length - k);
    const f = features[pick]!;
    features[pick] = features[k]!;
    features[k] = f;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = start; i < end; i++) {
      const x = X.data[rows[i]! * p + f]!;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (!(max > min)) continue;
    const threshold = min + rng.next() * (max - min);
    // Rounding can land on max, which would send every row left.
    return { feature: f, threshold: threshold < max ? threshold : min };
  }
  return undefined;
}

/** Reorders rows[start..end) so that those with x[feature] <= threshold come first; returns where the rest begin. */
function partition(
  X: Matrix,
  rows: Int32Array,
  start: number,
  end: number,
  feature: number,
  threshold: number,
): number {
  const p = X.cols;
  let middle = start;
  for (let i = start; i < end; i++) {
    const row = rows[i]!;
    if (X.data[row * p + feature]! <= threshold) {
      rows[i] = rows[middle]!;
      rows[middle++] = row;
    }
  }
  return middle;
}

/**
 * The mean over trees of each row's path length: the edges from the root to
 * its leaf, plus c(leaf size) for the rows the depth limit left unseparated.
 * `leafTail[node]` holds c(size) for every leaf node.
 */
export function meanPathLengths(trees: IsolationTrees, leafTail: Float64Array, X: Matrix): Float64Array {
  const { feature, threshold, right, treeStart } = trees;
  const treeCount = treeStart.length - 1;
  const p = X.cols;
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    const offset = i * p;
    let total = 0;
    for (let t = 0; t < treeCount; t++) {
      let node = treeStart[t]!;
      let depth = 0;
      for (let f = feature[node]!; f >= 0; f = feature[node]!) {
        node = X.data[offset + f]! <= threshold[node]! ? node + 1 : right[node]!;
        depth++;
      }
      total += depth + leafTail[node]!;
    }
    out[i] = total / treeCount;
  }
  return out;
}
