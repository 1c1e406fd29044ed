/**
 * Training the challenger on the new data's training rows, the way the
 * champion was made: its recorded recipe replayed (the same AutoML search
 * within the time budget, or the same model refitted with the champion's
 * hyperparameters).
 */
import { type Replayed, replay } from '../../train/replay.js';
import { trainedBy } from './champion.js';
import type { Plan } from './plan.js';

export type Challenger = Replayed;

export function trainingMessage({ recipe, settings, split }: Plan): string {
  const rows = `${split.training.rowCount.toLocaleString('en-US')} rows`;
  return recipe.training.kind === 'automl'
    ? `training a challenger: automl on ${rows} within ${settings.timeBudgetSeconds} s`
    : `training a challenger: ${trainedBy(recipe)} with the champion's parameters on ${rows}`;
}

export function fitChallenger(plan: Plan): Promise<Challenger> {
  const { recipe, split, task, metric, options, settings } = plan;
  return replay(recipe, split.training, {
    task,
    metric: metric.name,
    timeBudgetSeconds: settings.timeBudgetSeconds,
    source: options.source,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onEvent: (event) => options.onEvent?.({ type: 'automl', event }),
  });
}
