import { UsageError } from '../../core/errors.js';
import { withDefaults } from '../../core/params.js';
import { Rng } from '../../core/random.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, Params, SupervisedTask, Target } from '../../estimator/contract.js';
import { checkRows, completeInput, requireTarget, trainingNames } from '../input.js';
import { CLASSIFICATION_CRITERIA, type Criterion } from './criterion.js';
import { TreeGrower } from './grow.js';
import { treeData } from './tree-data.js';
import { registerTreeLoader, TreeModel } from './tree-model.js';
import { checkTreeParams, type MaxFeatures, resolveMaxFeatures } from './tree-params.js';

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
export interface DecisionTreeParams extends Params {
  /** "gini" or "entropy" for the classifier; "squared_error" for the regressor. */
  readonly criterion: Criterion;
  /** null: grow until leaves are pure or too small to split. */
  readonly maxDepth: number | null;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxFeatures: MaxFeatures;
  readonly seed: number;
}

const DEFAULTS: DecisionTreeParams = {
  criterion: 'gini',
  maxDepth: null,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  maxFeatures: null,
  seed: 0,
};
const CLASSIFIER = 'decision-tree-classifier';
const REGRESSOR = 'decision-tree-regressor';
const CLASSES: readonly SupervisedTask[] = ['binary', 'multiclass'];

export function decisionTreeClassifier(params: Partial<DecisionTreeParams> = {}): Estimator<TreeModel> {
  return treeEstimator(CLASSIFIER, withDefaults(CLASSIFIER, DEFAULTS, params), CLASSES);
}

export function decisionTreeRegressor(params: Partial<DecisionTreeParams> = {}): Estimator<TreeModel> {
  const defaults = { ...DEFAULTS, criterion: 'squared_error' as const };
  return treeEstimator(REGRESSOR, withDefaults(REGRESSOR, defaults, params), ['regression']);
}

function treeEstimator(
  kind: string,
  params: DecisionTreeParams,
  tasks: readonly SupervisedTask[],
): Estimator<TreeModel> {
  checkTreeParams(kind, params);
  checkCriterion(kind, params.criterion, tasks[0] !== 'regression');
  return {
    kind,
    params,
    acceptsMissing: false,
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

/** Refuses a criterion that is not one of the estimator's (gini for a regressor, say). */
export function checkCriterion(kind: string, criterion: Criterion, classification: boolean): void {
  if (classification ? CLASSIFICATION_CRITERIA.includes(criterion) : criterion === 'squared_error') return;
  const allowed = classification ? '"gini" or "entropy"' : '"squared_error"';
  throw new UsageError(
    'usage.bad-param',
    `${kind}: criterion must be ${allowed}, not ${JSON.stringify(criterion)}`,
    { location: { field: 'criterion' } },
  );
}

registerTreeLoader(CLASSIFIER);
registerTreeLoader(REGRESSOR);
