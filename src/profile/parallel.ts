import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../core/worker-entry.js';
import type { Frame } from '../data/frame.js';
import { correlatedNumeric, matrixFromPairs, sampleSpearman } from './associations.js';
import { type HashSource, hashSource, repeatedKeys } from './duplicates.js';
import {
  completeProfile,
  type ProfileContext,
  type ProfileOptions,
  prepareProfile,
  profileFrame,
  progressCounter,
  startProfile,
  targetSideOf,
} from './profile.js';
import { profileColumn } from './stats.js';
import type { Profile } from './types.js';
import type { JobMessage, NumberColumnWork, ProfileJob, ResultMessage } from './worker.js';

/** Below this many number cells, starting workers costs more than it saves. */
export const PARALLEL_MIN_CELLS = 2_000_000;
const MAX_THREADS = 8;

/**
 * `profileFrame`, with the sorting of large tables' columns, Pearson,
 * Spearman (when gaps make it costly) and row hashing spread over worker
 * threads that share the table's memory, while this thread sorts the
 * sample and computes what needs only the sample. The profile is the same,
 * number for number: every thread runs the same functions on the same values,
 * and partial results are put together in a fixed order. `options.threads`
 * overrides the choice (1: stay on this thread).
 */
export async function profileFrameAsync(frame: Frame, options: ProfileOptions = {}): Promise<Profile> {
  const threads = threadCount(frame, options);
  if (threads <= 1) return profileFrame(frame, options);
  const started = performance.now();
  const sampleRows = prepareProfile(frame, options);
  const step = progressCounter(frame, options);
  const pool = new WorkerPool(threads);
  const shared = new SharedColumns(frame);
  try {
    const correlated = correlatedNumeric(frame).map((c) => frame.names.indexOf(c.name));
    const targetIndex = options.target === undefined ? -1 : frame.names.indexOf(options.target);
    const columnWork = postColumnJobs(pool, shared, correlated, targetIndex, step);
    // Column jobs are alike and all queued in the workers now; the unequal jobs after them are handed
    // out as workers free up.
    pool.window = 1;
    const duplicateRows = countDuplicateRowsOn(pool, shared, threads);
    // Awaited only after this thread's own share; a failure meanwhile surfaces there.
    duplicateRows.catch(() => undefined);

    const context = startProfile(frame, options, sampleRows, started, step);
    const otherProfiles = frame.columns.map((column) => {
      if (column.storage === 'number') return undefined;
      const profile = profileColumn(column);
      step();
      return profile;
    });
    const spearman = spearmanOn(pool, shared, context, sampleRows, correlated, threads);
    spearman.catch(() => undefined);
    const targetProfile =
      targetIndex < 0 ? undefined : (otherProfiles[targetIndex] ?? (await columnWork[targetIndex])!.profile);
    const side = targetSideOf(context, targetProfile);

    const work = await Promise.all(columnWork);
    const columnProfiles = frame.columns.map((_, i) => otherProfiles[i] ?? work[i]!.profile);
    const pearson = matrixOn(
      pool,
      pairShares(correlated.length, threads),
      correlated.length,
      (firstColumns) => ({
        type: 'pearson',
        columns: correlated.map((i) => shared.numbers(i)),
        centred: correlated.map((i) => work[i]!.centred!),
        firstColumns,
      }),
    );
    return completeProfile(context, columnProfiles, side, {
      pearson: await pearson,
      spearman: await spearman,
      duplicateRows: await duplicateRows,
    });
  } finally {
    await pool.close();
  }
}

/**
 * One job per number column, the target's first (the task waits for its
 * profile), each posted as soon as its column is in shared memory; by frame index.
 */
function postColumnJobs(
  pool: WorkerPool,
  shared: SharedColumns,
  correlated: readonly number[],
  targetIndex: number,
  step: () => void,
): (Promise<NumberColumnWork> | undefined)[] {
  const columns = shared.frame.columns;
  const jobs: (Promise<NumberColumnWork> | undefined)[] = columns.map(() => undefined);
  const order = [...columns.keys()].sort((a, b) => Number(b === targetIndex) - Number(a === targetIndex));
  for (const index of order) {
    const column = columns[index]!;
    if (column.storage !== 'number') continue;
    const job: ProfileJob = {
      type: 'number-column',
      name: column.name,
      kind: column.kind,
      values: shared.numbers(index),
      centre: correlated.includes(index),
    };
    jobs[index] = pool.run<NumberColumnWork>(job).then((work) => {
      step();
      return work;
    });
  }
  return jobs;
}

/**
 * Spearman's matrix: here when no correlated column has gaps in the sample
 * (it is then one cheap Pearson of ranks), else on the threads, which
 * re-rank each pair on its common rows from the sample orders this thread made.
 */
function spearmanOn(
  pool: WorkerPool,
  shared: SharedColumns,
  context: ProfileContext,
  sampleRows: Int32Array | undefined,
  correlated: readonly number[],
  threads: number,
): Promise<number[][]> {
  const { frame, sample, sortedSample } = context;
  const orders = correlated.map((i) => sortedSample(frame.columns[i]!.name)!);
  if (orders.every((order) => order.sorted.length === sample.rowCount)) {
    return Promise.resolve(sampleSpearman(frame, sample, sortedSample));
  }
  const job = {
    type: 'spearman',
    columns: correlated.map((i) => shared.numbers(i)),
    sampleRows: sampleRows === undefined ? undefined : sharedCopy(sampleRows),
    orders: orders.map((order) => ({ sorted: sharedCopy(order.sorted), rows: sharedCopy(order.rows) })),
  } as const;
  return matrixOn(pool, pairShares(correlated.length, threads), correlated.length, (firstColumns) => ({
    ...job,
    firstColumns,
  }));
}

function threadCount(frame: Frame, options: ProfileOptions): number {
  if (options.threads !== undefined) return Math.max(1, Math.floor(options.threads));
  const numberColumns = frame.columns.filter((c) => c.storage === 'number').length;
  if (frame.rowCount * numberColumns < PARALLEL_MIN_CELLS) return 1;
  return Math.min(MAX_THREADS, availableParallelism());
}

/** The frame's number columns and row-hash inputs on SharedArrayBuffers, each copied once, when first needed. */
class SharedColumns {
  private readonly copies = new Map<number, Float64Array | Uint32Array>();
  constructor(readonly frame: Frame) {}

  numbers(index: number): Float64Array {
    return this.hashSource(index) as Float64Array;
  }

  /** A number column's values, else its row-hash words (see `hashSource`). */
  hashSource(index: number): HashSource {
    let copy = this.copies.get(index);
    if (copy === undefined) {
      copy = sharedCopy(hashSource(this.frame.columns[index]!));
      this.copies.set(index, copy);
    }
    return copy;
  }
}

function sharedCopy<T extends Float64Array | Uint32Array | Int32Array>(values: T): T {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  const shared = new SharedArrayBuffer(values.byteLength);
  const copy = new (values.constructor as new (buffer: SharedArrayBuffer) => T)(shared);
  copy.set(values);
  return copy;
}

/** Row hashes in a few ranges per thread, then counted here: the same keys as one pass. */
async function countDuplicateRowsOn(
  pool: WorkerPool,
  shared: SharedColumns,
  threads: number,
): Promise<number> {
  const { rowCount: rows, columnCount } = shared.frame;
  if (rows === 0 || columnCount === 0) return 0;
  const sources = Array.from({ length: columnCount }, (_, i) => shared.hashSource(i));
  const pieces = 2 * threads;
  const ranges = Array.from({ length: pieces }, (_, p) => [
    Math.floor((p * rows) / pieces),
    Math.floor(((p + 1) * rows) / pieces),
  ]);
  const parts = await Promise.all(
    ranges.map(([start, end]) =>
      pool.run<Float64Array>({ type: 'row-keys', sources, start: start!, end: end! }),
    ),
  );
  const keys = new Float64Array(rows);
  for (const [p, part] of parts.entries()) keys.set(part, ranges[p]![0]!);
  return repeatedKeys(keys);
}

/**
 * The columns of a k × k matrix split by first column so that each thread
 * gets about as many pairs (column i pairs with the k − 1 − i after it);
 * every column is in one share, for its diagonal entry.
 */
function pairShares(k: number, threads: number): number[][] {
  const shares: number[][] = Array.from({ length: threads }, () => []);
  const load = new Array<number>(threads).fill(0);
  for (let i = 0; i < k; i++) {
    const lightest = load.indexOf(Math.min(...load));
    shares[lightest]!.push(i);
    load[lightest]! += k - i;
  }
  return shares.filter((share) => share.length > 0);
}

/** A pairwise matrix computed share by share on the pool; each entry comes from exactly one share. */
async function matrixOn(
  pool: WorkerPool,
  shares: readonly number[][],
  k: number,
  job: (firstColumns: number[]) => ProfileJob,
): Promise<number[][]> {
  const parts = await Promise.all(shares.map((share) => pool.run<Float64Array>(job(share))));
  const pairs = new Float64Array(k * k).fill(Number.NaN);
  shares.forEach((share, s) => {
    for (const i of share) pairs.set(parts[s]!.subarray(i * k + i, (i + 1) * k), i * k + i);
  });
  return matrixFromPairs(pairs, k);
}

interface Pending {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A fixed set of profile workers. A job goes to the worker with the fewest
 * jobs outstanding, at once while that worker has fewer than `window`
 * (so workers keep busy while the main thread computes between awaits),
 * else when one finishes (so unequal jobs still spread evenly).
 */
class WorkerPool {
  /** Jobs a worker may hold (running and queued in its port) before more wait here. */
  window = Number.POSITIVE_INFINITY;
  private readonly waiting: { message: JobMessage; pending: Pending }[] = [];
  private readonly running = new Map<number, Pending>();
  private readonly workers: Worker[];
  private readonly outstanding: number[];
  private nextId = 0;
  private failure: Error | undefined;

  constructor(size: number) {
    this.workers = Array.from({ length: size }, (_, w) => this.spawn(w));
    this.outstanding = new Array<number>(size).fill(0);
  }

  run<T>(job: ProfileJob): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      const pending = { resolve: resolve as (result: unknown) => void, reject };
      this.waiting.push({ message: { id: this.nextId++, job }, pending });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const w = this.outstanding.indexOf(Math.min(...this.outstanding));
      if (this.outstanding[w]! >= this.window) return;
      const { message, pending } = this.waiting.shift()!;
      this.outstanding[w]!++;
      this.running.set(message.id, pending);
      this.workers[w]!.postMessage(message);
    }
  }

  private spawn(w: number): Worker {
    const worker = new Worker(workerEntry(import.meta.url, 'worker'));
    worker.on('message', (reply: ResultMessage) => {
      const pending = this.running.get(reply.id)!;
      this.running.delete(reply.id);
      this.outstanding[w]!--;
      if ('error' in reply) pending.reject(new Error(`profile worker failed: ${reply.error}`));
      else pending.resolve(reply.result);
      this.dispatch();
    });
    worker.on('error', (error) => this.fail(error));
    // An exit without an error event (process.exit in a job, a killed thread) would otherwise leave jobs waiting.
    worker.on('exit', (code) => {
      if (this.outstanding[w]! > 0)
        this.fail(new Error(`a profile worker exited (code ${code}) with jobs unfinished`));
    });
    return worker;
  }

  /** A worker that dies takes every job with it: nothing waits for an answer that will not come. */
  private fail(error: Error): void {
    this.failure = error;
    for (const pending of this.running.values()) pending.reject(error);
    for (const { pending } of this.waiting) pending.reject(error);
    this.running.clear();
    this.waiting.length = 0;
  }
}
