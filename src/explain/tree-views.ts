import type { Frame, Matrix } from '../data/frame.js';
import { categoryBinMaps, predictionInput } from '../models/boost/features.js';
import type { GbdtModel } from '../models/boost/gbdt-model.js';
import type { BoostedTrees } from '../models/boost/trees.js';
import { completeInput } from '../models/input.js';
import type { TreeModel } from '../models/tree/tree-model.js';
import { expectedOutput, type ShapOutput, type ShapTrees, TreeExplainer, treeDepth } from './tree-shap.js';

/**
 * A tree model as TreeSHAP sees it: its nodes, which trees and leaf values
 * make each raw output, and its input rows as the trees read them.
 */
export interface TreeEnsembleView {
  readonly trees: ShapTrees;
  readonly maxDepth: number;
  /** Raw outputs: 1 for regression and binary boosting, else one per class. */
  readonly outputs: number;
  /** The trees and leaf values that add up raw output `o`. */
  output(o: number): ShapOutput;
  /** The constant added to raw output `o` before any tree (boosting's starting score). */
  intercept(o: number): number;
  /** Rows of `X` as the trees read them, row-major, one value per model input. */
  input(X: Matrix | Frame): Float64Array;
}

/** Decision trees and forests: averaged leaf values (class probabilities or means); x ≤ threshold goes left. */
export function forestView(model: TreeModel): TreeEnsembleView {
  const t = model.trees;
  const count = t.treeStart.length - 1;
  const left = new Int32Array(t.left.length);
  const right = new Int32Array(t.right.length);
  const roots = t.treeStart.slice(0, count);
  for (let tree = 0; tree < count; tree++) {
    // Child indices are relative to their tree's root; TreeSHAP walks absolute ones.
    for (let node = t.treeStart[tree]!; node < t.treeStart[tree + 1]!; node++) {
      left[node] = t.feature[node]! < 0 ? -1 : t.left[node]! + t.treeStart[tree]!;
      right[node] = t.feature[node]! < 0 ? -1 : t.right[node]! + t.treeStart[tree]!;
    }
  }
  const threshold = t.threshold;
  const trees: ShapTrees = {
    feature: t.feature,
    left,
    right,
    cover: t.cover,
    goesLeft: (node, value) => value <= threshold[node]!,
  };
  return {
    trees,
    maxDepth: maxDepthOf(trees, roots),
    outputs: t.outputs,
    output: (o) => ({ roots, value: t.value, stride: t.outputs, offset: o, weight: 1 / count }),
    intercept: () => 0,
    input: (X) => completeInput(X, model.inputNames, model.kind).data,
  };
}

/** Gradient boosting: tree k adds to raw output k mod outputs; categorical and missing-value routing as in prediction. */
export function boostedView(model: GbdtModel): TreeEnsembleView {
  const b = model.ensemble.trees;
  const outputs = model.outputs;
  // The trees rawScores adds by default: all the iterations the model keeps.
  const treeCount = Math.min(b.treeStart.length - 1, model.ensemble.iterations * outputs);
  const trees: ShapTrees = {
    feature: b.feature,
    left: b.left,
    right: b.right,
    cover: b.cover,
    goesLeft: (node, value) => boostedGoesLeft(b, node, value),
  };
  const rootsOf = Array.from({ length: outputs }, (_, o) =>
    Int32Array.from(
      { length: Math.floor((treeCount - o + outputs - 1) / outputs) },
      (_, k) => b.treeStart[k * outputs + o]!,
    ),
  );
  const categoryBins = categoryBinMaps(model.features, { levelBins: levelBinsOf(model) });
  return {
    trees,
    maxDepth: maxDepthOf(trees, b.treeStart.subarray(0, treeCount)),
    outputs,
    output: (o) => ({ roots: rootsOf[o]!, value: b.value, stride: 1, offset: 0, weight: 1 }),
    intercept: (o) => model.ensemble.baseline[o]!,
    input: (X) => predictionInput(X, model.features, categoryBins, model.kind).data,
  };
}

function boostedGoesLeft(b: BoostedTrees, node: number, value: number): boolean {
  if (Number.isNaN(value)) return b.missingLeft[node] === 1;
  const at = b.categoryStart[node]!;
  if (at < 0) return value <= b.threshold[node]!;
  return ((b.categories[at + (value >>> 5)]! >>> (value & 31)) & 1) === 1;
}

/**
 * The model's category → bin tables. GbdtModel keeps them private; its
 * artifact, the public record of the model, carries them.
 */
function levelBinsOf(model: GbdtModel): Int32Array[] {
  const { arrays } = model.toArtifact();
  const flat = arrays['levelBins'] as Int32Array;
  let at = 0;
  return [...(arrays['levelBinCounts'] as Int32Array)].map((count) => {
    at += count;
    return flat.slice(at - count, at);
  });
}

function maxDepthOf(trees: ShapTrees, roots: ArrayLike<number>): number {
  let depth = 0;
  for (let t = 0; t < roots.length; t++) depth = Math.max(depth, treeDepth(trees, roots[t]!));
  return depth;
}

/**
 * Per row, the baseline and the contributions (one per model input) of raw
 * output `pick(row)`; `phi` is rows × inputs, row-major.
 */
export function treeContributions(
  view: TreeEnsembleView,
  X: Matrix | Frame,
  inputs: number,
  pick: (row: number) => number,
): { baselines: Float64Array; phi: Float64Array; rows: number } {
  const x = view.input(X);
  const rows = x.length / Math.max(1, inputs);
  const outputs = Array.from({ length: view.outputs }, (_, o) => view.output(o));
  const expected = outputs.map((output, o) => view.intercept(o) + expectedOutput(view.trees, output));
  const explainer = new TreeExplainer(view.trees, view.maxDepth);
  const phi = new Float64Array(rows * inputs);
  const baselines = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const o = pick(i);
    baselines[i] = expected[o]!;
    explainer.explain(outputs[o]!, x, i * inputs, phi);
  }
  return { baselines, phi, rows };
}
