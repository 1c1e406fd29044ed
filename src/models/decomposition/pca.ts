import type { Artifact } from '../../core/artifact.js';
import { declare, domain, type ParamsOf, param } from '../../core/declare.js';
import { UsageError } from '../../core/errors.js';
import { array, field, storedArtifact } from '../../core/stored.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, Model, Target } from '../../estimator/contract.js';
import { registerKind } from '../../estimator/kinds.js';
import { symmetricEigen } from '../../numeric/linalg.js';
import { checkRows, completeInput, trainingNames } from '../input.js';

/**
 * Principal component analysis, as scikit-learn's PCA with the full SVD:
 * the eigenvectors of the covariance matrix, by decreasing variance. The
 * eigen-decomposition of XᵀX/(n − 1) gives the same components as the SVD
 * of the centred X (its right singular vectors), at p × p cost after one
 * pass over the rows. Signs follow scikit-learn 1.2's `svd_flip` (decided
 * by U): each component points so that the training row with the largest
 * |score| on it scores positive.
 */
export const PCA = declare({
  kind: 'pca',
  summary: 'principal component analysis: the directions of largest variance',
  tasks: ['transform'],
  tags: { wantsScaling: true },
  params: {
    /** A count of components; a fraction in (0, 1) of the variance to keep; null for all. */
    components: param.of<number | null>(
      [domain.null(), domain.float({ above: 0, below: 1 }), domain.int({ min: 1 })],
      { default: null, doc: 'components to keep: a count, a share of variance in (0, 1), or null (all)' },
    ),
    /** Scale the scores to unit variance. */
    whiten: param.bool({ default: false, doc: 'scale the component scores to unit variance' }),
  },
});

export type PcaParams = ParamsOf<typeof PCA.params>;

export function pca(params: Partial<PcaParams> = {}): Estimator<PcaModel> {
  const merged = PCA.resolve(params);
  return {
    kind: 'pca',
    params: merged,
    acceptsMissing: PCA.tags.acceptsMissing,
    fit: (X: Matrix | Frame, _y?: Target, options: FitOptions = {}) => fitPca(merged, X, options),
  };
}

function fitPca(params: PcaParams, X: Matrix | Frame, options: FitOptions): PcaModel {
  const matrix = completeInput(X, trainingNames(X), 'pca');
  checkRows(matrix, undefined, options.sampleWeight);
  const p = matrix.cols;
  const mean = columnMeans(matrix);
  const { values, vectors } = symmetricEigen(covariance(matrix, mean), p);
  const byVariance = [...values.keys()].sort((a, b) => values[b]! - values[a]!);
  const totalVariance = values.reduce((s, v) => s + Math.max(v, 0), 0);
  const ratios = byVariance.map((k) => Math.max(values[k]!, 0) / totalVariance);
  const kept = componentCount(params.components, ratios, Math.min(p, matrix.rows));
  const components = new Float64Array(kept * p);
  for (let c = 0; c < kept; c++) {
    for (let j = 0; j < p; j++) components[c * p + j] = vectors[j * p + byVariance[c]!]!;
  }
  orientLikeSvdFlip(matrix, mean, components, kept);
  const variance = Float64Array.from(byVariance.slice(0, kept), (k) => Math.max(values[k]!, 0));
  return new PcaModel(params, matrix.columnNames, mean, components, variance, totalVariance);
}

/** scikit-learn's rule for a fraction: the fewest components whose cumulative ratio exceeds it. */
function componentCount(components: number | null, ratios: readonly number[], most: number): number {
  if (components === null) return most;
  if (components >= 1) {
    if (components > most) {
      throw new UsageError('usage.bad-param', `pca: components is ${components}, but at most ${most} exist`, {
        location: { field: 'components' },
        hint: 'a matrix of n rows and p columns has at most min(n, p) components',
      });
    }
    return components;
  }
  let cumulative = 0;
  let count = 0;
  while (count < ratios.length && cumulative + ratios[count]! <= components) cumulative += ratios[count++]!;
  return Math.min(count + 1, most);
}

function columnMeans(X: Matrix): Float64Array {
  const mean = new Float64Array(X.cols);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) mean[j]! += X.data[i * X.cols + j]!;
  return mean.map((s) => s / X.rows);
}

/** (X − mean)ᵀ(X − mean) / (n − 1), the sample covariance. */
function covariance(X: Matrix, mean: Float64Array): Float64Array {
  const p = X.cols;
  const cov = new Float64Array(p * p);
  const centred = new Float64Array(p);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < p; j++) centred[j] = X.data[i * p + j]! - mean[j]!;
    for (let a = 0; a < p; a++) {
      const ca = centred[a]!;
      for (let b = a; b < p; b++) cov[a * p + b]! += ca * centred[b]!;
    }
  }
  const scale = 1 / Math.max(X.rows - 1, 1);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      cov[a * p + b]! *= scale;
      cov[b * p + a] = cov[a * p + b]!;
    }
  }
  return cov;
}

/** Flips each component so that its largest-|score| training row (the first, on a tie) scores positive. */
function orientLikeSvdFlip(X: Matrix, mean: Float64Array, components: Float64Array, kept: number): void {
  const p = X.cols;
  for (let c = 0; c < kept; c++) {
    let extreme = 0;
    for (let i = 0; i < X.rows; i++) {
      let score = 0;
      for (let j = 0; j < p; j++) score += (X.data[i * p + j]! - mean[j]!) * components[c * p + j]!;
      if (Math.abs(score) > Math.abs(extreme)) extreme = score;
    }
    if (extreme < 0) for (let j = 0; j < p; j++) components[c * p + j] = -components[c * p + j]!;
  }
}

export class PcaModel implements Model {
  readonly kind = 'pca';
  readonly task = 'transform';
  readonly outputNames: readonly string[];

  constructor(
    readonly params: PcaParams,
    readonly inputNames: readonly string[],
    readonly mean: Float64Array,
    /** Row-major components × features, by decreasing variance (scikit-learn's components_). */
    readonly components: Float64Array,
    /** The variance along each component (scikit-learn's explained_variance_). */
    readonly explainedVariance: Float64Array,
    /** The total variance of the training data, over all directions. */
    readonly totalVariance: number,
  ) {
    this.outputNames = Array.from({ length: explainedVariance.length }, (_, c) => `pc${c + 1}`);
  }

  get explainedVarianceRatio(): Float64Array {
    return this.explainedVariance.map((v) => v / this.totalVariance);
  }

  /** The scores: (X − mean) projected on each component (divided by its standard deviation when whitening). */
  transform(X: Matrix | Frame): Matrix {
    const matrix = completeInput(X, this.inputNames, this.kind);
    const p = matrix.cols;
    const kept = this.explainedVariance.length;
    const out = new Float64Array(matrix.rows * kept);
    const scale = this.explainedVariance.map((v) => (this.params.whiten ? 1 / Math.sqrt(v) : 1));
    for (let i = 0; i < matrix.rows; i++) {
      for (let c = 0; c < kept; c++) {
        let score = 0;
        for (let j = 0; j < p; j++)
          score += (matrix.data[i * p + j]! - this.mean[j]!) * this.components[c * p + j]!;
        out[i * kept + c] = score * scale[c]!;
      }
    }
    return { data: out, rows: matrix.rows, cols: kept, columnNames: this.outputNames };
  }

  /**
   * Each row's squared distance to the principal subspace (its reconstruction
   * error): what a fitted PCA can say about a single row, and a common
   * outlier score.
   */
  predict(X: Matrix | Frame): Float64Array {
    const matrix = completeInput(X, this.inputNames, this.kind);
    const p = matrix.cols;
    const kept = this.explainedVariance.length;
    const out = new Float64Array(matrix.rows);
    for (let i = 0; i < matrix.rows; i++) {
      let norm = 0;
      for (let j = 0; j < p; j++) norm += (matrix.data[i * p + j]! - this.mean[j]!) ** 2;
      let projected = 0;
      for (let c = 0; c < kept; c++) {
        let score = 0;
        for (let j = 0; j < p; j++)
          score += (matrix.data[i * p + j]! - this.mean[j]!) * this.components[c * p + j]!;
        projected += score * score;
      }
      out[i] = Math.max(norm - projected, 0);
    }
    return out;
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: { params: this.params, inputNames: this.inputNames, totalVariance: this.totalVariance },
      arrays: { mean: this.mean, components: this.components, explainedVariance: this.explainedVariance },
    };
  }
}

/**
 * The mean one per input, one variance per kept component (as many as a
 * count of components asks for), and the components themselves kept ×
 * inputs, as transform and predict read them.
 */
function loadPca(artifact: Artifact, source: string): PcaModel {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    params: field.params(PCA),
    inputNames: field.strings(),
    totalVariance: field.number({ min: 0 }),
  });
  const p = meta.inputNames.length;
  const { components: count } = meta.params;
  const specs = {
    mean: array.f64(p),
    components: array.f64(),
    explainedVariance: array.f64(count !== null && count >= 1 ? count : undefined),
  };
  // Read twice: the second time, the components must be as many as their variances.
  const kept = stored.arrays(specs).explainedVariance.length;
  const { mean, components, explainedVariance } = stored.arrays({
    ...specs,
    components: array.f64(kept * p),
  });
  return new PcaModel(meta.params, meta.inputNames, mean, components, explainedVariance, meta.totalVariance);
}

registerKind({
  declaration: PCA,
  role: 'model',
  build: (spec) => pca(PCA.resolve(spec.params)),
  load: loadPca,
});
