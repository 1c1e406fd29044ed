import type { Frame } from '../data/frame.js';
import { modelReference } from '../drift/model-reference.js';
import type { ReferenceProfile } from '../drift/reference.js';
import type { Model, SupervisedTask } from '../estimator/contract.js';
import type { TrainingRecipe } from '../registry/recipe.js';
import { type AutomlEvent, automl } from '../tune/automl/index.js';
import { hashOf } from './recording.js';
import { train } from './train.js';

/**
 * A recorded recipe trained again on other rows (keel retrain's challenger;
 * later, a worker's job): the same estimator with the same parameters and
 * keel's default preprocessing for the new rows, or the same AutoML search.
 * Nothing is recorded here: the caller scores the model first and records
 * it with what it measured.
 */
export interface ReplayOptions {
  /** The task the recorded model does (a replay must do the same). */
  readonly task: SupervisedTask;
  /** The metric AutoML optimises (the one the champion is judged by). */
  readonly metric?: string;
  /** AutoML's budget for this replay; an estimator is refitted whatever it says. */
  readonly timeBudgetSeconds?: number;
  readonly threads?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: AutomlEvent) => void;
  /** The new rows' name, for the new recipe. */
  readonly source: string;
}

export interface Replayed {
  readonly model: Model;
  /** The reference profile of its training rows and outputs (a retrain checks the holdout against it). */
  readonly reference: ReferenceProfile;
  /** AutoML's cross-validated score; null when an estimator was refitted without validation. */
  readonly metrics: { readonly [name: string]: number } | null;
  /** e.g. `automl: gbdt #7`, or `gbdt`. */
  readonly trainedBy: string;
  readonly fitSeconds: number;
  /** The recipe of this training: the same training, on the new rows. */
  readonly recipe: TrainingRecipe;
}

export async function replay(
  recipe: TrainingRecipe,
  frame: Frame,
  options: ReplayOptions,
): Promise<Replayed> {
  const started = performance.now();
  const { training } = recipe;
  const target = recipe.target ?? '';
  if (training.kind === 'estimator') {
    const trained = await train(
      {
        model: training.model,
        params: training.params,
        target,
        task: options.task,
        dropped: recipe.dropped.filter((name) => frame.has(name)),
        seed: recipe.seed,
        validation: 'none',
        source: options.source,
        read: recipe.data.read,
      },
      frame,
    );
    const features = frame.drop([target, ...recipe.dropped].filter((name) => frame.has(name)));
    return {
      model: trained.model,
      reference: modelReference({
        model: trained.model,
        features,
        ...(trained.target === null ? {} : { target: trained.target }),
      }),
      metrics: null,
      trainedBy: training.model,
      fitSeconds: (performance.now() - started) / 1000,
      recipe: trained.recipe,
    };
  }
  const result = await automl(frame, {
    target,
    task: options.task,
    seed: recipe.seed,
    exclude: training.exclude,
    ensemble: training.ensemble,
    ...(options.metric === undefined ? {} : { metric: options.metric }),
    ...(training.folds === null ? {} : { folds: training.folds }),
    ...(training.timeColumn === null ? {} : { timeColumn: training.timeColumn }),
    ...(training.groupColumn === null ? {} : { groupColumn: training.groupColumn }),
    ...(training.algorithms === null ? {} : { algorithms: training.algorithms }),
    ...(options.timeBudgetSeconds === undefined ? {} : { timeBudgetSeconds: options.timeBudgetSeconds }),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  });
  return {
    model: result.model,
    reference: modelReference({
      model: result.model,
      features: frame.take(result.rows),
      target: result.target,
      outputs: result.oof,
    }),
    metrics: { [result.metric]: result.best.score, [`${result.metric}_std`]: result.best.std },
    trainedBy: `automl: ${result.best.model}`,
    fitSeconds: (performance.now() - started) / 1000,
    recipe: {
      ...recipe,
      data: { ...recipe.data, source: options.source, datasetHash: hashOf(frame), rows: frame.rowCount },
      training: {
        ...training,
        ...(options.metric === undefined ? {} : { metric: options.metric }),
        timeBudgetSeconds: options.timeBudgetSeconds ?? training.timeBudgetSeconds,
      },
    },
  };
}
