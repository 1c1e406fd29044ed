import * as alerts from './alerts.js';
import * as apiKeys from './api-keys.js';
import { checkName } from './checks.js';
import * as datasets from './datasets.js';
import type { Db, Row } from './db.js';
import { dumpTable } from './dump.js';
import { appliedVersions, migrate } from './migrations.js';
import * as models from './models.js';
import * as predictions from './predictions.js';
import { reapAbandonedRuns } from './reaper.js';
import { byText } from './rows.js';
import * as runs from './runs.js';
import { TABLES } from './schema.js';
import { setTag } from './tags.js';
import type {
  AlertInput,
  AlertQuery,
  ArtifactStore,
  DatasetInput,
  ExperimentRecord,
  FeedbackCheck,
  FeedbackInput,
  JsonObject,
  MetricPoint,
  PredictionQuery,
  PredictionRecord,
  PruneOptions,
  RunEnd,
  RunQuery,
  RunStart,
  Store,
  TagTarget,
  VersionInput,
} from './types.js';

export interface SqlStoreOptions {
  /** Project the store reads and writes (default `default`). */
  readonly project?: string;
  /** A running run silent for longer than this becomes `stale` (default 10 minutes). */
  readonly staleAfterMs?: number;
}

const TEN_MINUTES = 10 * 60 * 1000;

/**
 * The Store, written once over a `Db`: the SQL is the same on SQLite and
 * PostgreSQL, so both backends behave the same. The work is in runs.ts,
 * models.ts, datasets.ts, tags.ts, predictions.ts, api-keys.ts and alerts.ts; this
 * class binds it to one database, artifact folder and project.
 */
export class SqlStore implements Store {
  /** The store's tables, parents first: the order to export and import them in. */
  static readonly tables: readonly string[] = TABLES;

  readonly backend: 'sqlite' | 'postgres';
  readonly location: string;
  private readonly ctx: runs.StoreContext;

  private constructor(
    readonly db: Db,
    readonly artifacts: ArtifactStore,
    readonly project: string,
    private readonly staleAfterMs: number,
  ) {
    this.backend = db.dialect;
    this.location = db.location;
    this.ctx = { db, artifacts, project };
  }

  /** Migrates the database, creates the project, and reaps runs whose process is gone. */
  static async open(db: Db, artifacts: ArtifactStore, options: SqlStoreOptions = {}): Promise<SqlStore> {
    const project = checkName(options.project ?? 'default', 'project');
    try {
      await migrate(db);
      await db.transaction((tx) =>
        tx.run('INSERT INTO keel_projects (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING', [
          project,
          Date.now(),
        ]),
      );
      const store = new SqlStore(db, artifacts, project, options.staleAfterMs ?? TEN_MINUTES);
      await store.reapAbandonedRuns();
      return store;
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }

  migrations(): Promise<readonly number[]> {
    return appliedVersions(this.db);
  }

  /** Every row of one table (see dump.ts), for `keel store export`. */
  dumpTable(name: string): Promise<Row[]> {
    return dumpTable(this.db, name);
  }

  recordDataset(input: DatasetInput) {
    return datasets.recordDataset(this.ctx, input);
  }
  getDataset(hash: string) {
    return datasets.getDataset(this.ctx, hash);
  }

  async listExperiments(): Promise<readonly ExperimentRecord[]> {
    const rows = await this.db.query<{ project: string; name: string; created_at: number }>(
      'SELECT project, name, created_at FROM keel_experiments WHERE project = ?',
      [this.project],
    );
    return rows
      .sort(byText((r) => r.name))
      .map((r) => ({ project: r.project, name: r.name, createdAt: r.created_at }));
  }

  startRun(start: RunStart = {}) {
    return runs.startRun(this.ctx, start);
  }
  logParams(runId: string, params: JsonObject) {
    return runs.logParams(this.db, runId, params);
  }
  logMetrics(runId: string, metrics: readonly MetricPoint[]) {
    return runs.logMetrics(this.db, runId, metrics);
  }
  logLines(runId: string, lines: readonly string[]) {
    return runs.logLines(this.db, runId, lines);
  }
  logArtifact(runId: string, name: string, bytes: Uint8Array) {
    return runs.logArtifact(this.ctx, runId, name, bytes);
  }
  runArtifacts(runId: string) {
    return runs.runArtifacts(this.db, runId);
  }
  heartbeat(runId: string) {
    return runs.heartbeat(this.db, runId);
  }
  endRun(runId: string, end: RunEnd) {
    return runs.endRun(this.db, runId, end);
  }
  getRun(runId: string) {
    return runs.getRun(this.db, runId);
  }
  runMetrics(runId: string) {
    return runs.runMetrics(this.db, runId);
  }
  runLog(runId: string) {
    return runs.runLog(this.db, runId);
  }
  listRuns(query?: RunQuery) {
    return runs.listRuns(this.ctx, query);
  }
  reapAbandonedRuns() {
    return reapAbandonedRuns(this.db, this.staleAfterMs);
  }

  registerVersion(input: VersionInput) {
    return models.registerVersion(this.ctx, input);
  }
  getModel(name: string) {
    return models.getModel(this.ctx, name);
  }
  listModels() {
    return models.listModels(this.ctx);
  }
  listVersions(name: string) {
    return models.listVersions(this.ctx, name);
  }
  getVersion(name: string, ref: number | string) {
    return models.getVersion(this.ctx, name, ref);
  }
  setAlias(name: string, alias: string, version: number) {
    return models.setAlias(this.ctx, name, alias, version);
  }
  removeAlias(name: string, alias: string) {
    return models.removeAlias(this.ctx, name, alias);
  }
  aliasHistory(name: string) {
    return models.aliasHistory(this.ctx, name);
  }
  deleteVersion(name: string, version: number) {
    return models.deleteVersion(this.ctx, name, version);
  }

  setTag(target: TagTarget, key: string, value: string) {
    return setTag(this.ctx, target, key, value);
  }

  logPredictions(records: readonly PredictionRecord[]) {
    return predictions.logPredictions(this.ctx, records);
  }
  recordFeedback(items: readonly FeedbackInput[], check?: FeedbackCheck) {
    return predictions.recordFeedback(this.ctx, items, check);
  }
  listPredictions(query?: PredictionQuery) {
    return predictions.listPredictions(this.ctx, query);
  }
  prunePredictions(options: PruneOptions) {
    return predictions.prunePredictions(this.ctx, options);
  }

  recordAlert(input: AlertInput) {
    return alerts.recordAlert(this.ctx, input);
  }
  listAlerts(query?: AlertQuery) {
    return alerts.listAlerts(this.ctx, query);
  }

  createApiKey(name: string) {
    return apiKeys.createApiKey(this.db, name);
  }
  revokeApiKey(name: string) {
    return apiKeys.revokeApiKey(this.db, name);
  }
  listApiKeys() {
    return apiKeys.listApiKeys(this.db);
  }
  verifyApiKey(token: string) {
    return apiKeys.verifyApiKey(this.db, token);
  }
}
