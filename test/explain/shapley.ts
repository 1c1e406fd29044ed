import type { ShapOutput, ShapTrees } from '../../src/explain/tree-shap.js';

/**
 * Shapley values by their definition, the oracle TreeSHAP must equal:
 * φᵢ = Σ_{S ⊆ N∖{i}} |S|!(M−|S|−1)!/M! · (v(S ∪ {i}) − v(S)), with
 * v(S) = E[f(x) | x_S] taken down the trees: a split on a feature in S
 * follows the row, any other split averages its children by cover.
 * 2^M subsets, so only for a handful of features.
 */
export function bruteForceShapley(
  trees: ShapTrees,
  output: ShapOutput,
  x: Float64Array,
  base: number,
  features: number,
): Float64Array {
  const expect = (node: number, known: number): number => {
    const f = trees.feature[node]!;
    if (f < 0) return output.value[node * output.stride + output.offset]! * output.weight;
    const left = trees.left[node]!;
    const right = trees.right[node]!;
    if ((known >> f) & 1) return expect(trees.goesLeft(node, x[base + f]!) ? left : right, known);
    const l = trees.cover[left]!;
    const r = trees.cover[right]!;
    const share = l + r > 0 ? l / (l + r) : 0.5;
    return share * expect(left, known) + (1 - share) * expect(right, known);
  };
  const subsets = 1 << features;
  const v = new Float64Array(subsets);
  for (let s = 0; s < subsets; s++) for (const root of output.roots) v[s]! += expect(root, s);
  const factorial = [1];
  for (let k = 1; k <= features; k++) factorial.push(factorial[k - 1]! * k);
  const phi = new Float64Array(features);
  for (let i = 0; i < features; i++) {
    for (let s = 0; s < subsets; s++) {
      if ((s >> i) & 1) continue;
      const size = popcount(s);
      const weight = (factorial[size]! * factorial[features - size - 1]!) / factorial[features]!;
      phi[i]! += weight * (v[s | (1 << i)]! - v[s]!);
    }
  }
  return phi;
}

function popcount(s: number): number {
  let count = 0;
  for (let t = s; t > 0; t &= t - 1) count++;
  return count;
}

/** One node of XGBoost's JSON tree dump (`get_dump(dump_format='json', with_stats=True)`). */
export interface XgbNode {
  nodeid: number;
  cover: number;
  leaf?: number;
  split?: string;
  split_condition?: number;
  yes?: number;
  no?: number;
  missing?: number;
  children?: XgbNode[];
}

/**
 * XGBoost's trees in TreeSHAP's layout. XGBoost sends x < threshold left
 * ("yes"), missing values to its "missing" child, and compares in float32.
 */
export function xgboostTrees(dump: readonly XgbNode[]): { trees: ShapTrees; output: ShapOutput } {
  const nodes: XgbNode[][] = dump.map((tree) => {
    const all: XgbNode[] = [];
    const visit = (n: XgbNode) => {
      all[n.nodeid] = n;
      for (const c of n.children ?? []) visit(c);
    };
    visit(tree);
    return all;
  });
  const total = nodes.reduce((s, t) => s + t.length, 0);
  const feature = new Int32Array(total);
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  const cover = new Float64Array(total);
  const threshold = new Float64Array(total);
  const missingLeft = new Uint8Array(total);
  const value = new Float64Array(total);
  const roots = new Int32Array(nodes.length);
  let at = 0;
  nodes.forEach((tree, t) => {
    roots[t] = at;
    tree.forEach((n) => {
      const id = at + n.nodeid;
      cover[id] = n.cover;
      if (n.leaf !== undefined) {
        feature[id] = -1;
        value[id] = n.leaf;
        return;
      }
      feature[id] = Number(n.split!.slice(1));
      threshold[id] = Math.fround(n.split_condition!);
      left[id] = at + n.yes!;
      right[id] = at + n.no!;
      missingLeft[id] = n.missing === n.yes ? 1 : 0;
    });
    at += tree.length;
  });
  const trees: ShapTrees = {
    feature,
    left,
    right,
    cover,
    goesLeft: (node, v) => (Number.isNaN(v) ? missingLeft[node] === 1 : Math.fround(v) < threshold[node]!),
  };
  return { trees, output: { roots, value, stride: 1, offset: 0, weight: 1 } };
}
