import type { Artifact } from '../../core/artifact.js';
import { declare, type ParamsOf, param } from '../../core/declare.js';
import { array, elements, field, storedArtifact } from '../../core/stored.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, Model, Target } from '../../estimator/contract.js';
import { registerKind } from '../../estimator/kinds.js';
import { checkRows, completeInput, trainingNames } from '../input.js';
import { KdTree } from '../neighbors/kd-tree.js';
import { reducedDistance } from '../neighbors/search.js';

/**
 * DBSCAN (Ester et al. 1996), as scikit-learn's: a row is a core row when
 * the (weighted) count of rows within eps of it, itself included, reaches
 * minSamples; clusters are the core rows connected through such
 * neighbourhoods, plus the non-core rows within eps of them; the rest is
 * noise (−1). Clusters are numbered in the order of their first core row,
 * and a border row within reach of two clusters joins the one expanded
 * first — scikit-learn's rule, so labels match its exactly.
 *
 * It is a fit-only method: `labels` is the answer for the training rows.
 * `predict` extends it to new rows by the label of the nearest core row
 * within eps (−1 when none is).
 */
export const DBSCAN = declare({
  kind: 'dbscan',
  summary: 'density-based clustering: dense regions become clusters, isolated rows noise',
  tasks: ['clustering'],
  tags: { wantsScaling: true },
  params: {
    eps: param.float({
      default: 0.5,
      above: 0,
      doc: 'neighbourhood radius (euclidean, on the standardised columns)',
    }),
    minSamples: param.int({
      default: 5,
      min: 1,
      doc: 'rows within eps (itself included) that make a row a core row',
    }),
  },
});

export type DbscanParams = ParamsOf<typeof DBSCAN.params>;

export function dbscan(params: Partial<DbscanParams> = {}): Estimator<DbscanModel> {
  const merged = DBSCAN.resolve(params);
  return {
    kind: 'dbscan',
    params: merged,
    acceptsMissing: DBSCAN.tags.acceptsMissing,
    fit: (X: Matrix | Frame, _y?: Target, options: FitOptions = {}) => fitDbscan(merged, X, options),
  };
}

function fitDbscan(params: DbscanParams, X: Matrix | Frame, options: FitOptions): DbscanModel {
  const matrix = completeInput(X, trainingNames(X), 'dbscan');
  checkRows(matrix, undefined, options.sampleWeight);
  const neighbourhoods = radiusNeighbourhoods(matrix, params.eps);
  const core = coreRows(neighbourhoods, options.sampleWeight, params.minSamples);
  const labels = expandClusters(neighbourhoods, core);
  const coreIndex: number[] = [];
  core.forEach((isCore, row) => {
    if (isCore) coreIndex.push(row);
  });
  const p = matrix.cols;
  const corePoints = new Float64Array(coreIndex.length * p);
  coreIndex.forEach((row, c) => {
    corePoints.set(matrix.data.subarray(row * p, (row + 1) * p), c * p);
  });
  const coreLabels = Int32Array.from(coreIndex, (row) => labels[row]!);
  return new DbscanModel(params, matrix.columnNames, labels, corePoints, coreLabels);
}

/** Every row's neighbours within eps (itself included), as offsets into one index list (CSR). */
interface Neighbourhoods {
  readonly offsets: Int32Array;
  readonly members: Int32Array;
}

/** Rows above which, with few features, a k-d tree finds the neighbourhoods faster than all pairs. */
const TREE_MIN_ROWS = 64;
const TREE_MAX_FEATURES = 15;

/** Squared distances against eps², by a k-d tree (Bentley 1975) for few features, else over all pairs. */
function radiusNeighbourhoods(X: Matrix, eps: number): Neighbourhoods {
  const n = X.rows;
  const radius = eps * eps;
  const lists: number[][] = Array.from({ length: n }, () => []);
  if (n >= TREE_MIN_ROWS && X.cols <= TREE_MAX_FEATURES) {
    const tree = new KdTree(X);
    for (let i = 0; i < n; i++) {
      const list = lists[i]!;
      tree.forEachWithin(X, i, radius, 'euclidean', (row) => list.push(row));
    }
  } else {
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < n; t++) {
        if (reducedDistance(X.data, i, X.data, t, X.cols, true) <= radius) lists[i]!.push(t);
      }
    }
  }
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + lists[i]!.length;
  const members = new Int32Array(offsets[n]!);
  lists.forEach((list, i) => {
    members.set(list, offsets[i]!);
  });
  return { offsets, members };
}

function coreRows(hoods: Neighbourhoods, weight: Float64Array | undefined, minSamples: number): boolean[] {
  const n = hoods.offsets.length - 1;
  return Array.from({ length: n }, (_, i) => {
    let count = 0;
    for (let s = hoods.offsets[i]!; s < hoods.offsets[i + 1]!; s++) count += weight?.[hoods.members[s]!] ?? 1;
    return count >= minSamples;
  });
}

/** Depth-first expansion from each unlabelled core row in row order (scikit-learn's dbscan_inner). */
function expandClusters(hoods: Neighbourhoods, core: readonly boolean[]): Int32Array {
  const labels = new Int32Array(core.length).fill(-1);
  const stack = new Int32Array(hoods.members.length + 1);
  let cluster = 0;
  for (let seed = 0; seed < core.length; seed++) {
    if (labels[seed] !== -1 || !core[seed]) continue;
    let top = 0;
    stack[top++] = seed;
    while (top > 0) {
      const row = stack[--top]!;
      if (labels[row] !== -1) continue;
      labels[row] = cluster;
      if (!core[row]) continue;
      for (let s = hoods.offsets[row]!; s < hoods.offsets[row + 1]!; s++) {
        const member = hoods.members[s]!;
        if (labels[member] === -1) stack[top++] = member;
      }
    }
    cluster++;
  }
  return labels;
}

export class DbscanModel implements Model {
  readonly kind = 'dbscan';
  readonly task = 'clustering';

  constructor(
    readonly params: DbscanParams,
    readonly inputNames: readonly string[],
    /** The cluster of each training row; −1 for noise. */
    readonly labels: Int32Array,
    /** Row-major core rows × features. */
    readonly corePoints: Float64Array,
    readonly coreLabels: Int32Array,
  ) {}

  /** The label of the nearest core row within eps, or −1 (noise). */
  predict(X: Matrix | Frame): Float64Array {
    const matrix = completeInput(X, this.inputNames, this.kind);
    const p = matrix.cols;
    const radius = this.params.eps ** 2;
    const out = new Float64Array(matrix.rows).fill(-1);
    for (let i = 0; i < matrix.rows; i++) {
      let nearest = Number.POSITIVE_INFINITY;
      for (let c = 0; c < this.coreLabels.length; c++) {
        let sum = 0;
        for (let j = 0; j < p; j++) sum += (matrix.data[i * p + j]! - this.corePoints[c * p + j]!) ** 2;
        if (sum <= radius && sum < nearest) {
          nearest = sum;
          out[i] = this.coreLabels[c]!;
        }
      }
    }
    return out;
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: { params: this.params, inputNames: this.inputNames },
      arrays: { labels: this.labels, corePoints: this.corePoints, coreLabels: this.coreLabels },
    };
  }
}

/**
 * The training rows' labels (a cluster, or −1 for noise) and the core rows
 * with their clusters: core points are core rows × inputs, as predict reads
 * them.
 */
function loadDbscan(artifact: Artifact, source: string): DbscanModel {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({ params: field.params(DBSCAN), inputNames: field.strings() });
  const specs = {
    labels: array.i32(undefined, elements.atLeast(-1)),
    corePoints: array.f64(),
    coreLabels: array.i32(undefined, elements.atLeast(0)),
  };
  // Read twice: the second time, the core points must be as many as their labels.
  const coreRows = stored.arrays(specs).coreLabels.length;
  const { labels, corePoints, coreLabels } = stored.arrays({
    ...specs,
    corePoints: array.f64(coreRows * meta.inputNames.length),
  });
  return new DbscanModel(meta.params, meta.inputNames, labels, corePoints, coreLabels);
}

registerKind({
  declaration: DBSCAN,
  role: 'model',
  build: (spec) => dbscan(DBSCAN.resolve(spec.params)),
  load: loadDbscan,
});
