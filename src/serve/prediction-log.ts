import { UsageError } from '../core/errors.js';
import { Mutex } from '../registry/db.js';
import type { OpenStoreOptions } from '../registry/open.js';
import { checkPrediction } from '../registry/predictions.js';
import type { PredictionRecord, ServingRecords } from '../registry/types.js';
import { ThreadWriter } from './prediction-log-thread.js';

/**
 * The prediction log: served requests appended to the store off the request
 * path. `record` only samples, checks and queues (it never waits and never
 * throws); a background writer sends the queue to `store.logPredictions` in
 * batches, one transaction per batch, oldest first, one batch at a time.
 *
 * When a batch is written: as soon as `batchSize` records wait, or when the
 * oldest waiting record has waited `flushMs`.
 *
 * A store error keeps the batch at the head of the queue and retries it
 * after a backoff (`retryMs`, doubling up to `maxRetryMs`), while new
 * records keep queueing. The queue holds at most `maxQueue` records (the
 * batch being written included); past that the oldest are dropped and
 * counted. Retrying a batch whose commit did land is harmless: the store
 * ignores a request id it already holds.
 *
 * Sampling is decided by a hash of the request id, so a request is logged
 * whole or not at all, and every process (and a later feedback call) agrees
 * on which requests are in the log.
 *
 * Loss bound on a crash (kill -9, power loss aside): batches commit in order
 * and atomically, so the store always holds a prefix of the sampled records,
 * ending at a batch boundary, never part of a batch. What a crash loses is
 * the tail not yet committed: the batch being written and the records queued
 * behind it. While the store keeps up (a batch commits before the next
 * `batchSize` records arrive), that tail is under 2 × `batchSize` records,
 * and every record in it arrived within the last `flushMs` + one commit
 * time: at 1,000 requests/s with the defaults, at most about a second of
 * traffic. While the store is failing the tail grows up to `maxQueue`.
 * `flush()` and `close()` shrink it to nothing; a graceful shutdown calls
 * `close()`.
 *
 * Where the writes run: `new PredictionLog(store)` calls the store on this
 * thread; `PredictionLog.withWriterThread(storeOptions)` (what `keel serve`
 * uses) sends each batch to a thread with its own connection to the store
 * (see prediction-log-thread.ts), so a synchronous SQLite commit never
 * holds up the requests this thread answers. Everything above holds for
 * both: the queue, its bound and the counters stay here, and a batch counts
 * as written once it is committed.
 */

export interface PredictionLogOptions {
  /** Fraction of requests logged, 0…1 (default 1: all). */
  readonly sampleRate?: number;
  /** Records per write (one transaction); default 256. */
  readonly batchSize?: number;
  /** Longest a record waits before its batch is written; default 1000 ms. */
  readonly flushMs?: number;
  /** false: each record's `inputs` is replaced by null before it is queued (private data). */
  readonly logInputs?: boolean;
  /** Records held at most (queued and being written); past it the oldest are dropped. Default 10,000. */
  readonly maxQueue?: number;
  /** First wait after a failed write, doubled on each further failure; default 100 ms. */
  readonly retryMs?: number;
  /** Longest wait between retries; default 10 s. */
  readonly maxRetryMs?: number;
  /** How long `close()` keeps retrying before it drops what is left; default 10 s. */
  readonly closeTimeoutMs?: number;
  /** Told about each failed write (e.g. to log it); the log itself never throws from `record`. */
  readonly onError?: (error: unknown) => void;
}

export interface PredictionLogStats {
  /** Held now: queued and being written. */
  readonly queued: number;
  /** Committed to the store. */
  readonly written: number;
  /** Lost: dropped from a full queue, refused by the store as malformed, recorded after close, or left when close gave up. */
  readonly dropped: number;
  /** Writes that failed (each is retried unless the store refused the records themselves). */
  readonly failedWrites: number;
  /** Not logged because the request was sampled out. */
  readonly sampledOut: number;
  /** Refused by `record` as malformed (see registry/predictions.ts checkPrediction). */
  readonly invalid: number;
  /** The last write error's message, null once a write succeeds again. */
  readonly lastError: string | null;
}

interface Entry {
  readonly record: PredictionRecord;
  /** When it was queued (ms): it must be written within flushMs of this. */
  readonly queuedAt: number;
}

type Settings = Required<Omit<PredictionLogOptions, 'onError'>> & Pick<PredictionLogOptions, 'onError'>;

const DEFAULTS = {
  sampleRate: 1,
  batchSize: 256,
  flushMs: 1000,
  logInputs: true,
  maxQueue: 10_000,
  retryMs: 100,
  maxRetryMs: 10_000,
  closeTimeoutMs: 10_000,
} as const;

export class PredictionLog {
  private readonly settings: Settings;
  private queue: Entry[] = [];
  /** Records of the batch being written now. */
  private inFlight = 0;
  /** One writer at a time: the background one, flush() or close(). */
  private readonly writer = new Mutex();
  private writing = false;
  private timer: NodeJS.Timeout | undefined;
  private retryDelay = 0;
  private retryAt = 0;
  private closed = false;
  private counts = { written: 0, dropped: 0, failedWrites: 0, sampledOut: 0, invalid: 0 };
  private lastError: string | null = null;
  /** The writer thread this log started, and so ends when it closes (a store the caller passed stays open). */
  private ownThread: ThreadWriter | undefined;

  constructor(
    private readonly store: Pick<ServingRecords, 'logPredictions'>,
    options: PredictionLogOptions = {},
  ) {
    this.settings = checkOptions({ ...DEFAULTS, ...definedOnly(options) });
  }

  /**
   * A log whose batches are written by a thread of its own, over its own
   * connection to the store that `store` opens (the same options as the
   * caller's `openStore`: same database, same project); `close()` ends the
   * thread. Resolves once the thread has opened the store, so the loss
   * bound holds from the first record. If it cannot, `onError` hears why and
   * the log is returned all the same: its first batch starts a new thread
   * (and keeps doing so after each backoff), as it retries a failing store.
   */
  static async withWriterThread(
    store: OpenStoreOptions,
    options: PredictionLogOptions = {},
  ): Promise<PredictionLog> {
    const writer = new ThreadWriter(store);
    const log = new PredictionLog(writer, options);
    log.ownThread = writer;
    await writer.start().catch((error: unknown) => log.settings.onError?.(error));
    return log;
  }

  /** Samples, checks and queues one served request; returns at once, never throws. */
  record(record: PredictionRecord): void {
    try {
      if (this.closed) {
        this.counts.dropped++;
        return;
      }
      if (!isSampled(record?.requestId, this.settings.sampleRate)) {
        this.counts.sampledOut++;
        return;
      }
      const kept = this.settings.logInputs || record.inputs === null ? record : { ...record, inputs: null };
      checkPrediction(kept);
      this.queue.push({ record: kept, queuedAt: Date.now() });
      this.trim();
      // A timer is pending whenever records wait: only a batch just filled needs a new look
      // (once per batch, not per record, so an outage's backoff is not re-armed on every request).
      if (!this.writing && (this.timer === undefined || this.queue.length === this.settings.batchSize)) {
        this.kick();
      }
    } catch {
      // A malformed record (the only thing that can throw here) is counted, not raised: serving goes on.
      this.counts.invalid++;
    }
  }

  /** Writes everything queued now, ignoring any backoff; rejects with the store's error (the records stay queued). */
  async flush(): Promise<void> {
    this.clearTimer();
    try {
      await this.writer.run(() => this.writeBatches('all'));
    } finally {
      this.kick();
    }
  }

  /**
   * Stops taking records and writes what is queued, retrying for up to
   * `closeTimeoutMs`; what is still unwritten then is dropped (counted).
   * Never rejects: a server shutting down has no one to tell but `onError`.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearTimer();
    const deadline = Date.now() + this.settings.closeTimeoutMs;
    for (;;) {
      try {
        await this.writer.run(() => this.writeBatches('all'));
        break;
      } catch {
        const wait = Math.min(this.retryDelay, deadline - Date.now());
        if (wait <= 0) break;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    this.counts.dropped += this.queue.length;
    this.queue = [];
    await this.ownThread?.close();
  }

  get stats(): PredictionLogStats {
    return { ...this.counts, queued: this.queue.length + this.inFlight, lastError: this.lastError };
  }

  /** Starts the background writer if a batch is due, else sets the timer for when one will be. */
  private kick(): void {
    if (this.writing || this.closed) return;
    this.clearTimer();
    const wait = this.dueIn();
    if (wait === undefined) return;
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.kick();
      }, wait);
      // A pending write must not keep a finished process alive; close() is what waits for it.
      this.timer.unref();
      return;
    }
    this.writing = true;
    this.writer
      .run(() => this.writeBatches('due'))
      .catch(() => undefined)
      .finally(() => {
        this.writing = false;
        this.kick();
      });
  }

  /** Milliseconds until a batch is due (0: now), undefined when nothing is queued. */
  private dueIn(): number | undefined {
    const head = this.queue[0];
    if (head === undefined) return undefined;
    const now = Date.now();
    const full = this.queue.length >= this.settings.batchSize;
    const due = full ? 0 : head.queuedAt + this.settings.flushMs - now;
    return Math.max(0, due, this.retryAt - now);
  }

  /**
   * Writes batches from the head of the queue: while one is due (`due`), or
   * until the queue is empty (`all`, which throws the first store error).
   */
  private async writeBatches(mode: 'due' | 'all'): Promise<void> {
    while (this.queue.length > 0 && (mode === 'all' || this.dueIn() === 0)) {
      const batch = this.queue.splice(0, this.settings.batchSize);
      this.inFlight = batch.length;
      try {
        await this.store.logPredictions(batch.map((e) => e.record));
      } catch (error) {
        this.inFlight = 0;
        this.failed(batch, error);
        if (mode === 'all' && !(error instanceof UsageError)) throw error;
        continue;
      }
      this.inFlight = 0;
      this.counts.written += batch.length;
      this.retryDelay = 0;
      this.retryAt = 0;
      this.lastError = null;
    }
  }

  /** A failed write: the batch goes back to the head of the queue, unless the store refused the records themselves. */
  private failed(batch: Entry[], error: unknown): void {
    this.counts.failedWrites++;
    this.lastError = error instanceof Error ? error.message : String(error);
    this.settings.onError?.(error);
    if (error instanceof UsageError) {
      // Malformed records fail the same way every time: retrying would only block the log.
      this.counts.dropped += batch.length;
      return;
    }
    this.queue.unshift(...batch);
    this.trim();
    const { retryMs, maxRetryMs } = this.settings;
    this.retryDelay = this.retryDelay === 0 ? retryMs : Math.min(2 * this.retryDelay, maxRetryMs);
    this.retryAt = Date.now() + this.retryDelay;
  }

  /** Drops the oldest queued records beyond maxQueue (the batch being written counts towards it). */
  private trim(): void {
    const excess = this.queue.length + this.inFlight - this.settings.maxQueue;
    if (excess <= 0) return;
    this.queue.splice(0, excess);
    this.counts.dropped += excess;
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Whether a request is in the sample: a 32-bit hash of its id (FNV-1a, then
 * a mixing step so ids that differ in one character spread over the whole
 * range) compared with the rate. The same id always gives the same answer.
 */
export function isSampled(requestId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0 || typeof requestId !== 'string') return false;
  let h = 0x811c9dc5;
  for (let i = 0; i < requestId.length; i++) {
    h ^= requestId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32 < rate;
}

function definedOnly(options: PredictionLogOptions): PredictionLogOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

function checkOptions(settings: Settings): Settings {
  const { sampleRate, batchSize, flushMs, maxQueue, retryMs, maxRetryMs, closeTimeoutMs } = settings;
  const bad = (field: string, message: string) =>
    new UsageError('serve.bad-log-option', `prediction log: ${message}`, { location: { field } });
  if (!(sampleRate >= 0 && sampleRate <= 1))
    throw bad('sampleRate', `sampleRate ${sampleRate} is not in [0, 1]`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw bad('batchSize', `batchSize ${batchSize} is not a whole number ≥ 1`);
  }
  if (!Number.isInteger(maxQueue) || maxQueue < batchSize) {
    throw bad('maxQueue', `maxQueue ${maxQueue} must be a whole number ≥ batchSize (${batchSize})`);
  }
  for (const [field, value] of Object.entries({ flushMs, retryMs, maxRetryMs, closeTimeoutMs })) {
    if (!(value >= 0 && Number.isFinite(value)))
      throw bad(field, `${field} ${value} is not a duration ≥ 0 ms`);
  }
  return settings;
}
