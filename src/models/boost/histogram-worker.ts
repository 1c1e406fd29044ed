import { workerData } from 'node:worker_threads';
import type { HistogramWorkerInput } from './parallel.js';

/**
 * A worker thread that sums its share of each node's feature groups (see
 * parallel.ts) until told to stop. It waits on the generation counter, so a
 * job posted before it starts waiting is not missed.
 */
const input = workerData as HistogramWorkerInput;
Atomics.store(input.status, 1, 1);
Atomics.notify(input.status, 1);
try {
  // Imported here, not at the top, so that a failure to load is reported like any other.
  const { BUILD, CONTROL } = await import('./parallel.js');
  const { sumGroupShare } = await import('./histogram.js');
  const { histogramKernel } = await import('./kernel.js');
  const kernel = histogramKernel(input.memory);
  const { control, data, threads, index } = input;
  const histSize = data.histSize;
  let seen = 0;
  for (;;) {
    Atomics.wait(control, CONTROL.generation, seen);
    seen = Atomics.load(control, CONTROL.generation);
    if (control[CONTROL.command] !== BUILD) break;
    const at = control[CONTROL.hist]! * histSize;
    const node = {
      partition: input.partition,
      start: control[CONTROL.start]!,
      end: control[CONTROL.end]!,
      ordered: input.ordered,
      unitHessian: control[CONTROL.unitHessian] === 1,
      hist: input.histograms.subarray(at, at + histSize),
    };
    const groups = control.subarray(CONTROL.groups, CONTROL.groups + control[CONTROL.groupCount]!);
    sumGroupShare(kernel, data, node, groups, index, threads);
    Atomics.store(control, input.doneAt + index, seen);
    Atomics.notify(control, input.doneAt + index);
  }
} catch (error) {
  input.port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  Atomics.store(input.control, input.doneAt + input.index, -1);
  Atomics.notify(input.control, input.doneAt + input.index);
}
