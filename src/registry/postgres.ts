import pg from 'pg';
import { ConnectionError } from '../core/errors.js';
import { redactPassword } from '../data/sql.js';
import type { Db, Queryable, SqlValue } from './db.js';
import { lockNumber } from './db.js';

/**
 * The shared backend: a pg Pool. A transaction holds one pooled client from
 * BEGIN to COMMIT/ROLLBACK; other statements take any client. Isolation is
 * PostgreSQL's default (READ COMMITTED): the store takes row locks
 * (`UPDATE … RETURNING` on a counter) or advisory locks where two writers
 * must not interleave.
 */

const INT8 = 20;
const NUMERIC = 1700;

/**
 * int8 (BIGINT, COUNT(*)) and numeric arrive as strings by default; the store
 * keeps epoch ms and counts far below 2^53, so numbers are safe. Set on this
 * pool only, not on pg's global table, which other code may rely on.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format);
  },
};

export async function openPostgres(url: string, connectTimeoutMs = 5000): Promise<Db> {
  const location = redactPassword(url);
  let pool: pg.Pool;
  try {
    pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, types });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    await pool.query('SELECT 1');
  } catch (error) {
    throw new ConnectionError(
      'connection.postgres',
      `cannot connect to the PostgreSQL store: ${(error as Error).message}`,
      {
        location: { source: location },
        hint: 'check that the server is running and that host, port, user and database in the URL are right',
        cause: error,
      },
    );
  }
  return new PostgresDb(pool, location);
}

/** `?` → `$1, $2, …`, leaving quoted strings and identifiers alone. */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Statements on a pool or on one client: both have `query`. */
class PostgresStatements implements Queryable {
  readonly dialect = 'postgres';

  constructor(private readonly target: pg.Pool | pg.PoolClient) {}

  async query<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const result = await this.target.query(numberPlaceholders(sql), params as SqlValue[]);
    return result.rows as T[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const result = await this.target.query(numberPlaceholders(sql), params as SqlValue[]);
    return result.rowCount ?? 0;
  }

  async exec(sql: string): Promise<void> {
    await this.target.query(sql);
  }

  async lock(key: string): Promise<void> {
    await this.target.query('SELECT pg_advisory_xact_lock($1)', [lockNumber(key)]);
  }
}

class PostgresDb extends PostgresStatements implements Db {
  constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
  ) {
    super(pool);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(new PostgresStatements(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone: drop it from the pool rather than reuse it
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return; // pg refuses a second end()
    this.closed = true;
    await this.pool.end();
  }
}
