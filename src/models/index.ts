/**
 * The models layer's public face: the estimators, the contract they keep,
 * and saving and loading fitted models. Importing this module registers
 * every model kind's loader, so `loadModel` can open any artifact it lists.
 */
export type {
  Estimator,
  FitOptions,
  Model,
  ModelTask,
  Params,
  SupervisedTask,
  Target,
} from '../estimator/contract.js';
export { loadModel, saveModel } from '../estimator/persist.js';
export {
  type LbfgsOptions,
  type LbfgsResult,
  minimizeLbfgs,
  type Objective,
} from '../numeric/lbfgs.js';
export { minimizeOwlqn } from '../numeric/owlqn.js';
export {
  IsolationForestModel,
  type IsolationForestParams,
  isolationForest,
} from './anomaly/isolation-forest.js';
export type { IsolationTrees } from './anomaly/isolation-tree.js';
export {
  type BernoulliNbParams,
  bernoulliNb,
  type GaussianNbParams,
  gaussianNb,
  type MultinomialNbParams,
  multinomialNb,
  NaiveBayesModel,
} from './bayes/naive-bayes.js';
export { gbdtClassifier, gbdtRegressor } from './boost/gbdt.js';
export { GbdtModel } from './boost/gbdt-model.js';
export type { GbdtParams } from './boost/params.js';
export { DbscanModel, type DbscanParams, dbscan } from './cluster/dbscan.js';
export { KmeansModel, type KmeansParams, kmeans } from './cluster/kmeans.js';
export { PcaModel, type PcaParams, pca } from './decomposition/pca.js';
export { argmaxRows, type EnsembleMember, EnsembleModel, ensembleModel } from './ensemble.js';
export {
  type CoordinateDescentDiagnostics,
  CoordinateDescentModel,
  type ElasticNetParams,
  elasticNet,
  type LassoParams,
  lasso,
} from './linear/coordinate-descent.js';
export {
  type LogisticDiagnostics,
  type LogisticParams,
  LogisticRegressionModel,
  logistic,
} from './linear/logistic.js';
export { LinearRegressionModel, linearRegression, type RidgeParams, ridge } from './linear/ridge.js';
export { KnnModel, type KnnParams, knn } from './neighbors/knn.js';
export type { Activation } from './neural/activations.js';
export { MlpModel, type MlpParams, mlpClassifier, mlpRegressor } from './neural/mlp.js';
export type { TrainingHistory } from './neural/train.js';
export { targetFromFrame } from './target.js';
export {
  type DecisionTreeParams,
  decisionTreeClassifier,
  decisionTreeRegressor,
} from './tree/cart.js';
export type { TreeArrays } from './tree/flat-tree.js';
export {
  extraTreesClassifier,
  extraTreesRegressor,
  type ForestParams,
  randomForestClassifier,
  randomForestRegressor,
} from './tree/forest.js';
export { featureImportances } from './tree/importance.js';
export { TreeModel } from './tree/tree-model.js';
export type { MaxFeatures } from './tree/tree-params.js';
