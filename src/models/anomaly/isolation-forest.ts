import type { Artifact } from '../../core/artifact.js';
import { UsageError } from '../../core/errors.js';
import { checkNumber, withDefaults } from '../../core/params.js';
import { Rng } from '../../core/random.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, Model, Params, Target } from '../../estimator/contract.js';
import { registerLoader } from '../../estimator/persist.js';
import { checkRows, completeInput, trainingNames } from '../input.js';
import { resolveMaxFeatures } from '../tree/tree-params.js';
import {
  averagePathLength,
  IsolationTreeBuilder,
  type IsolationTrees,
  meanPathLengths,
  type TreeSample,
} from './isolation-tree.js';

/**
 * Isolation forest (Liu, Ting & Zhou 2008), with scikit-learn 1.2's
 * parameters and conventions: each tree is grown on a subsample of ψ rows,
 * splitting on random features at random thresholds down to depth
 * ⌈log₂ ψ⌉. Anomalies are few and different, so they are isolated near the
 * root: a short mean path length E[h(x)] means abnormal. The anomaly score
 * is s = 2^(−E[h(x)] / c(ψ)), near 1 for anomalies and at most 0.5 for normal rows.
 *
 * `scoreSamples` is −s (scikit-learn's sign: lower = more abnormal);
 * `decisionFunction` is −s − offset, negative for outliers; `predict` is 1 for
 * outliers and 0 for inliers (keel's anomaly contract, where scikit-learn says −1/1).
 */
export interface IsolationForestParams extends Params {
  readonly trees: number;
  /** Rows per tree: 'auto' = min(256, n); a share in (0, 1] of the rows; or a count (at most n is used). */
  readonly maxSamples: number | 'auto';
  /** 'auto': offset −0.5 (the paper's threshold); a share in (0, 0.5]: that share of training rows is flagged. */
  readonly contamination: number | 'auto';
  /** Features per tree: a share in (0, 1] or a whole count (1 = all, as keel's maxFeatures everywhere). */
  readonly maxFeatures: number;
  /** Draw each tree's rows with replacement. */
  readonly bootstrap: boolean;
  readonly seed: number;
}

const KIND = 'isolation-forest';
const DEFAULTS: IsolationForestParams = {
  trees: 100,
  maxSamples: 'auto',
  contamination: 'auto',
  maxFeatures: 1,
  bootstrap: false,
  seed: 0,
};
const AUTO_SAMPLES = 256;
const AUTO_OFFSET = -0.5;

export function isolationForest(
  params: Partial<IsolationForestParams> = {},
): Estimator<IsolationForestModel> {
  const merged = withDefaults(KIND, DEFAULTS, params);
  checkIsolationParams(merged);
  return {
    kind: KIND,
    params: merged,
    acceptsMissing: false,
    fit: (X: Matrix | Frame, _y?: Target, options: FitOptions = {}) => fitIsolationForest(merged, X, options),
  };
}

function checkIsolationParams(params: IsolationForestParams): void {
  checkNumber(KIND, 'trees', params.trees, 1, Number.POSITIVE_INFINITY, true);
  checkNumber(KIND, 'seed', params.seed, 0, 2 ** 32 - 1, true);
  if (params.maxSamples !== 'auto') {
    const m = params.maxSamples;
    if (!(typeof m === 'number' && ((m > 0 && m <= 1) || (m > 1 && Number.isInteger(m))))) {
      throw badParam('maxSamples', `"auto", a share in (0, 1] or a whole count`, m);
    }
  }
  const c = params.contamination;
  if (c !== 'auto' && !(typeof c === 'number' && c > 0 && c <= 0.5)) {
    throw badParam('contamination', '"auto" or a share in (0, 0.5]', c);
  }
  const f = params.maxFeatures;
  if (!(typeof f === 'number' && ((f > 0 && f <= 1) || (f > 1 && Number.isInteger(f))))) {
    throw badParam('maxFeatures', 'a share in (0, 1] or a whole count', f);
  }
  if (typeof params.bootstrap !== 'boolean') throw badParam('bootstrap', 'true or false', params.bootstrap);
}

function badParam(field: string, wanted: string, value: unknown): UsageError {
  return new UsageError(
    'usage.bad-param',
    `${KIND}: ${field} must be ${wanted}, not ${JSON.stringify(value)}`,
    {
      location: { field },
    },
  );
}

function fitIsolationForest(
  params: IsolationForestParams,
  X: Matrix | Frame,
  options: FitOptions,
): IsolationForestModel {
  const matrix = completeInput(X, trainingNames(X), KIND);
  checkRows(matrix, undefined, options.sampleWeight);
  if (options.sampleWeight !== undefined) {
    throw new UsageError('usage.no-weights', `${KIND} does not use sample weights`, {
      location: { field: 'sampleWeight' },
      hint: 'leave sampleWeight out; repeat rows to give them more weight',
    });
  }
  const sampleSize = resolveSampleSize(params.maxSamples, matrix.rows);
  const featureCount = resolveMaxFeatures(KIND, params.maxFeatures, matrix.cols);
  const rng = options.rng ?? new Rng(params.seed);
  // One seed per tree, drawn up front, so trees could be grown in any order or on any thread.
  const seeds = Uint32Array.from({ length: params.trees }, () => rng.nextUint32());
  const builder = new IsolationTreeBuilder();
  const pool = Int32Array.from({ length: matrix.rows }, (_, i) => i);
  const allFeatures = Int32Array.from({ length: matrix.cols }, (_, j) => j);
  const maxDepth = Math.ceil(Math.log2(Math.max(sampleSize, 2)));
  for (let t = 0; t < params.trees; t++) {
    const treeRng = new Rng(seeds[t]!);
    const features = drawWithoutReplacement(allFeatures, featureCount, treeRng);
    const rows = params.bootstrap
      ? Int32Array.from({ length: sampleSize }, () => treeRng.int(matrix.rows))
      : drawWithoutReplacement(pool, sampleSize, treeRng);
    const sample: TreeSample = { rows, features, maxDepth };
    builder.grow(matrix, sample, treeRng);
    options.onProgress?.(t + 1, params.trees);
  }
  const trees = builder.finish();
  const unshifted = new IsolationForestModel(params, matrix.columnNames, trees, sampleSize, AUTO_OFFSET);
  if (params.contamination === 'auto') return unshifted;
  const offset = percentile(unshifted.scoreSamples(matrix), params.contamination);
  return new IsolationForestModel(params, matrix.columnNames, trees, sampleSize, offset);
}

/** ψ as scikit-learn resolves max_samples: a count larger than n is cut to n. */
function resolveSampleSize(maxSamples: number | 'auto', rows: number): number {
  const size =
    maxSamples === 'auto'
      ? Math.min(AUTO_SAMPLES, rows)
      : maxSamples <= 1
        ? Math.floor(maxSamples * rows)
        : Math.min(maxSamples, rows);
  if (size < 2) {
    throw new UsageError(
      'usage.too-few-rows',
      `${KIND} needs at least 2 rows per tree, and maxSamples gives ${size} of ${rows} rows`,
      { location: { field: 'maxSamples' }, hint: 'give more rows, or a larger maxSamples' },
    );
  }
  return size;
}

/**
 * `count` items of `pool`, drawn without replacement by a partial Fisher–Yates
 * shuffle of the pool itself (left shuffled, which keeps later draws uniform).
 */
function drawWithoutReplacement(pool: Int32Array, count: number, rng: Rng): Int32Array {
  for (let k = 0; k < count; k++) {
    const pick = k + rng.int(pool.length - k);
    const item = pool[pick]!;
    pool[pick] = pool[k]!;
    pool[k] = item;
  }
  return pool.slice(0, count);
}

/** numpy's default percentile: linear interpolation between the order statistics around q·(n − 1). */
function percentile(values: Float64Array, share: number): number {
  const sorted = Float64Array.from(values).sort();
  const at = share * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (at - below) * (sorted[above]! - sorted[below]!);
}

export class IsolationForestModel implements Model {
  readonly kind = KIND;
  readonly task = 'anomaly';
  /** c(s) for every leaf size s ≤ ψ: the expected remaining depth below a leaf. */
  private readonly pathTail: Float64Array;

  constructor(
    readonly params: IsolationForestParams,
    readonly inputNames: readonly string[],
    readonly trees: IsolationTrees,
    /** ψ: the rows each tree was grown on. */
    readonly sampleSize: number,
    /** scoreSamples below this flags an outlier (scikit-learn's offset_). */
    readonly offset: number,
  ) {
    this.pathTail = Float64Array.from({ length: sampleSize + 1 }, (_, s) => averagePathLength(s));
  }

  get treeCount(): number {
    return this.trees.treeStart.length - 1;
  }

  /** −2^(−E[h(x)] / c(ψ)): in [−1, 0), lower = more abnormal (scikit-learn's score_samples). */
  scoreSamples(X: Matrix | Frame): Float64Array {
    const matrix = completeInput(X, this.inputNames, this.kind);
    const paths = meanPathLengths(this.trees, this.pathTail, matrix);
    const norm = averagePathLength(this.sampleSize);
    return paths.map((h) => -(2 ** (-h / norm)));
  }

  /** scoreSamples − offset: negative for outliers, positive for inliers. */
  decisionFunction(X: Matrix | Frame): Float64Array {
    return this.scoreSamples(X).map((s) => s - this.offset);
  }

  /** 1 for an outlier (decision function below 0), 0 for an inlier. */
  predict(X: Matrix | Frame): Float64Array {
    return this.decisionFunction(X).map((d) => (d < 0 ? 1 : 0));
  }

  toArtifact(): Artifact {
    const { feature, threshold, right, size, treeStart } = this.trees;
    return {
      kind: this.kind,
      version: 1,
      meta: {
        params: this.params,
        inputNames: this.inputNames,
        sampleSize: this.sampleSize,
        offset: this.offset,
      },
      arrays: { feature, threshold, right, size, treeStart },
    };
  }
}

registerLoader(KIND, 1, (artifact) => {
  const meta = artifact.meta as {
    params: IsolationForestParams;
    inputNames: string[];
    sampleSize: number;
    offset: number;
  };
  const a = artifact.arrays;
  const trees: IsolationTrees = {
    feature: a['feature'] as Int32Array,
    threshold: a['threshold'] as Float64Array,
    right: a['right'] as Int32Array,
    size: a['size'] as Int32Array,
    treeStart: a['treeStart'] as Int32Array,
  };
  return new IsolationForestModel(meta.params, meta.inputNames, trees, meta.sampleSize, meta.offset);
});
