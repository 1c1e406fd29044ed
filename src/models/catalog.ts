import { UsageError } from '../core/errors.js';
import { withDefaults } from '../core/params.js';
import type { Estimator, ModelTask, Params, SupervisedTask } from '../estimator/contract.js';
import { isolationForest } from './anomaly/isolation-forest.js';
import { bernoulliNb, gaussianNb, multinomialNb } from './bayes/naive-bayes.js';
import { gbdtClassifier, gbdtRegressor } from './boost/gbdt.js';
import { dbscan } from './cluster/dbscan.js';
import { kmeans } from './cluster/kmeans.js';
import { pca } from './decomposition/pca.js';
import { elasticNet, lasso } from './linear/coordinate-descent.js';
import { logistic } from './linear/logistic.js';
import { linearRegression, ridge } from './linear/ridge.js';
import { knn } from './neighbors/knn.js';
import { mlpClassifier, mlpRegressor } from './neural/mlp.js';
import { decisionTreeClassifier, decisionTreeRegressor } from './tree/cart.js';
import {
  extraTreesClassifier,
  extraTreesRegressor,
  randomForestClassifier,
  randomForestRegressor,
} from './tree/forest.js';

/**
 * The models a user can name (`keel train --model NAME`): how to build each,
 * what tasks it does, and what its input must look like, which decides the
 * preprocessing keel puts in front of it. Supervised models learn from a
 * target (regression, binary, multiclass); unsupervised ones from the rows
 * alone (clustering, anomaly detection, transforms such as PCA).
 */
export interface CatalogEntry {
  readonly name: string;
  readonly summary: string;
  /** Supervised tasks, or the one unsupervised task the model does. */
  readonly tasks: readonly ModelTask[];
  /** Handles NaN itself (no imputation needed). */
  readonly acceptsMissing: boolean;
  /** Sensitive to feature scale (standardise first). */
  readonly wantsScaling: boolean;
  /** Splits categorical columns itself (no one-hot encoding). */
  readonly nativeCategorical?: boolean;
  /** Hyperparameters with their defaults and a line each, for `--list` and `--set`. */
  readonly params: Readonly<Record<string, { readonly default: Params[string]; readonly doc: string }>>;
  /** Builds the estimator for the task (trees and forests have a classifier and a regressor). */
  readonly make: (params: Record<string, Params[string]>, task: ModelTask) => Estimator;
}

const SUPERVISED_TASKS: readonly ModelTask[] = [
  'regression',
  'binary',
  'multiclass',
] satisfies SupervisedTask[];

/** Whether the model learns from a target (`keel train --target COL`). */
export function isSupervised(entry: CatalogEntry): boolean {
  return entry.tasks.some((task) => SUPERVISED_TASKS.includes(task));
}

const FOREST_PARAMS: CatalogEntry['params'] = {
  trees: { default: 100, doc: 'number of trees' },
  maxDepth: { default: null, doc: 'deepest level of each tree (null = unlimited)' },
  minSamplesLeaf: { default: 1, doc: 'fewest rows in a leaf' },
  maxFeatures: {
    default: 'sqrt',
    doc: 'features tried per split (sqrt for classes, all for numbers by default)',
  },
  oobScore: { default: false, doc: 'score each tree on the rows it did not see (random forest)' },
  threads: { default: null, doc: 'worker threads (null = one per core; large fits only)' },
  seed: { default: 0, doc: 'seed for bootstrap samples, feature subsets and thresholds' },
};

const ENTRIES: readonly CatalogEntry[] = [
  {
    name: 'linear',
    summary: 'ordinary least squares',
    tasks: ['regression'],
    acceptsMissing: false,
    wantsScaling: false,
    params: { fitIntercept: { default: true, doc: 'learn an intercept' } },
    make: (p) => linearRegression(p),
  },
  {
    name: 'ridge',
    summary: 'least squares with an L2 penalty',
    tasks: ['regression'],
    acceptsMissing: false,
    wantsScaling: true,
    params: {
      alpha: { default: 1, doc: 'penalty strength (0 = ordinary least squares)' },
      fitIntercept: { default: true, doc: 'learn an intercept' },
    },
    make: (p) => ridge(p),
  },
  {
    name: 'lasso',
    summary: 'least squares with an L1 penalty (sets weak coefficients to zero)',
    tasks: ['regression'],
    acceptsMissing: false,
    wantsScaling: true,
    params: {
      alpha: { default: 1, doc: 'penalty strength' },
      maxIter: { default: 1000, doc: 'most coordinate-descent sweeps' },
      tol: { default: 1e-4, doc: 'stop when the duality gap is this small (relative)' },
      fitIntercept: { default: true, doc: 'learn an intercept' },
    },
    make: (p) => lasso(p),
  },
  {
    name: 'elastic-net',
    summary: 'least squares with a mix of L1 and L2 penalties',
    tasks: ['regression'],
    acceptsMissing: false,
    wantsScaling: true,
    params: {
      alpha: { default: 1, doc: 'penalty strength' },
      l1Ratio: { default: 0.5, doc: 'share of the penalty that is L1 (1 = lasso, 0 = ridge)' },
      maxIter: { default: 1000, doc: 'most coordinate-descent sweeps' },
      tol: { default: 1e-4, doc: 'stop when the duality gap is this small (relative)' },
      fitIntercept: { default: true, doc: 'learn an intercept' },
    },
    make: (p) => elasticNet(p),
  },
  {
    name: 'logistic',
    summary: 'logistic regression (binary, or multinomial for several classes)',
    tasks: ['binary', 'multiclass'],
    acceptsMissing: false,
    wantsScaling: true,
    params: {
      C: { default: 1, doc: 'inverse penalty strength (larger = less regularised)' },
      penalty: { default: 'l2', doc: 'l2, l1 or none' },
      maxIter: { default: 100, doc: 'most optimiser iterations' },
      tol: { default: 1e-4, doc: 'stop when the largest gradient component is this small' },
      fitIntercept: { default: true, doc: 'learn an intercept' },
    },
    make: (p) => logistic(p),
  },
  {
    name: 'knn',
    summary: 'k nearest neighbours (k-d tree for ≤ 15 features, blocked brute force otherwise)',
    tasks: ['regression', 'binary', 'multiclass'],
    acceptsMissing: false,
    wantsScaling: true,
    params: {
      k: { default: 5, doc: 'neighbours that vote' },
      weights: { default: 'uniform', doc: 'uniform, or distance (closer neighbours count more)' },
      metric: { default: 'euclidean', doc: 'euclidean or manhattan' },
    },
    make: (p) => knn(p),
  },
  {
    name: 'naive-bayes',
    summary: 'naive Bayes: gaussian (numbers), multinomial (counts) or bernoulli (0/1)',
    tasks: ['binary', 'multiclass'],
    acceptsMissing: false,
    wantsScaling: false,
    params: {
      variant: { default: 'gaussian', doc: 'gaussian, multinomial or bernoulli' },
      varSmoothing: { default: 1e-9, doc: 'gaussian: share of the largest variance added to every variance' },
      alpha: { default: 1, doc: 'multinomial/bernoulli: additive smoothing' },
    },
    make: ({ variant = 'gaussian', varSmoothing, alpha, ...unknown }) => {
      withDefaults('naive-bayes', { variant: 'gaussian', varSmoothing: 1e-9, alpha: 1 }, unknown);
      if (variant === 'multinomial')
        return multinomialNb(alpha === undefined ? {} : { alpha: alpha as number });
      if (variant === 'bernoulli') return bernoulliNb(alpha === undefined ? {} : { alpha: alpha as number });
      if (variant !== 'gaussian') {
        throw new UsageError('usage.bad-param', `naive-bayes: unknown variant "${variant}"`, {
          location: { field: 'variant' },
          hint: 'the variants are: gaussian, multinomial, bernoulli',
        });
      }
      return gaussianNb(varSmoothing === undefined ? {} : { varSmoothing: varSmoothing as number });
    },
  },
  {
    name: 'mlp',
    summary: 'multilayer perceptron: dense relu/tanh/logistic layers trained by minibatch Adam',
    tasks: ['regression', 'binary', 'multiclass'],
    acceptsMissing: false,
    wantsScaling: true,
    params: {
      hiddenLayers: { default: [100], doc: 'units per hidden layer, e.g. 64,32' },
      activation: { default: 'relu', doc: 'relu, tanh or logistic' },
      alpha: { default: 1e-4, doc: 'L2 penalty strength' },
      batchSize: { default: null, doc: 'rows per minibatch (null = min(200, rows))' },
      learningRate: { default: 1e-3, doc: "Adam's step size" },
      maxIter: { default: 200, doc: 'most epochs' },
      tol: { default: 1e-4, doc: 'least improvement (loss, or validation score) that counts' },
      nIterNoChange: { default: 10, doc: 'epochs without improvement before stopping' },
      earlyStopping: {
        default: false,
        doc: 'hold out validationFraction of the rows, stop on their score, keep the best weights',
      },
      validationFraction: { default: 0.1, doc: 'share of rows held out for early stopping' },
      seed: { default: 0, doc: 'seed for initial weights, batch order and the holdout' },
    },
    make: (p, task) => (task === 'regression' ? mlpRegressor(p) : mlpClassifier(p)),
  },
  {
    name: 'tree',
    summary: 'a CART decision tree (gini or entropy for classes, squared error for numbers)',
    tasks: ['regression', 'binary', 'multiclass'],
    acceptsMissing: false,
    wantsScaling: false,
    params: {
      maxDepth: { default: null, doc: 'deepest level (null = grow until leaves are pure or too small)' },
      minSamplesLeaf: { default: 1, doc: 'fewest rows in a leaf' },
      minSamplesSplit: { default: 2, doc: 'fewest rows in a node that may be split' },
      maxFeatures: {
        default: null,
        doc: 'features tried per split: null (all), sqrt, log2, a share, or a count',
      },
      criterion: { default: 'gini', doc: 'classes: gini or entropy' },
      seed: { default: 0, doc: 'seed for the feature order' },
    },
    make: (p, task) =>
      task === 'regression' ? decisionTreeRegressor(withoutCriterion(p)) : decisionTreeClassifier(p),
  },
  {
    name: 'gbdt',
    summary: 'histogram gradient boosting: leaf-wise trees, native missing values and categories',
    tasks: ['regression', 'binary', 'multiclass'],
    acceptsMissing: true,
    wantsScaling: false,
    nativeCategorical: true,
    params: {
      trees: { default: 100, doc: 'boosting iterations (one tree per class each for several classes)' },
      learningRate: { default: 0.1, doc: 'shrinkage of each tree' },
      maxLeaves: { default: 31, doc: 'most leaves per tree' },
      maxDepth: { default: null, doc: 'deepest level (null = limited by maxLeaves only)' },
      maxBins: { default: 255, doc: 'bins per feature (at most 255; missing values get their own)' },
      minSamplesLeaf: { default: 20, doc: 'fewest rows in a leaf' },
      l2: { default: 0, doc: 'L2 penalty on leaf values' },
      l1: { default: 0, doc: 'L1 penalty on leaf values' },
      subsample: { default: 1, doc: 'share of rows each iteration sees' },
      colsample: { default: 1, doc: 'share of features each iteration may split on' },
      earlyStopping: {
        default: 'auto',
        doc: 'hold out 10% and stop when its loss stalls (auto: above 10,000 rows)',
      },
      loss: { default: 'auto', doc: 'regression: squared-error, absolute-error, huber, quantile, poisson' },
      monotonic: { default: null, doc: 'e.g. age:1,debt:-1 (prediction only rises / falls with the column)' },
      classWeight: { default: null, doc: 'balanced: weight classes inversely to their frequency' },
      threads: { default: null, doc: 'worker threads (null = one per core)' },
      seed: { default: 0, doc: 'seed for bins, subsamples and the early-stopping split' },
    },
    make: (p, task) => (task === 'regression' ? gbdtRegressor(p) : gbdtClassifier(p)),
  },
  {
    name: 'random-forest',
    summary: 'random forest: bootstrapped trees on random feature subsets, averaged',
    tasks: ['regression', 'binary', 'multiclass'],
    acceptsMissing: false,
    wantsScaling: false,
    params: FOREST_PARAMS,
    make: (p, task) =>
      task === 'regression' ? randomForestRegressor(withoutCriterion(p)) : randomForestClassifier(p),
  },
  {
    name: 'extra-trees',
    summary: 'extremely randomised trees: random thresholds, no bootstrap, averaged',
    tasks: ['regression', 'binary', 'multiclass'],
    acceptsMissing: false,
    wantsScaling: false,
    params: FOREST_PARAMS,
    make: (p, task) =>
      task === 'regression' ? extraTreesRegressor(withoutCriterion(p)) : extraTreesClassifier(p),
  },
  {
    name: 'kmeans',
    summary: 'k-means clustering: k-means++ starts, then Lloyd iterations',
    tasks: ['clustering'],
    acceptsMissing: false,
    wantsScaling: true,
    params: {
      k: { default: 8, doc: 'number of clusters' },
      nInit: { default: 1, doc: 'runs from fresh starts; the one with the lowest inertia is kept' },
      maxIter: { default: 300, doc: 'most Lloyd iterations per run' },
      tol: { default: 1e-4, doc: 'stop when centres move less than this (relative to the data variance)' },
      seed: { default: 0, doc: 'seed for the starting centres (default: --seed)' },
    },
    make: (p) => kmeans(p),
  },
  {
    name: 'dbscan',
    summary: 'density-based clustering: dense regions become clusters, isolated rows noise',
    tasks: ['clustering'],
    acceptsMissing: false,
    wantsScaling: true,
    params: {
      eps: { default: 0.5, doc: 'neighbourhood radius (euclidean, on the standardised columns)' },
      minSamples: { default: 5, doc: 'rows within eps (itself included) that make a row a core row' },
    },
    make: (p) => dbscan(p),
  },
  {
    name: 'pca',
    summary: 'principal component analysis: the directions of largest variance',
    tasks: ['transform'],
    acceptsMissing: false,
    wantsScaling: true,
    params: {
      components: {
        default: null,
        doc: 'components to keep: a count, a share of variance in (0, 1), or null (all)',
      },
      whiten: { default: false, doc: 'scale the component scores to unit variance' },
    },
    make: (p) => pca(p),
  },
  {
    name: 'isolation-forest',
    summary: 'isolation forest: rows that random splits isolate quickly are anomalies',
    tasks: ['anomaly'],
    acceptsMissing: false,
    wantsScaling: false,
    params: {
      trees: { default: 100, doc: 'number of trees' },
      maxSamples: {
        default: 'auto',
        doc: 'rows per tree: auto (min(256, rows)), a share in (0, 1], or a count',
      },
      contamination: {
        default: 'auto',
        doc: 'share of rows to flag, in (0, 0.5]; auto flags anomaly scores above 0.5',
      },
      maxFeatures: { default: 1, doc: 'features per tree: a share in (0, 1] or a count' },
      bootstrap: { default: false, doc: "draw each tree's rows with replacement" },
      seed: { default: 0, doc: 'seed for row samples, features and thresholds (default: --seed)' },
    },
    make: (p) => isolationForest(p),
  },
];

/** The classifier's criterion default (gini) means nothing to a regressor: drop it unless set. */
function withoutCriterion(params: Record<string, Params[string]>): Record<string, Params[string]> {
  const { criterion, ...rest } = params;
  return criterion === undefined ? rest : params;
}

const CATALOG = new Map<string, CatalogEntry>(ENTRIES.map((e) => [e.name, e]));

export function catalogEntries(): readonly CatalogEntry[] {
  return ENTRIES;
}

export function catalogEntry(name: string): CatalogEntry {
  const entry = CATALOG.get(name);
  if (entry === undefined) {
    throw new UsageError('usage.unknown-model', `unknown model "${name}"`, {
      location: { field: 'model' },
      hint: `the models are: ${[...CATALOG.keys()].join(', ')} (keel train --list)`,
    });
  }
  return entry;
}
