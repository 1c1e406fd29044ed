import type { Artifact } from '../../core/artifact.js';
import { declare, type ParamsOf, param } from '../../core/declare.js';
import { UsageError } from '../../core/errors.js';
import { array, elements, field, storedArtifact } from '../../core/stored.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, Model, SupervisedTask, Target } from '../../estimator/contract.js';
import { registerKind } from '../../estimator/kinds.js';
import { checkRows, completeInput, requireTarget, trainingNames } from '../input.js';
import { KdTree } from './kd-tree.js';
import { bruteForceNeighbours, type Metric, type Neighbours, type Points, trueDistance } from './search.js';

/**
 * k nearest neighbours, as scikit-learn's KNeighborsClassifier and
 * KNeighborsRegressor: the k closest training rows vote (classification,
 * probabilities = their weighted class shares) or are averaged (regression).
 * `distance` weights are 1/d, and a query that coincides with training rows
 * takes only those (weight 1 each), as scikit-learn does. One kind for both
 * tasks: the artifact's `task` says which.
 */
export const KNN = declare({
  kind: 'knn',
  summary: 'k nearest neighbours (k-d tree for ≤ 15 features, blocked brute force otherwise)',
  tasks: ['regression', 'binary', 'multiclass'],
  tags: { wantsScaling: true },
  params: {
    k: param.int({
      default: 5,
      min: 1,
      doc: 'neighbours that vote',
      // k above half a fold's rows would vote with most of the data.
      search: ({ trainRows }) => ({
        low: 1,
        high: Math.max(2, Math.min(100, Math.floor(trainRows / 2))),
        log: true,
      }),
    }),
    weights: param.choice(['uniform', 'distance'], {
      default: 'uniform',
      doc: 'uniform, or distance (closer neighbours count more)',
      search: { choices: ['uniform', 'distance'] },
    }),
    metric: param.choice<Metric>(['euclidean', 'manhattan'], {
      default: 'euclidean',
      doc: 'euclidean or manhattan',
      search: { choices: ['euclidean', 'manhattan'] },
    }),
  },
});

export type KnnParams = ParamsOf<typeof KNN.params>;

/** Above this many features a k-d tree's boxes prune little, and brute force is faster. */
const TREE_MAX_FEATURES = 15;
/** Below this many rows, building a tree costs more than it saves. */
const TREE_MIN_ROWS = 64;

export function knn(params: Partial<KnnParams> = {}): Estimator<KnnModel> {
  const merged = KNN.resolve(params);
  return {
    kind: 'knn',
    params: merged,
    acceptsMissing: KNN.tags.acceptsMissing,
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

/**
 * The training rows and their targets, checked against each other: `rows`
 * rows of the inputs, one target each (a class index below the class count
 * for a classifier), and at least k of them, so a query always finds k.
 */
function loadKnn(artifact: Artifact, source: string): KnnModel {
  const stored = storedArtifact(artifact, source);
  const fields = {
    params: field.params(KNN),
    inputNames: field.strings(),
    classes: field.strings(),
    task: field.enum('regression', 'binary', 'multiclass'),
    rows: field.int({ min: 1 }),
  };
  // Read twice: the second time, rows must hold the k the parameters ask for.
  const { params } = stored.meta(fields);
  const meta = stored.meta({ ...fields, rows: field.int({ min: params.k }) });
  const { rows, inputNames, classes, task } = meta;
  const { train, targets } = stored.arrays({
    train: array.f64(rows * inputNames.length),
    targets: array.f64(rows, task === 'regression' ? undefined : elements.indexBelow(classes.length)),
  });
  return new KnnModel(
    params,
    inputNames,
    classes,
    task,
    { data: train, rows, cols: inputNames.length },
    targets,
  );
}

registerKind({
  declaration: KNN,
  role: 'model',
  build: (spec) => knn(KNN.resolve(spec.params)),
  load: loadKnn,
});
