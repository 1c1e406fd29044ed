import { UsageError } from '../core/errors.js';
import { Rng } from '../core/random.js';
import type { SupervisedTask } from '../estimator/contract.js';
import { type SupervisedMetric, supervisedMetricFor } from '../evaluate/registry.js';
import { quantileSorted } from '../numeric/quantile.js';

import type { PerformancePoint } from './monitor-report.js';
import type { CurrentData } from './window.js';

/**
 * The model's metric on the rows whose ground truth came back, per window,
 * with a 95% bootstrap percentile interval (Efron & Tibshirani 1993, ch. 13):
 * it needs no formula per metric, so AUC, log-loss and RMSE are treated alike.
 *
 * A window has decayed when its score is worse than the validation score by
 * more than `tolerance` (relative) and the whole interval lies on the worse
 * side of the validation score: a bad draw of a few labels is not decay.
 */
export interface PerformanceSettings {
  readonly metric: string;
  readonly task: SupervisedTask;
  /** The cross-validated score the version was registered with. */
  readonly validation: number | null;
  /** Relative fall counted as decay; default 0.05. */
  readonly tolerance?: number;
  /** Bootstrap resamples; default 200. */
  readonly resamples?: number;
  /** Labelled rows needed for an interval (and so for a decay verdict); default 30. */
  readonly minRows?: number;
  readonly seed?: number;
}

export const PERFORMANCE_DEFAULTS = { tolerance: 0.05, resamples: 200, minRows: 30 } as const;

/** The metric on a window's labelled rows; null when none are labelled (or the metric is undefined there). */
export function windowPerformance(
  data: CurrentData,
  window: number,
  settings: PerformanceSettings,
): PerformancePoint | null {
  const n = data.labelled.rows.length;
  if (n === 0) return null;
  const metric = supervisedMetricFor(settings.metric, settings.task);
  const prediction = metricInput(data, metric, settings);
  const width = prediction.length / data.predictions.length;
  const score = scoreRows(metric, data.labelled.values, prediction, width, data.labelled.rows);
  if (score === null) return null;
  const minRows = settings.minRows ?? PERFORMANCE_DEFAULTS.minRows;
  const interval = n >= minRows ? bootstrap(metric, data, prediction, width, settings) : null;
  return {
    window,
    rows: n,
    score,
    low: interval?.[0] ?? null,
    high: interval?.[1] ?? null,
    decayed: interval !== null && isDecay(score, interval, metric.greaterIsBetter, settings),
  };
}

function isDecay(
  score: number,
  [low, high]: readonly [number, number],
  greaterIsBetter: boolean,
  settings: PerformanceSettings,
): boolean {
  const validation = settings.validation;
  if (validation === null) return false;
  const allowed = (settings.tolerance ?? PERFORMANCE_DEFAULTS.tolerance) * Math.abs(validation);
  return greaterIsBetter
    ? score < validation - allowed && high < validation
    : score > validation + allowed && low > validation;
}

/** What the metric reads, per row of the window: labels, values, or probabilities (binary: the positive class). */
function metricInput(
  data: CurrentData,
  metric: SupervisedMetric,
  settings: PerformanceSettings,
): Float64Array {
  if (metric.needs !== 'probabilities') return data.predictions;
  const proba = data.probabilities;
  if (proba === undefined) {
    throw new UsageError(
      'monitor.no-probabilities',
      `the metric "${settings.metric}" needs class probabilities, and the log has none for this model`,
      { location: { field: 'metric' }, hint: 'monitor with a metric scored on labels: --metric accuracy' },
    );
  }
  if (settings.task !== 'binary') return proba;
  const k = proba.length / data.predictions.length;
  return Float64Array.from({ length: data.predictions.length }, (_, i) => proba[i * k + 1]!);
}

/** The metric on the chosen rows (`rows[i]` is a window row, `truth[i]` its label); null when undefined there. */
function scoreRows(
  metric: SupervisedMetric,
  truth: Float64Array,
  prediction: Float64Array,
  width: number,
  rows: ArrayLike<number>,
  pick: ArrayLike<number> = identity(rows.length),
): number | null {
  const y = new Float64Array(pick.length);
  const p = new Float64Array(pick.length * width);
  for (let i = 0; i < pick.length; i++) {
    const j = pick[i]!;
    y[i] = truth[j]!;
    const row = rows[j]!;
    for (let c = 0; c < width; c++) p[i * width + c] = prediction[row * width + c]!;
  }
  try {
    const value = metric.compute(y, p);
    return Number.isFinite(value) ? value : null;
  } catch {
    // One class only in a small window (no AUC), or a prediction the metric refuses: no score here.
    return null;
  }
}

function bootstrap(
  metric: SupervisedMetric,
  data: CurrentData,
  prediction: Float64Array,
  width: number,
  settings: PerformanceSettings,
): [number, number] | null {
  const n = data.labelled.rows.length;
  const rng = new Rng(settings.seed ?? 0);
  const resamples = settings.resamples ?? PERFORMANCE_DEFAULTS.resamples;
  const scores: number[] = [];
  const pick = new Int32Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) pick[i] = rng.int(n);
    const s = scoreRows(metric, data.labelled.values, prediction, width, data.labelled.rows, pick);
    if (s !== null) scores.push(s);
  }
  if (scores.length < resamples / 2) return null;
  const sorted = Float64Array.from(scores).sort();
  return [quantileSorted(sorted, 0.025), quantileSorted(sorted, 0.975)];
}

function identity(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/**
 * The metric to watch for a version: the one asked for, else the first of
 * its registered metrics that scores this task (keel automl registers the
 * metric it optimised first; keel train its cross-validated scores).
 */
export function monitoredMetric(
  metrics: { readonly [name: string]: number },
  task: SupervisedTask,
  asked?: string,
): string | null {
  if (asked !== undefined) {
    supervisedMetricFor(asked, task);
    return asked;
  }
  for (const name of Object.keys(metrics)) {
    try {
      supervisedMetricFor(name, task);
      return name;
    } catch {
      // Not a metric of this task (a timing, a std, a count): look further.
    }
  }
  return null;
}
