import type { Artifact } from '../../core/artifact.js';
import { array, elements, type StoredArtifact } from '../../core/stored.js';
import type { Matrix } from '../../data/frame.js';
import { checkChildren, checkTreeStart, type StoredFail } from './stored-trees.js';

/**
 * Trees as parallel typed arrays, one entry per node, nodes numbered in
 * depth-first order (a node, then its left subtree, then its right), as
 * scikit-learn's `tree_`. A row goes left when `x[feature] <= threshold`.
 * Several trees are stored end to end; `treeStart[t]` is tree t's root, and
 * child indices are relative to it, so each tree's slice stands alone.
 */
export interface TreeArrays {
  /** The feature a node splits on; -1 at a leaf. */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Node × outputs: class probabilities, or the mean (regression); internal nodes too. */
  readonly value: Float64Array;
  /** The weighted number of training rows that reached the node (for TreeSHAP, importances). */
  readonly cover: Float64Array;
  /** The node's impurity under the fit's criterion. */
  readonly impurity: Float64Array;
  /** Where each tree's nodes begin, and one past the last node. */
  readonly treeStart: Int32Array;
  readonly outputs: number;
}

/** Collects one tree's nodes as they are grown; `finish` packs them. */
export class TreeBuilder {
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly value: number[] = [];
  private readonly cover: number[] = [];
  private readonly impurity: number[] = [];

  constructor(private readonly outputs: number) {}

  /** Adds a node (a leaf until `setSplit`) and returns its index. */
  addNode(value: ArrayLike<number>, cover: number, impurity: number): number {
    const id = this.feature.length;
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    for (let o = 0; o < this.outputs; o++) this.value.push(value[o]!);
    this.cover.push(cover);
    this.impurity.push(impurity);
    return id;
  }

  setSplit(node: number, feature: number, threshold: number): void {
    this.feature[node] = feature;
    this.threshold[node] = threshold;
  }

  setChild(parent: number, child: number, isLeft: boolean): void {
    (isLeft ? this.left : this.right)[parent] = child;
  }

  finish(): TreeArrays {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
      cover: Float64Array.from(this.cover),
      impurity: Float64Array.from(this.impurity),
      treeStart: Int32Array.of(0, this.feature.length),
      outputs: this.outputs,
    };
  }
}

/** Stores trees end to end, in the order given. */
export function concatTrees(trees: readonly TreeArrays[], outputs: number): TreeArrays {
  const nodes = trees.reduce((sum, t) => sum + t.feature.length, 0);
  const out = {
    feature: new Int32Array(nodes),
    threshold: new Float64Array(nodes),
    left: new Int32Array(nodes),
    right: new Int32Array(nodes),
    value: new Float64Array(nodes * outputs),
    cover: new Float64Array(nodes),
    impurity: new Float64Array(nodes),
    treeStart: new Int32Array(trees.length + 1),
    outputs,
  };
  let at = 0;
  trees.forEach((tree, t) => {
    out.treeStart[t] = at;
    out.feature.set(tree.feature, at);
    out.threshold.set(tree.threshold, at);
    out.left.set(tree.left, at);
    out.right.set(tree.right, at);
    out.value.set(tree.value, at * outputs);
    out.cover.set(tree.cover, at);
    out.impurity.set(tree.impurity, at);
    at += tree.feature.length;
  });
  out.treeStart[trees.length] = at;
  return out;
}

export function treeCount(trees: TreeArrays): number {
  return trees.treeStart.length - 1;
}

/** The leaf (absolute node index) that row `row` of `X` reaches in tree `t`. */
export function leafOf(trees: TreeArrays, t: number, X: Matrix, row: number): number {
  const { feature, threshold, left, right } = trees;
  const start = trees.treeStart[t]!;
  const offset = row * X.cols;
  let node = start;
  for (let f = feature[node]!; f >= 0; f = feature[node]!) {
    node = start + (X.data[offset + f]! <= threshold[node]! ? left[node]! : right[node]!);
  }
  return node;
}

/** The mean over trees of the leaf values each row reaches: row-major rows × outputs. */
export function averageLeafValues(trees: TreeArrays, X: Matrix): Float64Array {
  const { outputs, value } = trees;
  const count = treeCount(trees);
  const out = new Float64Array(X.rows * outputs);
  for (let i = 0; i < X.rows; i++) {
    const base = i * outputs;
    for (let t = 0; t < count; t++) {
      const leaf = leafOf(trees, t, X, i) * outputs;
      for (let o = 0; o < outputs; o++) out[base + o]! += value[leaf + o]!;
    }
    for (let o = 0; o < outputs; o++) out[base + o]! /= count;
  }
  return out;
}

/** The first class of highest probability in each row (numpy's argmax). */
export function argmaxRows(proba: Float64Array, classes: number): Float64Array {
  const rows = proba.length / classes;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (proba[i * classes + c]! > proba[i * classes + best]!) best = c;
    out[i] = best;
  }
  return out;
}

export function treeArraysToArtifactArrays(trees: TreeArrays): Artifact['arrays'] {
  const { feature, threshold, left, right, value, cover, impurity, treeStart } = trees;
  return { feature, threshold, left, right, value, cover, impurity, treeStart };
}

/**
 * Stored trees, checked against the model they belong to: `trees` trees of
 * `inputs` input columns and `outputs` values per node. Every array holds one
 * entry per node (the last tree start), features index the inputs, and
 * children stay inside their tree after their node (see stored-trees.ts).
 */
export function storedTreeArrays(
  stored: StoredArtifact,
  fail: StoredFail,
  shape: { readonly trees: number; readonly inputs: number; readonly outputs: number },
): TreeArrays {
  const { trees, inputs, outputs } = shape;
  const nodes = checkTreeStart(stored.arrays(treeArraySpecs(trees)).treeStart, fail);
  const a = stored.arrays(treeArraySpecs(trees, nodes, inputs, outputs));
  checkChildren('left', a.left, a.feature, a.treeStart, true, fail);
  checkChildren('right', a.right, a.feature, a.treeStart, true, fail);
  return { ...a, outputs };
}

/** The arrays of `trees` trees; their lengths and element rules once the node count is known. */
function treeArraySpecs(trees: number, nodes?: number, inputs = 0, outputs = 0) {
  const known = nodes !== undefined;
  const child = known ? elements.indexBelow(nodes, true) : undefined;
  return {
    feature: array.i32(nodes, known ? elements.indexBelow(inputs, true) : undefined),
    threshold: array.f64(nodes),
    left: array.i32(nodes, child),
    right: array.i32(nodes, child),
    value: array.f64(known ? nodes * outputs : undefined),
    cover: array.f64(nodes),
    impurity: array.f64(nodes),
    treeStart: array.i32(trees + 1),
  };
}
