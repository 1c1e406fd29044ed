/**
 * keel's library API. Every command of the CLI is a call here too.
 */
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
export * from './profile/index.js';
export { Rng } from './random.js';
