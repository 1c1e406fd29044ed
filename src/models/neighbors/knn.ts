import type { Artifact } from '../../core/artifact.js';
import { UsageError } from '../../core/errors.js';
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
import { checkRows, completeInput, requireTarget, trainingNames } from '../input.js';
import { KdTree } from './kd-tree.js';
import { bruteForceNeighbours, type Metric, type Neighbours, type Points, trueDistance } from './search.js';

/**
 * k nearest neighbours, as scikit-learn's KNeighborsClassifier and
 * KNeighborsRegressor: the k closest training rows vote (classification,
 * probabilities = their weighted class shares) or are averaged (regression).
 * `distance` weights are 1/d, and a query that coincides with training rows
 * takes only those (weight 1 each), as scikit-learn does.
 */
export interface KnnParams extends Params {
  readonly k: number;
  readonly weights: 'uniform' | 'distance';
  readonly metric: Metric;
}

const DEFAULTS: KnnParams = { k: 5, weights: 'uniform', metric: 'euclidean' };

/** Above this many features a k-d tree's boxes prune little, and brute force is faster. */
const TREE_MAX_FEATURES = 15;
/** Below this many rows, building a tree costs more than it saves. */
const TREE_MIN_ROWS = 64;

export function knn(params: Partial<KnnParams> = {}): Estimator<KnnModel> {
  const merged = withDefaults('knn', DEFAULTS, params);
  checkNumber('knn', 'k', merged.k, 1, Number.POSITIVE_INFINITY, true);
  checkChoice('weights', merged.weights, ['uniform', 'distance']);
  checkChoice('metric', merged.metric, ['euclidean', 'manhattan']);
  return {
    kind: 'knn',
    params: merged,
    acceptsMissing: false,
    fit(X: Matrix | Frame, y?: Target, options: FitOptions = {}) {
      const target = requireTarget(y, 'knn', ['regression', 'binary', 'multiclass']);
      const names = trainingNames(X, target);
      const matrix = completeInput(X, names, 'knn');
      checkRows(matrix, target, options.sampleWeight);
      if (merged.k > matrix.rows) {
        throw new UsageError('usage.bad-param', `knn: k is ${merged.k}, but there are ${matrix.rows} rows`, {
          location: { field: 'k' },
          hint: 'choose k no larger than the number of training rows',
        });
      }
      // Copies: the model must not change when the caller reuses its arrays.
      const train = { data: Float64Array.from(matrix.data), rows: matrix.rows, cols: matrix.cols };
      return new KnnModel(
        merged,
        names,
        target.classes,
        target.task,
        train,
        Float64Array.from(target.values),
      );
    },
  };
}

function checkChoice(name: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value === 'string' && allowed.includes(value)) return;
  throw new UsageError(
    'usage.bad-param',
    `knn: ${name} must be ${allowed.map((a) => `"${a}"`).join(' or ')}, not ${JSON.stringify(value)}`,
    { location: { field: name } },
  );
}

export class KnnModel implements Model {
  readonly kind = 'knn';
  private readonly tree: KdTree | undefined;
  /** Classifiers only: a regressor has no probabilities to give. */
  readonly predictProba?: (X: Matrix | Frame) => Float64Array;

  constructor(
    readonly params: KnnParams,
    readonly inputNames: readonly string[],
    readonly classes: readonly string[],
    readonly task: SupervisedTask,
    /** The training rows, row-major. */
    readonly train: Points,
    /** Regression: values. Classification: class indices. */
    readonly targets: Float64Array,
  ) {
    const useTree = train.cols <= TREE_MAX_FEATURES && train.rows >= TREE_MIN_ROWS;
    this.tree = useTree ? new KdTree(train) : undefined;
    if (task !== 'regression') {
      this.predictProba = (X) => {
        const found = this.neighbours(X);
        return this.classShares(found, this.weightsOf(found));
      };
    }
  }

  /** The k nearest training rows of each input row, nearest first (ties: lower row first). */
  neighbours(X: Matrix | Frame): Neighbours {
    const matrix = completeInput(X, this.inputNames, this.kind);
    const { k, metric } = this.params;
    return this.tree?.query(matrix, k, metric) ?? bruteForceNeighbours(this.train, matrix, k, metric);
  }

  predict(X: Matrix | Frame): Float64Array {
    const found = this.neighbours(X);
    const rows = found.indices.length / found.k;
    const weights = this.weightsOf(found);
    const out = new Float64Array(rows);
    if (this.task === 'regression') {
      for (let i = 0; i < rows; i++) {
        let sum = 0;
        let total = 0;
        for (let s = i * found.k; s < (i + 1) * found.k; s++) {
          sum += weights[s]! * this.targets[found.indices[s]!]!;
          total += weights[s]!;
        }
        out[i] = sum / total;
      }
      return out;
    }
    const votes = this.classShares(found, weights);
    const c = this.classes.length;
    for (let i = 0; i < rows; i++) {
      let best = 0;
      for (let j = 1; j < c; j++) if (votes[i * c + j]! > votes[i * c + best]!) best = j;
      out[i] = best;
    }
    return out;
  }

  /** Row-major rows × classes: each class's share of the neighbours' weight. */
  private classShares(found: Neighbours, weights: Float64Array): Float64Array {
    const c = this.classes.length;
    const rows = found.indices.length / found.k;
    const shares = new Float64Array(rows * c);
    for (let i = 0; i < rows; i++) {
      let total = 0;
      for (let s = i * found.k; s < (i + 1) * found.k; s++) {
        shares[i * c + this.targets[found.indices[s]!]!]! += weights[s]!;
        total += weights[s]!;
      }
      for (let j = 0; j < c; j++) shares[i * c + j]! /= total;
    }
    return shares;
  }

  /** Uniform: 1 each. Distance: 1/d, except that exact matches (d = 0) take all the weight. */
  private weightsOf(found: Neighbours): Float64Array {
    const weights = new Float64Array(found.indices.length).fill(1);
    if (this.params.weights === 'uniform') return weights;
    const { k } = found;
    for (let i = 0; i < weights.length; i += k) {
      const exact = found.distances[i] === 0;
      for (let s = i; s < i + k; s++) {
        const d = found.distances[s]!;
        weights[s] = exact ? (d === 0 ? 1 : 0) : 1 / trueDistance(d, this.params.metric);
      }
    }
    return weights;
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: {
        params: this.params,
        inputNames: this.inputNames,
        classes: this.classes,
        task: this.task,
        rows: this.train.rows,
      },
      arrays: { train: this.train.data, targets: this.targets },
    };
  }
}

registerLoader('knn', 1, (artifact) => {
  const meta = artifact.meta as {
    params: KnnParams;
    inputNames: string[];
    classes: string[];
    task: SupervisedTask;
    rows: number;
  };
  const data = artifact.arrays['train'] as Float64Array;
  const train = { data, rows: meta.rows, cols: meta.inputNames.length };
  return new KnnModel(
    meta.params,
    meta.inputNames,
    meta.classes,
    meta.task,
    train,
    artifact.arrays['targets'] as Float64Array,
  );
});
