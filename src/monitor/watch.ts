import { KeelError } from '../core/errors.js';
import type { Frame } from '../data/frame.js';
import { datasetHash } from '../registry/dataset-hash.js';
import type { Store } from '../registry/types.js';
import { alertsFrom, type Raised, raiseAlerts } from './alerting.js';
import type { MonitorReport } from './monitor-report.js';
import { RETRAIN_DEFAULTS, type RetrainDecision, type RetrainOptions, retrain } from './retrain/index.js';
import { type MonitorRequest, monitorModel } from './sources.js';

/**
 * The self-retraining loop: monitor → alert → retrain → promote, every so
 * often. A served model following the alias (`keel serve NAME@champion`)
 * picks the promoted version up on its next poll; nothing restarts.
 *
 * What starts a retrain is the policy: `drift` (the most recent window
 * drifted or decayed), `performance` (it decayed: labels say the model got
 * worse), `schedule` (every cycle, whatever monitoring says). Retraining
 * needs new labelled data (`data`), read again each cycle so a file or
 * query that grows is seen as it is now; data that has not changed since the
 * last retrain of the same champion is not retrained on again.
 */
export type WatchPolicy = 'drift' | 'performance' | 'schedule';
export const WATCH_POLICIES: readonly WatchPolicy[] = ['drift', 'performance', 'schedule'];

export interface WatchOptions {
  readonly model: string;
  /** The champion's alias (monitored, and moved on promotion); default `champion`. */
  readonly alias?: string;
  readonly policy: WatchPolicy;
  readonly everyMs: number;
  /** Stop after this many cycles; default: until the signal aborts. */
  readonly cycles?: number;
  readonly monitor?: Omit<MonitorRequest, 'ref'>;
  /** Reads the new labelled data; without it the loop monitors and alerts but cannot retrain. */
  readonly data?: { readonly source: string; readonly read: () => Promise<Frame> };
  readonly retrain?: Omit<RetrainOptions, 'model' | 'data' | 'source' | 'alias' | 'signal'>;
  readonly webhook?: string;
  /** Record alerts in the store (default true). */
  readonly alerts?: boolean;
  readonly signal?: AbortSignal;
  readonly onCycle?: (cycle: WatchCycle) => void;
}

export interface WatchCycle {
  readonly cycle: number;
  readonly at: number;
  /** The version monitored (null when there was nothing to monitor yet). */
  readonly version: number | null;
  readonly report: MonitorReport | null;
  /** Why monitoring had nothing to say (no traffic yet), when it did not. */
  readonly skipped: string | null;
  readonly raised: Raised | null;
  /** Why a retrain started, or null when the policy did not call for one. */
  readonly trigger: string | null;
  readonly decision: RetrainDecision | null;
  /** A retrain was due but could not run (no data given, or it failed): why. */
  readonly retrainError: string | null;
}

export async function watchModel(store: Store, options: WatchOptions): Promise<WatchCycle[]> {
  const cycles: WatchCycle[] = [];
  for (let n = 1; options.cycles === undefined || n <= options.cycles; n++) {
    if (options.signal?.aborted) break;
    const cycle = await runCycle(store, options, n);
    cycles.push(cycle);
    options.onCycle?.(cycle);
    if (options.cycles !== undefined && n >= options.cycles) break;
    await sleep(options.everyMs, options.signal);
  }
  return cycles;
}

async function runCycle(store: Store, options: WatchOptions, cycle: number): Promise<WatchCycle> {
  const at = Date.now();
  const alias = options.alias ?? RETRAIN_DEFAULTS.alias;
  const model = await store.getModel(options.model);
  const ref = model?.aliases[alias] === undefined ? options.model : `${options.model}@${alias}`;
  let report: MonitorReport | null = null;
  let skipped: string | null = null;
  try {
    report = await monitorModel(store, { ...options.monitor, ref, now: at });
  } catch (error) {
    // No traffic yet (or none logged with inputs) is a state of the world, not a reason to stop watching.
    if (!(error instanceof KeelError) || !String(error.code).startsWith('monitor.')) throw error;
    skipped = error.message;
  }
  const raised =
    report === null || options.alerts === false
      ? null
      : await raiseAlerts(store, alertsFrom(report), options.webhook);
  const trigger = triggerOf(options.policy, report);
  const base = { cycle, at, version: report?.model.version ?? null, report, skipped, raised, trigger };
  if (trigger === null) return { ...base, decision: null, retrainError: null };
  return {
    ...base,
    ...(await retrainStep(store, options, alias, model?.aliases[alias] ?? model?.latestVersion)),
  };
}

/** The retrain a trigger called for, or why it did not run. */
async function retrainStep(
  store: Store,
  options: WatchOptions,
  alias: string,
  champion: number | undefined,
): Promise<Pick<WatchCycle, 'decision' | 'retrainError'>> {
  if (options.data === undefined)
    return { decision: null, retrainError: 'no --data to retrain on: alerting only' };
  try {
    const data = await options.data.read();
    const dataHash = datasetHash(data);
    const repeat = await sameAsLastRetrain(store, options.model, champion, dataHash);
    if (repeat !== null) return { decision: null, retrainError: repeat };
    const decision = await retrain(store, {
      ...options.retrain,
      model: options.model,
      alias,
      data,
      source: options.data.source,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (options.alerts !== false && !decision.dryRun) {
      await recordDecision(store, decision, dataHash, options.webhook);
    }
    return { decision, retrainError: null };
  } catch (error) {
    // A bad batch of new data must not end the watch: say why and try again next cycle.
    if (!(error instanceof KeelError)) throw error;
    return { decision: null, retrainError: error.message };
  }
}

function triggerOf(policy: WatchPolicy, report: MonitorReport | null): string | null {
  if (policy === 'schedule') return 'scheduled retrain';
  if (report === null) return null;
  const { drifted, decayed } = report.verdict;
  if (decayed) return 'performance decayed';
  if (policy === 'drift' && drifted) return 'drift detected';
  return null;
}

/**
 * Why not to retrain when the last retrain (by its alert) already judged this
 * champion on this very data: the same seed would give the same challenger
 * and the same verdict, so a drift that lasts would otherwise retrain at
 * every check for nothing. Null when a retrain is worth running.
 */
async function sameAsLastRetrain(
  store: Store,
  model: string,
  champion: number | undefined,
  dataHash: string,
): Promise<string | null> {
  const [last] = await store.listAlerts({ model, kind: 'retrain', limit: 1 });
  const judged = last?.details['champion'] as { version?: number } | undefined;
  if (last === undefined || last.details['dataHash'] !== dataHash || judged?.version !== champion)
    return null;
  return `not retrained: the data has not changed since the last retrain judged version ${champion} on it`;
}

async function recordDecision(
  store: Store,
  d: RetrainDecision,
  dataHash: string,
  webhook: string | undefined,
): Promise<void> {
  const version = d.promoted ? d.challenger.version! : d.champion.version;
  const outcome = d.promoted
    ? `promoted version ${d.challenger.version} to ${d.alias}`
    : `kept version ${d.champion.version} as ${d.alias}`;
  await raiseAlerts(
    store,
    [
      {
        model: d.model,
        version,
        kind: 'retrain',
        severity: 'warning',
        message: `${outcome}: ${d.reasons[0] ?? ''}`.trim(),
        details: {
          promoted: d.promoted,
          champion: d.champion,
          challenger: d.challenger,
          metric: d.metric,
          runId: d.runId,
          dataHash,
        },
      },
    ],
    webhook,
  );
}

/** Waits `ms`, or less when the signal aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
