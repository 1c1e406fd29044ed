import type { Model, Target } from '../../estimator/contract.js';
import { catalogEntry } from '../../models/catalog.js';
import { argmaxRows, ensembleModel } from '../../models/ensemble.js';
import { buildEnsemble } from './blend.js';
import { explainChoice } from './explain-choice.js';
import { compareEntries, leaderboardOf } from './leaderboard.js';
import type { AutomlOptions, Settings } from './options.js';
import type { Prepared } from './prepare.js';
import type { AutomlResult } from './result.js';
import { type TrialOutcome, type TrialSpec, trialEstimator } from './trial.js';
import { isFullData, type SearchLog, type Trial } from './trial-log.js';

/** After the search: the leaderboard, the ensemble, and the winner refitted on every row. */
export function finish(
  prepared: Prepared,
  search: SearchLog,
  settings: Settings,
  options: AutomlOptions,
  elapsed: () => number,
): AutomlResult {
  const singles = leaderboardOf(search.trials, prepared.greaterIsBetter);
  const outcomes = new Map(search.trials.map((t) => [t.spec.id, t]));
  options.onEvent?.({ type: 'phase', phase: 'ensemble', elapsedSeconds: elapsed() });
  const blend = options.ensemble === false ? undefined : buildEnsemble(singles, outcomes, prepared);
  const leaderboard = [...singles, ...(blend === undefined ? [] : [blend.entry])].sort((a, b) =>
    compareEntries(a, b, prepared.greaterIsBetter),
  );
  const best = blend?.summary.chosen ? blend.entry : singles[0]!;
  options.onEvent?.({ type: 'phase', phase: 'refit', elapsedSeconds: elapsed() });
  const members = blend?.summary.chosen
    ? blend.summary.members.map((m) => ({ spec: outcomes.get(m.trial)!.spec, weight: m.weight }))
    : [{ spec: outcomes.get(best.trial)!.spec, weight: 1 }];
  const model = refit(members, prepared, settings.threads);
  const oof = outOfFold(
    members.map((m) => ({ outcome: outcomes.get(m.spec.id)!.outcome, weight: m.weight })),
    prepared.target,
  );
  const elapsedSeconds = elapsed();
  options.onEvent?.({ type: 'done', best, stopped: search.stopped, elapsedSeconds });
  return {
    task: prepared.task,
    metric: prepared.metric,
    greaterIsBetter: prepared.greaterIsBetter,
    cv: prepared.cv,
    features: prepared.features.names,
    dropped: prepared.dropped,
    notes: [...prepared.notes, ...searchNotes(prepared, search.trials)],
    leaderboard,
    trials: search.trials.map(({ spec, outcome }) => ({ spec, outcome })),
    best,
    ...(blend === undefined ? {} : { ensemble: blend.summary }),
    model,
    oof,
    target: prepared.target,
    rows: prepared.rows,
    folds: prepared.folds,
    profile: prepared.profile,
    why: explainChoice(best, singles, blend?.summary, prepared, search.trials.length),
    elapsedSeconds,
    stopped: search.stopped,
  };
}

/** What the search itself decided, for the report. */
function searchNotes(prepared: Prepared, trials: readonly Required<Trial>[]): string[] {
  const rows = prepared.target.values.length;
  if (!trials.some((t) => !isFullData(t.spec))) return [];
  return [
    `With ${rows.toLocaleString('en-US')} rows, new configurations from the search first trained on a third of each fold's training rows, and only the best third of those were cross-validated on all of them (successive halving): a poor configuration is spotted cheaply, and the budget goes to promising ones. Only full-data results enter the leaderboard.`,
  ];
}

/**
 * The winner fitted on every row. Models with threads of their own use as
 * many as the search did: trials ran side by side, the refit runs alone.
 */
function refit(
  members: readonly { spec: TrialSpec; weight: number }[],
  prepared: Prepared,
  threads: number,
): Model {
  const fitted = members.map(({ spec, weight }) => {
    const ownThreads = 'threads' in catalogEntry(spec.algorithm).params;
    const params = ownThreads ? { ...spec.params, threads } : spec.params;
    const estimator = trialEstimator({ ...spec, params }, prepared.features, prepared.task);
    return { model: estimator.fit(prepared.features, prepared.target), weight };
  });
  return fitted.length === 1 ? fitted[0]!.model : ensembleModel(fitted);
}

/** The winner's out-of-fold predictions: a member's own, or the weighted blend of the members'. */
function outOfFold(
  members: readonly { outcome: TrialOutcome; weight: number }[],
  target: Target,
): AutomlResult['oof'] {
  if (members.length === 1) {
    const { oofPredictions, oofProbabilities } = members[0]!.outcome;
    return {
      predictions: oofPredictions!,
      ...(oofProbabilities === undefined ? {} : { probabilities: oofProbabilities }),
    };
  }
  const blend = (pick: (o: TrialOutcome) => Float64Array): Float64Array => {
    const sum = new Float64Array(pick(members[0]!.outcome).length);
    for (const { outcome, weight } of members) {
      const values = pick(outcome);
      for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + weight * values[i]!;
    }
    return sum;
  };
  if (target.task === 'regression') return { predictions: blend((o) => o.oofPredictions!) };
  const probabilities = blend((o) => o.oofProbabilities!);
  return { predictions: argmaxRows(probabilities, target.classes.length), probabilities };
}
