import type { Schema } from '../data/schema.js';
import type { SqlValue } from './db.js';
import { fromSqlNumber } from './db.js';
import type {
  AliasMove,
  DatasetRecord,
  JsonObject,
  MetricPoint,
  ModelRecord,
  ModelVersionRecord,
  RunArtifact,
  RunRecord,
  RunStatus,
} from './types.js';

/** Table rows as the drivers return them, and their mapping to the records of types.ts. */

type Tags = { readonly [key: string]: string };
type Numbers = { readonly [name: string]: number };

export interface RunRow {
  id: string;
  project: string;
  experiment: string;
  parent_id: string | null;
  name: string | null;
  status: RunStatus;
  params_json: string;
  timings_json: string;
  seed: number | null;
  keel_version: string;
  dataset_hash: string | null;
  started_at: number;
  ended_at: number | null;
  heartbeat_at: number;
  host: string;
  pid: number;
  error: string | null;
}

export function runRecord(row: RunRow, metrics: Numbers, tags: Tags): RunRecord {
  return {
    id: row.id,
    project: row.project,
    experiment: row.experiment,
    parentId: row.parent_id,
    name: row.name,
    status: row.status,
    params: JSON.parse(row.params_json) as JsonObject,
    metrics,
    timings: JSON.parse(row.timings_json) as Numbers,
    seed: row.seed,
    keelVersion: row.keel_version,
    datasetHash: row.dataset_hash,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    heartbeatAt: row.heartbeat_at,
    host: row.host,
    pid: row.pid,
    error: row.error,
    tags,
  };
}

/** -1 stands for "no fold" and "no step" (see schema.ts). */
export const NONE = -1;

export interface MetricRow {
  name: string;
  fold: number;
  step: number;
  value: SqlValue;
}

export function metricPoint(row: MetricRow): MetricPoint {
  return {
    name: row.name,
    value: fromSqlNumber(row.value),
    fold: row.fold === NONE ? null : row.fold,
    step: row.step === NONE ? null : row.step,
  };
}

export interface DatasetRow {
  project: string;
  hash: string;
  source: string;
  row_count: number;
  schema_json: string;
  profile_json: string | null;
  created_at: number;
}

export function datasetRecord(row: DatasetRow): DatasetRecord {
  return {
    project: row.project,
    hash: row.hash,
    source: row.source,
    rows: row.row_count,
    schema: JSON.parse(row.schema_json) as Schema,
    profile: parseOptional(row.profile_json),
    createdAt: row.created_at,
  };
}

export interface ArtifactRow {
  run_id: string;
  name: string;
  hash: string;
  bytes: number;
}

export function runArtifact(row: ArtifactRow): RunArtifact {
  return { runId: row.run_id, name: row.name, hash: row.hash, bytes: row.bytes };
}

export interface ModelRow {
  project: string;
  name: string;
  description: string | null;
  created_at: number;
  latest_version: number;
}

export function modelRecord(row: ModelRow, aliases: Numbers, tags: Tags): ModelRecord {
  return {
    project: row.project,
    name: row.name,
    description: row.description,
    createdAt: row.created_at,
    latestVersion: row.latest_version,
    aliases,
    tags,
  };
}

export interface VersionRow {
  project: string;
  model: string;
  version: number;
  artifact_hash: string;
  artifact_bytes: number;
  kind: string;
  task: string;
  schema_json: string;
  metrics_json: string;
  reference_json: string | null;
  run_id: string | null;
  dataset_hash: string | null;
  created_at: number;
}

export function versionRecord(row: VersionRow, tags: Tags): ModelVersionRecord {
  return {
    project: row.project,
    model: row.model,
    version: row.version,
    artifactHash: row.artifact_hash,
    artifactBytes: row.artifact_bytes,
    kind: row.kind,
    task: row.task,
    schema: JSON.parse(row.schema_json) as Schema,
    metrics: parseNumbers(row.metrics_json),
    reference: parseOptional(row.reference_json),
    runId: row.run_id,
    datasetHash: row.dataset_hash,
    createdAt: row.created_at,
    tags,
  };
}

export interface MoveRow {
  model: string;
  alias: string;
  from_version: number | null;
  to_version: number | null;
  at: number;
}

export function aliasMove(row: MoveRow): AliasMove {
  return {
    model: row.model,
    alias: row.alias,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    at: row.at,
  };
}

/** JSON has no NaN (stringify writes null): a null metric read back is the NaN it was. */
function parseNumbers(text: string): Numbers {
  const parsed = JSON.parse(text) as { [name: string]: number | null };
  const out: { [name: string]: number } = {};
  for (const [name, value] of Object.entries(parsed)) out[name] = value ?? Number.NaN;
  return out;
}

function parseOptional(text: string | null): JsonObject | null {
  return text === null ? null : (JSON.parse(text) as JsonObject);
}

/**
 * Orders by text the same way on both backends: by UTF-16 code unit, as
 * SQLite does. PostgreSQL's ORDER BY follows the server's collation (often
 * case-insensitive), so text ordering is done here instead.
 */
export function byText<T>(...keys: ((item: T) => string | number)[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const x = key(a);
      const y = key(b);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
}

/** Groups `[owner, key, value]` rows into one object per owner. */
export function groupPairs<V>(
  rows: readonly (readonly [string, string, V])[],
): Map<string, Record<string, V>> {
  const groups = new Map<string, Record<string, V>>();
  for (const [owner, key, value] of rows) {
    let group = groups.get(owner);
    if (group === undefined) {
      group = {};
      groups.set(owner, group);
    }
    group[key] = value;
  }
  return groups;
}
