import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectionError, UsageError } from '../../src/errors.js';
import { openStore } from '../../src/registry/open.js';
import { SqlStore } from '../../src/registry/sql-store.js';
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

describe.skipIf(SKIP_POSTGRES)('export and import between backends', () => {
  it('loads a SQLite dump into PostgreSQL and dumps the same rows back', async () => {
    const source = await openStore(await freshSqlite());
    const target = await openStore(await freshPostgres());
    try {
      await source.recordDataset({
        hash: 'd1',
        source: 'a.csv',
        schema: { rows: 1, columns: [] },
        profile: { n: 1 },
      });
      const run = await source.startRun({ params: { depth: 3 }, tags: { Z: 'upper', a: 'lower' } });
      await source.logMetrics(run.id, [
        { name: 'auc', value: 0.5 },
        { name: 'auc', fold: 2, value: Number.NaN },
        { name: 'loss', step: 7, value: Number.NEGATIVE_INFINITY },
      ]);
      await source.logLines(run.id, ['one', 'two']);
      await source.logArtifact(run.id, 'plot.svg', new TextEncoder().encode('<svg/>'));
      await source.endRun(run.id, { status: 'finished', timings: { fit: 0.25 } });
      const version = {
        artifact: new TextEncoder().encode('m'),
        kind: 'k',
        task: 't',
        schema: { rows: 1, columns: [] },
      };
      await source.registerVersion({ ...version, model: 'Beta', runId: run.id, tags: { x: 'y' } });
      await source.registerVersion({ ...version, model: 'alpha', description: 'first' });
      await source.setAlias('Beta', 'prod', 1);
      await source.setTag({ kind: 'model', name: 'alpha' }, 'team', 'ml');

      for (const table of SqlStore.tables) {
        await target.loadRows(table, await source.dumpTable(table), {
          skipExisting: table === 'keel_projects',
        });
      }
      for (const table of SqlStore.tables.filter((t) => t !== 'keel_projects')) {
        expect(await target.dumpTable(table), table).toEqual(await source.dumpTable(table));
      }
      expect(await target.getRun(run.id)).toEqual(await source.getRun(run.id));
      expect(await target.listModels()).toEqual(await source.listModels());
      expect(await target.aliasHistory('Beta')).toEqual(await source.aliasHistory('Beta'));
    } finally {
      await source.close();
      await target.close();
    }
  });
});
