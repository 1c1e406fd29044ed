import type { Artifact } from '../../core/artifact.js';
import { array, elements, type StoredArtifact } from '../../core/stored.js';
import { checkChildren, checkTreeStart, type StoredFail } from '../tree/stored-trees.js';
import type { BinMapper } from './bins.js';
import type { FeatureSpec } from './features.js';
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

/**
 * A booster's stored arrays, checked against its header: `trees` trees (one
 * per output per iteration) over `features`, `outputs` baseline scores.
 * Every node array has one entry per node (the last tree start); features
 * index the inputs; children lie after their node inside its tree; a
 * category bitset starts only at a split on a categorical feature, with its
 * 8 words inside `categories`; each categorical feature has a bin below 256
 * for each of its levels, so the bitset index a bin gives stays in its words.
 */
export function storedBoostedArrays(
  stored: StoredArtifact,
  fail: StoredFail,
  shape: { readonly trees: number; readonly outputs: number; readonly features: readonly FeatureSpec[] },
): { trees: BoostedTrees; baseline: Float64Array; levelBins: Int32Array; levelBinCounts: Int32Array } {
  const { features, outputs } = shape;
  const first = stored.arrays(boostedArraySpecs(shape.trees, outputs, features.length));
  const nodes = checkTreeStart(first.treeStart, fail);
  const levelCounts = features.map((f) => f.levels?.length ?? 0);
  const a = stored.arrays(
    boostedArraySpecs(shape.trees, outputs, features.length, {
      nodes,
      categories: first.categories.length,
      levelBins: levelCounts.reduce((sum, c) => sum + c, 0),
    }),
  );
  checkChildren('left', a.left, a.feature, a.treeStart, false, fail);
  checkChildren('right', a.right, a.feature, a.treeStart, false, fail);
  levelCounts.forEach((count, f) => {
    if (a.levelBinCounts[f] !== count) {
      fail(`arrays.levelBinCounts[${f}]`, `is ${a.levelBinCounts[f]}, feature ${f} has ${count} levels`);
    }
  });
  for (let node = 0; node < nodes; node++) {
    const f = a.feature[node]!;
    if (a.categoryStart[node] !== -1 && (f < 0 || features[f]!.levels === null)) {
      fail(
        `arrays.categoryStart[${node}]`,
        `is ${a.categoryStart[node]}, must be -1 where no categorical feature is split`,
      );
    }
  }
  const { baseline, levelBins, levelBinCounts, ...trees } = a;
  return { trees, baseline, levelBins, levelBinCounts };
}

/** -1 (a numeric split, or a leaf), or where a bitset of BITSET_WORDS words starts inside `categories`. */
function bitsetStart(categories: number) {
  return {
    test: (v: number) => v === -1 || (v >= 0 && v + BITSET_WORDS <= categories),
    rule: `-1 or the start of ${BITSET_WORDS} words within the ${categories} of categories`,
  };
}

/** The arrays of a booster; their lengths and element rules once the node count and the other lengths are known. */
function boostedArraySpecs(
  trees: number,
  outputs: number,
  inputs: number,
  known?: { readonly nodes: number; readonly categories: number; readonly levelBins: number },
) {
  const nodes = known?.nodes;
  const child = known && elements.indexBelow(known.nodes, true);
  return {
    feature: array.i32(nodes, known && elements.indexBelow(inputs, true)),
    threshold: array.f64(nodes),
    categoryStart: array.i32(nodes, known && bitsetStart(known.categories)),
    categories: array.u32(),
    missingLeft: array.u8(nodes, known && elements.between(0, 1)),
    left: array.i32(nodes, child),
    right: array.i32(nodes, child),
    value: array.f64(nodes),
    gain: array.f64(nodes),
    cover: array.f64(nodes),
    treeStart: array.i32(trees + 1),
    baseline: array.f64(outputs),
    levelBins: array.i32(known?.levelBins, known && elements.between(0, BITSET_WORDS * 32 - 1)),
    levelBinCounts: array.i32(inputs),
  };
}

export { BITSET_WORDS };
