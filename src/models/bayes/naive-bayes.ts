import type { Artifact } from '../../core/artifact.js';
import { type Declaration, declare, domain, type ParamsOf, param } from '../../core/declare.js';
import { SchemaError } from '../../core/errors.js';
import { array, type Field, field, storedArtifact } from '../../core/stored.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, Model, SupervisedTask, Target } from '../../estimator/contract.js';
import { registerKind } from '../../estimator/kinds.js';
import { columnVariances } from '../../numeric/linalg.js';
import { checkRows, completeInput, requireTarget, trainingNames } from '../input.js';

/**
 * Naive Bayes classifiers, as scikit-learn's GaussianNB, MultinomialNB and
 * BernoulliNB: features independent given the class, so the joint
 * log-likelihood of a row is the class's log prior plus a sum of per-feature
 * terms. Everything stays in log space, and probabilities come from
 * normalising with log-sum-exp, so tiny likelihoods never underflow to 0/0.
 * Class priors are the (weighted) class shares of the training rows.
 *
 * Three kinds, one name for the user: `naive-bayes` with its `variant`
 * (NAIVE_BAYES_VARIANT) chooses among NAIVE_BAYES_KINDS.
 */
export const GAUSSIAN_NB = declare({
  kind: 'gaussian-nb',
  summary: 'naive Bayes with a normal distribution per class and feature (numbers)',
  tasks: ['binary', 'multiclass'],
  params: {
    /** Added to every variance, as a fraction of the largest feature variance (keeps constant features usable). */
    varSmoothing: param.float({
      default: 1e-9,
      min: 0,
      doc: 'share of the largest variance added to every variance',
      search: { low: 1e-12, high: 1e-2, log: true },
    }),
  },
});

/** Additive (Laplace/Lidstone) smoothing of the feature counts. */
const ALPHA = param.float({ default: 1, min: 0, doc: 'additive smoothing of the feature counts' });

export const MULTINOMIAL_NB = declare({
  kind: 'multinomial-nb',
  summary: 'naive Bayes over counts or frequencies (non-negative features)',
  tasks: ['binary', 'multiclass'],
  tags: { nonNegativeInput: true },
  params: { alpha: ALPHA },
});

export const BERNOULLI_NB = declare({
  kind: 'bernoulli-nb',
  summary: 'naive Bayes over features present or absent (0/1)',
  tasks: ['binary', 'multiclass'],
  params: {
    alpha: ALPHA,
    binarize: param.of<number | null>([domain.null(), domain.float()], {
      default: 0,
      doc: 'values above this count as 1, others as 0 (null: the input is already 0/1)',
    }),
  },
});

/** The variant the user names (`--set variant=…`), each a kind of its own. */
export const NAIVE_BAYES_VARIANT = param.choice(['gaussian', 'multinomial', 'bernoulli'], {
  default: 'gaussian',
  doc: 'gaussian, multinomial or bernoulli',
});

export type NaiveBayesVariant = (typeof NAIVE_BAYES_VARIANT)['default'];

export const NAIVE_BAYES_KINDS = {
  gaussian: GAUSSIAN_NB,
  multinomial: MULTINOMIAL_NB,
  bernoulli: BERNOULLI_NB,
} as const satisfies Record<NaiveBayesVariant, Declaration>;

export type GaussianNbParams = ParamsOf<typeof GAUSSIAN_NB.params>;
export type MultinomialNbParams = ParamsOf<typeof MULTINOMIAL_NB.params>;
export type BernoulliNbParams = ParamsOf<typeof BERNOULLI_NB.params>;

type Kind = 'gaussian-nb' | 'multinomial-nb' | 'bernoulli-nb';
type NbParams = GaussianNbParams | MultinomialNbParams | BernoulliNbParams;

const BY_KIND = {
  'gaussian-nb': GAUSSIAN_NB,
  'multinomial-nb': MULTINOMIAL_NB,
  'bernoulli-nb': BERNOULLI_NB,
} as const satisfies Record<Kind, Declaration>;

/** scikit-learn 1.2 raises a smaller alpha to this, so that no log is of zero. */
const MIN_ALPHA = 1e-10;

export function gaussianNb(params: Partial<GaussianNbParams> = {}): Estimator<NaiveBayesModel> {
  return naiveBayes('gaussian-nb', GAUSSIAN_NB.resolve(params), fitGaussian);
}

export function multinomialNb(params: Partial<MultinomialNbParams> = {}): Estimator<NaiveBayesModel> {
  return naiveBayes('multinomial-nb', MULTINOMIAL_NB.resolve(params), fitMultinomial);
}

export function bernoulliNb(params: Partial<BernoulliNbParams> = {}): Estimator<NaiveBayesModel> {
  return naiveBayes('bernoulli-nb', BERNOULLI_NB.resolve(params), fitBernoulli);
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
    acceptsMissing: BY_KIND[kind].tags.acceptsMissing,
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

/**
 * Per class a log prior; per class and feature the Gaussian's mean and
 * variance, or the feature's log probability: every array as long as the
 * classes (× the inputs) say.
 */
function loadNaiveBayes(
  kind: Kind,
  params: Field<NbParams>,
  artifact: Artifact,
  source: string,
): NaiveBayesModel {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    params,
    inputNames: field.strings(),
    classes: field.strings(),
    task: field.enum('binary', 'multiclass'),
  });
  const c = meta.classes.length;
  const perFeature = c * meta.inputNames.length;
  // In the order the fit writes them: the arrays object is stored as it is.
  const arrays =
    kind === 'gaussian-nb'
      ? stored.arrays({
          logPrior: array.f64(c),
          mean: array.f64(perFeature),
          variance: array.f64(perFeature),
        })
      : stored.arrays({ logPrior: array.f64(c), featureLogProb: array.f64(perFeature) });
  return new NaiveBayesModel(kind, meta.params, meta.inputNames, meta.classes, meta.task, arrays);
}

registerKind({
  declaration: GAUSSIAN_NB,
  role: 'model',
  build: (spec) => gaussianNb(GAUSSIAN_NB.resolve(spec.params)),
  load: (artifact, source) => loadNaiveBayes('gaussian-nb', field.params(GAUSSIAN_NB), artifact, source),
});
registerKind({
  declaration: MULTINOMIAL_NB,
  role: 'model',
  build: (spec) => multinomialNb(MULTINOMIAL_NB.resolve(spec.params)),
  load: (artifact, source) =>
    loadNaiveBayes('multinomial-nb', field.params(MULTINOMIAL_NB), artifact, source),
});
registerKind({
  declaration: BERNOULLI_NB,
  role: 'model',
  build: (spec) => bernoulliNb(BERNOULLI_NB.resolve(spec.params)),
  load: (artifact, source) => loadNaiveBayes('bernoulli-nb', field.params(BERNOULLI_NB), artifact, source),
});
