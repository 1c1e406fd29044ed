import { UsageError } from '../../core/errors.js';
import type { GbdtModel } from '../../models/boost/gbdt-model.js';
import { BITSET_WORDS, type BoostedTrees } from '../../models/boost/trees.js';
import type { TreeModel } from '../../models/tree/tree-model.js';
import { attr, type GraphBuilder, ML_DOMAIN } from './graph.js';
import { DataType } from './onnx-proto.js';
import { classifierOutputs, featureMatrix, regressionOutput, softmax, twoClassFromScore } from './outputs.js';
import { type GraphColumns, labelsToFloats, toDouble } from './prep.js';

/**
 * Trees, forests and boosted ensembles through ai.onnx.ml's
 * TreeEnsembleRegressor, used to find leaves rather than to add them up:
 * tree t writes the index of the leaf a row reaches to output t, and the
 * graph gathers those leaves' values from a double-precision table and sums
 * them. TreeEnsembleRegressor's output is 32-bit float, so summing the values
 * inside it would round every prediction to ~7 digits (an error of 1e-3 on a
 * price of 10,000); leaf indices below 2^24 pass through a float exactly.
 *
 * Splits are BRANCH_LEQ on double thresholds (`x <= t` goes to the true
 * branch, as in keel), with `nodes_missing_value_tracks_true` sending a
 * missing value where keel's tree does. Gradient boosting's categorical
 * splits ("the category's bin is in this set") become a chain of BRANCH_EQ
 * nodes, one per bin in the set, all of whose true branches lead to the
 * split's left child; the first carries the missing-value direction.
 */

/** The flat attribute lists of a TreeEnsembleRegressor. */
class EnsembleNodes {
  readonly treeIds: number[] = [];
  readonly nodeIds: number[] = [];
  readonly featureIds: number[] = [];
  readonly modes: string[] = [];
  readonly values: number[] = [];
  readonly trueIds: number[] = [];
  readonly falseIds: number[] = [];
  readonly missingTrue: number[] = [];
  readonly leafTrees: number[] = [];
  readonly leafNodes: number[] = [];
  readonly leafWeights: number[] = [];

  branch(
    tree: number,
    node: number,
    mode: string,
    feature: number,
    value: number,
    to: [number, number],
    missingTrue: boolean,
  ): void {
    this.push(tree, node, mode, feature, value, to[0], to[1], missingTrue ? 1 : 0);
  }

  /** A leaf of tree `tree`, whose output (target `tree`) is `index`, its row in the value table. */
  leaf(tree: number, node: number, index: number): void {
    this.push(tree, node, 'LEAF', 0, 0, 0, 0, 0);
    this.leafTrees.push(tree);
    this.leafNodes.push(node);
    this.leafWeights.push(index);
  }

  private push(
    tree: number,
    node: number,
    mode: string,
    feature: number,
    value: number,
    t: number,
    f: number,
    m: number,
  ) {
    this.treeIds.push(tree);
    this.nodeIds.push(node);
    this.modes.push(mode);
    this.featureIds.push(feature);
    this.values.push(value);
    this.trueIds.push(t);
    this.falseIds.push(f);
    this.missingTrue.push(m);
  }

  /** [N, trees] int64: the value-table row of the leaf each row reaches in each tree. */
  leafIndices(g: GraphBuilder, x: string, trees: number): string {
    const found = g.op(
      'TreeEnsembleRegressor',
      [x],
      {
        n_targets: attr.int(trees),
        aggregate_function: attr.string('SUM'),
        nodes_treeids: attr.ints(this.treeIds),
        nodes_nodeids: attr.ints(this.nodeIds),
        nodes_featureids: attr.ints(this.featureIds),
        nodes_modes: attr.strings(this.modes),
        nodes_values_as_tensor: attr.doubles('thresholds', this.values),
        nodes_truenodeids: attr.ints(this.trueIds),
        nodes_falsenodeids: attr.ints(this.falseIds),
        nodes_missing_value_tracks_true: attr.ints(this.missingTrue),
        target_treeids: attr.ints(this.leafTrees),
        target_nodeids: attr.ints(this.leafNodes),
        target_ids: attr.ints(this.leafTrees),
        target_weights: attr.floats(this.leafWeights),
      },
      ML_DOMAIN,
    );
    return g.op('Cast', [found], { to: attr.int(DataType.INT64) });
  }
}

/** Float32 holds every integer up to 2^24 exactly: the most leaves a table may have. */
const MAX_EXACT_INDEX = 2 ** 24;

function checkSize(nodes: number, kind: string): void {
  if (nodes <= MAX_EXACT_INDEX) return;
  throw new UsageError(
    'export.too-large',
    `the ${kind} model has ${nodes} tree nodes, more than ONNX export takes`,
    {
      hint: `export takes up to ${MAX_EXACT_INDEX} nodes; use fewer or shallower trees`,
    },
  );
}

/** Decision trees, random forests and extra trees: the mean over trees of the leaves' values. */
export function treeModelToGraph(g: GraphBuilder, model: TreeModel, columns: GraphColumns): void {
  const { trees } = model;
  checkSize(trees.feature.length, model.kind);
  const nodes = new EnsembleNodes();
  const count = trees.treeStart.length - 1;
  for (let t = 0; t < count; t++) {
    const start = trees.treeStart[t]!;
    for (let i = start; i < trees.treeStart[t + 1]!; i++) {
      const f = trees.feature[i]!;
      if (f < 0) nodes.leaf(t, i - start, i);
      else
        nodes.branch(
          t,
          i - start,
          'BRANCH_LEQ',
          f,
          trees.threshold[i]!,
          [trees.left[i]!, trees.right[i]!],
          false,
        );
    }
  }
  const x = featureMatrix(g, columns, model.inputNames, model.kind);
  const leaves = nodes.leafIndices(g, x, count);
  const table = g.doubles('leaf_values', trees.value, [trees.feature.length, trees.outputs]);
  const summed = g.op('ReduceSum', [g.op('Gather', [table, leaves]), g.int64s('tree_axis', [1])], {
    keepdims: attr.int(0),
  });
  const mean = g.op('Div', [summed, g.doubles('tree_count', [count])]);
  if (model.task === 'regression') regressionOutput(g, mean);
  else classifierOutputs(g, mean, model.classes);
}

/** Gradient boosting: baseline plus the sum of the leaves, then the link (sigmoid, softmax, exp). */
export function gbdtToGraph(g: GraphBuilder, model: GbdtModel, columns: GraphColumns): void {
  const trees = model.ensemble.trees;
  const k = model.outputs;
  const count = model.ensemble.iterations * k;
  checkSize(trees.feature.length, model.kind);
  const nodes = new EnsembleNodes();
  for (let t = 0; t < count; t++) addBoostedTree(nodes, trees, t);
  const x = gbdtInput(g, model, columns);
  const leaves = nodes.leafIndices(g, x, count);
  const values = g.op('Gather', [g.doubles('leaf_values', trees.value), leaves]);
  // Tree t adds to output t mod k: [N, iterations · k] → [N, iterations, k], summed over iterations.
  const perIteration = g.op('Reshape', [values, g.int64s('iteration_shape', [0, -1, k])]);
  const summed = g.op('ReduceSum', [perIteration, g.int64s('iteration_axis', [1])], {
    keepdims: attr.int(0),
  });
  const scores = g.op('Add', [summed, g.doubles('baseline', model.ensemble.baseline, [1, k])]);
  if (model.task === 'regression') {
    regressionOutput(g, model.loss === 'poisson' ? g.op('Exp', [scores]) : scores);
  } else {
    classifierOutputs(g, k === 1 ? twoClassFromScore(g, scores, false) : softmax(g, scores), model.classes);
  }
}

function addBoostedTree(nodes: EnsembleNodes, trees: BoostedTrees, t: number): void {
  const start = trees.treeStart[t]!;
  const end = trees.treeStart[t + 1]!;
  let extra = end - start; // ids for the BRANCH_EQ nodes a categorical split adds
  for (let i = start; i < end; i++) {
    const f = trees.feature[i]!;
    if (f < 0) {
      nodes.leaf(t, i - start, i);
      continue;
    }
    const left = trees.left[i]! - start;
    const right = trees.right[i]! - start;
    const missingLeft = trees.missingLeft[i] === 1;
    const at = trees.categoryStart[i]!;
    if (at < 0) {
      nodes.branch(t, i - start, 'BRANCH_LEQ', f, trees.threshold[i]!, [left, right], missingLeft);
      continue;
    }
    const bins = binsInSet(trees.categories, at);
    if (bins.length === 0) {
      // No category goes left: only a missing value can (x <= −∞ holds for no number).
      nodes.branch(t, i - start, 'BRANCH_LEQ', f, Number.NEGATIVE_INFINITY, [left, right], missingLeft);
      continue;
    }
    bins.forEach((bin, j) => {
      const id = j === 0 ? i - start : extra++;
      const next = j === bins.length - 1 ? right : extra;
      nodes.branch(t, id, 'BRANCH_EQ', f, bin, [left, next], j === 0 && missingLeft);
    });
  }
}

function binsInSet(categories: Uint32Array, at: number): number[] {
  const bins: number[] = [];
  for (let word = 0; word < BITSET_WORDS; word++) {
    const bits = categories[at + word]!;
    for (let b = 0; b < 32; b++) if (((bits >>> b) & 1) === 1) bins.push(word * 32 + b);
  }
  return bins;
}

/**
 * The boosted trees' input: numbers as they are, categories as their
 * training bin (LabelEncoder), unseen and missing categories as NaN — what
 * keel's `predictionInput` makes of a frame.
 */
function gbdtInput(g: GraphBuilder, model: GbdtModel, columns: GraphColumns): string {
  const levelBins = gbdtLevelBins(model);
  const values = model.features.map((spec, f) => {
    const column = columns.get(spec.name);
    if (column === undefined)
      throw new Error(`onnx export: ${model.kind} reads "${spec.name}", which no step made`);
    if (spec.levels === null) return featureMatrix(g, columns, [spec.name], model.kind);
    if (column.type !== 'category') {
      throw new UsageError(
        'export.not-categorical',
        `${model.kind} was trained with "${spec.name}" categorical`,
        {
          location: { column: spec.name },
        },
      );
    }
    const labels = spec.levels.filter((l) => l !== '');
    const bins = labels.map((l) => levelBins[f]![spec.levels!.indexOf(l)]!);
    const missing =
      column.missingAs === null ? Number.NaN : (bins[labels.indexOf(column.missingAs)] ?? Number.NaN);
    return toDouble(g, labelsToFloats(g, column.value, [...labels, ''], [...bins, missing], Number.NaN));
  });
  return g.op('Concat', values, { axis: attr.int(1) });
}

/** Each categorical feature's code → bin table, read from the model's artifact (the model keeps it private). */
function gbdtLevelBins(model: GbdtModel): Int32Array[] {
  const { arrays } = model.toArtifact();
  const flat = arrays['levelBins'] as Int32Array;
  let at = 0;
  return [...(arrays['levelBinCounts'] as Int32Array)].map((count) => {
    at += count;
    return flat.subarray(at - count, at);
  });
}
