import { UsageError } from '../core/errors.js';
import { checkNumber } from '../core/params.js';
import { Rng } from '../core/random.js';
import { takeRows } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import type { Model, SupervisedTask, Target } from '../estimator/contract.js';
import { type SupervisedMetric, supervisedMetricFor } from '../evaluate/registry.js';

/**
 * Permutation importance (Breiman 2001, "Random forests", §10; Fisher, Rudin
 * & Dominici 2019, "model reliance"): how far a fitted model's score falls
 * when one input column's values are shuffled across rows. Shuffling keeps
 * the column's distribution but breaks its link with the target, so the fall
 * is what the model loses without that column's information. It needs only
 * predictions, so it covers every model; a pipeline's raw input columns are
 * shuffled, so the answer is in the user's columns, not the encoded ones.
 */
export interface PermutationOptions {
  /** A metric name from the registry; default r2 (regression) or accuracy (classes), as scikit-learn's `score`. */
  readonly metric?: string;
  /** Shuffles per column (default 5): the spread over them says how much to trust the mean. */
  readonly repeats?: number;
  readonly seed?: number;
  /** Rows scored: a seeded sample without replacement when the frame has more (default 2000), so cost stays flat on large data. */
  readonly maxRows?: number;
  /** Columns to shuffle; default every column the model reads. */
  readonly columns?: readonly string[];
}

export interface ColumnImportance {
  readonly column: string;
  /** Mean fall of the score: higher = the model relies on the column more; near 0 (or below) = it does not. */
  readonly mean: number;
  /** Population standard deviation over the repeats. */
  readonly std: number;
  /** Each repeat's fall. */
  readonly values: Float64Array;
}

export interface PermutationImportance {
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  /** The metric on the unshuffled rows, in its own units (an MSE stays positive). */
  readonly baseline: number;
  /** Rows scored. */
  readonly rows: number;
  readonly repeats: number;
  /** Largest mean first. */
  readonly importances: readonly ColumnImportance[];
}

const DEFAULT_METRIC: Record<SupervisedTask, string> = {
  regression: 'r2',
  binary: 'accuracy',
  multiclass: 'accuracy',
};

export function permutationImportance(
  model: Model,
  frame: Frame,
  target: Target,
  options: PermutationOptions = {},
): PermutationImportance {
  const repeats = options.repeats ?? 5;
  const maxRows = options.maxRows ?? 2000;
  checkNumber('permutation importance', 'repeats', repeats, 1, Number.POSITIVE_INFINITY, true);
  if (maxRows !== Number.POSITIVE_INFINITY) {
    checkNumber('permutation importance', 'maxRows', maxRows, 1, Number.POSITIVE_INFINITY, true);
  }
  checkTargetLength(frame, target);
  const rng = new Rng(options.seed ?? 0);
  // The baseline is scored on the sample too (scikit-learn scores it on every row even when
  // max_samples subsamples, which mixes the sample's own noise into each drop).
  const rows = sampleRows(frame.rowCount, maxRows, rng);
  const sample = rows === null ? frame : frame.take(rows);
  const sampleTarget = rows === null ? target : { ...target, values: takeValues(target.values, rows) };
  // One set of shuffles serves every column (as scikit-learn does): the columns are
  // compared on the same draws, and a column's result does not depend on which others were asked for.
  const permutations = Array.from({ length: repeats }, () => rng.permutation(sample.rowCount));
  return importanceFromPermutations(model, sample, sampleTarget, permutations, options);
}

/**
 * Permutation importance for given shuffles: `permutations[r][i]` is the row
 * whose value row i takes in repeat r. `permutationImportance` draws them;
 * this entry point lets a test (or a caller with its own design) fix them.
 */
export function importanceFromPermutations(
  model: Model,
  frame: Frame,
  target: Target,
  permutations: readonly Int32Array[],
  options: Pick<PermutationOptions, 'metric' | 'columns'> = {},
): PermutationImportance {
  checkTargetLength(frame, target);
  const metricName = options.metric ?? DEFAULT_METRIC[target.task];
  const metric = supervisedMetricFor(metricName, target.task);
  const score = (X: Frame) => metric.compute(target.values, metricInput(model, metric, target, X));
  const baseline = score(frame);
  // Oriented as scikit-learn's scorers (which negate losses): a fall in quality is positive either way.
  const fall = (permuted: number) => (metric.greaterIsBetter ? baseline - permuted : permuted - baseline);
  const columns = options.columns ?? model.inputNames;
  const importances = columns.map((name, order) => {
    const column = frame.column(name);
    const values = Float64Array.from(permutations, (p) => {
      if (p.length !== frame.rowCount) throw new RangeError('a permutation must list every row once');
      return fall(score(frame.withColumn(takeRows(column, p))));
    });
    return { column: name, order, ...meanAndStd(values), values };
  });
  importances.sort((a, b) => b.mean - a.mean || a.order - b.order);
  return {
    metric: metricName,
    greaterIsBetter: metric.greaterIsBetter,
    baseline,
    rows: frame.rowCount,
    repeats: permutations.length,
    importances: importances.map(({ order: _, ...rest }) => rest),
  };
}

/** Sorted row indices of a sample without replacement, or null when every row is kept. */
function sampleRows(n: number, maxRows: number, rng: Rng): Int32Array | null {
  if (n <= maxRows) return null;
  return rng.sampleIndices(n, maxRows);
}

function takeValues(values: Float64Array, rows: Int32Array): Float64Array {
  return Float64Array.from(rows, (r) => values[r]!);
}

function meanAndStd(values: Float64Array): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

function checkTargetLength(frame: Frame, target: Target): void {
  if (target.values.length !== frame.rowCount) {
    throw new UsageError(
      'usage.length-mismatch',
      `the target has ${target.values.length} values and the frame ${frame.rowCount} rows`,
      { location: { column: target.name }, hint: 'pass the target of the same rows as the frame' },
    );
  }
}

/** What the metric scores: labels or values from `predict`, probabilities (P(class 1) for two classes) otherwise. */
function metricInput(model: Model, metric: SupervisedMetric, target: Target, X: Frame): Float64Array {
  if (metric.needs !== 'probabilities') return model.predict(X);
  if (model.predictProba === undefined) {
    throw new UsageError('metric.needs-probabilities', `a ${model.kind} model gives no class probabilities`, {
      location: { field: 'metric' },
      hint: 'choose a metric scored on labels, such as accuracy',
    });
  }
  const proba = model.predictProba(X);
  if (target.task !== 'binary') return proba;
  return Float64Array.from({ length: X.rowCount }, (_, i) => proba[i * 2 + 1]!);
}
