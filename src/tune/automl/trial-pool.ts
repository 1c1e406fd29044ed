import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../core/worker-entry.js';
import type { Column } from '../../data/column.js';
import {
  CANCELLED,
  failedOutcome,
  runTrial,
  selectionMetric,
  type TrialData,
  type TrialOutcome,
  type TrialSpec,
} from './trial.js';
import type { FromWorker, SharedTrialData, ToWorker, WorkerInput } from './trial-worker.js';

/**
 * How long a trial told to stop may take to reach its next fold before its
 * worker is terminated. Terminating a thread that is running (and so may be
 * compiling) can abort the whole process in Node 20 (a V8 platform
 * assertion), so stopping is asked first and forcing is the last resort.
 */
const STOP_WAIT_MS = 3000;

/**
 * Runs trials side by side. With one thread, trials run here, one per turn
 * of the event loop (so progress output and Ctrl-C get a look in between);
 * with more, each worker thread holds the search's data (shared memory,
 * sent once) and runs one trial at a time. A trial's outcome is the same,
 * bit for bit, whichever thread runs it and in whatever order: the data,
 * folds and seeds are the same, and models run single-threaded.
 */
export class TrialPool {
  private readonly queue: Queued[] = [];
  private closed = false;
  /** Set when a worker cannot even start: every later trial would fail the same way. */
  private broken: string | undefined;
  private pumping = false;

  private constructor(
    private readonly data: TrialData,
    /** Worker slots; none when trials run in this thread. */
    private readonly slots: Slot[],
    private readonly shared: SharedTrialData | undefined,
  ) {}

  /** threads 1 = run in this thread (no workers); > 1 = that many worker threads, sharing one copy of the data. */
  static async open(data: TrialData, threads: number): Promise<TrialPool> {
    selectionMetric(data.metric, data.target.task);
    const count = Math.max(1, Math.floor(threads));
    if (count === 1) return new TrialPool(data, [], undefined);
    const shared = shareData(data);
    const slots = Array.from(
      { length: count },
      (): Slot => ({
        worker: undefined,
        ready: Promise.resolve(),
        running: undefined,
        stopping: undefined,
        stop: new Int32Array(new SharedArrayBuffer(4)),
      }),
    );
    const pool = new TrialPool(data, slots, shared);
    for (const slot of slots) pool.spawn(slot);
    try {
      await Promise.all(slots.map((slot) => slot.ready));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Resolves when the trial is done; at most `threads` run at once, the rest queue in order. */
  run(spec: TrialSpec): Promise<TrialOutcome> {
    if (this.closed) return Promise.reject(new Error('the trial pool is closed'));
    if (this.broken !== undefined) return Promise.resolve(failedOutcome(spec.id, this.broken));
    return new Promise((resolve) => {
      this.queue.push({ spec, resolve });
      this.dispatch();
    });
  }

  /** Stops queued trials (they resolve as failed with error 'cancelled'); running ones finish or are terminated after graceMs. */
  async cancel(graceMs = 0): Promise<void> {
    for (const { spec, resolve } of this.queue.splice(0)) resolve(failedOutcome(spec.id, CANCELLED));
    const running = this.slots.flatMap((slot) =>
      slot.running === undefined ? [] : [{ slot, trial: slot.running }],
    );
    if (running.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(running.map(({ trial }) => trial.settled)), graceOver]);
    clearTimeout(timer);
    // Only the trials running when cancel was called: a slot may have taken a new one since.
    const late = running.filter(({ slot, trial }) => slot.running === trial);
    for (const { slot } of late) Atomics.store(slot.stop, 0, 1);
    await settledWithin(
      late.map(({ trial }) => trial.settled),
      STOP_WAIT_MS,
    );
    const stuck = late.filter(({ slot, trial }) => slot.running === trial);
    await Promise.all(stuck.map(({ slot }) => this.stop(slot)));
  }

  /** Cancels everything and ends the workers; the pool cannot run trials after this. */
  async close(): Promise<void> {
    await this.cancel(0);
    this.closed = true;
    await Promise.all(this.slots.map((slot) => this.release(slot)));
  }

  private dispatch(): void {
    if (this.shared === undefined) {
      this.pumpHere();
      return;
    }
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.running !== undefined) continue;
      if (slot.worker === undefined) this.spawn(slot);
      const { spec, resolve } = this.queue.shift()!;
      let settle = () => {};
      const settled = new Promise<void>((done) => {
        settle = done;
      });
      slot.running = {
        spec,
        settled,
        finish: (outcome) => {
          slot.running = undefined;
          slot.worker?.unref();
          resolve(outcome);
          settle();
          this.dispatch();
        },
      };
      slot.worker!.ref();
      Atomics.store(slot.stop, 0, 0);
      try {
        slot.worker!.postMessage({ spec } satisfies ToWorker);
      } catch (error) {
        // A spec that cannot be cloned (a function among the params) fails alone.
        slot.running.finish(failedOutcome(spec.id, error instanceof Error ? error.message : String(error)));
      }
    }
  }

  /** One trial per turn of the event loop, in this thread. */
  private pumpHere(): void {
    if (this.pumping || this.queue.length === 0) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      const next = this.queue.shift();
      if (next === undefined) return;
      next.resolve(runTrial(next.spec, this.data));
      this.pumpHere();
    });
  }

  /** Starts the slot's worker; `slot.ready` resolves once it has loaded (rejects if it cannot). */
  private spawn(slot: Slot): void {
    const input: WorkerInput = { data: this.shared!, stop: slot.stop };
    const worker = new Worker(workerEntry(import.meta.url, 'trial-worker'), { workerData: input });
    slot.worker = worker;
    let lastError: Error | undefined;
    let started = false;
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          started = true;
          if (slot.running === undefined) worker.unref();
          resolve();
        } else slot.running?.finish(message.outcome);
      });
      worker.on('error', (error) => {
        lastError = error;
      });
      worker.on('exit', (code) => {
        if (slot.worker !== worker) return;
        slot.worker = undefined;
        const why =
          slot.stopping ??
          `the trial's worker thread stopped (exit code ${code})${lastError === undefined ? '' : `: ${lastError.message}`}`;
        if (!started && slot.stopping === undefined) {
          this.broken ??= `a trial worker thread could not start: ${lastError?.message ?? `exit code ${code}`}`;
          reject(new Error(this.broken));
          for (const { spec, resolve: done } of this.queue.splice(0))
            done(failedOutcome(spec.id, this.broken));
        }
        slot.stopping = undefined;
        slot.running?.finish(failedOutcome(slot.running.spec.id, why));
      });
    });
    // A worker that cannot start fails open() or its trials; nobody need await this one.
    slot.ready.catch(() => undefined);
  }

  /**
   * Ends an idle slot's worker the safe way: it is asked to close its port
   * and its thread ends by itself; terminated only if it has not within
   * STOP_WAIT_MS.
   */
  private async release(slot: Slot): Promise<void> {
    const worker = slot.worker;
    if (worker === undefined) return;
    slot.stopping = CANCELLED;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    try {
      worker.postMessage({ exit: true } satisfies ToWorker);
    } catch {
      // Already gone: the exit event has fired or is about to.
    }
    if (!(await settledWithin([exited], STOP_WAIT_MS))) await this.stop(slot);
  }

  /** Ends a slot's worker at once; its running trial (if any) resolves as cancelled. */
  private async stop(slot: Slot): Promise<void> {
    const worker = slot.worker;
    if (worker === undefined) return;
    slot.stopping = CANCELLED;
    await worker.terminate();
  }
}

/** Whether every promise settled within `ms`. */
async function settledWithin(promises: readonly Promise<unknown>[], ms: number): Promise<boolean> {
  if (promises.length === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = await Promise.race([Promise.all(promises).then(() => true as const), late]);
  clearTimeout(timer);
  return done;
}

interface Queued {
  readonly spec: TrialSpec;
  readonly resolve: (outcome: TrialOutcome) => void;
}

interface Slot {
  worker: Worker | undefined;
  ready: Promise<void>;
  running: { spec: TrialSpec; settled: Promise<void>; finish: (outcome: TrialOutcome) => void } | undefined;
  /** Why the worker is being ended on purpose (its trial's error), if it is. */
  stopping: string | undefined;
  /** Shared with the worker: 1 asks its running trial to stop at the next fold. */
  readonly stop: Int32Array;
}

/** The data on SharedArrayBuffers: copied once here, then read by every worker without copying. */
function shareData(data: TrialData): SharedTrialData {
  const { features, target, folds, metric, seed } = data;
  return {
    columns: features.columns.map(shareColumn),
    source: features.source,
    target: { ...target, values: sharedCopy(target.values) },
    folds: folds.map((fold) => ({ train: sharedCopy(fold.train), test: sharedCopy(fold.test) })),
    metric,
    seed,
  };
}

function shareColumn(column: Column): Column {
  switch (column.storage) {
    case 'number':
      return { ...column, values: sharedCopy(column.values) };
    case 'categorical':
      return { ...column, codes: sharedCopy(column.codes) };
    case 'string':
      return column;
  }
}

function sharedCopy<T extends Float64Array | Int32Array>(values: T): T {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  const copy = new (values.constructor as new (buffer: SharedArrayBuffer) => T)(
    new SharedArrayBuffer(values.byteLength),
  );
  copy.set(values);
  return copy;
}
