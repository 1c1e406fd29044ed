import { UsageError } from '../core/errors.js';
import type { JsonObject, MetricPoint, RunArtifact, RunRecord, RunStart, Store } from './types.js';

/**
 * Experiment tracking as a program calls it: start a run, log what it did,
 * end it. The run's record lives in the store from the first call, so a
 * crash still leaves a trace; while it is active a heartbeat says the
 * process is alive, and a SIGINT, SIGTERM or uncaught exception marks it
 * failed before the process goes. A process killed outright (SIGKILL, power
 * loss) cannot say anything: `store.reapAbandonedRuns()` finds those runs later.
 */

export interface ActiveRun {
  readonly id: string;
  /** True once `end` or `fail` has been called. */
  readonly ended: boolean;
  logParams(params: JsonObject): Promise<void>;
  /** `{ auc: 0.91, rmse: 2.3 }` logs aggregates; metric points log folds and steps too. */
  logMetrics(metrics: { readonly [name: string]: number } | readonly MetricPoint[]): Promise<void>;
  log(line: string): Promise<void>;
  logArtifact(name: string, bytes: Uint8Array | string): Promise<RunArtifact>;
  /** Ends the run `finished`, with seconds per phase if given. */
  end(timings?: { readonly [phase: string]: number }): Promise<RunRecord>;
  /** Ends the run `failed`, keeping the error's message. */
  fail(error: unknown): Promise<RunRecord>;
}

export interface StartRunOptions extends RunStart {
  /** How often the run tells the store it is alive (default 30 000 ms). */
  readonly heartbeatMs?: number;
}

export const DEFAULT_HEARTBEAT_MS = 30_000;

export async function startRun(store: Store, options: StartRunOptions = {}): Promise<ActiveRun> {
  const { heartbeatMs = DEFAULT_HEARTBEAT_MS, ...start } = options;
  if (!(Number.isFinite(heartbeatMs) && heartbeatMs > 0)) {
    throw new UsageError('registry.heartbeat', `heartbeatMs must be a positive number, not ${heartbeatMs}`, {
      location: { field: 'heartbeatMs' },
    });
  }
  const record = await store.startRun(start);
  return new TrackedRun(store, record.id, heartbeatMs);
}

/**
 * Runs `body` inside a run: `finished` when it returns, `failed` (with the
 * error's message) when it throws, and the error is thrown on.
 */
export async function withRun<T>(
  store: Store,
  options: StartRunOptions,
  body: (run: ActiveRun) => Promise<T> | T,
): Promise<T> {
  const run = await startRun(store, options);
  let result: T;
  try {
    result = await body(run);
  } catch (error) {
    if (!run.ended) await run.fail(error);
    throw error;
  }
  if (!run.ended) await run.end();
  return result;
}

class TrackedRun implements ActiveRun {
  private state: 'running' | 'ending' | 'ended' = 'running';
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    readonly id: string,
    heartbeatMs: number,
  ) {
    // A missed heartbeat is harmless (the next one catches up); it must never crash the program.
    this.timer = setInterval(() => {
      store.heartbeat(id).catch(() => undefined);
    }, heartbeatMs);
    this.timer.unref();
    watch(this);
  }

  get ended(): boolean {
    return this.state !== 'running';
  }

  async logParams(params: JsonObject): Promise<void> {
    this.checkActive('logParams');
    await this.store.logParams(this.id, params);
  }

  async logMetrics(metrics: { readonly [name: string]: number } | readonly MetricPoint[]): Promise<void> {
    this.checkActive('logMetrics');
    await this.store.logMetrics(this.id, metricPoints(metrics));
  }

  async log(line: string): Promise<void> {
    this.checkActive('log');
    await this.store.logLines(this.id, [line]);
  }

  async logArtifact(name: string, bytes: Uint8Array | string): Promise<RunArtifact> {
    this.checkActive('logArtifact');
    const content = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    return this.store.logArtifact(this.id, name, content);
  }

  async end(timings?: { readonly [phase: string]: number }): Promise<RunRecord> {
    this.checkActive('end');
    return this.finish({ status: 'finished', ...(timings === undefined ? {} : { timings }) });
  }

  async fail(error: unknown): Promise<RunRecord> {
    this.checkActive('fail');
    return this.finish({ status: 'failed', error: errorMessage(error) });
  }

  private async finish(end: Parameters<Store['endRun']>[1]): Promise<RunRecord> {
    this.state = 'ending';
    clearInterval(this.timer);
    try {
      return await this.store.endRun(this.id, end);
    } finally {
      this.state = 'ended';
      unwatch(this);
    }
  }

  private checkActive(method: string): void {
    if (this.state === 'running') return;
    throw new UsageError(
      'registry.run-ended',
      `run ${this.id} has already ended; ${method} needs an active run`,
      {
        location: { field: 'run' },
        hint: 'start a new run with startRun, or log before calling end/fail',
      },
    );
  }
}

/** A record of numbers is a set of aggregates; the store checks each point. */
function metricPoints(
  metrics: { readonly [name: string]: number } | readonly MetricPoint[],
): readonly MetricPoint[] {
  if (Array.isArray(metrics)) return metrics as readonly MetricPoint[];
  return Object.entries(metrics).map(([name, value]) => ({ name, value, fold: null, step: null }));
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message === '' ? error.name : error.message;
  return String(error);
}

// ─── Failing active runs when the process is stopped ─────────────────────────

const active = new Set<TrackedRun>();
/** How long a dying process waits for the store to record the failures. */
const FAIL_TIMEOUT_MS = 5_000;
const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;
type StopSignal = keyof typeof SIGNAL_NUMBERS;
let stopping = false;

function watch(run: TrackedRun): void {
  if (active.size === 0) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('uncaughtException', onUncaught);
  }
  active.add(run);
}

function unwatch(run: TrackedRun): void {
  active.delete(run);
  if (active.size === 0 && !stopping) removeListeners();
}

function removeListeners(): void {
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('uncaughtException', onUncaught);
}

/**
 * A program with its own handler for the signal decides what it means (it
 * may not exit at all), so keel acts only when its handler is the only one:
 * then Node's default would have ended the process, and keel ends it the same
 * way after recording the failure.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  const number = SIGNAL_NUMBERS[signal as StopSignal] ?? 1;
  if (stopping) process.exit(128 + number); // a second Ctrl-C does not wait for the store
  stopping = true;
  void failActiveRuns(`interrupted by ${signal}`).finally(() => {
    removeListeners();
    // Re-raised with no listener left, the signal ends the process as it would have without keel.
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(128 + number), 1000);
  });
}

function onUncaught(error: unknown): void {
  if (process.listenerCount('uncaughtException') > 1) return;
  stopping = true;
  void failActiveRuns(errorMessage(error)).finally(() => {
    console.error(error);
    process.exit(1);
  });
}

async function failActiveRuns(reason: string): Promise<void> {
  const runs = [...active].filter((run) => !run.ended);
  const failed = Promise.allSettled(runs.map((run) => run.fail(reason)));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, FAIL_TIMEOUT_MS);
  });
  await Promise.race([failed, timeout]);
  clearTimeout(timer);
}
