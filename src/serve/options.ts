import { MIN_DRIFT_ROWS } from '../drift/drift.js';
import type { PredictionRecord, Store } from '../registry/types.js';

/**
 * Where served predictions go after the answer is sent (the prediction log:
 * `PredictionLog` in prediction-log.ts samples and writes them in batches).
 * `record` must return at once: it is called off the request path, but on
 * the same thread.
 */
export interface PredictionSink {
  record(record: PredictionRecord): void;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** The store the models are loaded from (the caller opens and closes it). */
  readonly store: Store;
  /** `NAME`, `NAME@ALIAS`, `NAME@VERSION` or `NAME:VERSION`; none = every registered model, by `champion` if set, else its latest version. */
  readonly models?: readonly string[];
  /** Largest request body accepted; larger ones get 413. */
  readonly bodyLimitBytes?: number;
  /** Time allowed to receive a whole request; slower clients get 408. */
  readonly requestTimeoutMs?: number;
  /** How often the store is asked whether a followed alias moved; 0 = never. */
  readonly pollMs?: number;
  /** How long a small request waits for others to share one predict call; 0 = no micro-batching. */
  readonly batchWaitMs?: number;
  /** A batch with this many rows is scored without waiting further. */
  readonly batchMaxRows?: number;
  /** A category never seen in training: read as missing with a warning, or refused (422). */
  readonly unseen?: 'missing' | 'refuse';
  /** Require `Authorization: Bearer KEY` with a key from `keel keys create` (not for /health, /ready, /docs). */
  readonly requireKeys?: boolean;
  /** How long a key check is remembered (a revoked key works at most this long after). */
  readonly keyCacheMs?: number;
  /** The prediction log; none = predictions are not logged. */
  readonly log?: PredictionSink;
  /** Whether logged records carry the request's input values (false for private data). */
  readonly logInputs?: boolean;
  /** Recent request rows kept per served version to measure drift at /metrics; 0 = no drift metrics. */
  readonly driftWindow?: number;
  /** Rows a window needs before its drift is measured: on fewer, every test is noise. */
  readonly driftMinRows?: number;
  /** Fastify's logger (pino) settings; default off. */
  readonly logger?: boolean | Record<string, unknown>;
  /** Told about alias moves and failed store checks (the CLI prints them). */
  readonly onEvent?: (message: string) => void;
}

export type ServerSettings = Required<Omit<ServerOptions, 'log' | 'onEvent' | 'models'>> &
  Pick<ServerOptions, 'log' | 'onEvent'> & { readonly models: readonly string[] };

/**
 * `batchWaitMs` 2: measured (autocannon, 64
 * connections, single-row requests, 2 cores shared with the load generator),
 * a 1–5 ms wait raised throughput 25–70% over no batching (gbdt on diamonds
 * ~3,500 → ~4,700 requests/s; logistic on wine ~2,750 → ~3,700–5,000) with a
 * lower p50 and p99; 2 ms was best or level with the best. A lone client does
 * not wait (see MicroBatcher), so the wait costs nothing at low load.
 *
 * `driftWindow` 5,000 rows: enough for the distance tests to settle —
 * measured on diamonds (reference 5,000 training rows, window 5,000 other
 * rows drawn alike), normalised Wasserstein 0.02–0.05 and Jensen–Shannon
 * 0.015–0.02 against thresholds of 0.1 — yet recent enough to follow the
 * traffic, at 8 bytes a row a column at most (400 kB for ten columns; a
 * classifier's probabilities add 8 a class). Measuring it
 * took 5–7 ms a scrape. `driftMinRows` MIN_DRIFT_ROWS (1,000): on fewer rows the
 * distances are mostly sampling noise.
 */
export const SERVER_DEFAULTS = {
  bodyLimitBytes: 4 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  pollMs: 2000,
  batchWaitMs: 2,
  batchMaxRows: 256,
  unseen: 'missing',
  requireKeys: false,
  keyCacheMs: 10_000,
  logInputs: true,
  driftWindow: 5000,
  driftMinRows: MIN_DRIFT_ROWS,
  logger: false,
} as const;

export function serverSettings(options: ServerOptions): ServerSettings {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...SERVER_DEFAULTS, models: [], ...given, store: options.store } as ServerSettings;
}
