import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { workerEntry } from '../../core/worker-entry.js';
import type { TreeArrays } from './flat-tree.js';
import type { ForestJob } from './forest-grow.js';
import type { TreeData } from './tree-data.js';

/**
 * Grows a forest's trees on `threads` worker threads, in contiguous ranges,
 * and returns them in tree order. `fit` is synchronous (the estimator
 * contract), so the caller blocks in Atomics.wait and collects each worker's
 * trees with receiveMessageOnPort, which needs no event loop. `data` must
 * live in SharedArrayBuffers (treeData(…, shared = true)).
 *
 * The worker file sits beside this one: forest-worker.js in the built
 * library; forest-worker.ts when running on the sources (tests), where
 * tsx compiles it.
 */
export function growInWorkers(data: TreeData, job: ForestJob, threads: number): TreeArrays[] {
  const script = workerEntry(import.meta.url, 'forest-worker');
  const count = job.seeds.length;
  const running = Array.from({ length: threads }, (_, w) => {
    const first = Math.floor((w * count) / threads);
    const last = Math.floor(((w + 1) * count) / threads);
    // [0] = finished, [1] = started: a worker that cannot even load never sets either.
    const done = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(script, {
      workerData: { data, job, first, last, port: port2, done },
      transferList: [port2],
    });
    return { worker, port: port1, done };
  });
  const trees: TreeArrays[] = [];
  const errors: string[] = [];
  for (const { worker, port, done } of running) {
    if (!waitForStart(done)) {
      for (const r of running) void r.worker.terminate();
      throw new Error(`a tree-growing worker did not start within ${START_TIMEOUT_MS / 1000} s`);
    }
    while (Atomics.load(done, 0) === 0) Atomics.wait(done, 0, 0);
    const reply = receiveMessageOnPort(port)?.message as { trees?: TreeArrays[]; error?: string } | undefined;
    if (reply?.trees !== undefined) trees.push(...reply.trees);
    else errors.push(reply?.error ?? 'a worker ended without an answer');
    port.close();
    void worker.terminate();
  }
  if (errors.length > 0) throw new Error(`growing trees on worker threads failed: ${errors[0]}`);
  return trees;
}

/** Generous: a loaded worker sets its flag in milliseconds; only one that cannot load gets near it. */
const START_TIMEOUT_MS = 30_000;

/** Waits until the worker raised its started flag (done[1]); false if it did not within the time limit. */
export function waitForStart(done: Int32Array, timeoutMs = START_TIMEOUT_MS): boolean {
  const deadline = Date.now() + timeoutMs;
  while (Atomics.load(done, 1) === 0) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(done, 1, 0, left);
  }
  return true;
}
