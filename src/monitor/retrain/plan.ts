/**
 * What retraining settles before it trains anything: the options checked
 * against their defaults, the champion and how it was made, the metric the
 * two models are compared by, and the new data split into training and
 * holdout rows. The checks here refuse a bad request before anything is
 * written to the store or a minute is spent training.
 */
import { UsageError } from '../../core/errors.js';
import type { SupervisedTask } from '../../estimator/contract.js';
import type { TrainingRecipe } from '../../registry/recipe.js';
import type { Store } from '../../registry/types.js';
import {
  type Champion,
  championMetric,
  championRecipe,
  findChampion,
  type NamedMetric,
  supervisedTask,
  targetOf,
} from './champion.js';
import { type NewData, requireInputs, splitNewData } from './holdout.js';
import { RETRAIN_DEFAULTS, type RetrainOptions } from './options.js';

export type Settings = {
  readonly alias: string;
  readonly timeBudgetSeconds: number;
  readonly holdoutShare: number;
  readonly margin: number;
  readonly dryRun: boolean;
};

export interface Plan {
  readonly options: RetrainOptions;
  readonly settings: Settings;
  readonly champion: Champion;
  readonly recipe: TrainingRecipe;
  /** The column the champion predicts. */
  readonly target: string;
  readonly split: NewData;
  readonly task: SupervisedTask;
  readonly metric: NamedMetric;
  readonly notes: string[];
}

export async function planRetrain(store: Store, options: RetrainOptions): Promise<Plan> {
  const settings = checkedSettings(options);
  const notes: string[] = [];
  const champion = await findChampion(store, options.model, settings.alias, notes);
  const recipe = await championRecipe(store, champion);
  const target = targetOf(recipe);
  const recordedTimeColumn = recipe.training.kind === 'automl' ? recipe.training.timeColumn : null;
  const timeColumn = options.timeColumn ?? recordedTimeColumn ?? undefined;
  const split = splitNewData(options.data, target, timeColumn, settings.holdoutShare, notes);
  requireInputs(champion.model, split.holdout, champion.version);
  const task = supervisedTask(champion.version);
  const metric = championMetric(champion.version, task, recipe);
  if (recipe.training.kind === 'estimator' && options.timeBudgetSeconds !== undefined) {
    notes.push(
      `the time budget does not apply: version ${champion.version.version} was trained by keel train (${recipe.training.model}), so it is refitted with the same parameters`,
    );
  }
  return { options, settings, champion, recipe, target, split, task, metric, notes };
}

function checkedSettings(options: RetrainOptions): Settings {
  const settings = {
    alias: options.alias ?? RETRAIN_DEFAULTS.alias,
    timeBudgetSeconds: options.timeBudgetSeconds ?? RETRAIN_DEFAULTS.timeBudgetSeconds,
    holdoutShare: options.holdoutShare ?? RETRAIN_DEFAULTS.holdoutShare,
    margin: options.margin ?? RETRAIN_DEFAULTS.margin,
    dryRun: options.dryRun === true,
  };
  const bad = (field: string, what: string, value: unknown) =>
    new UsageError('retrain.bad-option', `${field} must be ${what}, not ${JSON.stringify(value)}`, {
      location: { field },
    });
  if (!(settings.holdoutShare > 0 && settings.holdoutShare < 1)) {
    throw bad('holdout', 'a share between 0 and 1 (e.g. 0.2)', settings.holdoutShare);
  }
  if (!(settings.margin >= 0 && Number.isFinite(settings.margin))) {
    throw bad('margin', "a number ≥ 0, in the metric's units", settings.margin);
  }
  if (!(settings.timeBudgetSeconds > 0))
    throw bad('time', 'a positive number of seconds', settings.timeBudgetSeconds);
  if (settings.alias === '') throw bad('alias', 'a name', settings.alias);
  return settings;
}
