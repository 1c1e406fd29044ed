/** Experiment tracking and the model registry: one Store, on SQLite or PostgreSQL. */
export { ALERT_KINDS, ALERT_SEVERITIES } from './alerts.js';
export { createArtifactStore } from './artifacts.js';
export type { Db, Dialect, Queryable, Row, SqlValue } from './db.js';
export { LATEST_VERSION as STORE_SCHEMA_VERSION } from './migrations.js';
export type { OpenStoreOptions } from './open.js';
export { openStore } from './open.js';
export type { SqlStoreOptions } from './sql-store.js';
export { SqlStore } from './sql-store.js';
export type {
  ExportReport,
  ImportOptions,
  ImportReport,
  ImportTableReport,
  TableReport,
} from './transfer.js';
export { exportStore, importStore } from './transfer.js';
export type * from './types.js';
