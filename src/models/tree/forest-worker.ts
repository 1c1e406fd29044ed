import { type MessagePort, workerData } from 'node:worker_threads';
import type { TreeArrays } from './flat-tree.js';
import type { ForestJob } from './forest-grow.js';
import type { TreeData } from './tree-data.js';

/**
 * A worker thread that grows a range of a forest's trees. The data arrive
 * once, in SharedArrayBuffers; the trees go back on `port` (their buffers
 * transferred, not copied), and `done[0]` is set so that the caller, blocked
 * in Atomics.wait, wakes. `done[1]` is set on start, so the caller can tell a
 * worker that failed to load from one that is working. Errors travel the same
 * way, never as an exit.
 */
interface WorkerInput {
  readonly data: TreeData;
  readonly job: ForestJob;
  readonly first: number;
  readonly last: number;
  readonly port: MessagePort;
  readonly done: Int32Array;
}

const input = workerData as WorkerInput;
Atomics.store(input.done, 1, 1);
Atomics.notify(input.done, 1);
try {
  // Imported here, not at the top, so that a failure to load is reported like any other.
  const { growForestTrees } = await import('./forest-grow.js');
  const trees = growForestTrees(input.data, input.job, input.first, input.last);
  input.port.postMessage({ trees }, trees.flatMap(buffersOf));
} catch (error) {
  input.port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
} finally {
  Atomics.store(input.done, 0, 1);
  Atomics.notify(input.done, 0);
}

function buffersOf(tree: TreeArrays): ArrayBuffer[] {
  const { feature, threshold, left, right, value, cover, impurity, treeStart } = tree;
  return [feature, threshold, left, right, value, cover, impurity, treeStart].map(
    (a) => a.buffer as ArrayBuffer,
  );
}
