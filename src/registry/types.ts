import type { Json } from '../core/artifact.js';
import type { Schema } from '../data/schema.js';

/**
 * What the store keeps, as plain records. Every record is JSON-able, so the
 * CLI prints it, the HTTP API returns it and `keel store export` writes it
 * without a translation layer. Times are epoch milliseconds.
 *
 * Names (projects, experiments, models, aliases) are the keys a person types;
 * runs have generated ids because many processes start them at once.
 */

export type JsonObject = { readonly [key: string]: Json };

export interface ProjectRecord {
  readonly name: string;
  readonly createdAt: number;
}

export interface DatasetRecord {
  readonly project: string;
  /** SHA-256 of the data's content (hex): the same table read twice is one record. */
  readonly hash: string;
  /** Where it was read from (a path, or a database URL without its password). */
  readonly source: string;
  readonly rows: number;
  readonly schema: Schema;
  /** The stored profile (`keel profile`'s JSON), when one was taken. */
  readonly profile: JsonObject | null;
  readonly createdAt: number;
}

export interface ExperimentRecord {
  readonly project: string;
  readonly name: string;
  readonly createdAt: number;
}

/**
 * `running` until the process that started the run ends it. A run whose
 * process died without ending it is `failed` when the store can tell (same
 * host, the process is gone) and `stale` when it cannot (another host, no
 * heartbeat for a while); either way it is never left looking alive.
 */
export type RunStatus = 'running' | 'finished' | 'failed' | 'stale';

export interface RunRecord {
  readonly id: string;
  readonly project: string;
  readonly experiment: string;
  /** The search or AutoML run this trial belongs to. */
  readonly parentId: string | null;
  readonly name: string | null;
  readonly status: RunStatus;
  readonly params: JsonObject;
  /** Aggregate metrics (the mean over folds, or a test score), by name. */
  readonly metrics: { readonly [name: string]: number };
  /** Seconds spent per phase, e.g. `{ fit: 1.2, cv: 5.8 }`. */
  readonly timings: { readonly [phase: string]: number };
  readonly seed: number | null;
  readonly keelVersion: string;
  /** The dataset the run learned from (its content hash). */
  readonly datasetHash: string | null;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly heartbeatAt: number;
  readonly host: string;
  readonly pid: number;
  /** Why it failed (the error message), when it did. */
  readonly error: string | null;
  readonly tags: { readonly [key: string]: string };
}

/** One metric value: a fold's score (`fold` ≥ 0), or the aggregate (`fold` null). */
export interface MetricPoint {
  readonly name: string;
  readonly value: number;
  readonly fold?: number | null;
  /** A training step (a tree, an epoch) for curves; null for a final score. */
  readonly step?: number | null;
}

export interface LogLine {
  readonly at: number;
  readonly line: string;
}

export interface RunArtifact {
  readonly runId: string;
  readonly name: string;
  readonly hash: string;
  readonly bytes: number;
}

export interface ModelRecord {
  readonly project: string;
  readonly name: string;
  readonly description: string | null;
  readonly createdAt: number;
  /** The highest version ever registered (deleted versions keep their number). */
  readonly latestVersion: number;
  /** Alias → version. */
  readonly aliases: { readonly [alias: string]: number };
  readonly tags: { readonly [key: string]: string };
}

export interface ModelVersionRecord {
  readonly project: string;
  readonly model: string;
  readonly version: number;
  /** SHA-256 (hex) of the artifact bytes, which live in the artifact folder under that name. */
  readonly artifactHash: string;
  readonly artifactBytes: number;
  /** The fitted model's kind (e.g. `pipeline`, `gbdt`) and task. */
  readonly kind: string;
  readonly task: string;
  /** The input the model accepts, with the training data's statistics (serving and drift read it). */
  readonly schema: Schema;
  readonly metrics: { readonly [name: string]: number };
  /** Reference statistics of the training data for monitoring (e.g. a stored profile). */
  readonly reference: JsonObject | null;
  /** Lineage: the run that produced it and the data it learned from. */
  readonly runId: string | null;
  readonly datasetHash: string | null;
  readonly createdAt: number;
  readonly tags: { readonly [key: string]: string };
}

export interface AliasMove {
  readonly model: string;
  readonly alias: string;
  /** null when the alias is created. */
  readonly fromVersion: number | null;
  /** null when the alias is removed. */
  readonly toVersion: number | null;
  readonly at: number;
}

export type TagTarget =
  | { readonly kind: 'run'; readonly id: string }
  | { readonly kind: 'model'; readonly name: string }
  | { readonly kind: 'version'; readonly name: string; readonly version: number };

export interface RunStart {
  readonly experiment?: string;
  readonly name?: string;
  readonly parentId?: string;
  readonly params?: JsonObject;
  readonly seed?: number;
  readonly datasetHash?: string;
  readonly tags?: { readonly [key: string]: string };
}

export interface RunEnd {
  readonly status: 'finished' | 'failed';
  readonly error?: string;
  readonly timings?: { readonly [phase: string]: number };
}

export interface RunQuery {
  readonly experiment?: string;
  readonly status?: RunStatus;
  readonly parentId?: string;
  /** Order by this aggregate metric, best first (`direction` says which way is better). */
  readonly orderBy?: { readonly metric: string; readonly direction: 'asc' | 'desc' };
  readonly limit?: number;
}

export interface DatasetInput {
  readonly hash: string;
  readonly source: string;
  readonly schema: Schema;
  readonly profile?: JsonObject;
}

export interface VersionInput {
  readonly model: string;
  /** The artifact bytes (`saveModel(model)`); stored content-addressed, checked on load. */
  readonly artifact: Uint8Array;
  readonly kind: string;
  readonly task: string;
  readonly schema: Schema;
  readonly metrics?: { readonly [name: string]: number };
  readonly reference?: JsonObject;
  readonly runId?: string;
  readonly datasetHash?: string;
  readonly description?: string;
  readonly tags?: { readonly [key: string]: string };
}

/**
 * Artifacts live outside the database, in a folder named by their SHA-256,
 * so a database row never holds megabytes and two stores (or machines on a
 * shared folder) agree on what a hash means. Writes are atomic (a temporary
 * file renamed into place); reads check the hash and refuse bytes that do
 * not match.
 */
export interface ArtifactStore {
  readonly root: string;
  /** Stores the bytes (once: an existing hash is not rewritten) and returns their SHA-256 hex. */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes stored under `hash`, checked against it (DataError `registry.artifact-corrupt` if not). */
  get(hash: string): Promise<Uint8Array>;
  has(hash: string): Promise<boolean>;
  /** Removes the file (when no version refers to it any more). */
  remove(hash: string): Promise<void>;
}

/**
 * One store, two backends with the same behaviour: SQLite (embedded
 * default, a file under KEEL_HOME) and PostgreSQL (shared). Every write is
 * one transaction; a record is either fully stored or not at all.
 * Methods that name a project default to `default`.
 */
export interface Store extends ServingRecords, MonitoringRecords {
  readonly backend: 'sqlite' | 'postgres';
  /** Where it is (file path, or URL without its password), for messages. */
  readonly location: string;
  readonly project: string;
  readonly artifacts: ArtifactStore;
  close(): Promise<void>;

  /** Migration versions applied, oldest first. */
  migrations(): Promise<readonly number[]>;

  recordDataset(input: DatasetInput): Promise<DatasetRecord>;
  getDataset(hash: string): Promise<DatasetRecord | undefined>;

  listExperiments(): Promise<readonly ExperimentRecord[]>;

  startRun(start: RunStart): Promise<RunRecord>;
  logParams(runId: string, params: JsonObject): Promise<void>;
  /** Per-fold and aggregate values; an aggregate (fold null, step null) also becomes `RunRecord.metrics[name]`. */
  logMetrics(runId: string, metrics: readonly MetricPoint[]): Promise<void>;
  logLines(runId: string, lines: readonly string[]): Promise<void>;
  /** Stores a file of the run (a report, a plot) in the artifact folder under `name`. */
  logArtifact(runId: string, name: string, bytes: Uint8Array): Promise<RunArtifact>;
  runArtifacts(runId: string): Promise<readonly RunArtifact[]>;
  heartbeat(runId: string): Promise<void>;
  endRun(runId: string, end: RunEnd): Promise<RunRecord>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  runMetrics(runId: string): Promise<readonly MetricPoint[]>;
  runLog(runId: string): Promise<readonly LogLine[]>;
  listRuns(query?: RunQuery): Promise<readonly RunRecord[]>;
  /** Marks runs whose process is gone `failed` (same host) or silent too long `stale`; returns their ids. */
  reapAbandonedRuns(): Promise<readonly string[]>;

  registerVersion(input: VersionInput): Promise<ModelVersionRecord>;
  getModel(name: string): Promise<ModelRecord | undefined>;
  listModels(): Promise<readonly ModelRecord[]>;
  listVersions(name: string): Promise<readonly ModelVersionRecord[]>;
  /** `ref` is a version number or an alias. */
  getVersion(name: string, ref: number | string): Promise<ModelVersionRecord | undefined>;
  /** Points `alias` at `version` atomically, recording the move. */
  setAlias(name: string, alias: string, version: number): Promise<AliasMove>;
  removeAlias(name: string, alias: string): Promise<AliasMove>;
  aliasHistory(name: string): Promise<readonly AliasMove[]>;
  /** Refused (UsageError `registry.version-aliased`) while an alias points at it. */
  deleteVersion(name: string, version: number): Promise<void>;

  setTag(target: TagTarget, key: string, value: string): Promise<void>;
}

/**
 * What serving keeps in the store: the prediction log, ground truth sent
 * back as feedback, and API keys (part of every `Store`; tables in
 * schema.ts, migration 2).
 */
export interface ServingRecords {
  /** Appends served predictions (one transaction per call: the prediction log's batches). */
  logPredictions(records: readonly PredictionRecord[]): Promise<void>;
  /** Attaches ground truth to logged requests; returns the request ids it found no prediction for. */
  recordFeedback(
    items: readonly FeedbackInput[],
    check?: FeedbackCheck,
  ): Promise<{ readonly stored: number; readonly unknown: readonly string[] }>;
  /** Logged predictions, oldest first, each with its feedback when there is some. */
  listPredictions(query?: PredictionQuery): Promise<readonly PredictionRecord[]>;
  /**
   * Retention: deletes this project's predictions logged before `before`
   * (epoch ms), with their feedback, a batch per transaction.
   */
  prunePredictions(options: PruneOptions): Promise<PruneResult>;

  /** A new API key: the token is returned once and stored only as a hash. */
  createApiKey(name: string): Promise<{ readonly key: ApiKeyRecord; readonly token: string }>;
  /** Revokes by name; revoking twice is refused. */
  revokeApiKey(name: string): Promise<ApiKeyRecord>;
  listApiKeys(): Promise<readonly ApiKeyRecord[]>;
  /** The active key whose token this is, if any (checked against the stored hashes). */
  verifyApiKey(token: string): Promise<ApiKeyRecord | undefined>;
}

/**
 * One served request as the prediction log keeps it (sampled, written in
 * batches off the request path). Inputs are columns (name → values), absent
 * when the server runs with `--log-inputs=false`.
 */
export interface PredictionRecord {
  readonly requestId: string;
  readonly model: string;
  readonly version: number;
  readonly at: number;
  readonly latencyMs: number;
  readonly rows: number;
  readonly inputs: { readonly [column: string]: readonly Json[] } | null;
  /** `predictions` (and `probabilities` for classifiers), as the response had them. */
  readonly outputs: JsonObject;
  /** Ground truth attached later by POST /v1/feedback: one label per row, or null. */
  readonly feedback?: { readonly labels: readonly Json[]; readonly at: number } | null;
}

export interface FeedbackInput {
  readonly requestId: string;
  /** One label per row of the request (a class label or a number). */
  readonly labels: readonly Json[];
}

/**
 * Checks the labels of one logged request against the model that answered
 * it (throw to refuse them: nothing of the call is stored).
 */
export type FeedbackCheck = (
  request: { readonly requestId: string; readonly model: string; readonly version: number },
  labels: readonly Json[],
) => void;

export interface PredictionQuery {
  readonly model?: string;
  readonly version?: number;
  /** Epoch ms, inclusive. */
  readonly since?: number;
  readonly until?: number;
  readonly limit?: number;
}

export interface ApiKeyRecord {
  readonly name: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
  /** The first characters of the token, to recognise it (never enough to use it). */
  readonly prefix: string;
}

export interface PruneOptions {
  /** Epoch ms: predictions logged strictly before this time go. */
  readonly before: number;
  /** Count what would go, delete nothing. */
  readonly dryRun?: boolean;
  /** Predictions per transaction (default 1,000): a huge log is never one giant transaction. */
  readonly batchSize?: number;
}

export interface PruneResult {
  readonly before: number;
  readonly dryRun: boolean;
  /** Predictions deleted (or, in a dry run, that would be). */
  readonly predictions: number;
  /** Feedback records deleted with them. */
  readonly feedback: number;
  /** Transactions it took (0 in a dry run). */
  readonly batches: number;
}

/** What monitoring keeps in the store: its alerts (table in schema.ts, migration 3). */
export interface MonitoringRecords {
  /** Stores one alert (checked field by field: a UsageError names the bad one). */
  recordAlert(input: AlertInput): Promise<AlertRecord>;
  /** This project's alerts, newest first. */
  listAlerts(query?: AlertQuery): Promise<readonly AlertRecord[]>;
}

/** What the alert is about: the inputs drifted, a metric decayed, bad data arrived, a retrain was decided. */
export type AlertKind = 'drift' | 'decay' | 'quality' | 'retrain';

export type AlertSeverity = 'warning' | 'critical';

export interface AlertInput {
  readonly model: string;
  readonly version: number;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  /** One sentence a person reads in a terminal or a chat message. */
  readonly message: string;
  /** What a program needs to act on it (the drifted columns, the metric and its threshold…). */
  readonly details?: JsonObject;
  /** Epoch ms; default now. */
  readonly at?: number;
}

export interface AlertRecord {
  readonly id: string;
  readonly project: string;
  readonly model: string;
  readonly version: number;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly message: string;
  /** `{}` when the alert was recorded without details. */
  readonly details: JsonObject;
  readonly at: number;
}

export interface AlertQuery {
  readonly model?: string;
  readonly kind?: AlertKind;
  /** Epoch ms, inclusive. */
  readonly since?: number;
  readonly limit?: number;
}
