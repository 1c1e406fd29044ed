import { UsageError } from '../core/errors.js';
import type { Frame } from '../data/frame.js';
import { schemaOf } from '../data/schema.js';
import { modelReference } from '../drift/model-reference.js';
import type { Model, Target } from '../estimator/contract.js';
import { datasetHash } from '../registry/dataset-hash.js';
import { registerModel } from '../registry/model-registry.js';
import { openStore } from '../registry/open.js';
import type { JsonObject, MetricPoint, Store } from '../registry/types.js';
import type { CrossValidationResult } from '../tune/cross-validate.js';
import { flag, inSection, text } from './options.js';
import { STORE_OPTIONS } from './store-option.js';

/**
 * What `keel train` records in the store: the data it read (by content
 * hash), a run with its parameters, each fold's scores and the aggregates,
 * and, with --register, the fitted model as a new version of a named model.
 *
 * The CLI writes through the Store directly rather than through
 * `startRun` (tracking.ts): training is synchronous, so a heartbeat timer or
 * a signal handler could not run until it ends, and Ctrl-C must stop a
 * long fit at once. A run whose process is killed is found by the store's
 * reaper on the next open (same host, process gone → failed).
 */
export const TRACKING_OPTIONS = inSection(
  'Tracking (every run is recorded in the store; keel runs lists them)',
  {
    experiment: text({ placeholder: 'E', help: 'the experiment the run belongs to', default: 'default' }),
    register: text({
      placeholder: 'NAME',
      help: 'register the fitted model as a new version of NAME (keel models show NAME)',
    }),
    'no-track': flag({ help: 'record nothing' }),
    ...STORE_OPTIONS,
  },
);

export interface TrackingFlags {
  readonly store?: string;
  readonly experiment?: string;
  readonly register?: string;
  readonly 'no-track'?: boolean;
}

export interface TrackedTraining {
  readonly store: Store;
  readonly runId: string;
  readonly datasetHash: string;
}

/** Opens the store and starts the run before any fitting, so a bad store fails fast. */
export async function beginTracking(
  flags: TrackingFlags,
  frame: Frame,
  source: string,
  params: JsonObject,
  seed: number,
): Promise<TrackedTraining | null> {
  if (flags['no-track']) {
    if (flags.register === undefined) return null;
    throw new UsageError('usage.conflict', '--register needs the store, which --no-track turns off', {
      location: { field: 'register' },
      hint: 'drop --no-track to register the model',
    });
  }
  const store = await openStore(flags.store === undefined ? {} : { url: flags.store });
  try {
    const hash = datasetHash(frame);
    await store.recordDataset({ hash, source, schema: schemaOf(frame) });
    const run = await store.startRun({
      experiment: flags.experiment ?? 'default',
      name: typeof params['model'] === 'string' ? params['model'] : undefined,
      params,
      seed,
      datasetHash: hash,
    });
    return { store, runId: run.id, datasetHash: hash };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Each fold's score and the mean of every metric (the mean also becomes the run's headline). */
export function cvPoints(result: CrossValidationResult): MetricPoint[] {
  return Object.entries(result.metrics).flatMap(([name, m]) => [
    ...m.folds.map((value, fold) => ({ name, value, fold })),
    { name, value: m.mean },
    { name: `${name}_std`, value: m.std },
  ]);
}

export interface Outcome {
  readonly points: readonly MetricPoint[];
  readonly timings: { readonly [phase: string]: number };
  readonly model: Model;
  /** The frame the model was fitted on, without the target: its schema is what the model accepts. */
  readonly features: Frame;
  /** What the model learned to predict (kept in the version's reference for monitoring). */
  readonly target?: Target;
  /** Out-of-fold predictions, when cross-validation made them (the reference's outputs). */
  readonly outOfFold?: { readonly predictions: Float64Array; readonly probabilities?: Float64Array };
}

export interface Recorded {
  readonly runId: string;
  readonly registered: { readonly model: string; readonly version: number } | null;
}

/** Logs the outcome, ends the run `finished`, registers the model if asked; closes the store. */
export async function finishTracking(
  tracked: TrackedTraining,
  flags: TrackingFlags,
  outcome: Outcome,
): Promise<Recorded> {
  const { store, runId } = tracked;
  try {
    await store.logMetrics(runId, outcome.points);
    await store.endRun(runId, { status: 'finished', timings: outcome.timings });
    if (flags.register === undefined) return { runId, registered: null };
    const metrics = Object.fromEntries(
      outcome.points.filter((p) => p.fold == null && p.step == null).map((p) => [p.name, p.value]),
    );
    const reference = modelReference({
      model: outcome.model,
      features: outcome.features,
      ...(outcome.target === undefined ? {} : { target: outcome.target }),
      ...(outcome.outOfFold === undefined ? {} : { outputs: outcome.outOfFold }),
    });
    const version = await registerModel(store, flags.register, outcome.model, {
      schema: schemaOf(outcome.features.select(outcome.model.inputNames)),
      metrics,
      runId,
      datasetHash: tracked.datasetHash,
      reference: reference as unknown as JsonObject,
    });
    return { runId, registered: { model: version.model, version: version.version } };
  } finally {
    await store.close();
  }
}

/** Ends the run `failed` with the error's message, then closes the store; the error goes on. */
export async function failTracking(tracked: TrackedTraining, error: unknown): Promise<void> {
  try {
    const message = error instanceof Error ? error.message : String(error);
    await tracked.store.endRun(tracked.runId, { status: 'failed', error: message });
  } finally {
    await tracked.store.close();
  }
}

/** The line a report ends with: where the run was recorded, and the version registered. */
export function recordedLine(recorded: Recorded): string {
  const short = recorded.runId.slice(0, 8);
  const run = `Recorded as run ${short} (keel runs show ${short})`;
  const { registered } = recorded;
  return registered === null
    ? `${run}.`
    : `${run}; registered as ${registered.model} version ${registered.version}.`;
}
