import { randomUUID } from 'node:crypto';
import { UsageError } from '../core/errors.js';
import { checkJsonObject, checkName, checkVersionNumber } from './checks.js';
import type { SqlValue } from './db.js';
import type { StoreContext } from './runs.js';
import type { AlertInput, AlertKind, AlertQuery, AlertRecord, AlertSeverity, JsonObject } from './types.js';

/**
 * Monitoring alerts (table in schema.ts, migration 3): what drift tests,
 * performance tracking and the retraining policy found, kept so that
 * `keel alerts`, the HTTP API and the dashboard show the same history.
 */

export const ALERT_KINDS: readonly AlertKind[] = ['drift', 'decay', 'quality', 'retrain'];
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['warning', 'critical'];

/** Long enough for any sentence; details belong in `details`. */
const MAX_MESSAGE = 2000;

interface AlertRow {
  id: string;
  project: string;
  model: string;
  version: number;
  at: number;
  kind: string;
  severity: string;
  message: string;
  details_json: string;
}

export async function recordAlert(ctx: StoreContext, input: AlertInput): Promise<AlertRecord> {
  const row = alertRow(ctx.project, input);
  const columns = Object.keys(row);
  await ctx.db.transaction((tx) =>
    tx.run(
      `INSERT INTO keel_alerts (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      Object.values(row),
    ),
  );
  return alertRecord(row);
}

/** Checks every field, naming the first bad one, and builds the row. */
function alertRow(project: string, input: AlertInput): AlertRow {
  if (typeof input !== 'object' || input === null) throw badAlert('alert', 'an alert must be an object');
  const model = checkName(input.model, 'model');
  const version = checkVersionNumber(input.version);
  if (!ALERT_KINDS.includes(input.kind)) throw badAlert('kind', kindMessage(input.kind));
  if (!ALERT_SEVERITIES.includes(input.severity)) {
    const known = ALERT_SEVERITIES.join(', ');
    throw badAlert('severity', `severity ${JSON.stringify(input.severity)} is not one of ${known}`);
  }
  const message = typeof input.message === 'string' ? input.message.trim() : '';
  if (message === '') throw badAlert('message', 'an alert needs a message a person can read');
  if (message.length > MAX_MESSAGE) {
    throw badAlert('message', `the message has ${message.length} characters, more than ${MAX_MESSAGE}`);
  }
  const at = input.at ?? Date.now();
  if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) {
    throw badAlert('at', `at ${JSON.stringify(at)} is not a time (epoch milliseconds ≥ 0)`);
  }
  const details = checkJsonObject(input.details ?? {}, 'details');
  return {
    id: randomUUID(),
    project,
    model,
    version,
    at: Math.round(at),
    kind: input.kind,
    severity: input.severity,
    message,
    details_json: details,
  };
}

function kindMessage(kind: unknown): string {
  return `kind ${JSON.stringify(kind)} is not one of ${ALERT_KINDS.join(', ')}`;
}

/**
 * This project's alerts, newest first. `id` breaks ties in `at`: ids are
 * lowercase hex UUIDs, which both databases order the same way.
 */
export async function listAlerts(ctx: StoreContext, query: AlertQuery = {}): Promise<AlertRecord[]> {
  const params: SqlValue[] = [ctx.project];
  let sql = 'SELECT * FROM keel_alerts WHERE project = ?';
  if (query.model !== undefined) {
    sql += ' AND model = ?';
    params.push(checkName(query.model, 'model'));
  }
  if (query.kind !== undefined) {
    if (!ALERT_KINDS.includes(query.kind)) throw badQuery('kind', kindMessage(query.kind));
    sql += ' AND kind = ?';
    params.push(query.kind);
  }
  if (query.since !== undefined) {
    if (typeof query.since !== 'number' || Number.isNaN(query.since)) {
      throw badQuery('since', `since ${JSON.stringify(query.since)} is not a time (epoch milliseconds)`);
    }
    sql += ' AND at >= ?';
    params.push(query.since);
  }
  sql += ' ORDER BY at DESC, id DESC';
  if (query.limit !== undefined) {
    if (!Number.isInteger(query.limit) || query.limit < 0) {
      throw badQuery('limit', `limit must be a whole number ≥ 0, not ${JSON.stringify(query.limit)}`);
    }
    sql += ' LIMIT ?';
    params.push(query.limit);
  }
  const rows = await ctx.db.query<AlertRow>(sql, params);
  return rows.map(alertRecord);
}

function alertRecord(row: AlertRow): AlertRecord {
  return {
    id: row.id,
    project: row.project,
    model: row.model,
    version: row.version,
    kind: row.kind as AlertKind,
    severity: row.severity as AlertSeverity,
    message: row.message,
    details: JSON.parse(row.details_json) as JsonObject,
    at: row.at,
  };
}

function badAlert(field: string, message: string): UsageError {
  return new UsageError('registry.bad-alert', `cannot record the alert: ${message}`, {
    location: { field },
    hint: 'an alert is { model, version, kind, severity, message, details?, at? }',
  });
}

function badQuery(field: string, message: string): UsageError {
  return new UsageError('registry.bad-query', message, { location: { field } });
}
