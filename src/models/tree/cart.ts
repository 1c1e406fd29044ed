import { declare, type ParamsOf, param } from '../../core/declare.js';
import { Rng } from '../../core/random.js';
import { field } from '../../core/stored.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, SupervisedTask, Target } from '../../estimator/contract.js';
import { registerKind } from '../../estimator/kinds.js';
import { checkRows, completeInput, requireTarget, trainingNames } from '../input.js';
import { TreeGrower } from './grow.js';
import { treeData } from './tree-data.js';
import { TreeModel, treeModelLoader } from './tree-model.js';
import {
  leafCap,
  MAX_FEATURES_DOMAINS,
  type MaxFeatures,
  resolveMaxFeatures,
  seedParam,
} from './tree-params.js';

const SEED = seedParam('seed for the feature order');
const MAX_DEPTH = param.intOrNull({
  default: null,
  min: 1,
  doc: 'deepest level (null = grow until leaves are pure or too small)',
  search: { low: 2, high: 30, log: true },
});
const MIN_SAMPLES_SPLIT = param.int({ default: 2, min: 2, doc: 'fewest rows in a node that may be split' });
const MIN_SAMPLES_LEAF = param.int({
  default: 1,
  min: 1,
  doc: 'fewest rows in a leaf',
  search: (context) => ({ low: 1, high: leafCap(context, 50), log: true }),
});
const MAX_FEATURES = param.of<MaxFeatures>(MAX_FEATURES_DOMAINS, {
  default: null,
  doc: 'features tried per split: null (all), sqrt, log2, a share, or a count',
});

/**
 * One CART tree (Breiman et al. 1984), as scikit-learn's DecisionTreeClassifier
 * and DecisionTreeRegressor: exact splits on sorted values, thresholds at the
 * midpoint between neighbouring distinct values, grown until pure or stopped
 * by the limits below. With maxFeatures below all, each node tries a random
 * subset of features, drawn from the seeded generator.
 *
 * A classifier and a regressor are two estimators, as in scikit-learn, so that
 * each refuses a target of the other kind instead of guessing.
 */
export const DECISION_TREE_CLASSIFIER = declare({
  kind: 'decision-tree-classifier',
  summary: 'a CART decision tree for classes (gini or entropy)',
  tasks: ['binary', 'multiclass'],
  params: {
    criterion: param.choice(['gini', 'entropy'], {
      default: 'gini',
      doc: 'split quality: gini impurity or entropy',
      search: { choices: ['gini', 'entropy'] },
    }),
    maxDepth: MAX_DEPTH,
    minSamplesSplit: MIN_SAMPLES_SPLIT,
    minSamplesLeaf: MIN_SAMPLES_LEAF,
    maxFeatures: MAX_FEATURES,
    seed: SEED,
  },
  // AutoML drew the depth, then the leaf size, then the criterion.
  searchOrder: ['maxDepth', 'minSamplesLeaf', 'criterion'],
});

export const DECISION_TREE_REGRESSOR = declare({
  kind: 'decision-tree-regressor',
  summary: 'a CART decision tree for numbers (squared error)',
  tasks: ['regression'],
  params: {
    criterion: param.choice(['squared_error'], {
      default: 'squared_error',
      doc: 'split quality: squared error',
    }),
    maxDepth: MAX_DEPTH,
    minSamplesSplit: MIN_SAMPLES_SPLIT,
    minSamplesLeaf: MIN_SAMPLES_LEAF,
    maxFeatures: MAX_FEATURES,
    seed: SEED,
  },
  searchOrder: ['maxDepth', 'minSamplesLeaf'],
});

/** "gini" or "entropy" for the classifier; "squared_error" for the regressor. */
export type DecisionTreeParams =
  | ParamsOf<typeof DECISION_TREE_CLASSIFIER.params>
  | ParamsOf<typeof DECISION_TREE_REGRESSOR.params>;

type TreeDeclaration = typeof DECISION_TREE_CLASSIFIER | typeof DECISION_TREE_REGRESSOR;

export function decisionTreeClassifier(params: Partial<DecisionTreeParams> = {}): Estimator<TreeModel> {
  return treeEstimator(DECISION_TREE_CLASSIFIER, DECISION_TREE_CLASSIFIER.resolve(params));
}

export function decisionTreeRegressor(params: Partial<DecisionTreeParams> = {}): Estimator<TreeModel> {
  return treeEstimator(DECISION_TREE_REGRESSOR, DECISION_TREE_REGRESSOR.resolve(params));
}

function treeEstimator(declaration: TreeDeclaration, params: DecisionTreeParams): Estimator<TreeModel> {
  const { kind } = declaration;
  const tasks: readonly SupervisedTask[] =
    declaration === DECISION_TREE_CLASSIFIER ? ['binary', 'multiclass'] : ['regression'];
  return {
    kind,
    params,
    acceptsMissing: declaration.tags.acceptsMissing,
    fit(X: Matrix | Frame, y?: Target, options: FitOptions = {}) {
      const target = requireTarget(y, kind, tasks);
      const names = trainingNames(X, target);
      const matrix = completeInput(X, names, kind);
      checkRows(matrix, target, options.sampleWeight);
      const classCount = target.task === 'regression' ? 0 : target.classes.length;
      const data = treeData(matrix, target.values, options.sampleWeight, classCount, false);
      const grower = new TreeGrower(data, {
        criterion: params.criterion,
        maxDepth: params.maxDepth ?? Number.POSITIVE_INFINITY,
        minSamplesSplit: params.minSamplesSplit,
        minSamplesLeaf: params.minSamplesLeaf,
        maxFeatures: resolveMaxFeatures(kind, params.maxFeatures, matrix.cols),
        randomThresholds: false,
      });
      const tree = grower.grow(null, options.rng ?? new Rng(params.seed));
      return new TreeModel(kind, params, names, target.classes, target.task, tree);
    },
  };
}

registerKind({
  declaration: DECISION_TREE_CLASSIFIER,
  role: 'model',
  build: (spec) => decisionTreeClassifier(DECISION_TREE_CLASSIFIER.resolve(spec.params)),
  load: treeModelLoader(DECISION_TREE_CLASSIFIER.kind, {
    params: field.params(DECISION_TREE_CLASSIFIER),
    classification: true,
    treeCount: () => 1,
  }),
});
registerKind({
  declaration: DECISION_TREE_REGRESSOR,
  role: 'model',
  build: (spec) => decisionTreeRegressor(DECISION_TREE_REGRESSOR.resolve(spec.params)),
  load: treeModelLoader(DECISION_TREE_REGRESSOR.kind, {
    params: field.params(DECISION_TREE_REGRESSOR),
    classification: false,
    treeCount: () => 1,
  }),
});
