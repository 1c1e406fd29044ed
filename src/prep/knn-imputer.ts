import type { Artifact } from '../core/artifact.js';
import { UsageError } from '../core/errors.js';
import { checkNumber, withDefaults } from '../core/params.js';
import { Frame } from '../data/frame.js';
import type { FittedTransformer, Params, Transformer } from '../estimator/contract.js';
import { registerLoader } from '../estimator/persist.js';
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
export interface KnnImputerParams extends Params {
  readonly k: number;
  readonly weights: 'uniform' | 'distance';
  readonly addIndicator: boolean;
}

const KIND = 'knn-imputer';
const DEFAULTS: KnnImputerParams = { k: 5, weights: 'uniform', addIndicator: false };

export function knnImputer(params: Partial<KnnImputerParams> = {}): Transformer<FittedKnnImputer> {
  const p = withDefaults(KIND, DEFAULTS, params);
  checkNumber(KIND, 'k', p.k, 1, Number.POSITIVE_INFINITY, true);
  if (p.weights !== 'uniform' && p.weights !== 'distance') {
    throw new UsageError(
      'usage.bad-param',
      `${KIND}: weights must be "uniform" or "distance", not "${p.weights}"`,
      {
        location: { field: 'weights' },
      },
    );
  }
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

registerLoader(KIND, 1, (a) => {
  const meta = a.meta as { params: KnnImputerParams; inputNames: string[]; indicated: string[] };
  return new FittedKnnImputer(
    meta.params,
    meta.inputNames,
    a.arrays['training'] as Float64Array,
    a.arrays['means'] as Float64Array,
    meta.indicated,
  );
});
