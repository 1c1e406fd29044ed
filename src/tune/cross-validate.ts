import { UsageError } from '../core/errors.js';
import type { Frame } from '../data/frame.js';
import type { Estimator, Model, SupervisedTask, Target } from '../estimator/contract.js';
import { type MetricName, type SupervisedMetric, supervisedMetricFor } from '../evaluate/registry.js';
import type { Splitter } from './splitters.js';

/**
 * Honest estimates of how a model does on rows it has not seen: for each
 * fold, the whole estimator (preprocessing included, when it is a pipeline)
 * is fitted on the training rows only and scored on the held-out rows.
 * Every row is predicted exactly once by a model that never saw it
 * (out-of-fold predictions), which later steps (ensembles, calibration,
 * reports) reuse without refitting.
 */
export interface CrossValidateOptions {
  readonly cv: Splitter;
  /** Default: the usual metrics for the task (DEFAULT_METRICS). */
  readonly metrics?: readonly string[];
  /** Group ids for group-aware splitters. */
  readonly groups?: ArrayLike<number>;
  readonly onFold?: (done: number, total: number) => void;
}

export interface MetricSummary {
  readonly folds: readonly number[];
  readonly mean: number;
  /** Population standard deviation across folds (numpy's default, as in scikit-learn's reports). */
  readonly std: number;
  readonly greaterIsBetter: boolean;
}

export interface FoldTiming {
  readonly trainRows: number;
  readonly testRows: number;
  readonly fitSeconds: number;
  readonly predictSeconds: number;
}

export interface CrossValidationResult {
  readonly task: SupervisedTask;
  readonly metrics: Readonly<Record<string, MetricSummary>>;
  /** Out-of-fold predictions: values, or class indices. */
  readonly predictions: Float64Array;
  /** Out-of-fold class probabilities, row-major n × classes (classifiers). */
  readonly probabilities: Float64Array | undefined;
  readonly folds: readonly FoldTiming[];
}

export const DEFAULT_METRICS: Readonly<Record<SupervisedTask, readonly MetricName[]>> = {
  binary: ['roc_auc', 'accuracy', 'log_loss', 'f1'],
  multiclass: ['accuracy', 'balanced_accuracy', 'f1_macro', 'log_loss'],
  regression: ['rmse', 'mae', 'r2'],
};

export function crossValidate(
  estimator: Estimator,
  frame: Frame,
  target: Target,
  options: CrossValidateOptions,
): CrossValidationResult {
  const metrics = (options.metrics ?? DEFAULT_METRICS[target.task]).map((name) => ({
    name,
    metric: supervisedMetricFor(name, target.task),
  }));
  const k = target.classes.length;
  const n = frame.rowCount;
  const predictions = new Float64Array(n).fill(Number.NaN);
  const probabilities = target.task === 'regression' ? undefined : new Float64Array(n * k).fill(Number.NaN);
  const scores = metrics.map(() => [] as number[]);
  const folds: FoldTiming[] = [];
  const features = frame.has(target.name) ? frame.drop([target.name]) : frame;
  const labels = target.task === 'regression' ? undefined : target.values;
  for (const fold of options.cv.split({ rowCount: n, labels, groups: options.groups })) {
    const started = performance.now();
    const model = estimator.fit(features.take(fold.train), subsetTarget(target, fold.train));
    const fitted = performance.now();
    const test = features.take(fold.test);
    const foldPredictions = model.predict(test);
    const foldProbabilities = probabilities === undefined ? undefined : model.predictProba?.(test);
    folds.push({
      trainRows: fold.train.length,
      testRows: fold.test.length,
      fitSeconds: (fitted - started) / 1000,
      predictSeconds: (performance.now() - fitted) / 1000,
    });
    fold.test.forEach((row, i) => {
      predictions[row] = foldPredictions[i]!;
      if (foldProbabilities !== undefined)
        probabilities!.set(foldProbabilities.subarray(i * k, (i + 1) * k), row * k);
    });
    const truth = Float64Array.from(fold.test, (row) => target.values[row]!);
    metrics.forEach(({ metric }, m) => {
      scores[m]!.push(metric.compute(truth, metricInput(metric, target, foldPredictions, foldProbabilities)));
    });
    options.onFold?.(folds.length, options.cv.foldCount);
  }
  const summaries = Object.fromEntries(
    metrics.map(({ name, metric }, m) => [name, summarise(scores[m]!, metric)]),
  );
  return { task: target.task, metrics: summaries, predictions, probabilities, folds };
}

/** Scores a fitted model on held-out rows (a test file), with the same metrics as cross-validation. */
export function holdoutScores(
  model: Model,
  frame: Frame,
  target: Target,
  metricNames: readonly string[] = DEFAULT_METRICS[target.task],
): Record<string, number> {
  const predictions = model.predict(frame);
  const probabilities = target.task === 'regression' ? undefined : model.predictProba?.(frame);
  return Object.fromEntries(
    metricNames.map((name) => {
      const metric = supervisedMetricFor(name, target.task);
      return [name, metric.compute(target.values, metricInput(metric, target, predictions, probabilities))];
    }),
  );
}

/** What a metric is computed from: labels, values, or probabilities (P(class 1) for binary). */
function metricInput(
  metric: SupervisedMetric,
  target: Target,
  predictions: Float64Array,
  probabilities: Float64Array | undefined,
): ArrayLike<number> {
  if (metric.needs !== 'probabilities') return predictions;
  if (probabilities === undefined) {
    throw new UsageError(
      'metric.needs-probabilities',
      'this metric needs class probabilities, and the model gives none',
      {
        location: { field: 'metric' },
      },
    );
  }
  if (target.task !== 'binary') return probabilities;
  return Float64Array.from({ length: predictions.length }, (_, i) => probabilities[i * 2 + 1]!);
}

function subsetTarget(target: Target, rows: Int32Array): Target {
  return { ...target, values: Float64Array.from(rows, (row) => target.values[row]!) };
}

function summarise(folds: number[], metric: SupervisedMetric): MetricSummary {
  const mean = folds.reduce((a, b) => a + b, 0) / folds.length;
  const std = Math.sqrt(folds.reduce((a, b) => a + (b - mean) ** 2, 0) / folds.length);
  return { folds, mean, std, greaterIsBetter: metric.greaterIsBetter };
}
