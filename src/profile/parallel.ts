import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Frame } from '../data/frame.js';
import { type CentredColumn, correlatedNumeric, pearsonFromPairs } from './associations.js';
import { hashSource, repeatedKeys } from './duplicates.js';
import {
  finishProfile,
  type ProfileOptions,
  prepareProfile,
  profileFrame,
  progressCounter,
} from './profile.js';
import type { Profile } from './types.js';
import type { JobMessage, NumberColumnWork, ProfileJob, ResultMessage, SharedTable } from './worker.js';

/** Below this many number cells, starting workers costs more than it saves. */
export const PARALLEL_MIN_CELLS = 2_000_000;
const MAX_THREADS = 8;

/**
 * `profileFrame`, with the sorting, Pearson and row hashing of large tables
 * spread over worker threads that share the table's memory. The profile is
 * the same, number for number: every thread runs the same functions on the
 * same values, and partial results are put together in a fixed order.
 * `options.threads` overrides the choice (1: stay on this thread).
 */
export async function profileFrameAsync(frame: Frame, options: ProfileOptions = {}): Promise<Profile> {
  const threads = threadCount(frame, options);
  if (threads <= 1) return profileFrame(frame, options);
  const started = performance.now();
  const sampleRows = prepareProfile(frame, options);
  const step = progressCounter(frame, options);
  const pool = new WorkerPool(threads, shareTable(frame, sampleRows));
  try {
    const correlated = new Set(correlatedNumeric(frame).map((c) => c.name));
    const columnWork = frame.columns.map(async (column, index) => {
      if (column.storage !== 'number') return undefined;
      const job: ProfileJob = {
        type: 'number-column',
        index,
        name: column.name,
        kind: column.kind,
        centre: correlated.has(column.name),
      };
      const work = await pool.run<NumberColumnWork>(job);
      step();
      return work;
    });
    for (const column of frame.columns) if (column.storage !== 'number') step();
    const duplicateRows = countDuplicateRowsOn(pool, frame, threads);
    // Awaited only after the sample-side work; a failure meanwhile surfaces there.
    duplicateRows.catch(() => undefined);
    const numberColumns = await Promise.all(columnWork);
    const pearson = pearsonOn(pool, frame, numberColumns, threads);
    pearson.catch(() => undefined);
    const complete = finishProfile(frame, sampleRows, numberColumns, options, started, step);
    return complete(await pearson, await duplicateRows);
  } finally {
    await pool.close();
  }
}

function threadCount(frame: Frame, options: ProfileOptions): number {
  if (options.threads !== undefined) return Math.max(1, Math.floor(options.threads));
  const numberColumns = frame.columns.filter((c) => c.storage === 'number').length;
  if (frame.rowCount * numberColumns < PARALLEL_MIN_CELLS) return 1;
  return Math.min(MAX_THREADS, availableParallelism());
}

/** Number columns and row-hash inputs on SharedArrayBuffers, copied unless they already are. */
function shareTable(frame: Frame, sampleRows: Int32Array | undefined): SharedTable {
  const numbers = frame.columns.map((column) =>
    column.storage === 'number' ? sharedCopy(column.values) : undefined,
  );
  const hashSources = frame.columns.map((column, i) => numbers[i] ?? sharedCopy(hashSource(column)));
  return { numbers, hashSources, sampleRows };
}

function sharedCopy<T extends Float64Array | Uint32Array>(values: T): T {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  const shared = new SharedArrayBuffer(values.byteLength);
  const copy = (values instanceof Float64Array ? new Float64Array(shared) : new Uint32Array(shared)) as T;
  copy.set(values);
  return copy;
}

/** Row hashes in a few ranges per thread, then counted here: the same keys as one pass. */
async function countDuplicateRowsOn(pool: WorkerPool, frame: Frame, threads: number): Promise<number> {
  const rows = frame.rowCount;
  if (rows === 0 || frame.columnCount === 0) return 0;
  const pieces = 2 * threads;
  const ranges = Array.from({ length: pieces }, (_, p) => [
    Math.floor((p * rows) / pieces),
    Math.floor(((p + 1) * rows) / pieces),
  ]);
  const parts = await Promise.all(
    ranges.map(([start, end]) => pool.run<Float64Array>({ type: 'row-keys', start: start!, end: end! })),
  );
  const keys = new Float64Array(rows);
  for (const [p, part] of parts.entries()) keys.set(part, ranges[p]![0]!);
  return repeatedKeys(keys);
}

/**
 * The Pearson matrix with its pairs split by first column so that each
 * thread sums about as many pairs (column i pairs with the k − 1 − i after it).
 */
async function pearsonOn(
  pool: WorkerPool,
  frame: Frame,
  numberColumns: readonly (NumberColumnWork | undefined)[],
  threads: number,
): Promise<number[][]> {
  const columns = correlatedNumeric(frame).map((c) => frame.names.indexOf(c.name));
  const centred = columns.map((i) => numberColumns[i]!.centred as CentredColumn);
  const k = columns.length;
  const shares: number[][] = Array.from({ length: threads }, () => []);
  const load = new Array<number>(threads).fill(0);
  for (let i = 0; i < k - 1; i++) {
    const lightest = load.indexOf(Math.min(...load));
    shares[lightest]!.push(i);
    load[lightest]! += k - 1 - i;
  }
  const parts = await Promise.all(
    shares
      .filter((firstColumns) => firstColumns.length > 0)
      .map((firstColumns) => pool.run<Float64Array>({ type: 'pearson', columns, centred, firstColumns })),
  );
  const pairs = new Float64Array(k * k).fill(Number.NaN);
  for (const part of parts) {
    for (let p = 0; p < part.length; p++) if (!Number.isNaN(part[p]!)) pairs[p] = part[p]!;
  }
  return pearsonFromPairs(centred, pairs);
}

interface Pending {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A fixed set of profile workers. A job is posted at once to the worker with
 * the fewest jobs outstanding and waits in that worker's message queue, so
 * workers keep busy while the main thread computes between awaits.
 */
class WorkerPool {
  private readonly running = new Map<number, Pending>();
  private readonly workers: Worker[];
  private readonly outstanding: number[];
  private nextId = 0;
  private failure: Error | undefined;

  constructor(size: number, table: SharedTable) {
    this.workers = Array.from({ length: size }, (_, w) => this.spawn(table, w));
    this.outstanding = new Array<number>(size).fill(0);
  }

  run<T>(job: ProfileJob): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      const id = this.nextId++;
      const w = this.outstanding.indexOf(Math.min(...this.outstanding));
      this.outstanding[w]!++;
      this.running.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.workers[w]!.postMessage({ id, job } satisfies JobMessage);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private spawn(table: SharedTable, w: number): Worker {
    const worker = startWorker(table);
    worker.on('message', (reply: ResultMessage) => {
      const pending = this.running.get(reply.id)!;
      this.running.delete(reply.id);
      this.outstanding[w]!--;
      if ('error' in reply) pending.reject(new Error(`profile worker failed: ${reply.error}`));
      else pending.resolve(reply.result);
    });
    worker.on('error', (error) => this.fail(error));
    return worker;
  }

  /** A worker that dies takes every job with it: nothing waits for an answer that will not come. */
  private fail(error: Error): void {
    this.failure = error;
    for (const pending of this.running.values()) pending.reject(error);
    this.running.clear();
  }
}

/**
 * The compiled worker next to this module; when running from the TypeScript
 * sources (the tests), the .ts file, with tsx's loader registered in the
 * worker first (`execArgv: ['--import', 'tsx']` does not reach a worker's
 * own module graph on Node 20).
 */
function startWorker(table: SharedTable): Worker {
  const compiled = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, { workerData: table });
  const source = new URL('./worker.ts', import.meta.url).href;
  // The ESM build of tsx's API sits beside the CommonJS one that require.resolve finds.
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(boot, { eval: true, workerData: table });
}
