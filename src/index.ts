/**
 * keel's library API. Every command of the CLI is a call here too.
 */
export { type Artifact, decodeArtifact, encodeArtifact } from './artifact.js';
export * from './data/index.js';
export {
  ConnectionError,
  DataError,
  type ErrorLocation,
  formatError,
  KeelError,
  SchemaError,
  UsageError,
} from './errors.js';
export type {
  Estimator,
  FitOptions,
  FittedTransformer,
  Model,
  Params,
  SupervisedTask,
  Target,
  Transformer,
} from './estimator.js';
export * from './evaluate/index.js';
export { type CatalogEntry, catalogEntries, catalogEntry, isSupervised } from './models/catalog.js';
export * from './models/index.js';
export { loadTransformer } from './persist.js';
export * from './prep/index.js';
export * from './profile/index.js';
export { Rng } from './random.js';
export * from './tune/cross-validate.js';
export * from './tune/splitters.js';
