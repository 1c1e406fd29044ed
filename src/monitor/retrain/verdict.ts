/**
 * The gate: both models scored on the same holdout, and the verdict on
 * whether the challenger takes the champion's place.
 */

import { UsageError } from '../../core/errors.js';
import type { detectDrift } from '../../drift/drift.js';
import type { Model, Target } from '../../estimator/contract.js';
import { classIndexOf, targetFromFrame } from '../../models/target.js';
import { holdoutScores } from '../../tune/cross-validate.js';
import type { Plan } from './plan.js';

export interface Verdict {
  readonly promoted: boolean;
  readonly reasons: string[];
}

/** The metric on the holdout, with the labels in the model's own class order. */
export function scoreOn(model: Model, plan: Plan, who: string): number {
  const { split, task, metric } = plan;
  const target = inModelClasses(targetFromFrame(split.holdout, plan.target, task), model, who);
  const frame = split.holdout.select(model.inputNames);
  return holdoutScores(model, frame, target, [metric.name])[metric.name]!;
}

function inModelClasses(target: Target, model: Model, who: string): Target {
  if (target.task === 'regression') return target;
  const values = Float64Array.from(target.values, (code) => {
    const label = target.classes[code]!;
    const mapped = classIndexOf(label, model.classes ?? []);
    if (mapped !== undefined) return mapped;
    throw new UsageError(
      'retrain.unseen-class',
      `the holdout has the class "${label}", which ${who} never learned`,
      {
        location: { column: target.name },
        hint: 'a new class needs a new model: train one with keel automl on data that holds it',
      },
    );
  });
  return { ...target, values, classes: model.classes ?? target.classes };
}

/**
 * Promoted when the challenger wins by more than the margin and the
 * holdout neither drifts against its training rows nor breaks its schema.
 * Other data-quality findings (new categories, missing or out-of-range
 * values) are notes: the champion faces the same rows.
 */
export function verdictOf(
  plan: Plan,
  championScore: number,
  challengerScore: number,
  drift: ReturnType<typeof detectDrift>,
): Verdict {
  const { metric, settings, notes } = plan;
  const better = metric.definition.greaterIsBetter
    ? challengerScore - championScore
    : championScore - challengerScore;
  const wins = better > settings.margin;
  const scores = `${metric.name} ${round(challengerScore)} against the champion's ${round(championScore)} (${metric.definition.greaterIsBetter ? 'higher' : 'lower'} is better)`;
  const reasons = [
    wins
      ? `the challenger wins: ${scores}, better by ${round(better)}, more than the margin ${settings.margin}`
      : `the challenger does not win by more than the margin ${settings.margin}: ${scores}, ${better >= 0 ? 'better' : 'worse'} by ${round(Math.abs(better))}`,
  ];
  const problems: string[] = [];
  if (drift.dataset.drifted) {
    problems.push(
      `the holdout drifts against the challenger's training rows, so it would be stale on arrival: ${drift.dataset.message}`,
    );
  }
  for (const issue of drift.quality) {
    if (issue.check === 'schema') problems.push(`schema: ${issue.message}`);
    else notes.push(`holdout ${issue.check}: ${issue.message}`);
  }
  if (problems.length === 0) reasons.push(`the challenger's checks pass: ${drift.dataset.message}`);
  reasons.push(...problems);
  return { promoted: wins && problems.length === 0, reasons };
}

/** Four significant digits: enough to compare scores, short enough to read. */
function round(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}
