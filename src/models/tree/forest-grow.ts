import { Rng } from '../../core/random.js';
import type { TreeArrays } from './flat-tree.js';
import { type GrowSettings, TreeGrower } from './grow.js';
import type { TreeData } from './tree-data.js';

/** What every tree of a forest is grown from, besides the data: the same on every thread. */
export interface ForestJob {
  readonly settings: GrowSettings;
  readonly bootstrap: boolean;
  /** One seed per tree: tree t depends on seeds[t] only, so any split of trees over threads gives the same forest. */
  readonly seeds: Uint32Array;
}

/** Trees first … last − 1 of the forest. */
export function growForestTrees(data: TreeData, job: ForestJob, first: number, last: number): TreeArrays[] {
  const grower = new TreeGrower(data, job.settings);
  const trees: TreeArrays[] = [];
  for (let t = first; t < last; t++) {
    const rng = new Rng(job.seeds[t]!);
    const counts = job.bootstrap ? bootstrapCounts(rng, data.rows) : null;
    trees.push(grower.grow(counts, rng));
  }
  return trees;
}

/**
 * How many times each row is drawn in a bootstrap sample of n rows with
 * replacement (Breiman 2001). Growing on the counts as weights is growing on
 * the sample, without copying rows; rows drawn 0 times are out of bag.
 * Drawn first from the tree's generator, so the out-of-bag score can replay it.
 */
export function bootstrapCounts(rng: Rng, rows: number): Int32Array {
  const counts = new Int32Array(rows);
  for (let i = 0; i < rows; i++) counts[rng.int(rows)]!++;
  return counts;
}
