/**
 * The champion: which version it is, what task it does, the metric it was
 * chosen by, and how it was made (its recipe), so that a challenger can be
 * made the same way — the same AutoML search, or the same model with the
 * same hyperparameters.
 */

import { UsageError } from '../../core/errors.js';
import type { Model, SupervisedTask } from '../../estimator/contract.js';
import { METRICS, type SupervisedMetric, supervisedMetricFor } from '../../evaluate/registry.js';
import { loadModel } from '../../registry/model-registry.js';
import type { TrainingRecipe } from '../../registry/recipe.js';
import type { ModelVersionRecord, RunRecord, Store } from '../../registry/types.js';
import { recipeOfRun } from '../../train/recording.js';
import { DEFAULT_METRIC } from '../../tune/automl/index.js';
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
  recipe: TrainingRecipe,
): NamedMetric {
  const searched = recipe.training.kind === 'automl' ? (recipe.training.metric ?? undefined) : undefined;
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

/**
 * The recipe the champion's run recorded, which the challenger replays: an
 * unsupervised model has nothing to compare on a holdout, so it is refused.
 */
export async function championRecipe(store: Store, champion: Champion): Promise<TrainingRecipe> {
  const recipe = await recipeOfRun(store, champion.run);
  if (recipe.target === null) {
    const where = `${champion.version.model} version ${champion.version.version}`;
    throw new UsageError(
      'retrain.unknown-recipe',
      `${where} was trained without a target, so how to retrain it is unknown`,
      {
        location: { field: 'model' },
        hint: 'retrain handles models made by keel train (supervised) and keel automl',
      },
    );
  }
  return recipe;
}

/** What the champion's recipe calls its way of training, for messages and run parameters. */
export function trainedBy(recipe: TrainingRecipe): string {
  return recipe.training.kind === 'automl' ? 'automl' : recipe.training.model;
}

/** The recipe's target (a supervised recipe always has one: championRecipe refuses the others). */
export function targetOf(recipe: TrainingRecipe): string {
  return recipe.target ?? '';
}
