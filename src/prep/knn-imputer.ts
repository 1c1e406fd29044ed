import type { Artifact } from '../core/artifact.js';
import { declare, type ParamsOf, param } from '../core/declare.js';
import { array, field, storedArtifact } from '../core/stored.js';
import { Frame } from '../data/frame.js';
import type { FittedTransformer, Transformer } from '../estimator/contract.js';
import { registerKind } from '../estimator/kinds.js';
import { numberColumn, numericValues } from './columns.js';

/**
 * Fills each missing value from the k training rows nearest to its row, as
 * scikit-learn's KNNImputer (Troyanskaya et al. 2001): the mean of their
 * values in that column (or, with `weights: 'distance'`, the mean weighted by
 * 1/distance). Distances are "nan-Euclidean": over the coordinates both rows
 * have, scaled up to all p columns, √(p / present · Σ (x − y)²). Only
 * training rows that have the column are candidates; a row that shares no
 * coordinate with any of them gets the column's training mean. Equal
 * distances are broken by training row order. Numeric columns only; scale
 * them first if their units differ, or the largest dominates the distance.
 */
const KIND = 'knn-imputer';

export const KNN_IMPUTER = declare({
  kind: KIND,
  summary: 'fills each missing value from the nearest training rows',
  tasks: ['transform'],
  params: {
    k: param.int({ default: 5, min: 1, doc: 'neighbours a missing value is filled from' }),
    weights: param.choice(['uniform', 'distance'], {
      default: 'uniform',
      doc: "the neighbours' weights: equal, or 1/distance",
    }),
    addIndicator: param.bool({
      default: false,
      doc: 'add a 0/1 NAME__missing column after each column that had missing values in training',
    }),
  },
});

export type KnnImputerParams = ParamsOf<typeof KNN_IMPUTER.params>;

export function knnImputer(params: Partial<KnnImputerParams> = {}): Transformer<FittedKnnImputer> {
  const p = KNN_IMPUTER.resolve(params);
  return {
    kind: KIND,
    params: p,
    fit(frame: Frame) {
      const names = frame.names;
      const columns = names.map((name) => numericValues(frame, name, KIND));
      const rows = frame.rowCount;
      const training = new Float64Array(rows * names.length);
      columns.forEach((values, j) => {
        for (let i = 0; i < rows; i++) training[i * names.length + j] = values[i]!;
      });
      const indicated = p.addIndicator ? names.filter((_, j) => columns[j]!.some(Number.isNaN)) : [];
      return new FittedKnnImputer(p, names, training, columnMeans(columns), indicated);
    },
  };
}

function columnMeans(columns: readonly Float64Array[]): Float64Array {
  return Float64Array.from(columns, (values) => {
    let n = 0;
    let sum = 0;
    for (const v of values) {
      if (Number.isNaN(v)) continue;
      n++;
      sum += v;
    }
    return sum / n;
  });
}

export class FittedKnnImputer implements FittedTransformer {
  readonly kind = KIND;

  constructor(
    readonly params: KnnImputerParams,
    readonly inputNames: readonly string[],
    /** The training rows, row-major: the candidates to fill from. */
    readonly training: Float64Array,
    /** Each column's training mean, for rows with no coordinate in common with any candidate. */
    readonly means: Float64Array,
    /** Columns that get a 0/1 `NAME__missing` column after the imputed ones. */
    readonly indicated: readonly string[],
  ) {}

  get outputNames(): readonly string[] {
    return [...this.inputNames, ...this.indicated.map(indicatorName)];
  }

  transform(frame: Frame): Frame {
    const columns = this.inputNames.map((name) => numericValues(frame, name, KIND));
    const filled = columns.map((values) => Float64Array.from(values));
    const p = columns.length;
    const row = new Float64Array(p);
    const search = new NeighbourSearch(this.training, p, this.params.k);
    for (let i = 0; i < frame.rowCount; i++) {
      let missing = false;
      for (let j = 0; j < p; j++) {
        row[j] = columns[j]![i]!;
        if (Number.isNaN(row[j]!)) missing = true;
      }
      if (!missing) continue;
      search.distancesFrom(row);
      for (let j = 0; j < p; j++) {
        if (Number.isNaN(row[j]!)) filled[j]![i] = search.fill(j, this.params.weights, this.means[j]!);
      }
    }
    const imputed = this.inputNames.map((name, j) => numberColumn(name, filled[j]!));
    const indicators = this.indicated.map((name) =>
      numberColumn(
        indicatorName(name),
        Float64Array.from(numericValues(frame, name, KIND), (v) => (Number.isNaN(v) ? 1 : 0)),
      ),
    );
    return new Frame([...imputed, ...indicators], frame.source);
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: { params: this.params, inputNames: this.inputNames, indicated: this.indicated },
      arrays: { training: this.training, means: this.means },
    };
  }
}

/** Distances from one row to every training row, and the k nearest candidates for a column. */
class NeighbourSearch {
  private readonly distances: Float64Array;
  private readonly nearest: Int32Array;
  private readonly nearestDistance: Float64Array;

  constructor(
    private readonly training: Float64Array,
    private readonly cols: number,
    private readonly k: number,
  ) {
    this.distances = new Float64Array(training.length / cols);
    this.nearest = new Int32Array(k);
    this.nearestDistance = new Float64Array(k);
  }

  /** nan-Euclidean distances from `row`; NaN to a training row with no coordinate in common. */
  distancesFrom(row: Float64Array): void {
    const { training, cols } = this;
    for (let t = 0; t < this.distances.length; t++) {
      let sum = 0;
      let present = 0;
      for (let j = 0; j < cols; j++) {
        const d = row[j]! - training[t * cols + j]!;
        if (Number.isNaN(d)) continue;
        sum += d * d;
        present++;
      }
      this.distances[t] = present === 0 ? Number.NaN : Math.sqrt((sum * cols) / present);
    }
  }

  /** The value for column j: from the k nearest training rows that have it (NaN distances last). */
  fill(j: number, weights: 'uniform' | 'distance', mean: number): number {
    const found = this.kNearest(j);
    if (found === 0 || Number.isNaN(this.nearestDistance[0]!)) return mean;
    const values = (m: number) => this.training[this.nearest[m]! * this.cols + j]!;
    if (weights === 'uniform') {
      let sum = 0;
      for (let m = 0; m < found; m++) sum += values(m);
      return sum / found;
    }
    // 1/distance weights; an exact match (distance 0) takes all the weight; no distance, none.
    const exact = this.nearestDistance[0] === 0;
    let sum = 0;
    let total = 0;
    for (let m = 0; m < found; m++) {
      const d = this.nearestDistance[m]!;
      const w = exact ? (d === 0 ? 1 : 0) : Number.isNaN(d) ? 0 : 1 / d;
      sum += w * values(m);
      total += w;
    }
    return sum / total;
  }

  /** Fills `nearest` with up to k candidates in ascending distance (ties: earlier row); returns how many. */
  private kNearest(j: number): number {
    const { training, cols, k, nearest, nearestDistance, distances } = this;
    let found = 0;
    for (let t = 0; t < distances.length; t++) {
      if (Number.isNaN(training[t * cols + j]!)) continue;
      const d = Number.isNaN(distances[t]!) ? Number.POSITIVE_INFINITY : distances[t]!;
      if (found === k && !(d < rank(nearestDistance[k - 1]!))) continue;
      let at = found < k ? found++ : k - 1;
      while (at > 0 && rank(nearestDistance[at - 1]!) > d) {
        nearest[at] = nearest[at - 1]!;
        nearestDistance[at] = nearestDistance[at - 1]!;
        at--;
      }
      nearest[at] = t;
      nearestDistance[at] = distances[t]!;
    }
    return found;
  }
}

/** NaN distances (no coordinate in common) rank after every real one. */
function rank(distance: number): number {
  return Number.isNaN(distance) ? Number.POSITIVE_INFINITY : distance;
}

function indicatorName(name: string): string {
  return `${name}__missing`;
}

function loadKnnImputer(artifact: Artifact, source: string): FittedKnnImputer {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    params: field.params(KNN_IMPUTER),
    inputNames: field.strings(),
    indicated: field.strings(),
  });
  const p = meta.inputNames.length;
  const { training, means } = stored.arrays({ training: array.f64(), means: array.f64(p) });
  // Row-major rows of p values: a ragged length would shift every row after the first.
  stored.require(
    p === 0 ? training.length === 0 : training.length % p === 0,
    'arrays.training',
    `has ${training.length} values, not a whole number of rows of ${p} input columns`,
  );
  meta.indicated.forEach((name, k) => {
    stored.require(
      meta.inputNames.includes(name),
      `meta.indicated[${k}]`,
      `is "${name}", not an input column`,
    );
  });
  return new FittedKnnImputer(meta.params, meta.inputNames, training, means, meta.indicated);
}

registerKind({
  declaration: KNN_IMPUTER,
  role: 'transformer',
  build: (spec) => knnImputer(KNN_IMPUTER.resolve(spec.params)),
  load: loadKnnImputer,
});
