import Database from 'better-sqlite3';
import pg from 'pg';
import { ConnectionError, DataError } from '../core/errors.js';
import type { RawColumn } from './raw.js';

/**
 * SQLite and PostgreSQL are read through their own drivers: DuckDB's scanners
 * for them are extensions that it downloads at run time, which cannot work
 * offline. Values arrive as JS values and become raw columns here.
 */

type Cell = unknown;

export function readSqlite(path: string, query: string): RawColumn[] {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new DataError('data.bad-sqlite', `cannot open the SQLite database: ${(error as Error).message}`, {
      location: { source: path },
      cause: error,
    });
  }
  try {
    const statement = db.prepare(query);
    if (!statement.reader) {
      throw new DataError('data.not-a-query', 'the SQL statement returns no rows', {
        location: { source: path, field: 'query' },
        hint: 'give a SELECT statement, or a table name with --table',
      });
    }
    const names = statement.columns().map((c) => c.name);
    const rows = statement.raw(true).all() as Cell[][];
    return toRawColumns(names, rows, () => undefined);
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError('data.bad-query', `the query failed: ${(error as Error).message}`, {
      location: { source: path, field: 'query' },
      cause: error,
    });
  } finally {
    db.close();
  }
}

/** PostgreSQL type OIDs keel maps to numbers; everything else arrives as text. */
const PG_INTEGER = new Set([20, 21, 23, 26]); // int8, int2, int4, oid
const PG_DOUBLE = new Set([700, 701, 1700]); // float4, float8, numeric
const PG_BOOLEAN = 16;
const PG_DATETIME = new Set([1082, 1114, 1184]); // date, timestamp, timestamptz

export async function readPostgres(
  url: string,
  query: string,
  connectTimeoutMs = 5000,
): Promise<RawColumn[]> {
  const source = redactPassword(url);
  // Parse dates ourselves (as UTC epoch ms) rather than through pg's local-time Date.
  const types = {
    getTypeParser: (oid: number) => (PG_DATETIME.has(oid) ? parsePgTime : (text: string) => text),
  };
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, types });
  try {
    await client.connect();
  } catch (error) {
    throw new ConnectionError(
      'connection.postgres',
      `cannot connect to PostgreSQL: ${(error as Error).message}`,
      {
        location: { source },
        hint: 'check that the server is running and that host, port, user and database in the URL are right',
        cause: error,
      },
    );
  }
  try {
    const result = await client.query({ text: query, rowMode: 'array' });
    const names = result.fields.map((f) => f.name);
    const oids = result.fields.map((f) => f.dataTypeID);
    return toRawColumns(names, result.rows as Cell[][], (j) => pgRawType(oids[j]!));
  } catch (error) {
    throw new DataError('data.bad-query', `the query failed: ${(error as Error).message}`, {
      location: { source, field: 'query' },
      cause: error,
    });
  } finally {
    await client.end();
  }
}

function pgRawType(oid: number): RawColumn['type'] {
  if (PG_INTEGER.has(oid)) return 'integer';
  if (PG_DOUBLE.has(oid)) return 'double';
  if (oid === PG_BOOLEAN) return 'boolean';
  if (PG_DATETIME.has(oid)) return 'datetime';
  return 'string';
}

function parsePgTime(text: string): number {
  // "2024-01-02 03:04:05+00" or "2024-01-02": make it ISO so Date.parse reads it as UTC.
  const iso = text.includes(' ') ? text.replace(' ', 'T') : `${text}T00:00:00`;
  const withZone = /[+-]\d\d(:?\d\d)?$|Z$/.test(iso) ? iso.replace(/([+-]\d\d)$/, '$1:00') : `${iso}Z`;
  return Date.parse(withZone);
}

/**
 * Columns whose declared type is unknown (SQLite's dynamic typing) are typed
 * from their values: all numbers → integer or double, all booleans → boolean,
 * anything else → text.
 */
function toRawColumns(
  names: readonly string[],
  rows: readonly Cell[][],
  declared: (j: number) => RawColumn['type'] | undefined,
): RawColumn[] {
  return names.map((name, j) => {
    const cells = rows.map((row) => row[j]);
    const type = declared(j) ?? typeFromValues(cells);
    if (type === 'string')
      return { name, type, values: cells.map((v) => (v === null || v === undefined ? null : String(v))) };
    return { name, type, values: Float64Array.from(cells, toNumber) };
  });
}

function typeFromValues(cells: readonly Cell[]): RawColumn['type'] {
  let sawNumber = false;
  let allInteger = true;
  for (const v of cells) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'number' || typeof v === 'bigint') {
      sawNumber = true;
      if (!Number.isInteger(Number(v))) allInteger = false;
    } else return 'string';
  }
  if (!sawNumber) return 'string';
  return allInteger ? 'integer' : 'double';
}

function toNumber(v: Cell): number {
  if (v === null || v === undefined) return Number.NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && (v === 't' || v === 'f')) return v === 't' ? 1 : 0;
  return Number(v);
}

export function redactPassword(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
