import { DataError } from '../core/errors.js';
import type { Db, Dialect, Queryable } from './db.js';
import { SCHEMA_V1, SCHEMA_V2, SCHEMA_V3 } from './schema.js';

/**
 * Versioned schema changes, applied when a store is opened. Each one runs in
 * its own transaction under a lock (PostgreSQL: an advisory lock; SQLite:
 * BEGIN IMMEDIATE), so two processes opening a new store at once apply it
 * once, and a failed migration leaves the previous version intact.
 *
 * Append only: a released migration is never edited, a change is a new one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Portable SQL, or one script per dialect where they must differ. */
  readonly sql: string | { readonly [dialect in Dialect]: string };
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: SCHEMA_V1 },
  { version: 2, name: 'prediction log, feedback, API keys', sql: SCHEMA_V2 },
  { version: 3, name: 'monitoring alerts', sql: SCHEMA_V3 },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

const LOCK = 'keel.migrations';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS keel_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

/** Applies what is missing, oldest first; returns the versions applied now. */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const appliedNow: number[] = [];
  for (;;) {
    const applied = await db.transaction(async (tx) => {
      const done = await lockAndRead(tx, db.location, migrations);
      const next = migrations.find((m) => !done.includes(m.version));
      if (next === undefined) return undefined;
      await tx.exec(typeof next.sql === 'string' ? next.sql : next.sql[tx.dialect]);
      await tx.run('INSERT INTO keel_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        next.version,
        next.name,
        Date.now(),
      ]);
      return next.version;
    });
    if (applied === undefined) return appliedNow;
    appliedNow.push(applied);
  }
}

/** The versions recorded in the database, oldest first. */
export async function appliedVersions(db: Queryable): Promise<number[]> {
  const rows = await db.query<{ version: number }>('SELECT version FROM keel_migrations ORDER BY version');
  return rows.map((r) => r.version);
}

/**
 * Takes the migration lock and reads what is applied, refusing a database
 * that a newer keel has migrated: its tables may hold what this keel would
 * misread or overwrite.
 */
async function lockAndRead(tx: Queryable, location: string, known: readonly Migration[]): Promise<number[]> {
  await tx.lock(LOCK);
  await tx.exec(CREATE_TABLE);
  const done = await appliedVersions(tx);
  const newest = known[known.length - 1]?.version ?? 0;
  const unknown = done.filter((v) => !known.some((m) => m.version === v));
  if (unknown.length > 0) {
    throw new DataError(
      'registry.newer-schema',
      `the store is at schema version ${Math.max(...done)}, written by a newer keel; this keel knows versions up to ${newest}`,
      { location: { source: location }, hint: 'upgrade keel to open this store (npm install keel@latest)' },
    );
  }
  return done;
}
