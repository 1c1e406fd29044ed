import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { redactPassword } from '../data/sql.js';
import { createArtifactStore } from './artifacts.js';
import type { Db } from './db.js';
import { openPostgres } from './postgres.js';
import { SqlStore } from './sql-store.js';
import { openSqlite } from './sqlite.js';

export interface OpenStoreOptions {
  /** `postgres://…` (or `postgresql://…`), `sqlite:PATH`, or a file path; default env KEEL_STORE, else SQLite under `home`. */
  readonly url?: string;
  /** Folder of the embedded store (`<home>/keel.db`); default env KEEL_HOME, else `./.keel`. */
  readonly home?: string;
  /** Artifact folder; default env KEEL_ARTIFACTS, else `<home>/artifacts`. */
  readonly artifacts?: string;
  /** Default `default`. */
  readonly project?: string;
  /** A running run silent for this long becomes `stale`; default 10 minutes. */
  readonly staleAfterMs?: number;
}

/**
 * Opens (and creates or migrates) the store: PostgreSQL when the URL says
 * so, otherwise the embedded SQLite file. Runs whose process has gone are
 * reaped on the way. The result is a `SqlStore`: a `Store`, plus the
 * table-level access that export and import use.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<SqlStore> {
  const env = process.env;
  const home = resolve(options.home ?? env['KEEL_HOME'] ?? '.keel');
  const url = options.url ?? nonEmpty(env['KEEL_STORE']);
  const artifactsRoot = resolve(options.artifacts ?? env['KEEL_ARTIFACTS'] ?? join(home, 'artifacts'));
  const db = await openDb(url, home);
  mkdirSync(artifactsRoot, { recursive: true });
  return SqlStore.open(db, createArtifactStore(artifactsRoot), {
    ...(options.project === undefined ? {} : { project: options.project }),
    ...(options.staleAfterMs === undefined ? {} : { staleAfterMs: options.staleAfterMs }),
  });
}

async function openDb(url: string | undefined, home: string): Promise<Db> {
  if (url !== undefined) return openDatabase(url);
  mkdirSync(home, { recursive: true });
  return openSqlite(join(home, 'keel.db'));
}

/** The database behind a store URL, without migrating it (tools and tests use it). */
export async function openDatabase(url: string): Promise<Db> {
  if (/^postgres(ql)?:\/\//i.test(url)) return openPostgres(url);
  const sqlite = /^sqlite:(\/\/)?(.+)$/i.exec(url);
  if (sqlite !== null) return openSqlite(resolve(sqlite[2]!));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new UsageError('registry.bad-url', `cannot open a store at ${redactPassword(url)}`, {
      location: { source: redactPassword(url), field: 'KEEL_STORE' },
      hint: 'use postgres://user@host:port/database, sqlite:PATH, or leave KEEL_STORE unset for ./.keel/keel.db',
    });
  }
  return openSqlite(resolve(url));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
