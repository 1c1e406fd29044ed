/**
 * Metrics over predicted probabilities or scores, as scikit-learn 1.2
 * defines them: ROC AUC (binary and one-vs-rest), average precision, log
 * loss and the Brier score.
 *
 * Probabilities come as a row-major n×k `Float64Array` (column j = class j),
 * or for two classes as n values of P(class 1); a metric tells them apart by
 * length. Binary metrics also accept n×2 and read column 1.
 */
import { UsageError } from '../core/errors.js';
import {
  binaryScoresInput,
  dropCollinear,
  precisionRecallCurve,
  rocFromCounts,
  thresholdCounts,
} from './curves.js';
import {
  checkBinaryLabels,
  checkClassIndices,
  checkFinite,
  checkNotEmpty,
  checkUnitInterval,
  checkWeights,
  classWeights,
  positiveClassScores,
  probabilityWidth,
  type WeightOptions,
  weightAt,
  widthMismatch,
} from './inputs.js';

export interface RocAucOptions extends WeightOptions {
  /**
   * How per-class one-vs-rest AUCs are combined when there are more than two
   * classes: their plain mean ('macro', default) or weighted by each class's
   * (weighted) row count ('weighted').
   */
  readonly average?: 'macro' | 'weighted';
}

export interface LogLossOptions extends WeightOptions {
  /**
   * Probabilities are clipped to [eps, 1 − eps] before the log. Default
   * `Number.EPSILON`, scikit-learn 1.2's `eps="auto"` for float64.
   */
  readonly eps?: number;
}

/**
 * Area under the ROC curve (trapezoidal, as `roc_auc_score`). With a score
 * matrix of k ≥ 3 columns, the one-vs-rest AUC of each class
 * (`multi_class="ovr"`), averaged. Scores need not be probabilities: unlike
 * scikit-learn, rows are not required to sum to 1, since each class's AUC
 * depends only on the ranking within its own column.
 */
export function rocAuc(
  yTrue: ArrayLike<number>,
  yScore: ArrayLike<number>,
  options: RocAucOptions = {},
): number {
  checkNotEmpty(yTrue, 'yTrue');
  const width = probabilityWidth(yScore, yTrue.length, 'yScore');
  if (width <= 2) {
    const { positiveScores, weights } = binaryScoresInput(
      yTrue,
      yScore,
      options.sampleWeight,
      'ROC AUC',
      'both',
    );
    return binaryAuc(yTrue, positiveScores, weights);
  }
  return oneVsRestAuc(yTrue, yScore, width, options);
}

/** The AUC of each class against the rest, from column c of an n×width score matrix, averaged. */
function oneVsRestAuc(
  yTrue: ArrayLike<number>,
  yScore: ArrayLike<number>,
  width: number,
  options: RocAucOptions,
): number {
  checkFinite(yTrue, 'yTrue');
  checkFinite(yScore, 'yScore');
  const classCount = checkClassIndices(yTrue, 'yTrue');
  if (classCount > width) throw widthMismatch('yScore', width, classCount, 'yTrue');
  const weights = checkWeights(options.sampleWeight, yTrue.length);
  const average = options.average ?? 'macro';
  if (average !== 'macro' && average !== 'weighted') {
    throw new UsageError('metric.average', `unknown average '${average}' for ROC AUC`, {
      location: { field: 'average' },
      hint: "choose 'macro' or 'weighted'",
    });
  }
  let sum = 0;
  let totalWeight = 0;
  for (let c = 0; c < width; c++) {
    const isClass = Float64Array.from(yTrue as ArrayLike<number>, (y) => (y === c ? 1 : 0));
    checkClassPresent(isClass, c);
    const column = Float64Array.from({ length: yTrue.length }, (_, i) => yScore[i * width + c]!);
    checkWeightedOneVsRest(isClass, weights, c);
    const classWeight = average === 'macro' ? 1 : weightedCount(isClass, weights);
    sum += classWeight * binaryAuc(isClass, column, weights);
    totalWeight += classWeight;
  }
  return sum / totalWeight;
}

/**
 * Average precision: Σ (R_i − R_{i−1}) P_i over the thresholds, the step
 * integral of the precision–recall curve (`average_precision_score`), not
 * the trapezoid, which is optimistic (Davis & Goadrich 2006).
 */
export function averagePrecision(
  yTrue: ArrayLike<number>,
  yScore: ArrayLike<number>,
  options: WeightOptions = {},
): number {
  const { precision, recall } = precisionRecallCurve(yTrue, yScore, options);
  let sum = 0;
  for (let i = 0; i + 1 < recall.length; i++) sum -= (recall[i + 1]! - recall[i]!) * precision[i]!;
  return sum;
}

/**
 * Mean negative log-likelihood of the true class, −Σ w_i log p_i,y_i / Σ w_i.
 * As in scikit-learn, probabilities are clipped to [eps, 1 − eps] first and
 * each row is then divided by its sum. Class j is column j; yTrue may lack
 * some classes (as passing `labels=range(k)` to scikit-learn).
 */
export function logLoss(
  yTrue: ArrayLike<number>,
  yProb: ArrayLike<number>,
  options: LogLossOptions = {},
): number {
  checkNotEmpty(yTrue, 'yTrue');
  const width = probabilityWidth(yProb, yTrue.length, 'yProb');
  checkFinite(yTrue, 'yTrue');
  checkFinite(yProb, 'yProb');
  const classCount = checkClassIndices(yTrue, 'yTrue');
  if (classCount > Math.max(width, 2)) throw widthMismatch('yProb', width, classCount, 'yTrue');
  const weights = checkWeights(options.sampleWeight, yTrue.length);
  const eps = checkEps(options.eps ?? Number.EPSILON);
  const clip = (p: number): number => Math.min(Math.max(p, eps), 1 - eps);
  let loss = 0;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i]!;
    let rowSum = 0;
    let trueProbability: number;
    if (width === 1) {
      const p1 = clip(yProb[i]!);
      rowSum = 1 - p1 + p1;
      trueProbability = y === 1 ? p1 : 1 - p1;
    } else {
      for (let j = 0; j < width; j++) rowSum += clip(yProb[i * width + j]!);
      trueProbability = clip(yProb[i * width + y]!);
    }
    const w = weightAt(weights, i);
    loss -= w * Math.log(trueProbability / rowSum);
    total += w;
  }
  return loss / total;
}

/** Mean squared difference between P(class 1) and the 0/1 outcome (`brier_score_loss`). */
export function brierScore(
  yTrue: ArrayLike<number>,
  yProb: ArrayLike<number>,
  options: WeightOptions = {},
): number {
  checkNotEmpty(yTrue, 'yTrue');
  const probabilities = positiveClassScores(yProb, yTrue.length, 'yProb');
  checkFinite(yTrue, 'yTrue');
  checkFinite(probabilities, 'yProb');
  checkBinaryLabels(yTrue, 'yTrue', 'Brier score');
  checkUnitInterval(probabilities, 'yProb');
  const weights = checkWeights(options.sampleWeight, yTrue.length);
  let sum = 0;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const w = weightAt(weights, i);
    sum += w * (yTrue[i]! - probabilities[i]!) ** 2;
    total += w;
  }
  return sum / total;
}

/** Trapezoidal area under the ROC curve of 0/1 labels (inputs already checked). */
function binaryAuc(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
): number {
  const { fpr, tpr } = rocFromCounts(dropCollinear(thresholdCounts(yTrue, scores, weights)));
  let area = 0;
  for (let i = 0; i + 1 < fpr.length; i++) area += ((fpr[i + 1]! - fpr[i]!) * (tpr[i + 1]! + tpr[i]!)) / 2;
  return area;
}

function weightedCount(isClass: Float64Array, weights: ArrayLike<number> | undefined): number {
  let total = 0;
  for (let i = 0; i < isClass.length; i++) if (isClass[i] === 1) total += weightAt(weights, i);
  return total;
}

/** A probability column for a class that never occurs: its one-vs-rest AUC has no positives. */
function checkClassPresent(isClass: Float64Array, c: number): void {
  if (isClass.includes(1)) return;
  throw new UsageError(
    'metric.one-class',
    `class ${c} never occurs in yTrue, so its one-vs-rest ROC AUC is undefined`,
    {
      location: { field: 'yTrue' },
      hint: 'evaluate on rows that hold every class (a stratified split does), or drop that probability column',
    },
  );
}

/**
 * Class c against the rest needs weight on both sides. The binary check
 * would name the 0/1 indicator's classes ("no rows of class 1") rather
 * than the class itself, so this one says which class and which side.
 */
function checkWeightedOneVsRest(
  isClass: Float64Array,
  weights: ArrayLike<number> | undefined,
  c: number,
): void {
  const [rest, own] = classWeights(isClass, weights);
  if (own > 0 && rest > 0) return;
  throw new UsageError(
    'metric.one-class',
    own === 0
      ? `the one-vs-rest ROC AUC of class ${c} is undefined: every row of class ${c} has sampleWeight 0`
      : `the one-vs-rest ROC AUC of class ${c} is undefined: every row${weights === undefined ? '' : ' with sampleWeight > 0'} is of class ${c}`,
    {
      location: { field: own === 0 ? 'sampleWeight' : 'yTrue' },
      hint:
        own === 0
          ? `give some rows of class ${c} a positive weight, or leave its probability column out`
          : 'evaluate on rows of several classes with positive weight (a stratified split keeps every class in each fold)',
    },
  );
}

function checkEps(eps: number): number {
  if (Number.isFinite(eps) && eps >= 0 && eps < 0.5) return eps;
  throw new UsageError('metric.eps', `eps must be in [0, 0.5), got ${eps}`, {
    location: { field: 'eps' },
    hint: 'leave eps out to clip at machine epsilon, as scikit-learn does',
  });
}
