import type { Artifact } from '../../core/artifact.js';
import { declare, domain, type ParamsOf, param } from '../../core/declare.js';
import { UsageError } from '../../core/errors.js';
import { Rng } from '../../core/random.js';
import { array, elements, field, storedArtifact } from '../../core/stored.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, Model, Target } from '../../estimator/contract.js';
import { registerKind } from '../../estimator/kinds.js';
import { checkRows, completeInput, trainingNames } from '../input.js';
import { checkChildren, checkTreeStart } from '../tree/stored-trees.js';
import { resolveMaxFeatures, seedParam } from '../tree/tree-params.js';
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
const KIND = 'isolation-forest';

export const ISOLATION_FOREST = declare({
  kind: KIND,
  summary: 'isolation forest: rows that random splits isolate quickly are anomalies',
  tasks: ['anomaly'],
  params: {
    trees: param.int({ default: 100, min: 1, doc: 'number of trees' }),
    /** 'auto' = min(256, n); a share of the rows; or a count (at most n is used). */
    maxSamples: param.of<number | 'auto'>(
      [domain.enum('auto'), domain.float({ above: 0, max: 1 }), domain.int({ min: 2 })],
      { default: 'auto', doc: 'rows per tree: auto (min(256, rows)), a share in (0, 1], or a count' },
    ),
    /** 'auto': offset −0.5 (the paper's threshold); a share: that share of training rows is flagged. */
    contamination: param.of<number | 'auto'>([domain.enum('auto'), domain.float({ above: 0, max: 0.5 })], {
      default: 'auto',
      doc: 'share of rows to flag, in (0, 0.5]; auto flags anomaly scores above 0.5',
    }),
    /** 1 = all, as keel's maxFeatures everywhere. */
    maxFeatures: param.of<number>([domain.float({ above: 0, max: 1 }), domain.int({ min: 2 })], {
      default: 1,
      doc: 'features per tree: a share in (0, 1] or a count',
    }),
    bootstrap: param.bool({ default: false, doc: "draw each tree's rows with replacement" }),
    seed: seedParam('seed for row samples, features and thresholds (default: --seed)'),
  },
});

export type IsolationForestParams = ParamsOf<typeof ISOLATION_FOREST.params>;

const AUTO_SAMPLES = 256;
const AUTO_OFFSET = -0.5;

export function isolationForest(
  params: Partial<IsolationForestParams> = {},
): Estimator<IsolationForestModel> {
  const merged = ISOLATION_FOREST.resolve(params);
  return {
    kind: KIND,
    params: merged,
    acceptsMissing: ISOLATION_FOREST.tags.acceptsMissing,
    fit: (X: Matrix | Frame, _y?: Target, options: FitOptions = {}) => fitIsolationForest(merged, X, options),
  };
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
  /**
   * c(size) for every leaf, by node: the expected remaining depth below it.
   * Indexed by node rather than by size so that its length follows the
   * stored trees, not ψ (a crafted ψ near 2³¹ would otherwise ask for 16 GB).
   */
  private readonly leafTail: Float64Array;

  constructor(
    readonly params: IsolationForestParams,
    readonly inputNames: readonly string[],
    readonly trees: IsolationTrees,
    /** ψ: the rows each tree was grown on. */
    readonly sampleSize: number,
    /** scoreSamples below this flags an outlier (scikit-learn's offset_). */
    readonly offset: number,
  ) {
    const { feature, size } = trees;
    this.leafTail = Float64Array.from(size, (s, node) => (feature[node]! < 0 ? averagePathLength(s) : 0));
  }

  get treeCount(): number {
    return this.trees.treeStart.length - 1;
  }

  /** −2^(−E[h(x)] / c(ψ)): in [−1, 0), lower = more abnormal (scikit-learn's score_samples). */
  scoreSamples(X: Matrix | Frame): Float64Array {
    const matrix = completeInput(X, this.inputNames, this.kind);
    const paths = meanPathLengths(this.trees, this.leafTail, matrix);
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

/**
 * A stored isolation forest, checked so that scoring stays inside its
 * arrays: as many trees as its parameters say, one entry per node in every
 * array, features within the inputs, a split's left child (the next node)
 * and right child inside its tree after it, node sizes within ψ and ψ at
 * every root.
 */
function loadIsolationForest(artifact: Artifact, source: string): IsolationForestModel {
  const stored = storedArtifact(artifact, source);
  const { fail } = stored;
  const meta = stored.meta({
    params: field.params(ISOLATION_FOREST),
    inputNames: field.strings(),
    sampleSize: field.int({ min: 2, max: 2 ** 31 - 1 }),
    offset: field.number(),
  });
  const treeCount = meta.params.trees;
  const specs = (nodes?: number) => ({
    feature: array.i32(
      nodes,
      nodes === undefined ? undefined : elements.indexBelow(meta.inputNames.length, true),
    ),
    threshold: array.f64(nodes),
    right: array.i32(nodes, nodes === undefined ? undefined : elements.indexBelow(nodes, true)),
    size: array.i32(nodes, elements.between(1, meta.sampleSize)),
    treeStart: array.i32(treeCount + 1),
  });
  const nodes = checkTreeStart(stored.arrays(specs()).treeStart, fail);
  const trees = stored.arrays(specs(nodes));
  checkChildren('right', trees.right, trees.feature, trees.treeStart, false, fail);
  for (let t = 0; t < treeCount; t++) {
    const root = trees.treeStart[t]!;
    if (trees.size[root] !== meta.sampleSize) {
      fail(
        `arrays.size[${root}]`,
        `is ${trees.size[root]}, but tree ${t} was grown on ${meta.sampleSize} rows`,
      );
    }
  }
  return new IsolationForestModel(meta.params, meta.inputNames, trees, meta.sampleSize, meta.offset);
}

registerKind({
  declaration: ISOLATION_FOREST,
  role: 'model',
  build: (spec) => isolationForest(ISOLATION_FOREST.resolve(spec.params)),
  load: loadIsolationForest,
});
