import { availableParallelism } from 'node:os';
import {
  type Declaration,
  declare,
  type Param,
  type ParamSpecs,
  type ParamsOf,
  param,
} from '../../core/declare.js';
import { UsageError } from '../../core/errors.js';
import { Rng } from '../../core/random.js';
import { field } from '../../core/stored.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, SupervisedTask, Target } from '../../estimator/contract.js';
import { registerKind } from '../../estimator/kinds.js';
import { checkRows, completeInput, requireTarget, trainingNames } from '../input.js';
import { concatTrees, type TreeArrays } from './flat-tree.js';
import { type ForestJob, growForestTrees } from './forest-grow.js';
import { outOfBagScore } from './out-of-bag.js';
import { growInWorkers } from './parallel.js';
import { treeData } from './tree-data.js';
import { TreeModel, treeModelLoader } from './tree-model.js';
import {
  leafCap,
  MAX_FEATURES_DOMAINS,
  type MaxFeatures,
  resolveMaxFeatures,
  seedParam,
  threadsParam,
} from './tree-params.js';

const TREES = param.int({
  default: 100,
  min: 1,
  doc: 'number of trees',
  search: { low: 50, high: 400, log: true },
});
const CLASSIFIER_CRITERION = param.choice(['gini', 'entropy'], {
  default: 'gini',
  doc: 'split quality: gini impurity or entropy',
});
const REGRESSOR_CRITERION = param.choice(['squared_error'], {
  default: 'squared_error',
  doc: 'split quality: squared error',
});
const MAX_DEPTH = param.intOrNull({
  default: null,
  min: 1,
  doc: 'deepest level of each tree (null = unlimited)',
});
const MIN_SAMPLES_SPLIT = param.int({ default: 2, min: 2, doc: 'fewest rows in a node that may be split' });
const MIN_SAMPLES_LEAF = param.int({
  default: 1,
  min: 1,
  doc: 'fewest rows in a leaf',
  search: (context) => ({ low: 1, high: leafCap(context, 20), log: true }),
});
const FEATURE_SHARES = { choices: ['sqrt', 0.2, 0.33, 0.5, 0.75, 1] };
/** Classifiers try √features per split, regressors all of them (as scikit-learn). */
const CLASSIFIER_MAX_FEATURES = param.of<MaxFeatures>(MAX_FEATURES_DOMAINS, {
  default: 'sqrt',
  doc: 'features tried per split: null (all), sqrt, log2, a share, or a count',
  search: FEATURE_SHARES,
});
const REGRESSOR_MAX_FEATURES = param.of<MaxFeatures>(MAX_FEATURES_DOMAINS, {
  default: 1,
  doc: 'features tried per split: null (all), sqrt, log2, a share, or a count',
  search: FEATURE_SHARES,
});
const OOB_SCORE = param.bool({
  default: false,
  doc: 'score each tree on the rows its bootstrap sample left out (needs bootstrap)',
});
const SEED = seedParam('seed for bootstrap samples, feature subsets and thresholds');
const THREADS = threadsParam('worker threads (null = one per core; large fits only)');
const BOOTSTRAP_DOC = "draw each tree's rows with replacement (a bootstrap sample)";
const BOOTSTRAP = param.bool({ default: true, doc: BOOTSTRAP_DOC });
const NO_BOOTSTRAP = param.bool({ default: false, doc: BOOTSTRAP_DOC });

/** AutoML drew the tree count, then the feature share, then the leaf size. */
const FOREST_SEARCH_ORDER = ['trees', 'maxFeatures', 'minSamplesLeaf'] as const;
const TAGS = { multithreaded: true };

/** The out-of-bag score is measured on the rows a tree's bootstrap sample left out: it needs one. */
function needsBootstrap(kind: string) {
  return (params: { readonly oobScore: boolean; readonly bootstrap: boolean }): void => {
    if (params.oobScore && !params.bootstrap) {
      throw new UsageError('usage.bad-param', `${kind}: oobScore needs bootstrap samples`, {
        location: { field: 'oobScore' },
        hint: 'set bootstrap to true, or score with cross-validation',
      });
    }
  };
}

/**
 * Random forests (Breiman 2001): CART trees grown deep, each on a bootstrap
 * sample, each node choosing among a random subset of features; and extra
 * trees (Geurts, Ernst & Wehenkel 2006): by default on all rows, with one
 * uniformly random threshold per candidate feature instead of the best one.
 * Defaults as scikit-learn 1.2's RandomForest and ExtraTrees estimators.
 */
export const RANDOM_FOREST_CLASSIFIER = forestDeclaration(
  'random-forest-classifier',
  'random forest for classes: bootstrapped trees on random feature subsets, probabilities averaged',
  true,
  BOOTSTRAP,
);
export const RANDOM_FOREST_REGRESSOR = forestDeclaration(
  'random-forest-regressor',
  'random forest for numbers: bootstrapped trees on random feature subsets, averaged',
  false,
  BOOTSTRAP,
);
export const EXTRA_TREES_CLASSIFIER = forestDeclaration(
  'extra-trees-classifier',
  'extremely randomised trees for classes: random thresholds, no bootstrap, probabilities averaged',
  true,
  NO_BOOTSTRAP,
);
export const EXTRA_TREES_REGRESSOR = forestDeclaration(
  'extra-trees-regressor',
  'extremely randomised trees for numbers: random thresholds, no bootstrap, averaged',
  false,
  NO_BOOTSTRAP,
);

/** The four forests share their parameters; classifiers and regressors differ in criterion and feature share, the families in bootstrapping. */
function forestDeclaration(
  kind: string,
  summary: string,
  classification: boolean,
  bootstrap: typeof BOOTSTRAP,
) {
  return declare({
    kind,
    summary,
    tasks: classification ? ['binary', 'multiclass'] : ['regression'],
    tags: TAGS,
    params: {
      trees: TREES,
      criterion: classification ? CLASSIFIER_CRITERION : REGRESSOR_CRITERION,
      maxDepth: MAX_DEPTH,
      minSamplesSplit: MIN_SAMPLES_SPLIT,
      minSamplesLeaf: MIN_SAMPLES_LEAF,
      maxFeatures: classification ? CLASSIFIER_MAX_FEATURES : REGRESSOR_MAX_FEATURES,
      oobScore: OOB_SCORE,
      seed: SEED,
      threads: THREADS,
      bootstrap,
    },
    searchOrder: FOREST_SEARCH_ORDER,
    check: needsBootstrap(kind),
  });
}

/** "gini" or "entropy" for classifiers, "squared_error" for regressors; maxFeatures "sqrt" and 1 (all) by default. */
export type ForestParams = ParamsOf<typeof RANDOM_FOREST_CLASSIFIER.params>;

type ForestDeclaration = typeof RANDOM_FOREST_CLASSIFIER;

type Family = {
  readonly declaration: ForestDeclaration;
  readonly tasks: readonly SupervisedTask[];
  readonly extra: boolean;
};

const CLASSES: readonly SupervisedTask[] = ['binary', 'multiclass'];
const FAMILIES = {
  randomForestClassifier: { declaration: RANDOM_FOREST_CLASSIFIER, tasks: CLASSES, extra: false },
  randomForestRegressor: { declaration: RANDOM_FOREST_REGRESSOR, tasks: ['regression'], extra: false },
  extraTreesClassifier: { declaration: EXTRA_TREES_CLASSIFIER, tasks: CLASSES, extra: true },
  extraTreesRegressor: { declaration: EXTRA_TREES_REGRESSOR, tasks: ['regression'], extra: true },
} satisfies Record<string, Family>;

/** Starting workers costs ~0.1 s: on breast cancer (569 rows × 100 trees) 2 threads took 0.37 s, 1 thread 0.21 s. */
const MIN_WORK_FOR_WORKERS = 200_000;

export function randomForestClassifier(params: Partial<ForestParams> = {}): Estimator<TreeModel> {
  return forest(FAMILIES.randomForestClassifier, params);
}

export function randomForestRegressor(params: Partial<ForestParams> = {}): Estimator<TreeModel> {
  return forest(FAMILIES.randomForestRegressor, params);
}

export function extraTreesClassifier(params: Partial<ForestParams> = {}): Estimator<TreeModel> {
  return forest(FAMILIES.extraTreesClassifier, params);
}

export function extraTreesRegressor(params: Partial<ForestParams> = {}): Estimator<TreeModel> {
  return forest(FAMILIES.extraTreesRegressor, params);
}

function forest(family: Family, given: Partial<ForestParams>): Estimator<TreeModel> {
  const { declaration } = family;
  const params: ForestParams = declaration.resolve(given);
  return {
    kind: declaration.kind,
    params,
    acceptsMissing: declaration.tags.acceptsMissing,
    fit: (X: Matrix | Frame, y?: Target, options: FitOptions = {}) =>
      fitForest(family, params, X, y, options),
  };
}

function fitForest(
  family: Family,
  params: ForestParams,
  X: Matrix | Frame,
  y: Target | undefined,
  options: FitOptions,
): TreeModel {
  const { kind } = family.declaration;
  const target = requireTarget(y, kind, family.tasks);
  const names = trainingNames(X, target);
  const matrix = completeInput(X, names, kind);
  checkRows(matrix, target, options.sampleWeight);
  const classCount = target.task === 'regression' ? 0 : target.classes.length;
  const rng = options.rng ?? new Rng(params.seed);
  const job: ForestJob = {
    settings: {
      criterion: params.criterion,
      maxDepth: params.maxDepth ?? Number.POSITIVE_INFINITY,
      minSamplesSplit: params.minSamplesSplit,
      minSamplesLeaf: params.minSamplesLeaf,
      maxFeatures: resolveMaxFeatures(kind, params.maxFeatures, matrix.cols),
      randomThresholds: family.extra,
    },
    bootstrap: params.bootstrap,
    seeds: Uint32Array.from({ length: params.trees }, () => rng.nextUint32()),
  };
  const threads = threadCount(params, matrix.rows);
  const data = treeData(matrix, target.values, options.sampleWeight, classCount, threads > 1);
  const grown: TreeArrays[] =
    threads > 1 ? growInWorkers(data, job, threads) : growForestTrees(data, job, 0, params.trees);
  options.onProgress?.(params.trees, params.trees);
  const trees = concatTrees(grown, classCount > 0 ? classCount : 1);
  const oob = params.oobScore ? outOfBagScore(trees, matrix, target, job.seeds) : null;
  return new TreeModel(kind, params, names, target.classes, target.task, trees, oob);
}

function threadCount(params: ForestParams, rows: number): number {
  const wanted = Math.min(params.threads ?? availableParallelism(), params.trees);
  return wanted > 1 && rows * params.trees >= MIN_WORK_FOR_WORKERS ? wanted : 1;
}

/** Registers a forest kind: its builder, and its loader (as many trees as its parameters say). */
function registerForest<S extends ParamSpecs & { readonly trees: Param<number> }>(
  declaration: Declaration<S>,
  factory: (params: ParamsOf<S>) => Estimator<TreeModel>,
  classification: boolean,
): void {
  registerKind({
    declaration,
    role: 'model',
    build: (spec) => factory(declaration.resolve(spec.params)),
    load: treeModelLoader(declaration.kind, {
      params: field.params(declaration),
      classification,
      treeCount: (params) => params.trees,
    }),
  });
}

registerForest(RANDOM_FOREST_CLASSIFIER, randomForestClassifier, true);
registerForest(RANDOM_FOREST_REGRESSOR, randomForestRegressor, false);
registerForest(EXTRA_TREES_CLASSIFIER, extraTreesClassifier, true);
registerForest(EXTRA_TREES_REGRESSOR, extraTreesRegressor, false);
