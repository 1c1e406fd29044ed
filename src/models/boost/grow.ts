import type { FitArena } from './arena.js';
import {
  type GrowData,
  type HistogramBuilder,
  type HistogramPool,
  type OrderedGradients,
  subtractHistogram,
} from './histogram.js';
import { bestSplit, leafValue, type Split, type SplitSettings } from './split.js';

export interface GrowSettings extends SplitSettings {
  readonly maxLeaves: number;
  /** Deepest level (the root is depth 0); Infinity for no limit. */
  readonly maxDepth: number;
}

/** One tree as grown, in bin space; nodes in the order they were made (the root is 0). */
export interface GrownTree {
  readonly feature: number[];
  readonly bin: number[];
  readonly missingLeft: boolean[];
  readonly categories: (Uint32Array | null)[];
  readonly left: number[];
  readonly right: number[];
  /** Unshrunk leaf values (internal nodes keep theirs too). */
  readonly value: number[];
  readonly gain: number[];
  readonly hessian: number[];
  readonly count: number[];
  /** Each node's rows are `partition[start..end)` (final for leaves once the tree is grown). */
  readonly start: number[];
  readonly end: number[];
  /** Each leaf's rows: `partition[start..end)` after growing. */
  readonly leaves: { readonly node: number; readonly start: number; readonly end: number }[];
}

/** The rows and gradients one tree is grown on. */
export interface GrowInput {
  readonly data: GrowData;
  /** The rows in play occupy [0, size); growing reorders them so that each node's rows are contiguous. */
  readonly partition: Uint32Array;
  readonly size: number;
  /** Scratch for partitioning, at least `size` long (rows, gradients, hessians). */
  /** The fit's shared memory: partitioning runs in its kernel, on its spare buffers. */
  readonly arena: FitArena;
  /**
   * The gradients and hessians of the rows in partition order: entry k belongs
   * to row partition[k]. Partitioning moves them with their rows, so a node's
   * gradients are always the contiguous slice [start, end) and histograms
   * never gather them.
   */
  readonly ordered: OrderedGradients;
  readonly unitHessian: boolean;
  /** The features this tree may split on, in increasing order. */
  readonly features: Int32Array;
  /** The feature groups holding `features` (see histogram.ts). */
  readonly groups: Int32Array;
  readonly builder: HistogramBuilder;
}

interface Leaf {
  readonly node: number;
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly g: number;
  readonly h: number;
  readonly count: number;
  readonly lower: number;
  readonly upper: number;
  hist: Float64Array | null;
  split: Split | null;
}

/**
 * Grows one tree leaf-wise (best-first, as LightGBM): the leaf whose best split
 * reduces the loss most is split next, until `maxLeaves` leaves or no split is
 * worth making. Only the smaller child's histogram is summed from its rows; the
 * larger child's is the parent's minus it.
 */
export function growTree(input: GrowInput, s: GrowSettings, pool: HistogramPool): GrownTree {
  const tree: GrownTree = {
    feature: [],
    bin: [],
    missingLeft: [],
    categories: [],
    left: [],
    right: [],
    value: [],
    gain: [],
    hessian: [],
    count: [],
    start: [],
    end: [],
    leaves: [],
  };
  const root = rootLeaf(input, s, tree);
  prepare(input, s, pool, root, null);
  const open: Leaf[] = [];
  if (root.split !== null) open.push(root);
  else pool.give(root.hist!);
  let leafCount = 1;
  while (leafCount < s.maxLeaves) {
    const next = bestOpen(open);
    if (next === -1) break;
    const [parent] = open.splice(next, 1) as [Leaf];
    const [leftLeaf, rightLeaf] = splitLeaf(input, s, tree, parent);
    leafCount++;
    const small = leftLeaf.count <= rightLeaf.count ? leftLeaf : rightLeaf;
    const large = small === leftLeaf ? rightLeaf : leftLeaf;
    const needed = canSplit(small, s) || canSplit(large, s);
    if (needed) {
      prepare(input, s, pool, small, null);
      prepare(input, s, pool, large, { parent: parent.hist!, sibling: small.hist! });
    } else pool.give(parent.hist!);
    parent.hist = null;
    for (const leaf of [leftLeaf, rightLeaf]) {
      if (leaf.split !== null) open.push(leaf);
      else if (leaf.hist !== null) {
        pool.give(leaf.hist);
        leaf.hist = null;
      }
    }
  }
  for (const leaf of open) if (leaf.hist !== null) pool.give(leaf.hist);
  tree.feature.forEach((f, node) => {
    if (f === -1) tree.leaves.push({ node, start: tree.start[node]!, end: tree.end[node]! });
  });
  return tree;
}

function rootLeaf(input: GrowInput, s: GrowSettings, tree: GrownTree): Leaf {
  let g = 0;
  let h = 0;
  for (let k = 0; k < input.size; k++) {
    g += input.ordered.gh[2 * k]!;
    h += input.unitHessian ? 1 : input.ordered.gh[2 * k + 1]!;
  }
  return newLeaf(tree, s, 0, input.size, 0, g, h, input.size, -Infinity, Infinity);
}

function newLeaf(
  tree: GrownTree,
  s: GrowSettings,
  start: number,
  end: number,
  depth: number,
  g: number,
  h: number,
  count: number,
  lower: number,
  upper: number,
): Leaf {
  const node = tree.feature.length;
  tree.feature.push(-1);
  tree.bin.push(0);
  tree.missingLeft.push(false);
  tree.categories.push(null);
  tree.left.push(-1);
  tree.right.push(-1);
  tree.value.push(leafValue(g, h, s, lower, upper));
  tree.gain.push(0);
  tree.hessian.push(h);
  tree.count.push(count);
  tree.start.push(start);
  tree.end.push(end);
  return { node, start, end, depth, g, h, count, lower, upper, hist: null, split: null };
}

function canSplit(leaf: Leaf, s: GrowSettings): boolean {
  return leaf.depth < s.maxDepth && leaf.count >= 2 * s.minSamplesLeaf && leaf.h >= 2 * s.minChildWeight;
}

/**
 * Gives a leaf its histogram (summed from its rows, or the parent's minus its
 * sibling's, reusing the parent's buffer) and its best split, if it may split.
 */
function prepare(
  input: GrowInput,
  s: GrowSettings,
  pool: HistogramPool,
  leaf: Leaf,
  from: { parent: Float64Array; sibling: Float64Array } | null,
): void {
  if (from === null) {
    leaf.hist = pool.take();
    const { partition, ordered, unitHessian, groups } = input;
    input.builder.build(partition, leaf.start, leaf.end, ordered, unitHessian, groups, leaf.hist);
  } else {
    subtractHistogram(input.data, from.parent, from.sibling, input.features);
    leaf.hist = from.parent;
  }
  leaf.split = canSplit(leaf, s) ? bestSplit(input.data, leaf.hist, leaf, input.features, s) : null;
}

function bestOpen(open: readonly Leaf[]): number {
  let best = -1;
  for (let i = 0; i < open.length; i++) {
    if (best === -1 || open[i]!.split!.gain > open[best]!.split!.gain) best = i;
  }
  return best;
}

/** Applies a leaf's split: reorders its rows into left then right, and makes the two children. */
function splitLeaf(input: GrowInput, s: GrowSettings, tree: GrownTree, parent: Leaf): [Leaf, Leaf] {
  const split = parent.split!;
  const middle = partitionRows(input, parent.start, parent.end, split);
  const node = parent.node;
  tree.feature[node] = split.feature;
  tree.bin[node] = split.bin;
  tree.missingLeft[node] = split.missingLeft;
  tree.categories[node] = split.categories;
  tree.gain[node] = split.gain;
  // Monotonic constraints: each child's value must stay on its side of the midpoint.
  const direction = s.monotonic[split.feature]!;
  const middleValue = (split.valueLeft + split.valueRight) / 2;
  const leftUpper = direction > 0 ? Math.min(parent.upper, middleValue) : parent.upper;
  const leftLower = direction < 0 ? Math.max(parent.lower, middleValue) : parent.lower;
  const rightLower = direction > 0 ? Math.max(parent.lower, middleValue) : parent.lower;
  const rightUpper = direction < 0 ? Math.min(parent.upper, middleValue) : parent.upper;
  const depth = parent.depth + 1;
  const left = newLeaf(
    tree,
    s,
    parent.start,
    middle,
    depth,
    split.gLeft,
    split.hLeft,
    split.countLeft,
    leftLower,
    leftUpper,
  );
  const right = newLeaf(
    tree,
    s,
    middle,
    parent.end,
    depth,
    parent.g - split.gLeft,
    parent.h - split.hLeft,
    parent.count - split.countLeft,
    rightLower,
    rightUpper,
  );
  tree.left[node] = left.node;
  tree.right[node] = right.node;
  return [left, right];
}

/** Stable: each side keeps its rows in their previous order (rows stay ascending, reads stay forward). */
function partitionRows(input: GrowInput, start: number, end: number, split: Split): number {
  const { partition, ordered, data, arena } = input;
  const f = split.feature;
  const column = data.columns.byteOffset + f * data.rows;
  if (split.categories !== null) arena.bits.set(split.categories);
  const left = arena.kernel.partition(
    partition.byteOffset + start * 4,
    end - start,
    column,
    split.categories === null ? split.bin : -1,
    split.missingLeft && split.categories === null ? data.binCount[f]! : -1,
    split.categories === null ? 0 : arena.bits.byteOffset,
    ordered.gh.byteOffset + start * 16,
    arena.spare.byteOffset,
    arena.spareGH.byteOffset,
  );
  const right = end - start - left;
  const middle = start + left;
  partition.set(arena.spare.subarray(0, right), middle);
  ordered.gh.set(arena.spareGH.subarray(0, 2 * right), 2 * middle);
  return middle;
}
