import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { workerEntry } from '../../core/worker-entry.js';
import { waitForStart } from '../tree/parallel.js';
import type { FitArena } from './arena.js';
import { type GrowData, type HistogramBuilder, type OrderedGradients, sumGroupShare } from './histogram.js';

/**
 * Histograms built by several threads at once: the feature groups of each node
 * are dealt out round-robin (group i to thread i mod threads, this thread
 * being thread 0), and each group is summed whole by one thread, in row
 * order, so the model is the same for any number of threads.
 *
 * Everything the workers read lives in the fit's shared WebAssembly memory
 * (arena.ts): the binned data, the partition, the gradients, the gathered
 * gradients and a fixed pool of histograms; each worker runs its own instance
 * of the kernel on it. A node is one "generation": the main thread writes the job into
 * `control`, bumps the generation and wakes the workers (Atomics.notify),
 * sums its own groups, then waits (Atomics.wait) until every worker has
 * written the generation into its done slot. `fit` stays synchronous.
 */
export const CONTROL = {
  generation: 0,
  command: 1,
  start: 2,
  end: 3,
  unitHessian: 4,
  hist: 5,
  groupCount: 6,
  groups: 7,
} as const;
export const BUILD = 1;
export const STOP = 2;
const FAILED = -1;

/** What a histogram worker is given once, at start. */
export interface HistogramWorkerInput {
  readonly memory: WebAssembly.Memory;
  readonly data: GrowData;
  readonly partition: Uint32Array;
  readonly ordered: OrderedGradients;
  readonly histograms: Float64Array;
  readonly control: Int32Array;
  /** Where the workers' done slots start in `control`. */
  readonly doneAt: number;
  readonly index: number;
  readonly threads: number;
  readonly status: Int32Array;
  readonly port: MessagePort;
}

export class WorkerHistogramBuilder implements HistogramBuilder {
  private readonly ordered: OrderedGradients;
  private readonly control: Int32Array;
  private readonly doneAt: number;
  private readonly workers: { worker: Worker; port: MessagePort }[] = [];
  private generation = 0;

  constructor(
    private readonly data: GrowData,
    private readonly arena: FitArena,
    private readonly threads: number,
  ) {
    this.ordered = { gh: arena.orderedGH };
    this.doneAt = CONTROL.groups + Math.ceil(data.cols / 4);
    this.control = new Int32Array(new SharedArrayBuffer((this.doneAt + threads) * 4));
    this.start();
  }

  private start(): void {
    const script = workerEntry(import.meta.url, 'histogram-worker');
    for (let index = 1; index < this.threads; index++) {
      const status = new Int32Array(new SharedArrayBuffer(8));
      const { port1, port2 } = new MessageChannel();
      const input: HistogramWorkerInput = {
        memory: this.arena.memory,
        data: this.data,
        partition: this.arena.partition,
        ordered: this.ordered,
        histograms: this.arena.histograms,
        control: this.control,
        doneAt: this.doneAt,
        index,
        threads: this.threads,
        status,
        port: port2,
      };
      const worker = new Worker(script, { workerData: input, transferList: [port2] });
      this.workers.push({ worker, port: port1 });
      if (!waitForStart(status)) {
        this.close();
        throw new Error('a histogram worker did not start within 30 s');
      }
    }
  }

  build(
    partition: Uint32Array,
    start: number,
    end: number,
    ordered: OrderedGradients,
    unitHessian: boolean,
    groups: Int32Array,
    hist: Float64Array,
  ): void {
    const c = this.control;
    c[CONTROL.command] = BUILD;
    c[CONTROL.start] = start;
    c[CONTROL.end] = end;
    c[CONTROL.unitHessian] = unitHessian ? 1 : 0;
    c[CONTROL.hist] = (hist.byteOffset - this.arena.histograms.byteOffset) / 8 / this.data.histSize;
    c[CONTROL.groupCount] = groups.length;
    c.set(groups, CONTROL.groups);
    const generation = ++this.generation;
    Atomics.store(c, CONTROL.generation, generation);
    Atomics.notify(c, CONTROL.generation);
    const node = { partition, start, end, ordered, unitHessian, hist };
    sumGroupShare(this.arena.kernel, this.data, node, groups, 0, this.threads);
    this.waitForWorkers(generation);
  }

  private waitForWorkers(generation: number): void {
    for (let w = 1; w < this.threads; w++) {
      const slot = this.doneAt + w;
      for (
        let seen = Atomics.load(this.control, slot);
        seen !== generation;
        seen = Atomics.load(this.control, slot)
      ) {
        if (seen === FAILED) {
          const reply = receiveMessageOnPort(this.workers[w - 1]!.port)?.message as
            | { error?: string }
            | undefined;
          this.close();
          throw new Error(`building histograms on a worker thread failed: ${reply?.error ?? 'no message'}`);
        }
        Atomics.wait(this.control, slot, seen);
      }
    }
  }

  close(): void {
    Atomics.store(this.control, CONTROL.command, STOP);
    Atomics.store(this.control, CONTROL.generation, ++this.generation);
    Atomics.notify(this.control, CONTROL.generation);
    for (const { worker, port } of this.workers) {
      port.close();
      void worker.terminate();
    }
    this.workers.length = 0;
  }
}

export { FAILED };
