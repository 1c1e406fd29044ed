export { fSurvival } from '../numeric/special.js';
export { chainTransformers, FittedChain } from './chain.js';
export { type ClipParams, FittedClipper, outlierClipper } from './clip.js';
export {
  byKind,
  type ColumnPart,
  type ColumnSelector,
  columnTransformer,
  FittedColumnTransformer,
} from './column-transformer.js';
export { DATE_PARTS, type DatePart, type DatePartsParams, dateParts, FittedDateParts } from './date-parts.js';
export { type DefaultPreprocessing, defaultPreprocessing, type PreprocessingNeeds } from './defaults.js';
export { FittedImputer, type ImputerParams, simpleImputer } from './impute.js';
export { FittedKnnImputer, type KnnImputerParams, knnImputer } from './knn-imputer.js';
export { type MutualInfoOptions, mutualInfoClassif, mutualInfoRegression } from './mutual-info.js';
export { FittedOneHot, type OneHotParams, oneHotEncoder } from './one-hot.js';
export { FittedOrdinal, type OrdinalParams, ordinalEncoder } from './ordinal.js';
export { asFrame, PipelineModel, pipeline } from './pipeline.js';
export { FittedPolynomial, type PolynomialParams, polynomialFeatures } from './polynomial.js';
export { FittedPower, type PowerParams, powerTransformer } from './power.js';
export { FittedQuantile, type QuantileParams, quantileTransformer } from './quantile.js';
export {
  FittedScaler,
  minMaxScaler,
  robustScaler,
  type StandardScalerParams,
  standardScaler,
} from './scale.js';
export {
  FittedSelectKBest,
  type Score as SelectionScore,
  type SelectKBestParams,
  selectKBest,
} from './select-kbest.js';
export {
  FittedSelectFromModel,
  type SelectFromModelOptions,
  type SelectFromModelParams,
  selectFromModel,
} from './select-model.js';
export {
  FittedVarianceThreshold,
  type VarianceThresholdParams,
  varianceThreshold,
} from './select-variance.js';
export { FittedSelector } from './selection.js';
export { FittedTargetEncoder, type TargetEncoderParams, targetEncoder } from './target-encoder.js';
export { FittedTfidf, type TfidfParams, tfidfVectorizer } from './tfidf.js';
export { fClassif, fRegression, type UnivariateScores } from './univariate.js';
