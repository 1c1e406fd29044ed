import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
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
  const script = workerScript(import.meta.url);
  const count = job.seeds.length;
  const running = Array.from({ length: threads }, (_, w) => {
    const first = Math.floor((w * count) / threads);
    const last = Math.floor(((w + 1) * count) / threads);
    const done = new Int32Array(new SharedArrayBuffer(4));
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

/**
 * On the sources, the worker starts from a two-line module that registers
 * tsx's loader and then imports forest-worker.ts: Node 20 ignores
 * `execArgv: ['--import', 'tsx']` for a worker's own entry file
 * (ERR_UNKNOWN_FILE_EXTENSION), so the loader must be in place first.
 */
function workerScript(here: string): URL {
  if (!here.endsWith('.ts')) return new URL('./forest-worker.js', here);
  const tsxApi = createRequire(here)
    .resolve('tsx/esm/api')
    .replace(/index\.cjs$/, 'index.mjs');
  const entry = new URL('./forest-worker.ts', here).href;
  const code = [
    `import { register } from ${JSON.stringify(pathToFileURL(tsxApi).href)};`,
    `register();`,
    `await import(${JSON.stringify(entry)});`,
  ].join('\n');
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
