import Database from 'better-sqlite3';
import { ConnectionError, DataError } from '../core/errors.js';
import type { Db, Queryable, SqlValue } from './db.js';
import { Mutex } from './db.js';

/**
 * The embedded backend. better-sqlite3 is synchronous and one connection
 * serves every async caller of a store, so an async mutex keeps a
 * transaction's statements from interleaving with another caller's (they
 * would otherwise join it, or read its uncommitted rows).
 *
 * Settings, and why:
 * - WAL: readers never wait for the writer, and a reader in another process
 *   sees a consistent snapshot.
 * - synchronous=NORMAL: in WAL mode this never corrupts the database and
 *   loses nothing when a process crashes; only a power loss or OS crash can
 *   lose the last commits. FULL would fsync on every metric logged, which
 *   costs more than tracking data is worth.
 * - busy_timeout 30 s: a second process waits for the lock instead of failing.
 * - write transactions start with BEGIN IMMEDIATE: they take the write lock
 *   up front, so two processes queue on the busy handler rather than both
 *   reading and then failing to upgrade (SQLITE_BUSY without waiting).
 * - foreign keys on (SQLite leaves them off unless asked).
 */

const BUSY_TIMEOUT_MS = 30_000;
const STATEMENT_CACHE_SIZE = 256;

export function openSqlite(path: string): Db {
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    useWal(db);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
  } catch (error) {
    throw new DataError('registry.bad-sqlite', `cannot open the store: ${(error as Error).message}`, {
      location: { source: path },
      hint: 'check that the folder exists and is writable, and that the file is a SQLite database',
      cause: error,
    });
  }
  return new SqliteDb(db, path);
}

/**
 * Switching to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at
 * once (without the busy handler) when another process is opening or
 * switching the same new file at that moment. The mode is persistent, so
 * only the first opener has to switch; the others retry until it has.
 */
function useWal(db: Database.Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      if (db.pragma('journal_mode', { simple: true }) === 'wal') return;
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      sleepSync(Math.min(5 * 2 ** attempt, 100));
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Statements on the connection, without the mutex (the caller holds it). */
class SqliteStatements implements Queryable {
  readonly dialect = 'sqlite';
  private readonly cache = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly location: string,
  ) {}

  async query<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.guard(() => this.prepare(sql).all(...params) as T[]);
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.guard(() => this.prepare(sql).run(...params).changes);
  }

  async exec(sql: string): Promise<void> {
    this.guard(() => this.db.exec(sql));
  }

  async lock(_key: string): Promise<void> {}

  /** Runs a statement, turning "locked for too long" into an error a person can act on. */
  guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
        throw new ConnectionError(
          'registry.busy',
          `the store stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s`,
          {
            location: { source: this.location },
            hint: 'another keel process holds a long write; retry, or use PostgreSQL for many writers',
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.cache.get(sql);
    if (statement === undefined) {
      if (this.cache.size >= STATEMENT_CACHE_SIZE) this.cache.clear();
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }
}

class SqliteDb implements Db {
  readonly dialect = 'sqlite';
  private readonly mutex = new Mutex();
  private readonly statements: SqliteStatements;

  constructor(
    private readonly db: Database.Database,
    readonly location: string,
  ) {
    this.statements = new SqliteStatements(db, location);
  }

  query<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.mutex.run(() => this.statements.query<T>(sql, params));
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.mutex.run(() => this.statements.run(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.mutex.run(() => this.statements.exec(sql));
  }

  async lock(_key: string): Promise<void> {}

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      this.statements.guard(() => this.db.exec('BEGIN IMMEDIATE'));
      try {
        const result = await fn(this.statements);
        this.statements.guard(() => this.db.exec('COMMIT'));
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  close(): Promise<void> {
    return this.mutex.run(async () => {
      if (this.db.open) this.db.close();
    });
  }
}
