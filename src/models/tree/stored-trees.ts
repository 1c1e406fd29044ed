import type { StoredArtifact } from '../../core/stored.js';

/**
 * Checks of stored trees that relate one element to others: core/stored.ts
 * checks each element on its own (an index below the node count), but
 * whether a child lies inside its own tree, after its parent, depends on the
 * node and the tree it is in. Together they guarantee that a walk from any
 * root moves forward, stays inside that tree and ends at a leaf: prediction
 * never reads outside an array, and never loops.
 */

/** Refuses a stored field (StoredArtifact.fail): a DataError naming the field. */
export type StoredFail = StoredArtifact['fail'];

/** Where each tree's nodes begin: from 0, rising strictly (no tree is empty); the last entry is the node count. */
export function checkTreeStart(treeStart: Int32Array, fail: StoredFail): number {
  if (treeStart.length < 2)
    fail('arrays.treeStart', `has ${treeStart.length} values, a model has at least 1 tree`);
  if (treeStart[0] !== 0) fail('arrays.treeStart[0]', `is ${treeStart[0]}, the first tree starts at node 0`);
  for (let t = 1; t < treeStart.length; t++) {
    if (treeStart[t]! <= treeStart[t - 1]!) {
      fail(
        `arrays.treeStart[${t}]`,
        `is ${treeStart[t]}, must be above ${treeStart[t - 1]} (a tree has nodes)`,
      );
    }
  }
  return treeStart[treeStart.length - 1]!;
}

/**
 * A child index per node (`name` is its array): −1 at a leaf (feature −1);
 * at a split, a node after it in the same tree. `relative`: counted from the
 * tree's first node (the trees of tree/), not from the first node of all
 * (the boosted and isolation trees).
 */
export function checkChildren(
  name: string,
  child: Int32Array,
  feature: Int32Array,
  treeStart: Int32Array,
  relative: boolean,
  fail: StoredFail,
): void {
  for (let t = 0; t + 1 < treeStart.length; t++) {
    const start = treeStart[t]!;
    const end = treeStart[t + 1]!;
    const base = relative ? start : 0;
    for (let node = start; node < end; node++) {
      const c = child[node]!;
      if (feature[node]! < 0) {
        if (c !== -1) fail(`arrays.${name}[${node}]`, `is ${c}, must be -1 at a leaf`);
      } else if (c + base <= node || c + base >= end) {
        fail(
          `arrays.${name}[${node}]`,
          `is ${c}, must point after node ${node} inside its tree (${relative ? `${node - start + 1} to ${end - start - 1}` : `${node + 1} to ${end - 1}`})`,
        );
      }
    }
  }
}

/** A classifier's classes: two for a binary model, at least two for a multiclass one; none for regression. */
export function checkClasses(task: string, classes: readonly string[], fail: StoredFail): void {
  const fits =
    task === 'regression'
      ? classes.length === 0
      : task === 'binary'
        ? classes.length === 2
        : classes.length >= 2;
  if (!fits) fail('meta.classes', `has ${classes.length} entries, which a ${task} model cannot have`);
}
