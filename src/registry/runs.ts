import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { UsageError } from '../core/errors.js';
import { checkJsonObject, checkMetric, checkName, unknownRun } from './checks.js';
import type { Db, Queryable, SqlValue } from './db.js';
import { fromSqlNumber, toSqlNumber } from './db.js';
import type { ArtifactRow, MetricRow, RunRow } from './rows.js';
import { byText, groupPairs, metricPoint, NONE, runArtifact, runRecord } from './rows.js';
import type {
  ArtifactStore,
  JsonObject,
  LogLine,
  MetricPoint,
  RunArtifact,
  RunEnd,
  RunQuery,
  RunRecord,
  RunStart,
} from './types.js';
import { KEEL_VERSION } from './version.js';

/** What the run and model functions share: the database, the artifact folder and the project. */
export interface StoreContext {
  readonly db: Db;
  readonly artifacts: ArtifactStore;
  readonly project: string;
}

export async function startRun(ctx: StoreContext, start: RunStart): Promise<RunRecord> {
  const now = Date.now();
  const row: RunRow = {
    id: randomUUID(),
    project: ctx.project,
    experiment: checkName(start.experiment ?? 'default', 'experiment'),
    parent_id: start.parentId ?? null,
    name: start.name ?? null,
    status: 'running',
    params_json: checkJsonObject(start.params ?? {}, 'params'),
    timings_json: '{}',
    seed: start.seed ?? null,
    keel_version: KEEL_VERSION,
    dataset_hash: start.datasetHash ?? null,
    started_at: now,
    ended_at: null,
    heartbeat_at: now,
    host: hostname(),
    pid: process.pid,
    error: null,
  };
  const tags = Object.fromEntries(Object.entries(start.tags ?? {}).map(([k, v]) => [k, String(v)]));
  await ctx.db.transaction(async (tx) => {
    if (row.parent_id !== null) await requireRun(tx, row.parent_id, 'parentId');
    await tx.run(
      'INSERT INTO keel_experiments (project, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      [ctx.project, row.experiment, now],
    );
    const columns = Object.keys(row);
    await tx.run(
      `INSERT INTO keel_runs (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      Object.values(row),
    );
    for (const [key, value] of Object.entries(tags)) {
      await tx.run('INSERT INTO keel_run_tags (run_id, key, value) VALUES (?, ?, ?)', [row.id, key, value]);
    }
  });
  // Everything is known: no need to read the run back.
  return runRecord(row, {}, tags);
}

/**
 * Any write to a run is a sign of life: it refreshes the heartbeat and
 * brings a `stale` run back to `running`. It also takes the run's row lock
 * (PostgreSQL), so the read-modify-writes that follow do not race.
 */
async function touchRun(tx: Queryable, id: string): Promise<void> {
  const changed = await tx.run(
    `UPDATE keel_runs SET heartbeat_at = ?, status = CASE WHEN status = 'stale' THEN 'running' ELSE status END
     WHERE id = ?`,
    [Date.now(), id],
  );
  if (changed === 0) throw unknownRun(id);
}

export function heartbeat(db: Db, id: string): Promise<void> {
  return db.transaction((tx) => touchRun(tx, id));
}

export async function logParams(db: Db, id: string, params: JsonObject): Promise<void> {
  checkJsonObject(params, 'params');
  await db.transaction(async (tx) => {
    await touchRun(tx, id);
    const [row] = await tx.query<{ params_json: string }>('SELECT params_json FROM keel_runs WHERE id = ?', [
      id,
    ]);
    const merged = { ...(JSON.parse(row!.params_json) as JsonObject), ...params };
    await tx.run('UPDATE keel_runs SET params_json = ? WHERE id = ?', [JSON.stringify(merged), id]);
  });
}

/** Rows per multi-row INSERT: well under both databases' limits on bound parameters. */
const INSERT_BATCH = 100;

export async function logMetrics(db: Db, id: string, points: readonly MetricPoint[]): Promise<void> {
  for (const point of points) checkMetric(point);
  // One row per key, the last value winning: PostgreSQL refuses an upsert that hits a row twice.
  const rows = new Map<string, SqlValue[]>();
  for (const p of points) {
    const fold = p.fold ?? NONE;
    const step = p.step ?? NONE;
    rows.set(JSON.stringify([p.name, fold, step]), [id, p.name, fold, step, toSqlNumber(p.value)]);
  }
  const all = [...rows.values()];
  await db.transaction(async (tx) => {
    await touchRun(tx, id);
    for (let i = 0; i < all.length; i += INSERT_BATCH) {
      const batch = all.slice(i, i + INSERT_BATCH);
      await tx.run(
        `INSERT INTO keel_metrics (run_id, name, fold, step, value) VALUES ${batch.map(() => '(?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (run_id, name, fold, step) DO UPDATE SET value = excluded.value`,
        batch.flat(),
      );
    }
  });
}

export async function logLines(db: Db, id: string, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  const at = Date.now();
  await db.transaction(async (tx) => {
    await touchRun(tx, id);
    const [row] = await tx.query<{ log_lines: number }>(
      'UPDATE keel_runs SET log_lines = log_lines + ? WHERE id = ? RETURNING log_lines',
      [lines.length, id],
    );
    const first = row!.log_lines - lines.length;
    for (let i = 0; i < lines.length; i += INSERT_BATCH) {
      const batch = lines.slice(i, i + INSERT_BATCH);
      await tx.run(
        `INSERT INTO keel_run_logs (run_id, seq, at, line) VALUES ${batch.map(() => '(?, ?, ?, ?)').join(', ')}`,
        batch.flatMap((line, j) => [id, first + i + j, at, String(line)]),
      );
    }
  });
}

export async function logArtifact(
  ctx: StoreContext,
  id: string,
  name: string,
  bytes: Uint8Array,
): Promise<RunArtifact> {
  if (typeof name !== 'string' || name === '') {
    throw new UsageError('registry.bad-name', 'an artifact needs a non-empty name', {
      location: { field: 'name' },
    });
  }
  const hash = await ctx.artifacts.put(bytes);
  await ctx.db.transaction(async (tx) => {
    await touchRun(tx, id);
    await keepArtifact(tx, ctx.artifacts, hash, bytes);
    await tx.run(
      `INSERT INTO keel_run_artifacts (run_id, name, hash, bytes, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, name) DO UPDATE SET hash = excluded.hash, bytes = excluded.bytes, created_at = excluded.created_at`,
      [id, name, hash, bytes.byteLength, Date.now()],
    );
  });
  return { runId: id, name, hash, bytes: bytes.byteLength };
}

/**
 * Called in the transaction that adds a row referring to `hash`, after
 * `put`: under the hash's lock, so a concurrent removal of the last
 * reference (collectArtifact) either sees this row or has already removed
 * the file, which is then written again. A row never points at missing bytes.
 */
export async function keepArtifact(
  tx: Queryable,
  artifacts: ArtifactStore,
  hash: string,
  bytes: Uint8Array,
): Promise<void> {
  await tx.lock(`keel.artifact.${hash}`);
  if (!(await artifacts.has(hash))) await artifacts.put(bytes);
}

export async function runArtifacts(db: Db, id: string): Promise<RunArtifact[]> {
  await requireRun(db, id);
  const rows = await db.query<ArtifactRow>(
    'SELECT run_id, name, hash, bytes FROM keel_run_artifacts WHERE run_id = ?',
    [id],
  );
  return rows.sort(byText((r) => r.name)).map(runArtifact);
}

export async function endRun(db: Db, id: string, end: RunEnd): Promise<RunRecord> {
  if (end?.status !== 'finished' && end?.status !== 'failed') {
    throw new UsageError(
      'registry.bad-status',
      `a run ends "finished" or "failed", not ${JSON.stringify(end?.status)}`,
      {
        location: { field: 'status' },
      },
    );
  }
  const timings = end.timings === undefined ? null : checkJsonObject(end.timings, 'timings');
  await db.transaction(async (tx) => {
    const now = Date.now();
    const changed = await tx.run(
      `UPDATE keel_runs SET status = ?, error = ?, ended_at = ?, heartbeat_at = ?,
         timings_json = COALESCE(?, timings_json)
       WHERE id = ? AND status IN ('running', 'stale')`,
      [end.status, end.error ?? null, now, now, timings, id],
    );
    if (changed === 0) await refuseEnd(tx, id);
  });
  return (await getRun(db, id))!;
}

async function refuseEnd(tx: Queryable, id: string): Promise<never> {
  const [row] = await tx.query<{ status: string }>('SELECT status FROM keel_runs WHERE id = ?', [id]);
  if (row === undefined) throw unknownRun(id);
  throw new UsageError('registry.run-ended', `run "${id}" has already ended (${row.status})`, {
    location: { field: 'runId' },
    hint: 'a run is ended once; start a new run to record another attempt',
  });
}

async function requireRun(db: Queryable, id: string, field = 'runId'): Promise<void> {
  const rows = await db.query('SELECT id FROM keel_runs WHERE id = ?', [id]);
  if (rows.length === 0) throw unknownRun(id, field);
}

export async function getRun(db: Db, id: string): Promise<RunRecord | undefined> {
  const rows = await db.query<RunRow>('SELECT * FROM keel_runs WHERE id = ?', [id]);
  return (await withDetails(db, rows))[0];
}

export async function runMetrics(db: Db, id: string): Promise<MetricPoint[]> {
  await requireRun(db, id);
  const rows = await db.query<MetricRow>(
    'SELECT name, fold, step, value FROM keel_metrics WHERE run_id = ?',
    [id],
  );
  return rows
    .sort(
      byText(
        (r) => r.name,
        (r) => r.fold,
        (r) => r.step,
      ),
    )
    .map(metricPoint);
}

export async function runLog(db: Db, id: string): Promise<LogLine[]> {
  await requireRun(db, id);
  const rows = await db.query<LogLine>('SELECT at, line FROM keel_run_logs WHERE run_id = ? ORDER BY seq', [
    id,
  ]);
  return rows.map((r) => ({ at: r.at, line: r.line }));
}

/** Rows per `IN (…)` list when runs' metrics and tags are fetched together. */
const ID_BATCH = 500;

/** Adds each run's aggregate metrics and tags (two queries per batch of runs, not two per run). */
export async function withDetails(db: Queryable, rows: readonly RunRow[]): Promise<RunRecord[]> {
  const metrics = new Map<string, Record<string, number>>();
  const tags = new Map<string, Record<string, string>>();
  for (let i = 0; i < rows.length; i += ID_BATCH) {
    const ids = rows.slice(i, i + ID_BATCH).map((r) => r.id);
    const marks = ids.map(() => '?').join(', ');
    const m = await db.query<{ run_id: string; name: string; value: SqlValue }>(
      `SELECT run_id, name, value FROM keel_metrics WHERE fold = ${NONE} AND step = ${NONE} AND run_id IN (${marks})`,
      ids,
    );
    for (const [k, v] of groupPairs(m.map((r) => [r.run_id, r.name, fromSqlNumber(r.value)])))
      metrics.set(k, v);
    const t = await db.query<{ run_id: string; key: string; value: string }>(
      `SELECT run_id, key, value FROM keel_run_tags WHERE run_id IN (${marks})`,
      ids,
    );
    for (const [k, v] of groupPairs(t.map((r) => [r.run_id, r.key, r.value]))) tags.set(k, v);
  }
  return rows.map((row) => runRecord(row, metrics.get(row.id) ?? {}, tags.get(row.id) ?? {}));
}

export async function listRuns(ctx: StoreContext, query: RunQuery = {}): Promise<RunRecord[]> {
  checkRunQuery(query);
  const params: SqlValue[] = [];
  let sql = 'SELECT r.* FROM keel_runs r';
  let order = 'r.started_at DESC, r.id';
  if (query.orderBy !== undefined) {
    sql += ` LEFT JOIN keel_metrics m ON m.run_id = r.id AND m.name = ? AND m.fold = ${NONE} AND m.step = ${NONE}`;
    params.push(query.orderBy.metric);
    // Runs without the metric (or with NaN, stored as NULL) go last on both databases.
    order = `CASE WHEN m.value IS NULL THEN 1 ELSE 0 END, m.value ${query.orderBy.direction.toUpperCase()}, ${order}`;
  }
  sql += ' WHERE r.project = ?';
  params.push(ctx.project);
  const filters = { experiment: query.experiment, status: query.status, parent_id: query.parentId };
  for (const [column, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    sql += ` AND r.${column} = ?`;
    params.push(value);
  }
  sql += ` ORDER BY ${order}`;
  if (query.limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(query.limit);
  }
  return withDetails(ctx.db, await ctx.db.query<RunRow>(sql, params));
}

/** The direction is written into the SQL, so only the two words are let through. */
function checkRunQuery(query: RunQuery): void {
  const direction = query.orderBy?.direction;
  if (direction !== undefined && direction !== 'asc' && direction !== 'desc') {
    throw new UsageError(
      'registry.bad-direction',
      `orderBy.direction must be "asc" or "desc", not ${JSON.stringify(direction)}`,
      {
        location: { field: 'orderBy.direction' },
      },
    );
  }
  const limit = query.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new UsageError('registry.bad-limit', `limit must be a whole number ≥ 0, not ${limit}`, {
      location: { field: 'limit' },
    });
  }
}
