import { Worker } from 'node:worker_threads';
import { KeelError, UsageError } from '../core/errors.js';
import { workerEntry } from '../core/worker-entry.js';
import type { OpenStoreOptions } from '../registry/open.js';
import type { PredictionRecord, ServingRecords } from '../registry/types.js';

/**
 * The prediction log's writer thread. better-sqlite3 runs every statement on
 * the thread that calls it, so a log writing from the serving thread spends
 * that thread's time on BEGIN, INSERT and COMMIT (about a quarter of a busy
 * server's time, profiled). `ThreadWriter` is a `logPredictions` that hands
 * each batch to a worker thread holding its own connection to the same store
 * (SQLite in WAL mode takes a second connection; PostgreSQL another pool)
 * and resolves once that thread has committed it. The caller never waits
 * on the thread synchronously: a batch costs it one structured clone.
 *
 * The queue, batching, retries and loss bound stay with `PredictionLog`,
 * which sends one batch at a time: commits keep their order, and a crash of
 * the process (both threads) loses only what a crash of the in-thread
 * writer would.
 *
 * A thread that cannot open the store, or dies, fails the batches sent to
 * it; the next batch (after the log's backoff) starts a new thread. The
 * thread keeps the process alive only while a batch or a close waits on it.
 */

/** What the writer thread is started with. */
export interface WriterInput {
  readonly store: OpenStoreOptions;
}

export type WriterRequest =
  | { readonly type: 'write'; readonly id: number; readonly records: readonly PredictionRecord[] }
  | { readonly type: 'close' };

export type WriterReply =
  | { readonly type: 'opened' }
  | { readonly type: 'written'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly error: WireError }
  /** The store could not be opened; the thread is ending. */
  | { readonly type: 'unopened'; readonly error: WireError };

/** An error as it crosses the thread boundary (an Error's class does not survive structured cloning). */
export interface WireError {
  readonly message: string;
  readonly code: string | undefined;
  readonly hint: string | undefined;
  /** The store refused the records themselves (a UsageError): retrying cannot help. */
  readonly refused: boolean;
}

export function toWire(error: unknown): WireError {
  const keel = error instanceof KeelError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return {
    // The location goes into the message: the error's fields do not cross the boundary.
    message: keel === undefined || keel.where === '' ? message : `${keel.where}: ${message}`,
    code: keel?.code,
    hint: keel?.hint,
    refused: error instanceof UsageError,
  };
}

/** How long a closing thread gets to close its store before it is stopped. */
const CLOSE_GRACE_MS = 5000;

export class ThreadWriter implements Pick<ServingRecords, 'logPredictions'> {
  private thread: WriterThread | undefined;
  private closed = false;

  constructor(private readonly store: OpenStoreOptions) {}

  /**
   * Starts a thread unless one is running, and resolves once its store is
   * open (rejects when it cannot be opened): started before the first batch,
   * the thread is ready when the batch comes.
   */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    return this.running().ready();
  }

  /** Resolves once the thread has committed the records (one transaction), rejects with the store's error. */
  logPredictions(records: readonly PredictionRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    return this.running().write(records);
  }

  /** Closes the thread's store and ends the thread; never rejects. */
  async close(): Promise<void> {
    this.closed = true;
    const thread = this.thread;
    this.thread = undefined;
    await thread?.close();
  }

  /** The thread, a new one in place of one that has failed. */
  private running(): WriterThread {
    if (this.thread === undefined || this.thread.failure !== undefined) {
      this.thread = new WriterThread(this.store);
    }
    return this.thread;
  }
}

function closedError(): Error {
  return new Error('the prediction log writer is closed');
}

/** One worker thread's life: the batches waiting on it, and why it ended if it did. */
class WriterThread {
  /** Set once the thread cannot take batches any more; every later write fails with it. */
  failure: Error | undefined;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Waiting>();
  /** Waits for the thread's store to open (a write needs no wait: the thread queues it). */
  private readonly opening: Waiting[] = [];
  private isOpen = false;
  private readonly exited: Promise<void>;
  /** Calls waiting on the thread: while there are any, it keeps the process alive. */
  private holds = 0;
  private nextId = 1;

  constructor(store: OpenStoreOptions) {
    this.worker = new Worker(workerEntry(import.meta.url, 'prediction-log-worker'), {
      workerData: { store } satisfies WriterInput,
    });
    this.worker.on('message', (reply: WriterReply) => this.receive(reply));
    // An uncaught error in the thread: without this listener it would be thrown here and end the server.
    this.worker.on('error', (error) =>
      this.fail(new Error(`the prediction log's writer thread failed: ${error.message}`)),
    );
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        this.fail(new Error(`the prediction log's writer thread stopped (exit code ${code})`));
        resolve();
      });
    });
    // After the listeners: adding a 'message' listener refs the thread again.
    this.worker.unref();
  }

  /** Resolves once the thread's store is open; rejects if it cannot be. */
  ready(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.isOpen) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.hold();
      this.opening.push({ resolve, reject });
    });
  }

  write(records: readonly PredictionRecord[]): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    try {
      this.worker.postMessage({ type: 'write', id, records } satisfies WriterRequest);
    } catch (error) {
      // A value that cannot be cloned fails the same way every time: refuse the batch rather than retry it.
      return Promise.reject(
        new UsageError('serve.log-unclonable', `cannot log the batch: ${(error as Error).message}`),
      );
    }
    return new Promise((resolve, reject) => {
      this.hold();
      this.pending.set(id, { resolve, reject });
    });
  }

  /** Asks the thread to close its store and end (after the batches sent before), stopping it if it takes too long. */
  async close(): Promise<void> {
    if (this.failure === undefined) {
      this.hold();
      this.worker.postMessage({ type: 'close' } satisfies WriterRequest);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_GRACE_MS);
      });
      await Promise.race([this.exited, grace]);
      clearTimeout(timer);
    }
    await this.worker.terminate();
  }

  private receive(reply: WriterReply): void {
    if (reply.type === 'opened') {
      this.isOpen = true;
      for (const waiting of this.opening.splice(0)) this.settle(waiting).resolve();
      return;
    }
    if (reply.type === 'unopened') {
      this.fail(fromWire(reply.error, "the prediction log's writer thread"));
      void this.worker.terminate();
      return;
    }
    const waiting = this.pending.get(reply.id);
    if (waiting === undefined) return;
    this.pending.delete(reply.id);
    if (reply.type === 'written') this.settle(waiting).resolve();
    else this.settle(waiting).reject(fromWire(reply.error));
  }

  /** The thread is gone or useless: fails what waits on it (the first reason wins). */
  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = [...this.opening.splice(0), ...this.pending.values()];
    this.pending.clear();
    for (const w of waiting) this.settle(w).reject(this.failure);
  }

  private hold(): void {
    if (this.holds++ === 0) this.worker.ref();
  }

  /** A waiting call is answered: it no longer holds the thread. */
  private settle(waiting: Waiting): Waiting {
    if (--this.holds === 0) this.worker.unref();
    return waiting;
  }
}

interface Waiting {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** The thread's error, rebuilt: a UsageError when the store refused the records, else an Error with its message. */
function fromWire(wire: WireError, context?: string): Error {
  const message = context === undefined ? wire.message : `${context}: ${wire.message}`;
  if (wire.refused && context === undefined) {
    return new UsageError(wire.code ?? 'registry.bad-prediction', message, { hint: wire.hint });
  }
  return Object.assign(new Error(message), { code: wire.code, hint: wire.hint });
}
