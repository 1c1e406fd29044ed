import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeelError } from '../../src/core/errors.js';
import { MIGRATIONS, migrate } from '../../src/registry/migrations.js';
import { openDatabase, openStore } from '../../src/registry/open.js';
import type { SqlStore } from '../../src/registry/sql-store.js';
import { exportStore, importStore } from '../../src/registry/transfer.js';
import type { PredictionRecord } from '../../src/registry/types.js';
import { SKIP_POSTGRES, tempDir } from '../helpers.js';
import { freshPostgresDatabase } from '../postgres.js';

const root = tempDir('keel-serving-');

interface Target {
  readonly url: string;
  readonly artifacts: string;
}

async function freshSqlite(): Promise<Target> {
  const dir = mkdtempSync(join(root, 'sqlite-'));
  return { url: `sqlite:${join(dir, 'keel.db')}`, artifacts: join(dir, 'artifacts') };
}

async function freshPostgres(): Promise<Target> {
  return { url: await freshPostgresDatabase(), artifacts: mkdtempSync(join(root, 'pg-artifacts-')) };
}

function prediction(id: string, overrides: Partial<PredictionRecord> = {}): PredictionRecord {
  return {
    requestId: id,
    model: 'wine',
    version: 1,
    at: 1_700_000_000_000,
    latencyMs: 1.25,
    rows: 2,
    inputs: { alcohol: [12.5, null], colour: ['red', 'white'] },
    outputs: {
      predictions: ['a', 'b'],
      probabilities: [
        [0.9, 0.1],
        [0.2, 0.8],
      ],
    },
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<KeelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeelError);
  return error as KeelError;
}

function servingSuite(title: string, fresh: () => Promise<Target>): void {
  async function freshStore(project?: string): Promise<{ store: SqlStore; target: Target }> {
    const target = await fresh();
    const store = await openStore({ ...target, ...(project === undefined ? {} : { project }) });
    return { store, target };
  }

  describe(title, () => {
    it('logs predictions and lists them oldest first, filtered, with inputs left out when null', async () => {
      const { store } = await freshStore();
      try {
        await store.logPredictions([
          prediction('r3', { at: 3000 }),
          prediction('r1', { at: 1000, inputs: null }),
          prediction('r2', { at: 2000, version: 2, latencyMs: 0.5 }),
          prediction('r4', { at: 2000, model: 'iris', rows: 1, outputs: { predictions: [3.5] } }),
        ]);
        await store.logPredictions([]);
        const all = await store.listPredictions();
        expect(all.map((p) => p.requestId)).toEqual(['r1', 'r2', 'r4', 'r3']);
        expect(all[0]).toEqual({ ...prediction('r1', { at: 1000, inputs: null }), feedback: null });
        expect(all[1]).toEqual({
          ...prediction('r2', { at: 2000, version: 2, latencyMs: 0.5 }),
          feedback: null,
        });
        expect(all[2]!.outputs).toEqual({ predictions: [3.5] });
        const ids = async (q: Parameters<SqlStore['listPredictions']>[0]) =>
          (await store.listPredictions(q)).map((p) => p.requestId);
        expect(await ids({ model: 'wine' })).toEqual(['r1', 'r2', 'r3']);
        expect(await ids({ model: 'wine', version: 1 })).toEqual(['r1', 'r3']);
        expect(await ids({ since: 2000, until: 2999 })).toEqual(['r2', 'r4']);
        expect(await ids({ limit: 2 })).toEqual(['r1', 'r2']);
        expect(await ids({ model: 'nothing' })).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('keeps the first record of a request id logged twice (a retried batch), and refuses a bad record whole', async () => {
      const { store } = await freshStore();
      try {
        await store.logPredictions([prediction('a', { latencyMs: 1 }), prediction('b')]);
        await store.logPredictions([prediction('a', { latencyMs: 99 }), prediction('c')]);
        const all = await store.listPredictions();
        expect(all.map((p) => [p.requestId, p.latencyMs])).toEqual([
          ['a', 1],
          ['b', 1.25],
          ['c', 1.25],
        ]);
        const bad = { ...prediction('d'), rows: -1 };
        const error = await rejection(store.logPredictions([prediction('e'), bad]));
        expect(error.code).toBe('registry.bad-prediction');
        expect(error.location.field).toBe('records[1].rows');
        expect((await store.listPredictions()).map((p) => p.requestId)).toEqual(['a', 'b', 'c']);
      } finally {
        await store.close();
      }
    });

    it('joins feedback, replaces it when sent again, and reports unknown request ids', async () => {
      const { store } = await freshStore();
      try {
        await store.logPredictions([prediction('r1'), prediction('r2', { rows: 1 })]);
        const first = await store.recordFeedback([
          { requestId: 'r1', labels: ['a', 'a'] },
          { requestId: 'missing', labels: ['x'] },
        ]);
        expect(first).toEqual({ stored: 1, unknown: ['missing'] });
        let [r1, r2] = await store.listPredictions();
        expect(r1!.feedback!.labels).toEqual(['a', 'a']);
        expect(r1!.feedback!.at).toBeGreaterThan(0);
        expect(r2!.feedback).toBeNull();

        // Sent again: the later labels replace the earlier; within one call the last item wins.
        const second = await store.recordFeedback([
          { requestId: 'r1', labels: ['b', 'b'] },
          { requestId: 'r2', labels: [7] },
          { requestId: 'r2', labels: [8] },
        ]);
        expect(second).toEqual({ stored: 2, unknown: [] });
        [r1, r2] = await store.listPredictions();
        expect(r1!.feedback!.labels).toEqual(['b', 'b']);
        expect(r2!.feedback!.labels).toEqual([8]);
        expect(await store.dumpTable('keel_feedback')).toHaveLength(2);

        // One label per row, or the whole call is refused and nothing changes.
        const error = await rejection(
          store.recordFeedback([
            { requestId: 'r2', labels: [9] },
            { requestId: 'r1', labels: ['c'] },
          ]),
        );
        expect(error.code).toBe('registry.bad-feedback');
        expect(error.message).toContain('"r1" scored 2 row(s)');
        expect((await store.listPredictions()).map((p) => p.feedback!.labels)).toEqual([['b', 'b'], [8]]);
      } finally {
        await store.close();
      }
    });

    it('keeps each project’s prediction log to itself', async () => {
      const { store, target } = await freshStore('alpha');
      const other = await openStore({ ...target, project: 'beta' });
      try {
        await store.logPredictions([prediction('r1')]);
        expect(await other.listPredictions()).toEqual([]);
        expect(await other.recordFeedback([{ requestId: 'r1', labels: ['a', 'b'] }])).toEqual({
          stored: 0,
          unknown: ['r1'],
        });
      } finally {
        await other.close();
        await store.close();
      }
    });

    it('creates keys stored only as a hash, verifies them, and refuses revoked and wrong tokens', async () => {
      const { store } = await freshStore();
      try {
        const { key, token } = await store.createApiKey('ci');
        expect(token).toMatch(/^keel_[A-Za-z0-9_-]{43}$/);
        expect(key).toEqual({
          name: 'ci',
          createdAt: expect.any(Number),
          revokedAt: null,
          prefix: token.slice(0, 11),
        });
        const rows = await store.dumpTable('keel_api_keys');
        expect(rows).toHaveLength(1);
        expect(JSON.stringify(rows)).not.toContain(token.slice(11));
        expect(rows[0]!['token_hash']).toBe(createHash('sha256').update(token).digest('hex'));

        const other = await store.createApiKey('dashboard');
        expect(other.token).not.toBe(token);
        expect(await store.verifyApiKey(token)).toEqual(key);
        expect((await store.verifyApiKey(other.token))!.name).toBe('dashboard');
        // Same prefix, another secret: a wrong token is refused, as are malformed ones.
        const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
        expect(await store.verifyApiKey(flipped)).toBeUndefined();
        expect(await store.verifyApiKey('')).toBeUndefined();
        expect(await store.verifyApiKey(`Bearer ${token}`)).toBeUndefined();
        expect(await store.verifyApiKey(createHash('sha256').update(token).digest('hex'))).toBeUndefined();

        expect((await rejection(store.createApiKey('ci'))).code).toBe('registry.key-exists');
        expect((await rejection(store.createApiKey('no spaces'))).code).toBe('registry.bad-name');

        const revoked = await store.revokeApiKey('ci');
        expect(revoked.revokedAt).toBeGreaterThanOrEqual(key.createdAt);
        expect(await store.verifyApiKey(token)).toBeUndefined();
        expect((await store.verifyApiKey(other.token))!.name).toBe('dashboard');
        expect((await rejection(store.revokeApiKey('ci'))).code).toBe('registry.key-revoked');
        expect((await rejection(store.revokeApiKey('nobody'))).code).toBe('registry.unknown-key');
        expect((await store.listApiKeys()).map((k) => [k.name, k.revokedAt === null])).toEqual([
          ['ci', false],
          ['dashboard', true],
        ]);

        // A revoked key's name can be given to a new key; the old token stays dead.
        const again = await store.createApiKey('ci');
        expect(await store.verifyApiKey(token)).toBeUndefined();
        expect((await store.verifyApiKey(again.token))!.name).toBe('ci');
        expect((await store.listApiKeys()).find((k) => k.name === 'ci')!.revokedAt).toBeNull();
      } finally {
        await store.close();
      }
    });

    it('moves predictions, feedback and keys with keel store export/import; a key still verifies', async () => {
      const { store } = await freshStore();
      const target = await freshStore();
      try {
        await store.logPredictions([prediction('r1'), prediction('r2', { inputs: null })]);
        await store.recordFeedback([{ requestId: 'r2', labels: ['x', 'y'] }]);
        const { token } = await store.createApiKey('ci');
        await store.createApiKey('old');
        await store.revokeApiKey('old');
        const file = join(mkdtempSync(join(root, 'export-')), 'store.jsonl');
        await exportStore(store, file);
        const report = await importStore(target.store, file);
        const serving = ['keel_predictions', 'keel_feedback', 'keel_api_keys'];
        const moved = report.tables.filter((t) => serving.includes(t.table));
        expect(moved.map((t) => [t.table, t.rows, t.verified])).toEqual([
          ['keel_predictions', 2, true],
          ['keel_feedback', 1, true],
          ['keel_api_keys', 2, true],
        ]);
        expect(await target.store.listPredictions()).toEqual(await store.listPredictions());
        expect((await target.store.verifyApiKey(token))!.name).toBe('ci');
        expect(await target.store.listApiKeys()).toEqual(await store.listApiKeys());
      } finally {
        await target.store.close();
        await store.close();
      }
    });

    it('migrates a store created by migration 1 to 2, keeping its records', async () => {
      const target = await fresh();
      const db = await openDatabase(target.url);
      try {
        expect(await migrate(db, MIGRATIONS.slice(0, 1))).toEqual([1]);
        await db.run('INSERT INTO keel_projects (name, created_at) VALUES (?, ?)', ['default', 5]);
        await db.run('INSERT INTO keel_experiments (project, name, created_at) VALUES (?, ?, ?)', [
          'default',
          'old',
          6,
        ]);
      } finally {
        await db.close();
      }
      const store = await openStore(target);
      try {
        expect(await store.migrations()).toEqual(MIGRATIONS.map((m) => m.version));
        expect((await store.listExperiments()).map((e) => e.name)).toEqual(['old']);
        await store.logPredictions([prediction('r1')]);
        expect(await store.recordFeedback([{ requestId: 'r1', labels: [1, 0] }])).toEqual({
          stored: 1,
          unknown: [],
        });
        const { token } = await store.createApiKey('k');
        expect((await store.verifyApiKey(token))!.name).toBe('k');
      } finally {
        await store.close();
      }
    });
  });
}

servingSuite('serving records on SQLite', freshSqlite);

if (!SKIP_POSTGRES) servingSuite('serving records on PostgreSQL', freshPostgres);
