import { Rng } from '../../core/random.js';
import type { Matrix } from '../../data/frame.js';
import type { Target } from '../../estimator/contract.js';
import { argmaxRows, leafOf, type TreeArrays, treeCount } from './flat-tree.js';
import { bootstrapCounts } from './forest-grow.js';

/**
 * The out-of-bag estimate (Breiman 2001): each row is predicted by the trees
 * whose bootstrap sample left it out, which replays each tree's sample from
 * its seed. Accuracy for classifiers, R² for regressors, over the rows that
 * at least one tree left out (with 100 trees, all of them, almost surely).
 */
export function outOfBagScore(trees: TreeArrays, X: Matrix, target: Target, seeds: Uint32Array): number {
  const { outputs, value } = trees;
  const sums = new Float64Array(X.rows * outputs);
  const votes = new Int32Array(X.rows);
  for (let t = 0; t < treeCount(trees); t++) {
    const counts = bootstrapCounts(new Rng(seeds[t]!), X.rows);
    for (let i = 0; i < X.rows; i++) {
      if (counts[i]! > 0) continue;
      const leaf = leafOf(trees, t, X, i) * outputs;
      for (let o = 0; o < outputs; o++) sums[i * outputs + o]! += value[leaf + o]!;
      votes[i]!++;
    }
  }
  const predicted = target.task === 'regression' ? sums : argmaxRows(sums, outputs);
  const rows = Array.from({ length: X.rows }, (_, i) => i).filter((i) => votes[i]! > 0);
  if (target.task !== 'regression') {
    return rows.filter((i) => predicted[i] === target.values[i]).length / rows.length;
  }
  const mean = rows.reduce((s, i) => s + target.values[i]!, 0) / rows.length;
  let residual = 0;
  let total = 0;
  for (const i of rows) {
    residual += (target.values[i]! - sums[i]! / votes[i]!) ** 2;
    total += (target.values[i]! - mean) ** 2;
  }
  return 1 - residual / total;
}
