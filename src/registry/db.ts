/**
 * The few things the store asks of a database, so that its SQL is written
 * once and runs on SQLite and PostgreSQL alike.
 *
 * SQL uses `?` placeholders (the PostgreSQL driver rewrites them to `$1…`)
 * and only what both dialects share: TEXT, BIGINT, INTEGER, DOUBLE
 * PRECISION, `INSERT … ON CONFLICT`, `RETURNING`. Conventions:
 * - times are epoch milliseconds in BIGINT columns, and every integer
 *   (BIGINT and COUNT(*) included) comes back as a JS number;
 * - JSON is stored as TEXT;
 * - floats are DOUBLE PRECISION, and a NaN is stored as NULL: SQLite turns
 *   a bound NaN into NULL anyway, so the store maps NaN → NULL on write and
 *   NULL → NaN on read (`toSqlNumber`/`fromSqlNumber`) on both backends, and
 *   a NaN metric sorts with the missing ones.
 */

export type Dialect = 'sqlite' | 'postgres';

/** What a statement accepts: no booleans (SQLite has none), no Dates (times are numbers). */
export type SqlValue = string | number | null;

export type Row = Record<string, SqlValue>;

/** Statements on one connection (inside a transaction: that transaction's connection). */
export interface Queryable {
  readonly dialect: Dialect;
  /** The rows a statement returns (SELECT, or a write with RETURNING). */
  query<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a write and returns how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs several `;`-separated statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Holds a lock named `key` until the transaction ends. PostgreSQL takes an
   * advisory transaction lock; SQLite needs nothing, since its write
   * transactions (BEGIN IMMEDIATE) already exclude each other.
   */
  lock(key: string): Promise<void>;
}

export interface Db extends Queryable {
  /** File path, or URL without its password. */
  readonly location: string;
  /**
   * Runs `fn` in one write transaction: committed when it resolves, rolled
   * back when it throws. Statements must go through `tx`; on SQLite other
   * callers wait until it ends, so two callers' statements never interleave.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** NaN cannot be stored the same way on both backends: it is stored as NULL. */
export function toSqlNumber(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

export function fromSqlNumber(value: SqlValue): number {
  return value === null ? Number.NaN : Number(value);
}

/** A 31-bit FNV-1a hash of a lock name: PostgreSQL advisory locks are keyed by integers. */
export function lockNumber(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 1;
}

/**
 * One-at-a-time access to a shared resource from async code: each caller
 * runs after the previous one's promise settles.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
