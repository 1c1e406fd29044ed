export { chainTransformers, FittedChain } from './chain.js';
export { type ClipParams, FittedClipper, outlierClipper } from './clip.js';
export {
  byKind,
  type ColumnPart,
  type ColumnSelector,
  columnTransformer,
  FittedColumnTransformer,
} from './column-transformer.js';
export { type DefaultPreprocessing, defaultPreprocessing, type PreprocessingNeeds } from './defaults.js';
export { FittedImputer, type ImputerParams, simpleImputer } from './impute.js';
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
export { FittedTargetEncoder, type TargetEncoderParams, targetEncoder } from './target-encoder.js';
