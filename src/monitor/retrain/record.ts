/**
 * What a decision leaves in the store: the decision run (experiment
 * `retrain`) with its reasons and notes, the challenger's own training run
 * beneath it, the challenger registered as a new version, and the alias
 * moved when it is promoted — so `keel runs` shows why a model changed, or
 * why it did not.
 */

import type { ActiveRun } from '../../registry/tracking.js';
import type { JsonObject, Store } from '../../registry/types.js';
import { automlRunParams } from '../../train/automl.js';
import { type RecordedRun, registerVersion, saveRecipe, startRecording } from '../../train/recording.js';
import type { Challenger } from './challenger.js';
import { trainedBy } from './champion.js';
import { RETRAIN_DEFAULTS } from './options.js';
import type { Plan } from './plan.js';
import type { Verdict } from './verdict.js';

export interface Recording {
  readonly store: Store;
  readonly run: ActiveRun;
  readonly datasetHash: string;
}

export function decisionParams({ options, settings, champion, recipe, split, metric }: Plan): JsonObject {
  return {
    model: options.model,
    alias: settings.alias,
    champion: champion.version.version,
    trainedBy: trainedBy(recipe),
    metric: metric.name,
    margin: settings.margin,
    holdoutRows: split.holdout.rowCount,
    trainingRows: split.training.rowCount,
    unlabelledRows: split.unlabelled,
    holdout: split.how,
    source: options.source,
    ...(recipe.training.kind === 'automl' ? { timeBudgetSeconds: settings.timeBudgetSeconds } : {}),
  };
}

/**
 * The challenger's own training run, a child of the decision run, with
 * parameters of the shape keel automl or keel train gives its runs; its
 * recipe (the champion's, replayed on the new rows) is kept with it once
 * the challenger is trained, so the challenger, once champion, is
 * retrained the same way.
 */
export async function startTrainingRun(
  plan: Plan,
  { store, run, datasetHash }: Recording,
): Promise<RecordedRun> {
  const { recipe, options, settings, metric, task, split } = plan;
  const source = options.source;
  const { training } = recipe;
  const params: JsonObject =
    training.kind === 'automl'
      ? {
          ...automlRunParams(recipe),
          source,
          metric: metric.name,
          timeBudgetSeconds: settings.timeBudgetSeconds,
        }
      : {
          ...training.params,
          model: training.model,
          target: plan.target,
          task,
          source,
          drop: [...recipe.dropped],
          holdoutRows: split.holdout.rowCount,
        };
  return startRecording(
    {
      store,
      experiment: RETRAIN_DEFAULTS.experiment,
      parentId: run.id,
      name: `challenger for ${options.model}`,
    },
    split.labelled,
    { source, datasetHash, seed: recipe.seed, name: `challenger for ${options.model}`, params },
  );
}

/** Registers the challenger, logs the decision and moves the alias when promoted; returns the new version. */
export async function record(
  plan: Plan,
  { store, run, trainingRun }: Recording & { readonly trainingRun: RecordedRun },
  challenger: Challenger,
  verdict: Verdict,
  scores: { readonly championScore: number; readonly challengerScore: number },
): Promise<number> {
  const { options, settings, champion, split, metric, notes } = plan;
  const metrics = challenger.metrics ?? { [metric.name]: scores.challengerScore };
  await saveRecipe(trainingRun, challenger.recipe);
  const points = Object.entries(metrics).map(([name, value]) => ({ name, value }));
  await store.logMetrics(trainingRun.runId, points);
  await store.endRun(trainingRun.runId, { status: 'finished', timings: { fit: challenger.fitSeconds } });
  const registered = await registerVersion(store, options.model, trainingRun, {
    points,
    timings: {},
    model: challenger.model,
    features: split.training,
    reference: challenger.reference,
    versionMetrics: metrics,
    description: `keel retrain: challenger to version ${champion.version.version} (${challenger.trainedBy})`,
    tags: { retrain: 'challenger' },
  });
  const version = registered.version;
  if (verdict.promoted) {
    await store.setAlias(options.model, settings.alias, version);
  } else if (!champion.aliased) {
    // The challenger is now the latest version; without the alias it would pass for the champion next time.
    await store.setAlias(options.model, settings.alias, champion.version.version);
    notes.push(
      `"${settings.alias}" now names version ${champion.version.version}, the kept champion, so the challenger (the latest version) is not taken for it`,
    );
  }
  await run.logParams({ challenger: version, trainedBy: challenger.trainedBy });
  await run.logMetrics({ champion_score: scores.championScore, challenger_score: scores.challengerScore });
  for (const reason of verdict.reasons) await run.log(reason);
  for (const note of notes) await run.log(`note: ${note}`);
  await store.setTag({ kind: 'run', id: run.id }, 'decision', verdict.promoted ? 'promoted' : 'kept');
  await run.end({ train: challenger.fitSeconds });
  return version;
}
