import type { Artifact } from '../../core/artifact.js';
import { SchemaError } from '../../core/errors.js';
import { checkNumber, withDefaults } from '../../core/params.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type {
  Estimator,
  FitOptions,
  Model,
  Params,
  SupervisedTask,
  Target,
} from '../../estimator/contract.js';
import { registerLoader } from '../../estimator/persist.js';
import { columnVariances } from '../../numeric/linalg.js';
import { checkRows, completeInput, requireTarget, trainingNames } from '../input.js';

/**
 * Naive Bayes classifiers, as scikit-learn's GaussianNB, MultinomialNB and
 * BernoulliNB: features independent given the class, so the joint
 * log-likelihood of a row is the class's log prior plus a sum of per-feature
 * terms. Everything stays in log space, and probabilities come from
 * normalising with log-sum-exp, so tiny likelihoods never underflow to 0/0.
 * Class priors are the (weighted) class shares of the training rows.
 */
export interface GaussianNbParams extends Params {
  /** Added to every variance, as a fraction of the largest feature variance (keeps constant features usable). */
  readonly varSmoothing: number;
}
export interface MultinomialNbParams extends Params {
  /** Additive (Laplace/Lidstone) smoothing of the feature counts. */
  readonly alpha: number;
}
export interface BernoulliNbParams extends Params {
  readonly alpha: number;
  /** Values above this count as 1, others as 0; null when the input is already 0/1. */
  readonly binarize: number | null;
}

type Kind = 'gaussian-nb' | 'multinomial-nb' | 'bernoulli-nb';
type NbParams = GaussianNbParams | MultinomialNbParams | BernoulliNbParams;

/** scikit-learn 1.2 raises a smaller alpha to this, so that no log is of zero. */
const MIN_ALPHA = 1e-10;

export function gaussianNb(params: Partial<GaussianNbParams> = {}): Estimator<NaiveBayesModel> {
  const merged = withDefaults('gaussian-nb', { varSmoothing: 1e-9 }, params);
  checkNumber('gaussian-nb', 'varSmoothing', merged.varSmoothing, 0);
  return naiveBayes('gaussian-nb', merged, fitGaussian);
}

export function multinomialNb(params: Partial<MultinomialNbParams> = {}): Estimator<NaiveBayesModel> {
  const merged = withDefaults('multinomial-nb', { alpha: 1 }, params);
  checkNumber('multinomial-nb', 'alpha', merged.alpha, 0);
  return naiveBayes('multinomial-nb', merged, fitMultinomial);
}

export function bernoulliNb(params: Partial<BernoulliNbParams> = {}): Estimator<NaiveBayesModel> {
  const defaults: BernoulliNbParams = { alpha: 1, binarize: 0 };
  const merged = withDefaults('bernoulli-nb', defaults, params);
  checkNumber('bernoulli-nb', 'alpha', merged.alpha, 0);
  if (merged.binarize !== null) checkNumber('bernoulli-nb', 'binarize', merged.binarize, -Infinity);
  return naiveBayes('bernoulli-nb', merged, fitBernoulli);
}

/** What a fit learns besides the priors: the arrays its log-likelihood needs. */
type FitArrays = (
  X: Matrix,
  target: Target,
  counts: ClassCounts,
  params: NbParams,
  sampleWeight: Float64Array | undefined,
) => Record<string, Float64Array>;

function naiveBayes(kind: Kind, params: NbParams, fitArrays: FitArrays): Estimator<NaiveBayesModel> {
  return {
    kind,
    params,
    acceptsMissing: false,
    fit(X: Matrix | Frame, y?: Target, options: FitOptions = {}) {
      const target = requireTarget(y, kind, ['binary', 'multiclass']);
      const names = trainingNames(X, target);
      const matrix = completeInput(X, names, kind);
      checkRows(matrix, target, options.sampleWeight);
      if (kind === 'multinomial-nb') rejectNegative(matrix, kind);
      const counts = classCounts(matrix, target, options.sampleWeight, binarizer(kind, params));
      const total = counts.weight.reduce((s, w) => s + w, 0);
      const logPrior = counts.weight.map((w) => Math.log(w) - Math.log(total));
      const arrays = { logPrior, ...fitArrays(matrix, target, counts, params, options.sampleWeight) };
      return new NaiveBayesModel(kind, params, names, target.classes, target.task, arrays);
    },
  };
}

function binarizer(kind: Kind, params: NbParams): number | null {
  return kind === 'bernoulli-nb' ? (params as BernoulliNbParams).binarize : null;
}

/** Per class: total row weight, and per feature the weighted sum of x (of x binarized, for Bernoulli). */
interface ClassCounts {
  readonly weight: Float64Array;
  /** Row-major classes × features. */
  readonly featureSum: Float64Array;
}

function classCounts(
  X: Matrix,
  target: Target,
  sampleWeight: Float64Array | undefined,
  threshold: number | null,
): ClassCounts {
  const p = X.cols;
  const weight = new Float64Array(target.classes.length);
  const featureSum = new Float64Array(target.classes.length * p);
  for (let i = 0; i < X.rows; i++) {
    const c = target.values[i]!;
    const w = sampleWeight?.[i] ?? 1;
    weight[c]! += w;
    for (let j = 0; j < p; j++) {
      const x = X.data[i * p + j]!;
      featureSum[c * p + j]! += w * (threshold === null ? x : x > threshold ? 1 : 0);
    }
  }
  return { weight, featureSum };
}

/** Per class and feature: the weighted mean and variance, plus the smoothing epsilon. */
function fitGaussian(
  X: Matrix,
  target: Target,
  counts: ClassCounts,
  params: NbParams,
  sampleWeight: Float64Array | undefined,
) {
  const p = X.cols;
  const mean = counts.featureSum.map((s, cj) => s / counts.weight[Math.floor(cj / p)]!);
  const variance = new Float64Array(mean.length);
  for (let i = 0; i < X.rows; i++) {
    const c = target.values[i]!;
    const w = sampleWeight?.[i] ?? 1;
    for (let j = 0; j < p; j++) {
      const d = X.data[i * p + j]! - mean[c * p + j]!;
      variance[c * p + j]! += w * d * d;
    }
  }
  const epsilon = (params as GaussianNbParams).varSmoothing * largestFeatureVariance(X);
  for (let cj = 0; cj < variance.length; cj++) {
    variance[cj] = variance[cj]! / counts.weight[Math.floor(cj / p)]! + epsilon;
  }
  return { mean, variance };
}

/** The largest unweighted variance of a column: scikit-learn's scale for varSmoothing. */
function largestFeatureVariance(X: Matrix): number {
  let largest = 0;
  for (const variance of columnVariances(X)) largest = Math.max(largest, variance);
  return largest;
}

/** log P(feature | class) from smoothed counts, normalised over the features of each class. */
function fitMultinomial(X: Matrix, _target: Target, counts: ClassCounts, params: NbParams) {
  const p = X.cols;
  const alpha = Math.max((params as MultinomialNbParams).alpha, MIN_ALPHA);
  const featureLogProb = new Float64Array(counts.featureSum.length);
  for (let c = 0; c < counts.weight.length; c++) {
    let total = 0;
    for (let j = 0; j < p; j++) total += counts.featureSum[c * p + j]! + alpha;
    for (let j = 0; j < p; j++) {
      featureLogProb[c * p + j] = Math.log(counts.featureSum[c * p + j]! + alpha) - Math.log(total);
    }
  }
  return { featureLogProb };
}

/** log P(feature = 1 | class) from smoothed counts of ones among the class's rows. */
function fitBernoulli(X: Matrix, _target: Target, counts: ClassCounts, params: NbParams) {
  const p = X.cols;
  const alpha = Math.max((params as BernoulliNbParams).alpha, MIN_ALPHA);
  const featureLogProb = new Float64Array(counts.featureSum.length);
  for (let cj = 0; cj < featureLogProb.length; cj++) {
    const classWeight = counts.weight[Math.floor(cj / p)]!;
    featureLogProb[cj] = Math.log(counts.featureSum[cj]! + alpha) - Math.log(classWeight + 2 * alpha);
  }
  return { featureLogProb };
}

function rejectNegative(X: Matrix, kind: string): void {
  const at = X.data.findIndex((x) => x < 0);
  if (at < 0) return;
  throw new SchemaError('schema.negative-values', `a negative value in row ${Math.floor(at / X.cols) + 1}`, {
    location: { column: X.columnNames[at % X.cols] },
    hint: `${kind} models counts (or frequencies), which are never negative; use gaussian-nb for other numbers`,
  });
}

export class NaiveBayesModel implements Model {
  constructor(
    readonly kind: Kind,
    readonly params: NbParams,
    readonly inputNames: readonly string[],
    readonly classes: readonly string[],
    readonly task: SupervisedTask,
    /** `logPrior` per class; then `mean` and `variance` (Gaussian) or `featureLogProb`, classes × features. */
    readonly arrays: Readonly<Record<string, Float64Array>>,
  ) {}

  /** The class with the highest joint log-likelihood (the first, on a tie). */
  predict(X: Matrix | Frame): Float64Array {
    const scores = this.jointLogLikelihood(X);
    const c = this.classes.length;
    const out = new Float64Array(scores.length / c);
    for (let i = 0; i < out.length; i++) {
      let best = 0;
      for (let j = 1; j < c; j++) if (scores[i * c + j]! > scores[i * c + best]!) best = j;
      out[i] = best;
    }
    return out;
  }

  predictProba(X: Matrix | Frame): Float64Array {
    const scores = this.jointLogLikelihood(X);
    const c = this.classes.length;
    for (let start = 0; start < scores.length; start += c) {
      let largest = Number.NEGATIVE_INFINITY;
      for (let j = start; j < start + c; j++) largest = Math.max(largest, scores[j]!);
      let sum = 0;
      for (let j = start; j < start + c; j++) sum += Math.exp(scores[j]! - largest);
      const logNormaliser = largest + Math.log(sum);
      for (let j = start; j < start + c; j++) scores[j] = Math.exp(scores[j]! - logNormaliser);
    }
    return scores;
  }

  /** Row-major rows × classes: log P(class) + Σ log P(xⱼ | class). */
  jointLogLikelihood(X: Matrix | Frame): Float64Array {
    const matrix = completeInput(X, this.inputNames, this.kind);
    const scores = new Float64Array(matrix.rows * this.classes.length);
    if (this.kind === 'gaussian-nb') this.gaussianTerms(matrix, scores);
    else if (this.kind === 'multinomial-nb') this.multinomialTerms(matrix, scores);
    else this.bernoulliTerms(matrix, scores);
    const logPrior = this.arrays['logPrior']!;
    for (let s = 0; s < scores.length; s++) scores[s]! += logPrior[s % logPrior.length]!;
    return scores;
  }

  private gaussianTerms(X: Matrix, scores: Float64Array): void {
    const mean = this.arrays['mean']!;
    const variance = this.arrays['variance']!;
    const c = this.classes.length;
    const p = X.cols;
    const logNormaliser = new Float64Array(c);
    for (let k = 0; k < c * p; k++)
      logNormaliser[Math.floor(k / p)]! -= 0.5 * Math.log(2 * Math.PI * variance[k]!);
    for (let i = 0; i < X.rows; i++) {
      for (let k = 0; k < c; k++) {
        let sum = 0;
        for (let j = 0; j < p; j++) {
          const d = X.data[i * p + j]! - mean[k * p + j]!;
          sum += (d * d) / variance[k * p + j]!;
        }
        scores[i * c + k] = logNormaliser[k]! - 0.5 * sum;
      }
    }
  }

  private multinomialTerms(X: Matrix, scores: Float64Array): void {
    const featureLogProb = this.arrays['featureLogProb']!;
    const c = this.classes.length;
    const p = X.cols;
    for (let i = 0; i < X.rows; i++) {
      for (let k = 0; k < c; k++) {
        let sum = 0;
        for (let j = 0; j < p; j++) sum += X.data[i * p + j]! * featureLogProb[k * p + j]!;
        scores[i * c + k] = sum;
      }
    }
  }

  /** Σ over features of log P(1) where xⱼ is 1 and log P(0) = log(1 − P(1)) where it is 0. */
  private bernoulliTerms(X: Matrix, scores: Float64Array): void {
    const featureLogProb = this.arrays['featureLogProb']!;
    const threshold = (this.params as BernoulliNbParams).binarize;
    const c = this.classes.length;
    const p = X.cols;
    const logAbsent = featureLogProb.map((logP) => Math.log(1 - Math.exp(logP)));
    for (let i = 0; i < X.rows; i++) {
      for (let k = 0; k < c; k++) {
        let sum = 0;
        for (let j = 0; j < p; j++) {
          const x = X.data[i * p + j]!;
          const present = threshold === null ? x : x > threshold ? 1 : 0;
          sum += present * featureLogProb[k * p + j]! + (1 - present) * logAbsent[k * p + j]!;
        }
        scores[i * c + k] = sum;
      }
    }
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: { params: this.params, inputNames: this.inputNames, classes: this.classes, task: this.task },
      arrays: this.arrays,
    };
  }
}

function loadNaiveBayes(artifact: Artifact): NaiveBayesModel {
  const meta = artifact.meta as {
    params: NbParams;
    inputNames: string[];
    classes: string[];
    task: SupervisedTask;
  };
  const arrays = artifact.arrays as Record<string, Float64Array>;
  return new NaiveBayesModel(
    artifact.kind as Kind,
    meta.params,
    meta.inputNames,
    meta.classes,
    meta.task,
    arrays,
  );
}

registerLoader('gaussian-nb', 1, loadNaiveBayes);
registerLoader('multinomial-nb', 1, loadNaiveBayes);
registerLoader('bernoulli-nb', 1, loadNaiveBayes);
