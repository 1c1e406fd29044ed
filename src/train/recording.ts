import { UsageError } from '../core/errors.js';
import type { Frame } from '../data/frame.js';
import { schemaOf } from '../data/schema.js';
import { type ModelReferenceInput, modelReference } from '../drift/model-reference.js';
import type { ReferenceProfile } from '../drift/reference.js';
import type { Model, Target } from '../estimator/contract.js';
import { datasetHash } from '../registry/dataset-hash.js';
import { registerModel } from '../registry/model-registry.js';
import { RECIPE_ARTIFACT, readRecipe, type TrainingRecipe } from '../registry/recipe.js';
import type { JsonObject, MetricPoint, ModelVersionRecord, RunRecord, Store } from '../registry/types.js';

/**
 * How every training is recorded, whoever runs it (keel train, keel automl,
 * keel retrain, or a program calling `train`): the data by content hash, a
 * run with its parameters and its recipe (`recipe.json`), its scores and
 * timings, and, when asked, the model registered as a new version with the
 * schema it accepts and the reference profile monitoring compares traffic
 * with.
 *
 * Runs are written through the Store directly rather than through
 * `startRun` (registry/tracking.ts): training is synchronous, so a heartbeat
 * timer could not run until it ends. A run whose process is killed is found
 * by the store's reaper on the next open (same host, process gone → failed).
 */
export interface Recording {
  readonly store: Store;
  /** Default "default". */
  readonly experiment?: string;
  /** Register the fitted model as the next version of this name. */
  readonly register?: string;
  /** The run this one belongs to (a retrain decision, say). */
  readonly parentId?: string;
  /** The run's name in `keel runs` (default: the recipe's model). */
  readonly name?: string;
}

export interface RecordedRun {
  readonly store: Store;
  readonly runId: string;
  readonly datasetHash: string;
  readonly experiment: string;
}

export interface Recorded {
  readonly runId: string;
  readonly registered: { readonly model: string; readonly version: number } | null;
}

/** What a run is started with, before its recipe is complete. */
export interface RunStart {
  /** The data's name (a file, or a URL with its password redacted). */
  readonly source: string;
  readonly datasetHash: string;
  readonly seed: number;
  /** The run's name in `keel runs` (the model, or "automl"). */
  readonly name: string;
  /** The run's flat parameters, as `keel runs show` and `compare` list them. */
  readonly params: JsonObject;
}

/** Records the data and starts the run, before any fitting, so a bad store fails fast. */
export async function startRecording(
  recording: Recording,
  frame: Frame,
  start: RunStart,
): Promise<RecordedRun> {
  const { store } = recording;
  await store.recordDataset({ hash: start.datasetHash, source: start.source, schema: schemaOf(frame) });
  const experiment = recording.experiment ?? 'default';
  const run = await store.startRun({
    experiment,
    name: recording.name ?? start.name,
    params: start.params,
    seed: start.seed,
    datasetHash: start.datasetHash,
    ...(recording.parentId === undefined ? {} : { parentId: recording.parentId }),
  });
  return { store, runId: run.id, datasetHash: start.datasetHash, experiment };
}

/** Keeps the recipe with its run (`recipe.json`), for keel retrain and remote workers to replay. */
export async function saveRecipe(run: RecordedRun, recipe: TrainingRecipe): Promise<void> {
  const bytes = new TextEncoder().encode(`${JSON.stringify(recipe, null, 2)}\n`);
  await run.store.logArtifact(run.runId, RECIPE_ARTIFACT, bytes);
}

/** What a finished training hands to the store. */
export interface Outcome {
  readonly points: readonly MetricPoint[];
  readonly timings: { readonly [phase: string]: number };
  readonly model: Model;
  /** The rows the model was fitted on, without the target: their schema is what the model accepts. */
  readonly features: Frame;
  /** The table the version's schema is read from, when not `features` (AutoML's: every row read, labelled or not). */
  readonly schemaFrame?: Frame;
  /** What the model learned to predict (kept in the version's reference for monitoring). */
  readonly target?: Target;
  /** Out-of-fold outputs, when validation made them (the reference's outputs). */
  readonly outputs?: ModelReferenceInput['outputs'];
  /** The reference profile, when the caller made it already (a retrain compares it with the holdout). */
  readonly reference?: ReferenceProfile;
  /** The metrics a version is registered with (default: the run's aggregates). */
  readonly versionMetrics?: { readonly [name: string]: number };
  readonly description?: string;
  readonly tags?: { readonly [key: string]: string };
}

/** Logs the outcome, ends the run `finished`, and registers the model when asked. */
export async function finishRecording(
  run: RecordedRun,
  recording: Recording,
  outcome: Outcome,
): Promise<Recorded> {
  const { store, runId } = run;
  await store.logMetrics(runId, outcome.points);
  await store.endRun(runId, { status: 'finished', timings: outcome.timings });
  if (recording.register === undefined) return { runId, registered: null };
  const version = await registerVersion(store, recording.register, run, outcome);
  return { runId, registered: { model: version.model, version: version.version } };
}

/** The one way a model becomes a version: with the schema it accepts and the reference of its training data. */
export async function registerVersion(
  store: Store,
  name: string,
  run: Pick<RecordedRun, 'runId' | 'datasetHash'>,
  outcome: Outcome,
): Promise<ModelVersionRecord> {
  const metrics =
    outcome.versionMetrics ??
    Object.fromEntries(
      outcome.points.filter((p) => p.fold == null && p.step == null).map((p) => [p.name, p.value]),
    );
  const reference =
    outcome.reference ??
    modelReference({
      model: outcome.model,
      features: outcome.features,
      ...(outcome.target === undefined ? {} : { target: outcome.target }),
      ...(outcome.outputs === undefined ? {} : { outputs: outcome.outputs }),
    });
  return registerModel(store, name, outcome.model, {
    schema: schemaOf((outcome.schemaFrame ?? outcome.features).select(outcome.model.inputNames)),
    metrics,
    runId: run.runId,
    datasetHash: run.datasetHash,
    reference: reference as unknown as JsonObject,
    ...(outcome.description === undefined ? {} : { description: outcome.description }),
    ...(outcome.tags === undefined ? {} : { tags: outcome.tags }),
  });
}

/** Ends the run `failed` with the error's message; the error goes on. */
export async function failRecording(run: RecordedRun, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await run.store.endRun(run.runId, { status: 'failed', error: message });
}

/** The content hash the recipe names the data by. */
export function hashOf(frame: Frame): string {
  return datasetHash(frame);
}

/** The recipe a run recorded, read back and checked; a UsageError when the run has none. */
export async function recipeOfRun(store: Store, run: RunRecord): Promise<TrainingRecipe> {
  const artifact = (await store.runArtifacts(run.id)).find((a) => a.name === RECIPE_ARTIFACT);
  const where = `run ${run.id.slice(0, 8)}`;
  if (artifact === undefined) {
    throw new UsageError('train.no-recipe', `${where} recorded no training recipe`, {
      location: { field: 'run' },
      hint: 'runs of keel train and keel automl record one since keel 0.2; train the model again to retrain it',
    });
  }
  const text = new TextDecoder().decode(await store.artifacts.get(artifact.hash));
  return readRecipe(JSON.parse(text), `${where}/${RECIPE_ARTIFACT}`);
}
