/**
 * Retraining with a gate (issue 8, item 4): a challenger is trained on new
 * data the way the champion was (the same AutoML search, or the same model
 * with the same hyperparameters), both are scored on the same recent
 * labelled holdout, and the challenger takes the champion's alias only when
 * it wins by more than a margin and the holdout does not drift against the
 * challenger's own training rows (a model stale on arrival is no
 * improvement). The decision and its reasons are recorded as a run, so
 * `keel runs` shows why a model changed, or why it did not.
 *
 * plan.ts settles everything before training (champion.ts: which model and
 * how it was made; holdout.ts: the new data's split); decide.ts trains the
 * challenger (challenger.ts), scores both and applies the gate (verdict.ts);
 * record.ts writes the runs, the new version and the alias.
 */
import { schemaOf } from '../../data/schema.js';
import { datasetHash } from '../../registry/dataset-hash.js';
import { startRun } from '../../registry/tracking.js';
import type { Store } from '../../registry/types.js';
import { decide, type RetrainDecision } from './decide.js';
import { RETRAIN_DEFAULTS, type RetrainOptions } from './options.js';
import { planRetrain } from './plan.js';
import { decisionParams } from './record.js';

export type { RetrainDecision } from './decide.js';
export { RETRAIN_DEFAULTS, type RetrainEvent, type RetrainOptions } from './options.js';

export async function retrain(store: Store, options: RetrainOptions): Promise<RetrainDecision> {
  const plan = await planRetrain(store, options);
  const { settings, recipe, split } = plan;
  if (settings.dryRun) return decide(plan, null);
  const hash = datasetHash(split.labelled);
  await store.recordDataset({ hash, source: options.source, schema: schemaOf(split.labelled) });
  const run = await startRun(store, {
    experiment: RETRAIN_DEFAULTS.experiment,
    name: `retrain ${options.model}`,
    params: decisionParams(plan),
    seed: recipe.seed,
    datasetHash: hash,
  });
  try {
    return await decide(plan, { store, run, datasetHash: hash });
  } catch (error) {
    if (!run.ended) await run.fail(error);
    throw error;
  }
}
