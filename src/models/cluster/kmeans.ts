import type { Artifact } from '../../core/artifact.js';
import { declare, type ParamsOf, param } from '../../core/declare.js';
import { UsageError } from '../../core/errors.js';
import { Rng } from '../../core/random.js';
import { array, field, storedArtifact } from '../../core/stored.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, Model, Target } from '../../estimator/contract.js';
import { registerKind } from '../../estimator/kinds.js';
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
export const KMEANS = declare({
  kind: 'kmeans',
  summary: 'k-means clustering: k-means++ starts, then Lloyd iterations',
  tasks: ['clustering'],
  tags: { wantsScaling: true },
  params: {
    k: param.int({ default: 8, min: 1, doc: 'number of clusters' }),
    nInit: param.int({
      default: 1,
      min: 1,
      doc: 'runs from fresh starts; the one with the lowest inertia is kept',
    }),
    maxIter: param.int({ default: 300, min: 1, doc: 'most Lloyd iterations per run' }),
    tol: param.float({
      default: 1e-4,
      min: 0,
      doc: 'stop when centres move less than this (relative to the data variance)',
    }),
    seed: param.int({
      default: 0,
      min: 0,
      max: 2 ** 32 - 1,
      doc: 'seed for the starting centres (default: --seed)',
    }),
  },
});

export type KmeansParams = ParamsOf<typeof KMEANS.params>;

export function kmeans(params: Partial<KmeansParams> = {}): Estimator<KmeansModel> {
  const merged = KMEANS.resolve(params);
  return {
    kind: 'kmeans',
    params: merged,
    acceptsMissing: KMEANS.tags.acceptsMissing,
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

/** k centres of as many coordinates as inputs: predict and transform read k × inputs of them. */
function loadKmeans(artifact: Artifact, source: string): KmeansModel {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    params: field.params(KMEANS),
    inputNames: field.strings(),
    inertia: field.number({ min: 0 }),
    iterations: field.int({ min: 0 }),
  });
  const { centres } = stored.arrays({ centres: array.f64(meta.params.k * meta.inputNames.length) });
  return new KmeansModel(meta.params, meta.inputNames, centres, meta.inertia, meta.iterations);
}

registerKind({
  declaration: KMEANS,
  role: 'model',
  build: (spec) => kmeans(KMEANS.resolve(spec.params)),
  load: loadKmeans,
});
