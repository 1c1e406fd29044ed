/**
 * keel's library API. Every command of the CLI is a call here too.
 */
export { type Artifact, decodeArtifact, encodeArtifact } from './core/artifact.js';
export {
  accepts,
  allowedText,
  type Declaration,
  declare,
  domain,
  type Param,
  type ParamsOf,
  param,
  parseParam,
  type Tags,
} from './core/declare.js';
export {
  ConnectionError,
  DataError,
  type ErrorLocation,
  formatError,
  KeelError,
  SchemaError,
  UsageError,
} from './core/errors.js';
export { Rng } from './core/random.js';
export * from './data/index.js';
export type {
  Estimator,
  FitOptions,
  FittedTransformer,
  Model,
  Params,
  Spec,
  SupervisedTask,
  Target,
  Transformer,
} from './estimator/contract.js';
export {
  build,
  buildEstimator,
  buildTransformer,
  type KindDefinition,
  kindDefinition,
  registeredKinds,
  registerKind,
  specOf,
} from './estimator/kinds.js';
export { loadTransformer } from './estimator/persist.js';
export * from './evaluate/index.js';
export { type AutomlReportInput, automlReport } from './explain/automl-report.js';
export {
  type Contribution,
  canExplain,
  type ExplainOptions,
  explainRows,
  type RowExplanation,
} from './explain/contributions.js';
export {
  type ClassificationAudit,
  type ClassificationGroup,
  type ClassRates,
  type Disparity,
  type FairnessAudit,
  type FairnessInput,
  fairnessAudit,
  MISSING_GROUP,
  type RegressionAudit,
  type RegressionGroup,
} from './explain/fairness.js';
export {
  gridFor,
  type PartialDependence,
  type PartialDependenceOptions,
  type PdCurve,
  type PdGrid,
  type PdKind,
  partialDependence,
} from './explain/partial-dependence.js';
export {
  type ColumnImportance,
  importanceFromPermutations,
  type PermutationImportance,
  type PermutationOptions,
  permutationImportance,
} from './explain/permutation.js';
export {
  embeddedReportJson,
  type FilledModelCard,
  fillModelCard,
  REPORT_JSON_ID,
  renderModelReportHtml,
  sectionIds,
} from './explain/report/index.js';
export type {
  ChosenPipeline,
  ClassificationDiagnostics,
  CvMetric,
  DataSummary,
  LeaderboardRow,
  ModelCardText,
  ModelReport,
  RegressionDiagnostics,
  ReportFairness,
  ReportImportance,
  ReportMeta,
  ReportPdp,
  ReportShap,
  ReportTask,
} from './explain/report/types.js';
export {
  type ShapImportance,
  type ShapSummary,
  type ShapSummaryOptions,
  shapSummary,
} from './explain/shap-summary.js';
export {
  exportOnnx,
  exportOnnxWithSignature,
  type OnnxExportOptions,
  type OnnxSignature,
  SUPPORTED_MODEL_KINDS,
} from './export/onnx/index.js';
export { importOnnx, type OnnxImportOptions, registerOnnx } from './export/onnx/onnx-import.js';
export { type InputLayout, OnnxModel, type OnnxPlan } from './export/onnx/onnx-model.js';
export { type CatalogEntry, catalogEntries, catalogEntry, isSupervised } from './models/catalog.js';
export * from './models/index.js';
export * from './monitor/index.js';
export { mquantile, quantileSorted } from './numeric/quantile.js';
export * from './prep/index.js';
export * from './profile/index.js';
export { datasetHash } from './registry/dataset-hash.js';
export * from './registry/index.js';
export {
  type LoadedModel,
  loadModel as loadRegisteredModel,
  type ModelRef,
  parseModelRef,
  type RegisterOptions,
  registerModel,
  resolveVersion,
} from './registry/model-registry.js';
export { RECIPE_ARTIFACT, readRecipe, type TrainingRecipe } from './registry/recipe.js';
export {
  type ActiveRun,
  DEFAULT_HEARTBEAT_MS,
  type StartRunOptions,
  startRun,
  withRun,
} from './registry/tracking.js';
export {
  type BatchOutputFormat,
  type BatchProgress,
  DEFAULT_CHUNK_ROWS,
  predictionColumns,
  type ScoreFileOptions,
  type ScoreFileResult,
  scoreFile,
} from './serve/batch.js';
export {
  createServer,
  openApiDocument,
  type PredictionSink,
  type RunningServer,
  SERVER_DEFAULTS,
  type ServerOptions,
  serve,
} from './serve/index.js';
export type { PredictionLogOptions, PredictionLogStats } from './serve/prediction-log.js';
export { isSampled, PredictionLog } from './serve/prediction-log.js';
export * from './train/index.js';
export * from './tune/automl/index.js';
export * from './tune/cross-validate.js';
export * from './tune/splitters.js';
