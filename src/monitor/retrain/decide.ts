/**
 * Training the challenger, scoring both models on the holdout, deciding,
 * and (unless on a dry run) recording it all; the decision is what
 * `retrain` returns.
 */

import { type DatasetDrift, detectDrift } from '../../drift/drift.js';
import { failRecording, type RecordedRun } from '../../train/recording.js';
import { fitChallenger, trainingMessage } from './challenger.js';
import type { Plan } from './plan.js';
import { type Recording, record, startTrainingRun } from './record.js';
import { scoreOn, verdictOf } from './verdict.js';

export interface RetrainDecision {
  readonly model: string;
  readonly alias: string;
  readonly champion: { readonly version: number; readonly score: number };
  /** `version` is null on a dry run (nothing is registered). */
  readonly challenger: {
    readonly version: number | null;
    readonly score: number;
    readonly trainedBy: string;
  };
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  readonly margin: number;
  readonly promoted: boolean;
  /** Why it was decided so: the comparison, then each check. */
  readonly reasons: string[];
  /** What else the user should know (a missing alias, dropped rows, warnings about the holdout). */
  readonly notes: string[];
  readonly rows: { readonly training: number; readonly holdout: number; readonly unlabelled: number };
  /** Which rows were held out, e.g. `the latest 400 rows by "day"`. */
  readonly holdout: string;
  readonly drift: DatasetDrift;
  /** The decision run in experiment `retrain`; null on a dry run. */
  readonly runId: string | null;
  readonly dryRun: boolean;
}

/** Trains, scores and decides; with a recording, the challenger's training run ends whatever happens. */
export async function decide(plan: Plan, recording: Recording | null): Promise<RetrainDecision> {
  plan.options.onEvent?.({ type: 'stage', message: trainingMessage(plan) });
  if (recording === null) return compare(plan, null);
  const trainingRun = await startTrainingRun(plan, recording);
  try {
    return await compare(plan, { ...recording, trainingRun });
  } catch (error) {
    if ((await recording.store.getRun(trainingRun.runId))?.status === 'running') {
      await failRecording(trainingRun, error);
    }
    throw error;
  }
}

async function compare(
  plan: Plan,
  recording: (Recording & { readonly trainingRun: RecordedRun }) | null,
): Promise<RetrainDecision> {
  const { options, champion, split, metric } = plan;
  const emit = (message: string) => options.onEvent?.({ type: 'stage', message });
  const challenger = await fitChallenger(plan);
  emit(`scoring both models on the holdout (${split.how})`);
  const championScore = scoreOn(
    champion.model,
    plan,
    `${champion.version.model} version ${champion.version.version}`,
  );
  const challengerScore = scoreOn(challenger.model, plan, 'the challenger');
  const drift = detectDrift(challenger.reference, split.holdout.select(challenger.model.inputNames));
  const verdict = verdictOf(plan, championScore, challengerScore, drift);
  const version =
    recording === null
      ? null
      : await record(plan, recording, challenger, verdict, { championScore, challengerScore });
  return {
    model: options.model,
    alias: plan.settings.alias,
    champion: { version: champion.version.version, score: championScore },
    challenger: { version, score: challengerScore, trainedBy: challenger.trainedBy },
    metric: metric.name,
    greaterIsBetter: metric.definition.greaterIsBetter,
    margin: plan.settings.margin,
    promoted: verdict.promoted,
    reasons: verdict.reasons,
    notes: plan.notes,
    rows: {
      training: split.training.rowCount,
      holdout: split.holdout.rowCount,
      unlabelled: split.unlabelled,
    },
    holdout: split.how,
    drift: drift.dataset,
    runId: recording?.run.id ?? null,
    dryRun: recording === null,
  };
}
