/**
 * Metrics over predicted class labels, as scikit-learn 1.2 defines them.
 * Labels are class indices 0..k-1. Every metric here is a function of the
 * (weighted) confusion matrix, so each is computed from one tally.
 *
 * Which classes count: as in scikit-learn with `labels=None`, the classes
 * that occur in yTrue or yPred (a class in neither is ignored by the macro
 * and weighted averages).
 */
import { UsageError } from '../core/errors.js';
import { checkClassIndices, checkPairedRows, checkWeights, type WeightOptions, weightAt } from './inputs.js';

export type Average = 'binary' | 'micro' | 'macro' | 'weighted';

export interface AverageOptions extends WeightOptions {
  /**
   * 'binary' (default): the score of `posLabel` alone, labels must be 0/1.
   * 'micro': from counts pooled over classes. 'macro': the unweighted mean
   * over classes. 'weighted': the mean weighted by each class's true count.
   */
  readonly average?: Average;
  /** The class scored when average is 'binary'. Default 1. */
  readonly posLabel?: number;
  /**
   * The score where a ratio is 0/0 (scikit-learn's `zero_division`):
   * precision of a class never predicted, recall of a class that never
   * occurs, and F1 of a class in neither. 0 (default), 1, or NaN — NaN
   * marks the score undefined, and a macro or weighted mean leaves such
   * classes out (NaN when every class is undefined), as scikit-learn 1.3+.
   */
  readonly zeroDivision?: number;
}

export interface ConfusionMatrixOptions extends WeightOptions {
  /** Rows and columns of the matrix; default the largest label + 1. */
  readonly classCount?: number;
}

/** Row = true class, column = predicted class; entries are summed row weights. */
export interface ConfusionMatrix {
  readonly classCount: number;
  /** Row-major classCount × classCount. */
  readonly counts: Float64Array;
  /** Whether each class occurs (at any weight) in yTrue or yPred. */
  readonly present: Uint8Array;
}

/** The weighted confusion matrix, as `sklearn.metrics.confusion_matrix(labels=range(k))`. */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: ConfusionMatrixOptions = {},
): ConfusionMatrix {
  checkPairedRows(yTrue, yPred);
  const labelCount = Math.max(checkClassIndices(yTrue, 'yTrue'), checkClassIndices(yPred, 'yPred'));
  const k = options.classCount ?? labelCount;
  if (!(Number.isInteger(k) && k >= labelCount)) {
    throw new UsageError('metric.class-count', `classCount ${k} is too small for class ${labelCount - 1}`, {
      location: { field: 'classCount' },
      hint: `give at least ${labelCount}, or leave classCount out`,
    });
  }
  const weights = checkWeights(options.sampleWeight, yTrue.length);
  const counts = new Float64Array(k * k);
  const present = new Uint8Array(k);
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    const p = yPred[i]!;
    counts[t * k + p] = counts[t * k + p]! + weightAt(weights, i);
    present[t] = 1;
    present[p] = 1;
  }
  return { classCount: k, counts, present };
}

/** Fraction (by weight) of rows predicted correctly. */
export function accuracy(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: WeightOptions = {},
): number {
  const { classCount: k, counts } = confusionMatrix(yTrue, yPred, options);
  let correct = 0;
  let total = 0;
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) total += counts[t * k + p]!;
    correct += counts[t * k + t]!;
  }
  return correct / total;
}

/**
 * Mean recall over the classes with rows in yTrue (Brodersen et al. 2010;
 * scikit-learn's `balanced_accuracy_score`, adjusted=False).
 */
export function balancedAccuracy(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: WeightOptions = {},
): number {
  const matrix = confusionMatrix(yTrue, yPred, options);
  const { trueTotals, truePositives } = classTotals(matrix);
  let sum = 0;
  let classes = 0;
  trueTotals.forEach((total, c) => {
    if (total === 0) return;
    sum += truePositives[c]! / total;
    classes++;
  });
  return sum / classes;
}

export function precision(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: AverageOptions = {},
): number {
  return precisionRecallF1(yTrue, yPred, options).precision;
}

export function recall(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: AverageOptions = {},
): number {
  return precisionRecallF1(yTrue, yPred, options).recall;
}

export function f1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: AverageOptions = {}): number {
  return precisionRecallF1(yTrue, yPred, options).f1;
}

/**
 * Precision tp/(tp+fp), recall tp/(tp+fn) and F1 = 2pr/(p+r) per class,
 * then averaged. A 0/0 is `zeroDivision`: by default 0, as scikit-learn's
 * default `zero_division="warn"` returns (without the warning). F1 is 0
 * whenever tp = 0 and the class was predicted or occurs, and `zeroDivision`
 * only when it did neither.
 */
export function precisionRecallF1(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: AverageOptions = {},
): { precision: number; recall: number; f1: number } {
  const average = options.average ?? 'binary';
  const zero = checkZeroDivision(options.zeroDivision ?? 0);
  const matrix = confusionMatrix(yTrue, yPred, options);
  const totals = classTotals(matrix);
  if (average === 'binary') {
    const positive = checkBinaryAverage(matrix, options.posLabel ?? 1);
    // With one class present the matrix is 1×1, and class 1 simply has no rows.
    const at = (counts: Float64Array): number => counts[positive] ?? 0;
    return scoresFrom(at(totals.truePositives), at(totals.predictedTotals), at(totals.trueTotals), zero);
  }
  const classes = [...matrix.present.keys()].filter((c) => matrix.present[c] === 1);
  if (average === 'micro') {
    const pooled = (counts: Float64Array): number => classes.reduce((sum, c) => sum + counts[c]!, 0);
    return scoresFrom(
      pooled(totals.truePositives),
      pooled(totals.predictedTotals),
      pooled(totals.trueTotals),
      zero,
    );
  }
  if (average !== 'macro' && average !== 'weighted') throw unknownAverage(average);
  const perClass = classes.map((c) =>
    scoresFrom(totals.truePositives[c]!, totals.predictedTotals[c]!, totals.trueTotals[c]!, zero),
  );
  const classWeights = classes.map((c) => (average === 'macro' ? 1 : totals.trueTotals[c]!));
  const mean = (key: 'precision' | 'recall' | 'f1'): number => {
    // Undefined (NaN) per-class scores are left out of the mean, as scikit-learn's _nanaverage.
    let sum = 0;
    let totalWeight = 0;
    perClass.forEach((s, i) => {
      if (Number.isNaN(s[key])) return;
      sum += s[key] * classWeights[i]!;
      totalWeight += classWeights[i]!;
    });
    if (totalWeight > 0) return sum / totalWeight;
    return perClass.some((s) => !Number.isNaN(s[key])) ? 0 : Number.NaN;
  };
  return { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') };
}

/**
 * Matthews correlation coefficient, in its multiclass form (Gorodkin 2004)
 * over the confusion matrix C with s = Σ C, c = trace, t = row sums,
 * p = column sums: (c·s − t·p) / √((s² − p·p)(s² − t·t)); 0 when undefined,
 * as scikit-learn returns.
 */
export function matthewsCorrelation(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: WeightOptions = {},
): number {
  const matrix = confusionMatrix(yTrue, yPred, options);
  const { trueTotals, predictedTotals, truePositives } = classTotals(matrix);
  let samples = 0;
  let correct = 0;
  let truePredicted = 0;
  let predictedSquared = 0;
  let trueSquared = 0;
  for (let c = 0; c < matrix.classCount; c++) {
    samples += predictedTotals[c]!;
    correct += truePositives[c]!;
    truePredicted += trueTotals[c]! * predictedTotals[c]!;
    predictedSquared += predictedTotals[c]! ** 2;
    trueSquared += trueTotals[c]! ** 2;
  }
  const covariance = correct * samples - truePredicted;
  const predictedSpread = samples * samples - predictedSquared;
  const trueSpread = samples * samples - trueSquared;
  if (predictedSpread * trueSpread === 0) return 0;
  return covariance / Math.sqrt(trueSpread * predictedSpread);
}

interface ClassTotals {
  /** Row sums: weight of rows whose true class is c. */
  readonly trueTotals: Float64Array;
  /** Column sums: weight of rows predicted as c. */
  readonly predictedTotals: Float64Array;
  /** Diagonal. */
  readonly truePositives: Float64Array;
}

function classTotals({ classCount: k, counts }: ConfusionMatrix): ClassTotals {
  const trueTotals = new Float64Array(k);
  const predictedTotals = new Float64Array(k);
  const truePositives = new Float64Array(k);
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      trueTotals[t] = trueTotals[t]! + counts[t * k + p]!;
      predictedTotals[p] = predictedTotals[p]! + counts[t * k + p]!;
    }
    truePositives[t] = counts[t * k + t]!;
  }
  return { trueTotals, predictedTotals, truePositives };
}

function scoresFrom(
  truePositives: number,
  predicted: number,
  actual: number,
  zeroDivision: number,
): { precision: number; recall: number; f1: number } {
  const p = predicted === 0 ? zeroDivision : truePositives / predicted;
  const r = actual === 0 ? zeroDivision : truePositives / actual;
  // F1 = 2tp / (2tp + fp + fn): 0/0 only for a class neither predicted nor present.
  const f1 = predicted === 0 && actual === 0 ? zeroDivision : truePositives === 0 ? 0 : (2 * p * r) / (p + r);
  return { precision: p, recall: r, f1 };
}

function checkZeroDivision(value: number): number {
  if (value === 0 || value === 1 || Number.isNaN(value)) return value;
  throw new UsageError('metric.zero-division', `zeroDivision must be 0, 1 or NaN, not ${String(value)}`, {
    location: { field: 'zeroDivision' },
    hint: 'zeroDivision is the score where a ratio is 0/0: 0 (the default), 1, or NaN to mark it undefined',
  });
}

/** average 'binary' scores one class of two; anything else is a user mistake worth naming. */
function checkBinaryAverage(matrix: ConfusionMatrix, posLabel: number): number {
  if (matrix.classCount > 2) {
    throw new UsageError(
      'metric.not-binary',
      `average 'binary' needs labels 0 and 1, but class ${matrix.classCount - 1} occurs`,
      {
        location: { field: 'average' },
        hint: "choose average 'macro', 'weighted' or 'micro' for more than two classes",
      },
    );
  }
  if (posLabel !== 0 && posLabel !== 1) {
    throw new UsageError('metric.pos-label', `posLabel must be 0 or 1, got ${posLabel}`, {
      location: { field: 'posLabel' },
      hint: 'posLabel is the class index scored as positive',
    });
  }
  return posLabel;
}

function unknownAverage(average: string): UsageError {
  return new UsageError('metric.average', `unknown average '${average}'`, {
    location: { field: 'average' },
    hint: "choose 'binary', 'micro', 'macro' or 'weighted'",
  });
}
