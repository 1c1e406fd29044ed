import type { Json } from '../core/artifact.js';
import { UsageError } from '../core/errors.js';
import type { SqlValue } from './db.js';
import type { StoreContext } from './runs.js';
import type {
  FeedbackCheck,
  FeedbackInput,
  JsonObject,
  PredictionQuery,
  PredictionRecord,
  PruneOptions,
  PruneResult,
} from './types.js';

/**
 * The prediction log and its feedback (tables in schema.ts, migration 2).
 * Predictions are appended by serve/prediction-log.ts in batches, one
 * transaction per batch; feedback attaches ground truth to them later.
 */

/** Rows per multi-row INSERT: 9 parameters each, well under both databases' limits. */
const INSERT_BATCH = 100;

/** Request ids per `IN (…)` list. */
const ID_BATCH = 500;

interface PredictionRow {
  request_id: string;
  model: string;
  version: number;
  at: number;
  latency_ms: number;
  row_count: number;
  inputs_json: string | null;
  outputs_json: string;
  labels_json: string | null;
  feedback_at: number | null;
}

/**
 * Appends the records in one transaction. A request id already logged is
 * left as it is (`ON CONFLICT DO NOTHING`): the log's writer retries a
 * batch whose commit it could not confirm, and must not fail on it.
 */
export async function logPredictions(ctx: StoreContext, records: readonly PredictionRecord[]): Promise<void> {
  if (records.length === 0) return;
  const rows = records.map((r, i) => predictionRow(ctx.project, r, i));
  await ctx.db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const batch = rows.slice(i, i + INSERT_BATCH);
      await tx.run(
        `INSERT INTO keel_predictions
           (request_id, project, model, version, at, latency_ms, row_count, inputs_json, outputs_json)
         VALUES ${batch.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (request_id) DO NOTHING`,
        batch.flat(),
      );
    }
  });
}

/**
 * Throws a UsageError naming the field when `r` is not a loggable record.
 * The prediction log checks each record as it is recorded, so one bad record
 * never takes a batch down with it.
 */
export function checkPrediction(r: PredictionRecord, field = 'record'): void {
  if (typeof r?.requestId !== 'string' || r.requestId === '') {
    throw badRecord(`${field}.requestId`, 'a prediction needs a non-empty request id');
  }
  if (typeof r.model !== 'string' || r.model === '') throw badRecord(`${field}.model`, 'no model name');
  if (!Number.isInteger(r.version) || r.version < 0) {
    throw badRecord(`${field}.version`, `version ${JSON.stringify(r.version)} is not a whole number`);
  }
  for (const name of ['at', 'latencyMs', 'rows'] as const) {
    const value = r[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw badRecord(`${field}.${name}`, `${name} ${JSON.stringify(value)} is not a number ≥ 0`);
    }
  }
  if (!isObject(r.outputs)) throw badRecord(`${field}.outputs`, 'outputs must be an object');
  if (r.inputs !== null && !isObject(r.inputs)) {
    throw badRecord(`${field}.inputs`, 'inputs must be an object of columns, or null');
  }
}

/** Checks one record and turns it into the table's columns (JSON as text). */
function predictionRow(project: string, r: PredictionRecord, index: number): SqlValue[] {
  checkPrediction(r, `records[${index}]`);
  return [
    r.requestId,
    project,
    r.model,
    r.version,
    Math.round(r.at),
    r.latencyMs,
    r.rows,
    r.inputs === null ? null : JSON.stringify(r.inputs),
    JSON.stringify(r.outputs),
  ];
}

/**
 * Stores each item's labels on its logged request, replacing feedback sent
 * earlier for the same request (the last word wins: a label corrected later
 * is the one monitoring should see). Ids with no logged prediction in this
 * project — never logged, sampled out, or not flushed yet — are returned in
 * `unknown` and stored nowhere. The label count must match the request's rows.
 */
export async function recordFeedback(
  ctx: StoreContext,
  items: readonly FeedbackInput[],
  check?: FeedbackCheck,
): Promise<{ stored: number; unknown: string[] }> {
  // One entry per request, the last one winning: PostgreSQL refuses an upsert that hits a row twice.
  const latest = new Map<string, readonly Json[]>();
  for (const [i, item] of items.entries()) {
    if (typeof item?.requestId !== 'string' || item.requestId === '') {
      throw badFeedback(
        `items[${i}].requestId`,
        'feedback needs the request id the prediction answered with',
      );
    }
    if (!Array.isArray(item.labels)) {
      throw badFeedback(`items[${i}].labels`, `labels of "${item.requestId}" must be an array, one per row`);
    }
    latest.set(item.requestId, item.labels);
  }
  const ids = [...latest.keys()];
  const at = Date.now();
  return ctx.db.transaction(async (tx) => {
    const rows = new Map<string, number>();
    const served = new Map<string, { model: string; version: number }>();
    for (let i = 0; i < ids.length; i += ID_BATCH) {
      const chunk = ids.slice(i, i + ID_BATCH);
      const found = await tx.query<{ request_id: string; row_count: number; model: string; version: number }>(
        `SELECT request_id, row_count, model, version FROM keel_predictions
         WHERE project = ? AND request_id IN (${chunk.map(() => '?').join(', ')})`,
        [ctx.project, ...chunk],
      );
      for (const f of found) {
        rows.set(f.request_id, f.row_count);
        served.set(f.request_id, { model: f.model, version: Number(f.version) });
      }
    }
    const unknown = ids.filter((id) => !rows.has(id));
    let stored = 0;
    for (const [id, labels] of latest) {
      const expected = rows.get(id);
      if (expected === undefined) continue;
      if (labels.length !== expected) {
        throw badFeedback(
          'labels',
          `request "${id}" scored ${expected} row(s) but its feedback has ${labels.length} label(s)`,
        );
      }
      check?.({ requestId: id, ...served.get(id)! }, labels);
      await tx.run(
        `INSERT INTO keel_feedback (request_id, labels_json, at) VALUES (?, ?, ?)
         ON CONFLICT (request_id) DO UPDATE SET labels_json = excluded.labels_json, at = excluded.at`,
        [id, JSON.stringify(labels), at],
      );
      stored++;
    }
    return { stored, unknown };
  });
}

/** Logged predictions of this project, oldest first, with their feedback; `limit` keeps the oldest. */
export async function listPredictions(
  ctx: StoreContext,
  query: PredictionQuery = {},
): Promise<PredictionRecord[]> {
  const params: SqlValue[] = [ctx.project];
  let sql = `SELECT p.request_id, p.model, p.version, p.at, p.latency_ms, p.row_count, p.inputs_json,
      p.outputs_json, f.labels_json, f.at AS feedback_at
    FROM keel_predictions p LEFT JOIN keel_feedback f ON f.request_id = p.request_id
    WHERE p.project = ?`;
  const filters: [string, string, number | string | undefined][] = [
    ['p.model = ?', 'model', query.model],
    ['p.version = ?', 'version', query.version],
    ['p.at >= ?', 'since', query.since],
    ['p.at <= ?', 'until', query.until],
  ];
  for (const [condition, field, value] of filters) {
    if (value === undefined) continue;
    if (field === 'model' ? typeof value !== 'string' : typeof value !== 'number' || Number.isNaN(value)) {
      throw new UsageError('registry.bad-query', `${field} ${JSON.stringify(value)} is not valid here`, {
        location: { field },
      });
    }
    sql += ` AND ${condition}`;
    params.push(value);
  }
  // request_id breaks ties in `at`; both databases compare these ASCII ids the same way.
  sql += ' ORDER BY p.at, p.request_id';
  if (query.limit !== undefined) {
    if (!Number.isInteger(query.limit) || query.limit < 0) {
      throw new UsageError('registry.bad-limit', `limit must be a whole number ≥ 0, not ${query.limit}`, {
        location: { field: 'limit' },
      });
    }
    sql += ' LIMIT ?';
    params.push(query.limit);
  }
  const rows = await ctx.db.query<PredictionRow>(sql, params);
  return rows.map(predictionRecord);
}

/** Predictions per prune transaction: short enough not to hold the writers of a busy log for long. */
const PRUNE_BATCH = 1000;

/**
 * Retention: deletes this project's predictions logged strictly before
 * `before`, and their feedback, oldest first, one transaction per batch.
 * A prune stopped halfway (a crash, Ctrl-C) leaves whole batches deleted
 * and the rest intact; running it again finishes the job. The serving log
 * keeps writing meanwhile: its new rows are newer than `before`.
 */
export async function prunePredictions(ctx: StoreContext, options: PruneOptions): Promise<PruneResult> {
  const { before, batchSize } = checkPrune(options);
  if (options.dryRun === true)
    return { before, dryRun: true, ...(await countBefore(ctx, before)), batches: 0 };
  let predictions = 0;
  let feedback = 0;
  let batches = 0;
  for (;;) {
    const deleted = await ctx.db.transaction(async (tx) => {
      const ids = await tx.query<{ request_id: string }>(
        'SELECT request_id FROM keel_predictions WHERE project = ? AND at < ? ORDER BY at LIMIT ?',
        [ctx.project, before, batchSize],
      );
      let rows = 0;
      let labels = 0;
      for (let i = 0; i < ids.length; i += ID_BATCH) {
        const chunk = ids.slice(i, i + ID_BATCH).map((r) => r.request_id);
        const marks = chunk.map(() => '?').join(', ');
        // Feedback first, counted: the cascade would delete it too, but silently.
        labels += await tx.run(`DELETE FROM keel_feedback WHERE request_id IN (${marks})`, chunk);
        rows += await tx.run(`DELETE FROM keel_predictions WHERE request_id IN (${marks})`, chunk);
      }
      return { found: ids.length, rows, labels };
    });
    if (deleted.found > 0) batches++;
    predictions += deleted.rows;
    feedback += deleted.labels;
    if (deleted.found < batchSize) return { before, dryRun: false, predictions, feedback, batches };
  }
}

function checkPrune(options: PruneOptions): { before: number; batchSize: number } {
  const before = options?.before;
  if (typeof before !== 'number' || !Number.isFinite(before)) {
    throw new UsageError('registry.bad-prune', `before ${JSON.stringify(before)} is not a time`, {
      location: { field: 'before' },
      hint: 'pass before as epoch milliseconds, e.g. Date.now() - 30 * 86_400_000 for 30 days ago',
    });
  }
  const batchSize = options.batchSize ?? PRUNE_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new UsageError('registry.bad-prune', `batchSize must be a whole number ≥ 1, not ${batchSize}`, {
      location: { field: 'batchSize' },
    });
  }
  return { before, batchSize };
}

async function countBefore(
  ctx: StoreContext,
  before: number,
): Promise<{ predictions: number; feedback: number }> {
  const [row] = await ctx.db.query<{ predictions: number; feedback: number }>(
    `SELECT COUNT(*) AS predictions, COUNT(f.request_id) AS feedback
     FROM keel_predictions p LEFT JOIN keel_feedback f ON f.request_id = p.request_id
     WHERE p.project = ? AND p.at < ?`,
    [ctx.project, before],
  );
  return { predictions: row!.predictions, feedback: row!.feedback };
}

function predictionRecord(row: PredictionRow): PredictionRecord {
  return {
    requestId: row.request_id,
    model: row.model,
    version: row.version,
    at: row.at,
    latencyMs: row.latency_ms,
    rows: row.row_count,
    inputs: row.inputs_json === null ? null : (JSON.parse(row.inputs_json) as PredictionRecord['inputs']),
    outputs: JSON.parse(row.outputs_json) as JsonObject,
    feedback:
      row.labels_json === null
        ? null
        : { labels: JSON.parse(row.labels_json) as Json[], at: row.feedback_at as number },
  };
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badRecord(field: string, message: string): UsageError {
  return new UsageError('registry.bad-prediction', `cannot log the prediction: ${message}`, {
    location: { field },
    hint: 'log records as the server builds them: requestId, model, version, at, latencyMs, rows, inputs, outputs',
  });
}

function badFeedback(field: string, message: string): UsageError {
  return new UsageError('registry.bad-feedback', message, {
    location: { field },
    hint: 'send [{ "requestId": "…", "labels": [one label per row of the request] }]',
  });
}
