import type { Artifact } from '../../core/artifact.js';
import type { BinMapper } from './bins.js';
import type { GrownTree } from './grow.js';

/**
 * A boosted ensemble as flat typed arrays, one entry per node, trees end to
 * end; child indices are absolute. Prediction reads raw feature values
 * (categorical features as their bin, see `predictionInput`): a numeric node
 * sends `x <= threshold` left, a categorical node sends the bins in its set
 * left, and a missing value goes where `missingLeft` says.
 */
export interface BoostedTrees {
  /** The feature a node splits on; -1 at a leaf. */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** Categorical nodes: where their 8-word bitset starts in `categories`; -1 for numeric. */
  readonly categoryStart: Int32Array;
  readonly categories: Uint32Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Leaf values, already shrunk by the learning rate. */
  readonly value: Float64Array;
  /** Loss reduction of each split (0 at leaves), for gain importance. */
  readonly gain: Float64Array;
  /** Summed hessian of the training rows that reached the node. */
  readonly cover: Float64Array;
  /** Where each tree's nodes begin, and one past the last node. */
  readonly treeStart: Int32Array;
}

const BITSET_WORDS = 8;

/** Collects grown trees, turning bin thresholds into raw-value thresholds. */
export class TreeCollector {
  private readonly parts: {
    feature: number[];
    threshold: number[];
    categoryStart: number[];
    categories: number[];
    missingLeft: number[];
    left: number[];
    right: number[];
    value: number[];
    gain: number[];
    cover: number[];
  } = {
    feature: [],
    threshold: [],
    categoryStart: [],
    categories: [],
    missingLeft: [],
    left: [],
    right: [],
    value: [],
    gain: [],
    cover: [],
  };
  private readonly starts: number[] = [];

  constructor(private readonly bins: BinMapper) {}

  /** Adds a tree whose leaf values are `leafValues[node]` (already shrunk). */
  add(tree: GrownTree, leafValues: Float64Array): void {
    const p = this.parts;
    const base = p.feature.length;
    this.starts.push(base);
    for (let node = 0; node < tree.feature.length; node++) {
      const f = tree.feature[node]!;
      const categories = tree.categories[node] ?? null;
      p.feature.push(f);
      p.threshold.push(f < 0 || categories !== null ? 0 : this.rawThreshold(f, tree.bin[node]!));
      p.categoryStart.push(categories === null ? -1 : p.categories.length);
      if (categories !== null) p.categories.push(...categories);
      p.missingLeft.push(tree.missingLeft[node] ? 1 : 0);
      p.left.push(f < 0 ? -1 : base + tree.left[node]!);
      p.right.push(f < 0 ? -1 : base + tree.right[node]!);
      p.value.push(f < 0 ? leafValues[node]! : 0);
      p.gain.push(f < 0 ? 0 : tree.gain[node]!);
      p.cover.push(tree.hessian[node]!);
    }
  }

  /** Bin b's upper edge; the last bin ("every value vs missing") takes all numbers. */
  private rawThreshold(f: number, bin: number): number {
    const edges = this.bins.edges[f]!;
    return bin < edges.length ? edges[bin]! : Number.POSITIVE_INFINITY;
  }

  get treeCount(): number {
    return this.starts.length;
  }

  finish(): BoostedTrees {
    const p = this.parts;
    return {
      feature: Int32Array.from(p.feature),
      threshold: Float64Array.from(p.threshold),
      categoryStart: Int32Array.from(p.categoryStart),
      categories: Uint32Array.from(p.categories),
      missingLeft: Uint8Array.from(p.missingLeft),
      left: Int32Array.from(p.left),
      right: Int32Array.from(p.right),
      value: Float64Array.from(p.value),
      gain: Float64Array.from(p.gain),
      cover: Float64Array.from(p.cover),
      treeStart: Int32Array.from([...this.starts, p.feature.length]),
    };
  }
}

/** The leaf tree `t` sends row `row` of the row-major input `x` (cols values per row) to. */
export function leafFor(trees: BoostedTrees, t: number, x: Float64Array, base: number): number {
  const { feature, threshold, categoryStart, categories, missingLeft, left, right } = trees;
  let node = trees.treeStart[t]!;
  for (let f = feature[node]!; f >= 0; f = feature[node]!) {
    const v = x[base + f]!;
    let goLeft: boolean;
    if (Number.isNaN(v)) goLeft = missingLeft[node] === 1;
    else {
      const at = categoryStart[node]!;
      goLeft = at < 0 ? v <= threshold[node]! : ((categories[at + (v >>> 5)]! >>> (v & 31)) & 1) === 1;
    }
    node = goLeft ? left[node]! : right[node]!;
  }
  return node;
}

/** Rows per block: a block's rows and one tree stay in cache while the tree is walked for each row. */
const BLOCK_ROWS = 256;

/**
 * Adds every tree's leaf value to the raw scores of the rows of `x` (row-major,
 * `cols` per row). Tree t adds to output `t % outputs` of each row; `out` is
 * row-major rows × outputs and starts from the baseline.
 */
export function addTreeScores(
  trees: BoostedTrees,
  x: Float64Array,
  rows: number,
  cols: number,
  outputs: number,
  out: Float64Array,
  firstTree = 0,
  lastTree = trees.treeStart.length - 1,
): void {
  const { value } = trees;
  for (let start = 0; start < rows; start += BLOCK_ROWS) {
    const end = Math.min(rows, start + BLOCK_ROWS);
    for (let t = firstTree; t < lastTree; t++) {
      const k = t % outputs;
      for (let i = start; i < end; i++) out[i * outputs + k]! += value[leafFor(trees, t, x, i * cols)]!;
    }
  }
}

export function treesToArrays(trees: BoostedTrees): Artifact['arrays'] {
  return { ...trees };
}

export function treesFromArrays(arrays: Artifact['arrays']): BoostedTrees {
  return {
    feature: arrays['feature'] as Int32Array,
    threshold: arrays['threshold'] as Float64Array,
    categoryStart: arrays['categoryStart'] as Int32Array,
    categories: arrays['categories'] as Uint32Array,
    missingLeft: arrays['missingLeft'] as Uint8Array,
    left: arrays['left'] as Int32Array,
    right: arrays['right'] as Int32Array,
    value: arrays['value'] as Float64Array,
    gain: arrays['gain'] as Float64Array,
    cover: arrays['cover'] as Float64Array,
    treeStart: arrays['treeStart'] as Int32Array,
  };
}

export { BITSET_WORDS };
