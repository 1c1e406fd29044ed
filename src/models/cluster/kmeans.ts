import type { Artifact } from '../../core/artifact.js';
import { UsageError } from '../../core/errors.js';
import { checkNumber, withDefaults } from '../../core/params.js';
import { Rng } from '../../core/random.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, Model, Params, Target } from '../../estimator/contract.js';
import { registerLoader } from '../../estimator/persist.js';
import { columnVariances } from '../../numeric/linalg.js';
import { checkRows, completeInput, trainingNames } from '../input.js';
import { type LloydResult, lloyd, squaredDistance, squaredDistanceUpTo } from './lloyd.js';

/**
 * k-means, as scikit-learn's KMeans (algorithm 'lloyd'): centres seeded by
 * greedy k-means++, then Lloyd iterations until no label changes or the
 * centres move less than tol × the mean feature variance in total squared
 * distance. With nInit > 1 the whole fit is repeated from fresh seeds and the
 * run with the lowest inertia (weighted sum of squared distances to the
 * nearest centre) is kept.
 */
export interface KmeansParams extends Params {
  readonly k: number;
  readonly nInit: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly seed: number;
}

const DEFAULTS: KmeansParams = { k: 8, nInit: 1, maxIter: 300, tol: 1e-4, seed: 0 };

export function kmeans(params: Partial<KmeansParams> = {}): Estimator<KmeansModel> {
  const merged = withDefaults('kmeans', DEFAULTS, params);
  checkNumber('kmeans', 'k', merged.k, 1, Number.POSITIVE_INFINITY, true);
  checkNumber('kmeans', 'nInit', merged.nInit, 1, Number.POSITIVE_INFINITY, true);
  checkNumber('kmeans', 'maxIter', merged.maxIter, 1, Number.POSITIVE_INFINITY, true);
  checkNumber('kmeans', 'tol', merged.tol, 0);
  checkNumber('kmeans', 'seed', merged.seed, 0, 2 ** 32 - 1, true);
  return {
    kind: 'kmeans',
    params: merged,
    acceptsMissing: false,
    fit: (X: Matrix | Frame, _y?: Target, options: FitOptions = {}) => fitKmeans(merged, X, options),
  };
}

function fitKmeans(params: KmeansParams, X: Matrix | Frame, options: FitOptions): KmeansModel {
  const matrix = completeInput(X, trainingNames(X), 'kmeans');
  checkRows(matrix, undefined, options.sampleWeight);
  if (params.k > matrix.rows) {
    throw new UsageError('usage.bad-param', `kmeans: k is ${params.k}, but there are ${matrix.rows} rows`, {
      location: { field: 'k' },
      hint: 'choose k no larger than the number of rows',
    });
  }
  const weight = options.sampleWeight ?? new Float64Array(matrix.rows).fill(1);
  const rng = options.rng ?? new Rng(params.seed);
  const tolerance = params.tol * meanColumnVariance(matrix);
  let best: LloydResult | undefined;
  for (let run = 0; run < params.nInit; run++) {
    const seeds = kmeansPlusPlus(matrix, weight, params.k, rng);
    const result = lloyd(matrix, weight, seeds, params.maxIter, tolerance);
    if (best === undefined || result.inertia < best.inertia) best = result;
    options.onProgress?.(run + 1, params.nInit);
  }
  return new KmeansModel(params, matrix.columnNames, best!.centres, best!.inertia, best!.iterations);
}

/** scikit-learn scales tol by the mean of the (unweighted, population) column variances. */
function meanColumnVariance(X: Matrix): number {
  let total = 0;
  for (const variance of columnVariances(X)) total += variance;
  return total / X.cols;
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii 2007; the greedy form is
 * scikit-learn's): the first centre is a random row (by weight); each next
 * one is the best, by resulting potential, of 2 + ⌊ln k⌋ rows drawn with
 * probability proportional to weight × squared distance to the nearest
 * centre so far. Drawing several and keeping the best avoids the occasional
 * poor draw that plain k-means++ makes.
 */
export function kmeansPlusPlus(X: Matrix, weight: Float64Array, k: number, rng: Rng): Float64Array {
  const p = X.cols;
  const n = X.rows;
  const centres = new Float64Array(k * p);
  const closest = new Float64Array(n).fill(1);
  const copyRow = (row: number, c: number) => centres.set(X.data.subarray(row * p, (row + 1) * p), c * p);
  copyRow(drawRow(weight, closest, rng), 0);
  for (let i = 0; i < n; i++) closest[i] = squaredDistance(X, i, centres, 0);
  const trials = 2 + Math.floor(Math.log(k));
  const candidateDistances = new Float64Array(n);
  const bestDistances = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let bestPotential = Number.POSITIVE_INFINITY;
    let bestRow = 0;
    for (let t = 0; t < trials; t++) {
      const row = drawRow(weight, closest, rng);
      copyRow(row, c);
      let potential = 0;
      for (let i = 0; i < n; i++) {
        candidateDistances[i] = Math.min(closest[i]!, squaredDistanceUpTo(X, i, centres, c, closest[i]!));
        potential += weight[i]! * candidateDistances[i]!;
      }
      if (potential < bestPotential) {
        bestPotential = potential;
        bestRow = row;
        bestDistances.set(candidateDistances);
      }
    }
    copyRow(bestRow, c);
    closest.set(bestDistances);
  }
  return centres;
}

/** A row drawn with probability ∝ weight × score (uniform over positive weights when all scores are 0). */
function drawRow(weight: Float64Array, score: Float64Array, rng: Rng): number {
  let total = 0;
  for (let i = 0; i < weight.length; i++) total += weight[i]! * score[i]!;
  if (!(total > 0)) return rng.int(weight.length);
  const target = rng.next() * total;
  let cumulative = 0;
  for (let i = 0; i < weight.length; i++) {
    cumulative += weight[i]! * score[i]!;
    if (cumulative > target) return i;
  }
  return weight.length - 1;
}

/** Nearest centre for each row (the lower centre on a tie). */
function assignLabels(X: Matrix, centres: Float64Array, k: number, labels: Int32Array): void {
  for (let i = 0; i < X.rows; i++) {
    let nearest = 0;
    let nearestDistance = squaredDistance(X, i, centres, 0);
    for (let c = 1; c < k; c++) {
      const d = squaredDistanceUpTo(X, i, centres, c, nearestDistance);
      if (d < nearestDistance) {
        nearestDistance = d;
        nearest = c;
      }
    }
    labels[i] = nearest;
  }
}

export class KmeansModel implements Model {
  readonly kind = 'kmeans';
  readonly task = 'clustering';
  readonly outputNames: readonly string[];

  constructor(
    readonly params: KmeansParams,
    readonly inputNames: readonly string[],
    /** Row-major k × features. */
    readonly centres: Float64Array,
    /** Weighted sum of squared distances of the training rows to their nearest centre. */
    readonly inertia: number,
    readonly iterations: number,
  ) {
    this.outputNames = Array.from({ length: params.k }, (_, c) => `distance${c}`);
  }

  /** The nearest centre of each row (the lower-numbered on a tie). */
  predict(X: Matrix | Frame): Float64Array {
    const matrix = completeInput(X, this.inputNames, this.kind);
    const labels = new Int32Array(matrix.rows);
    assignLabels(matrix, this.centres, this.params.k, labels);
    return Float64Array.from(labels);
  }

  /** Euclidean distance from each row to each centre: row-major rows × k. */
  transform(X: Matrix | Frame): Matrix {
    const matrix = completeInput(X, this.inputNames, this.kind);
    const { k } = this.params;
    const out = new Float64Array(matrix.rows * k);
    for (let i = 0; i < matrix.rows; i++) {
      for (let c = 0; c < k; c++) out[i * k + c] = Math.sqrt(squaredDistance(matrix, i, this.centres, c));
    }
    return { data: out, rows: matrix.rows, cols: k, columnNames: this.outputNames };
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: {
        params: this.params,
        inputNames: this.inputNames,
        inertia: this.inertia,
        iterations: this.iterations,
      },
      arrays: { centres: this.centres },
    };
  }
}

registerLoader('kmeans', 1, (artifact) => {
  const meta = artifact.meta as {
    params: KmeansParams;
    inputNames: string[];
    inertia: number;
    iterations: number;
  };
  const centres = artifact.arrays['centres'] as Float64Array;
  return new KmeansModel(meta.params, meta.inputNames, centres, meta.inertia, meta.iterations);
});
