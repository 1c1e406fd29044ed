/**
 * The champion: which version it is, what task it does, the metric it was
 * chosen by, and how it was made (its recipe), so that a challenger can be
 * made the same way — the same AutoML search, or the same model with the
 * same hyperparameters.
 */

import { UsageError } from '../../core/errors.js';
import type { Model, Params, SupervisedTask } from '../../estimator/contract.js';
import { METRICS, type SupervisedMetric, supervisedMetricFor } from '../../evaluate/registry.js';
import { type CatalogEntry, catalogEntries, isSupervised } from '../../models/catalog.js';
import { loadModel } from '../../registry/model-registry.js';
import type { JsonObject, ModelVersionRecord, RunRecord, Store } from '../../registry/types.js';
import { type AutomlOptions, DEFAULT_METRIC } from '../../tune/automl/index.js';
import '../../serve/loaders.js';

export interface Champion {
  readonly model: Model;
  readonly version: ModelVersionRecord;
  readonly run: RunRecord;
  /** Whether the alias named it (else it is the latest version). */
  readonly aliased: boolean;
}

/** NAME@alias, else the latest version (said in a note; promotion then creates the alias). */
export async function findChampion(
  store: Store,
  name: string,
  alias: string,
  notes: string[],
): Promise<Champion> {
  const record = await store.getModel(name);
  const aliased = record !== undefined && Object.hasOwn(record.aliases, alias);
  const { model, version } = await loadModel(store, aliased ? `${name}@${alias}` : name);
  if (!aliased) {
    notes.push(
      `"${name}" has no alias "${alias}": the champion is the latest version, ${version.version}; a promotion creates the alias`,
    );
  }
  const run = version.runId === null ? undefined : await store.getRun(version.runId);
  if (run === undefined) {
    throw new UsageError(
      'retrain.no-run',
      `${name} version ${version.version} has no training run in the store, so how to retrain it is unknown`,
      {
        location: { field: 'model' },
        hint: `register a model trained by keel train or keel automl (--register ${name}), then retrain it`,
      },
    );
  }
  return { model, version, run, aliased };
}

export function supervisedTask(version: ModelVersionRecord): SupervisedTask {
  const { task } = version;
  if (task === 'regression' || task === 'binary' || task === 'multiclass') return task;
  throw new UsageError(
    'retrain.unsupervised',
    `${version.model} version ${version.version} does ${task}, which has no labels to compare models on`,
    { location: { field: 'model' }, hint: 'retrain compares supervised models (regression or classes)' },
  );
}

export interface NamedMetric {
  readonly name: string;
  readonly definition: SupervisedMetric;
}

/**
 * The metric the champion was chosen by: the AutoML run's, else the first
 * of its registered metrics that scores its task (keel train registers its
 * report's metrics in order, the headline first), else AutoML's default.
 */
export function championMetric(
  version: ModelVersionRecord,
  task: SupervisedTask,
  recipe: Recipe,
): NamedMetric {
  const searched = recipe.kind === 'automl' ? text(recipe.params, 'metric') : undefined;
  for (const name of [...(searched === undefined ? [] : [searched]), ...Object.keys(version.metrics)]) {
    if (!Object.hasOwn(METRICS, name)) continue;
    const definition = METRICS[name as keyof typeof METRICS];
    const fits = definition.task === task || (definition.task === 'multiclass' && task === 'binary');
    if (fits) return { name, definition: supervisedMetricFor(name, task) };
  }
  const name = DEFAULT_METRIC[task];
  return { name, definition: supervisedMetricFor(name, task) };
}

// ─── How the champion was made ───────────────────────────────────────────────

export type Recipe = AutomlRecipe | TrainRecipe;

interface RecipeBase {
  readonly target: string;
  readonly seed: number;
  readonly timeColumn: string | undefined;
  /** The champion's run parameters (an AutoML challenger's run carries them on, to be retrained in turn). */
  readonly params: JsonObject;
}

interface AutomlRecipe extends RecipeBase {
  readonly kind: 'automl';
  readonly search: Omit<AutomlOptions, 'target' | 'timeBudgetSeconds'>;
}

interface TrainRecipe extends RecipeBase {
  readonly kind: 'train';
  readonly entry: CatalogEntry;
  readonly hyperparameters: Params;
  readonly drop: readonly string[];
}

/** Reads the champion's run: `keel automl`'s search settings, or `keel train`'s model and parameters. */
export function recipeOf(version: ModelVersionRecord, run: RunRecord): Recipe {
  const { params } = run;
  const where = `run ${run.id.slice(0, 8)} of ${version.model} version ${version.version}`;
  const target = text(params, 'target');
  if (target === undefined) throw unknownRecipe(where, 'names no target');
  const base = { target, seed: run.seed ?? 0, params };
  if (params['model'] === 'automl') {
    const timeColumn = text(params, 'timeColumn');
    const groupColumn = text(params, 'groupColumn');
    const folds = params['cv'];
    const algorithms = texts(params, 'algorithms');
    const search = {
      seed: base.seed,
      exclude: texts(params, 'exclude') ?? [],
      ...(typeof folds === 'number' ? { folds } : {}),
      ...(timeColumn === undefined ? {} : { timeColumn }),
      ...(groupColumn === undefined ? {} : { groupColumn }),
      ...(algorithms === undefined ? {} : { algorithms }),
    };
    return { kind: 'automl', ...base, timeColumn, search };
  }
  const entry = catalogEntries().find((e) => e.name === params['model']);
  if (entry === undefined || !isSupervised(entry)) throw unknownRecipe(where, 'names no supervised model');
  return {
    kind: 'train',
    ...base,
    timeColumn: undefined,
    entry,
    hyperparameters: hyperparametersOf(entry, supervisedTask(version), params),
    drop: texts(params, 'drop') ?? [],
  };
}

/**
 * keel train records the estimator's parameters beside its own settings
 * (target, source, folds); the estimator's are the keys its defaults have.
 */
function hyperparametersOf(entry: CatalogEntry, task: SupervisedTask, params: JsonObject): Params {
  const defaults = entry.make({}, task).params;
  return Object.fromEntries(
    Object.keys(defaults)
      .filter((key) => Object.hasOwn(params, key))
      .map((key) => [key, params[key] as Params[string]]),
  );
}

function unknownRecipe(where: string, what: string): UsageError {
  return new UsageError('retrain.unknown-recipe', `${where} ${what}, so how to retrain it is unknown`, {
    location: { field: 'model' },
    hint: 'retrain handles models made by keel train (supervised) and keel automl',
  });
}

function text(params: JsonObject, key: string): string | undefined {
  const value = params[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function texts(params: JsonObject, key: string): string[] | undefined {
  const value = params[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}
