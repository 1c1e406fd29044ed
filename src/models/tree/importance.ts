import { type TreeArrays, treeCount } from './flat-tree.js';

/**
 * Impurity-based feature importances (Breiman et al. 1984, §5.3.4; "mean
 * decrease in impurity"): each split adds its weighted impurity decrease
 * W·i − W_L·i_L − W_R·i_R to its feature, where W is the weighted number of
 * training rows (bootstrap counts included) that reached the node. A tree's
 * totals are normalised to sum to 1. A forest averages its trees' normalised
 * importances, leaving out trees that never split (as scikit-learn does), and
 * normalises again. All zeros when no tree splits.
 *
 * They are measured on the training rows, so they favour features with many
 * distinct values; permutation importance on held-out rows does not.
 */
export function featureImportances(trees: TreeArrays, featureCount: number): Float64Array {
  const total = new Float64Array(featureCount);
  const perTree = new Float64Array(featureCount);
  for (let t = 0; t < treeCount(trees); t++) {
    if (!addTreeDecreases(trees, t, perTree)) continue;
    normaliseInPlace(perTree);
    for (let j = 0; j < featureCount; j++) total[j]! += perTree[j]!;
  }
  normaliseInPlace(total);
  return total;
}

/** Fills `out` with tree t's summed impurity decreases per feature; false when the tree is a single leaf. */
function addTreeDecreases(trees: TreeArrays, t: number, out: Float64Array): boolean {
  const { feature, left, right, cover, impurity, treeStart } = trees;
  out.fill(0);
  const start = treeStart[t]!;
  const end = treeStart[t + 1]!;
  if (end - start < 2) return false;
  for (let node = start; node < end; node++) {
    const f = feature[node]!;
    if (f < 0) continue;
    const l = start + left[node]!;
    const r = start + right[node]!;
    out[f]! += cover[node]! * impurity[node]! - cover[l]! * impurity[l]! - cover[r]! * impurity[r]!;
  }
  return true;
}

function normaliseInPlace(values: Float64Array): void {
  let sum = 0;
  for (let j = 0; j < values.length; j++) sum += values[j]!;
  if (sum > 0) for (let j = 0; j < values.length; j++) values[j]! /= sum;
}
