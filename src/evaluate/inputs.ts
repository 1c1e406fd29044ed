/**
 * Checks shared by every metric and curve. Each failure is a `UsageError`
 * naming the argument (`location.field`) and, where it helps, the row, so a
 * user can find the bad value; nothing here is specific to one metric.
 */
import { UsageError } from '../core/errors.js';

/** Row weights, as scikit-learn's `sample_weight`. */
export interface WeightOptions {
  readonly sampleWeight?: ArrayLike<number> | undefined;
}

/** Refuses two arrays that should line up row for row but do not. */
export function checkSameLength(
  a: ArrayLike<number>,
  aName: string,
  b: ArrayLike<number>,
  bName: string,
): void {
  if (a.length === b.length) return;
  throw new UsageError(
    'metric.length-mismatch',
    `${aName} has ${a.length} values but ${bName} has ${b.length}`,
    {
      location: { field: bName },
      hint: `pass one ${bName} value for each ${aName} value, in the same row order`,
    },
  );
}

export function checkNotEmpty(values: ArrayLike<number>, name: string): void {
  if (values.length > 0) return;
  throw new UsageError('metric.empty', `${name} is empty`, {
    location: { field: name },
    hint: 'a metric needs at least one row; check the filter or split that produced it',
  });
}

/** Refuses NaN and ±Infinity, as scikit-learn's `assert_all_finite` does, and anything that is not a number. */
export function checkFinite(values: ArrayLike<number>, name: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) continue;
    if (typeof v !== 'number') throw notANumber(v, name, i);
    throw new UsageError('metric.not-finite', `${name}[${i}] is ${v}`, {
      location: { field: name },
      hint: Number.isNaN(v)
        ? 'drop or impute rows with missing values before evaluating'
        : 'a metric needs finite numbers; an infinite prediction usually means the model overflowed',
    });
  }
}

/**
 * A value of another type where a metric needs numbers: text labels, null,
 * booleans. JavaScript callers can pass them despite the types, and the
 * message says what arrived rather than blaming missing values.
 */
function notANumber(value: unknown, name: string, i: number): UsageError {
  const what =
    typeof value === 'string'
      ? `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}…` : value)}`
      : value === null || value === undefined
        ? `${value}, not a number (a missing value?)`
        : `${String(value)} (${typeof value})`;
  const missing = value === null || value === undefined;
  return new UsageError('metric.not-number', `${name}[${i}] is ${what}${missing ? '' : ', not a number'}`, {
    location: { field: name },
    hint: missing
      ? 'drop or impute rows with missing values before evaluating'
      : 'metrics take numbers: class labels as indices 0..k-1 (targetFromFrame gives them, with the labels in its classes), predictions as numbers',
  });
}

/**
 * Checks that `labels` are class indices 0..k-1 and returns k (the largest
 * label + 1).
 */
export function checkClassIndices(labels: ArrayLike<number>, name: string): number {
  let classCount = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (typeof label !== 'number') throw notANumber(label, name, i);
    if (!(Number.isInteger(label) && label >= 0)) {
      throw new UsageError('metric.not-class-index', `${name}[${i}] is ${label}, not a class index`, {
        location: { field: name },
        hint: Number.isNaN(label)
          ? 'drop or impute rows with a missing label before evaluating'
          : 'encode classes as whole numbers 0..k-1 (the codes of a categorical column)',
      });
    }
    if (label >= classCount) classCount = label + 1;
  }
  return classCount;
}

/** Checks that every label is 0 or 1, for metrics defined on two classes only. */
export function checkBinaryLabels(labels: ArrayLike<number>, name: string, metric: string): void {
  const classCount = checkClassIndices(labels, name);
  if (classCount <= 2) return;
  throw new UsageError(
    'metric.not-binary',
    `${metric} needs labels 0 and 1, but ${name} holds class ${classCount - 1}`,
    {
      location: { field: name },
      hint: 'use the multiclass form of the metric (e.g. average "macro"), or binarise the labels first',
    },
  );
}

/**
 * The row weights, checked (same length, finite, ≥ 0, not all 0), or
 * undefined when none were given. Negative weights are refused although
 * scikit-learn accepts them: no metric here has a meaning for them.
 */
export function checkWeights(
  sampleWeight: ArrayLike<number> | undefined,
  rowCount: number,
  rowsName = 'yTrue',
): ArrayLike<number> | undefined {
  if (sampleWeight === undefined) return undefined;
  checkSameLength({ length: rowCount }, rowsName, sampleWeight, 'sampleWeight');
  let total = 0;
  for (let i = 0; i < sampleWeight.length; i++) {
    const w = sampleWeight[i]!;
    if (!(Number.isFinite(w) && w >= 0)) {
      throw new UsageError('metric.sample-weight', `sampleWeight[${i}] is ${w}`, {
        location: { field: 'sampleWeight' },
        hint: 'weights must be finite numbers ≥ 0',
      });
    }
    total += w;
  }
  if (total === 0) {
    throw new UsageError('metric.sample-weight', 'every sampleWeight is 0', {
      location: { field: 'sampleWeight' },
      hint: 'give at least one row a positive weight',
    });
  }
  return sampleWeight;
}

/** The weight of row i (1 when unweighted). */
export function weightAt(weights: ArrayLike<number> | undefined, i: number): number {
  return weights === undefined ? 1 : weights[i]!;
}

/** `yTrue` and a per-row prediction: same length, not empty, finite. */
export function checkPairedRows(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  predName = 'yPred',
): void {
  checkNotEmpty(yTrue, 'yTrue');
  checkSameLength(yTrue, 'yTrue', yPred, predName);
  checkFinite(yTrue, 'yTrue');
  checkFinite(yPred, predName);
}

/**
 * Columns in a row-major n×k probability (or score) matrix: its length must
 * be a whole multiple of the number of rows. k = 1 is a 1-D array of P(class 1).
 */
export function probabilityWidth(probabilities: ArrayLike<number>, rowCount: number, name: string): number {
  const width = probabilities.length / rowCount;
  if (Number.isInteger(width) && width >= 1) return width;
  throw new UsageError(
    'metric.probability-width',
    `${name} has ${probabilities.length} values, not a whole number of columns for ${rowCount} rows`,
    {
      location: { field: name },
      hint: 'pass n values of P(class 1), or a row-major n×k matrix with one column per class',
    },
  );
}

/** Refuses a probability matrix with fewer columns than the labels need. */
export function widthMismatch(
  name: string,
  width: number,
  classCount: number,
  labelsName: string,
): UsageError {
  return new UsageError(
    'metric.probability-width',
    `${name} has ${width} column${width === 1 ? '' : 's'} but ${labelsName} holds ${classCount} classes (0..${classCount - 1})`,
    {
      location: { field: name },
      hint: 'pass one probability column per class, in class-index order (as predictProba returns them)',
    },
  );
}

/**
 * Scores of the positive class (class 1) for a binary metric: a 1-D array
 * as it is, or column 1 of an n×2 matrix.
 */
export function positiveClassScores(
  scores: ArrayLike<number>,
  rowCount: number,
  name: string,
): ArrayLike<number> {
  const width = probabilityWidth(scores, rowCount, name);
  if (width === 1) return scores;
  if (width !== 2) throw widthMismatch(name, width, 2, 'a binary target');
  const column = new Float64Array(rowCount);
  for (let i = 0; i < rowCount; i++) column[i] = scores[2 * i + 1]!;
  return column;
}

/** The total weight of rows with label 1 and with label 0. */
export function classWeights(
  yTrue: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
): [number, number] {
  let positive = 0;
  let negative = 0;
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] === 1) positive += weightAt(weights, i);
    else negative += weightAt(weights, i);
  }
  return [negative, positive];
}

/**
 * A ranking metric is undefined without weighted rows of class 1, and (for
 * ROC) of class 0; `needs` says which.
 */
export function checkClassesPresent(
  yTrue: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  metric: string,
  needs: 'both' | 'positive',
): void {
  const [negative, positive] = classWeights(yTrue, weights);
  const missing = positive === 0 ? 1 : needs === 'both' && negative === 0 ? 0 : undefined;
  if (missing === undefined) return;
  throw new UsageError('metric.one-class', `${metric} is undefined: yTrue has no rows of class ${missing}`, {
    location: { field: 'yTrue' },
    hint: 'evaluate on rows from both classes (a stratified split keeps both in every fold)',
  });
}

/** Refuses values outside [0, 1] where probabilities are required. */
export function checkUnitInterval(values: ArrayLike<number>, name: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v >= 0 && v <= 1) continue;
    throw new UsageError('metric.not-probability', `${name}[${i}] is ${v}, outside [0, 1]`, {
      location: { field: name },
      hint: 'pass probabilities (predictProba), not raw scores or decision values',
    });
  }
}
