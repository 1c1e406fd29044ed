import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectionError, UsageError } from '../../src/core/errors.js';
import { openStore } from '../../src/registry/open.js';
import { SKIP_POSTGRES, tempDir } from '../helpers.js';
import { freshPostgresDatabase } from '../postgres.js';
import type { StoreTarget } from './child.js';
import { storeSuite } from './store-suite.js';

const root = tempDir('keel-store-');

/** A new SQLite file and artifact folder per call. */
async function freshSqlite(): Promise<StoreTarget> {
  const dir = mkdtempSync(join(root, 'sqlite-'));
  return { url: `sqlite:${join(dir, 'keel.db')}`, artifacts: join(dir, 'artifacts') };
}

/** A new PostgreSQL database (see test/postgres.ts) and artifact folder per call. */
async function freshPostgres(): Promise<StoreTarget> {
  return { url: await freshPostgresDatabase(), artifacts: mkdtempSync(join(root, 'pg-artifacts-')) };
}

storeSuite('SQLite store', freshSqlite);

if (!SKIP_POSTGRES) storeSuite('PostgreSQL store', freshPostgres);

describe('openStore', () => {
  it('creates the embedded store under home, with its artifact folder', async () => {
    const home = join(tempDir(), 'nested', '.keel');
    const store = await openStore({ home, project: 'demo' });
    try {
      expect(store.backend).toBe('sqlite');
      expect(store.location).toBe(join(home, 'keel.db'));
      expect(store.artifacts.root).toBe(join(home, 'artifacts'));
      expect(store.project).toBe('demo');
      expect((await store.startRun({})).project).toBe('demo');
    } finally {
      await store.close();
    }
  });

  it('refuses a URL it cannot open, naming it without its password', async () => {
    const error = await openStore({ url: 'mysql://me:secret@db/keel', home: tempDir() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain('mysql://me:***@db/keel');
    expect((error as UsageError).message).not.toContain('secret');
  });

  it('reports an unreachable PostgreSQL server as a connection error', async () => {
    const url = 'postgres://me:secret@127.0.0.1:1/keel';
    const error = await openStore({ url, home: tempDir() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).location.source).toBe('postgres://me:***@127.0.0.1:1/keel');
    expect((error as ConnectionError).message).not.toContain('secret');
  });
});
