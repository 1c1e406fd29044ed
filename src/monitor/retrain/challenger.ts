/**
 * Training the challenger on the new data's training rows, the way the
 * champion was made: the same AutoML search within the time budget, or the
 * same model refitted with the champion's hyperparameters.
 */

import { modelReference } from '../../drift/model-reference.js';
import type { Model } from '../../estimator/contract.js';
import { targetFromFrame } from '../../models/target.js';
import { defaultPreprocessing } from '../../prep/defaults.js';
import { pipeline } from '../../prep/pipeline.js';
import { automl } from '../../tune/automl/index.js';
import type { Plan } from './plan.js';

export interface Challenger {
  readonly model: Model;
  readonly reference: ReturnType<typeof modelReference>;
  /** What the challenger is registered with: AutoML's cross-validated score; else its holdout score. */
  readonly metrics: { readonly [name: string]: number } | null;
  /** e.g. `automl: gbdt #7`, or `gbdt`. */
  readonly trainedBy: string;
  readonly fitSeconds: number;
}

export function trainingMessage({ recipe, settings, split }: Plan): string {
  const rows = `${split.training.rowCount.toLocaleString('en-US')} rows`;
  return recipe.kind === 'automl'
    ? `training a challenger: automl on ${rows} within ${settings.timeBudgetSeconds} s`
    : `training a challenger: ${recipe.entry.name} with the champion's parameters on ${rows}`;
}

export async function fitChallenger(plan: Plan): Promise<Challenger> {
  const { recipe, split, task, metric, options, settings } = plan;
  const started = performance.now();
  if (recipe.kind === 'automl') {
    const result = await automl(split.training, {
      ...recipe.search,
      target: recipe.target,
      task,
      metric: metric.name,
      timeBudgetSeconds: settings.timeBudgetSeconds,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onEvent: (event) => options.onEvent?.({ type: 'automl', event }),
    });
    const reference = modelReference({
      model: result.model,
      features: split.training.take(result.rows),
      target: result.target,
      outputs: result.oof,
    });
    return {
      model: result.model,
      reference,
      metrics: { [result.metric]: result.best.score, [`${result.metric}_std`]: result.best.std },
      trainedBy: `automl: ${result.best.model}`,
      fitSeconds: (performance.now() - started) / 1000,
    };
  }
  const features = split.training.drop([recipe.target, ...recipe.drop].filter((n) => split.training.has(n)));
  const target = targetFromFrame(split.training, recipe.target, task);
  const preprocessing = defaultPreprocessing(features, recipe.entry);
  const estimator = pipeline([preprocessing.transformer], recipe.entry.make(recipe.hyperparameters, task));
  const model = estimator.fit(features, target);
  return {
    model,
    reference: modelReference({ model, features, target }),
    metrics: null,
    trainedBy: recipe.entry.name,
    fitSeconds: (performance.now() - started) / 1000,
  };
}
