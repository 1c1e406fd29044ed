import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { KeelError } from '../../src/core/errors.js';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../src/registry/migrations.js';
import { openDatabase, openStore } from '../../src/registry/open.js';
import type { SqlStore } from '../../src/registry/sql-store.js';
import { exportStore, importStore } from '../../src/registry/transfer.js';
import type { AlertInput, PredictionRecord } from '../../src/registry/types.js';
import { SKIP_POSTGRES, tempDir } from '../helpers.js';
import { freshPostgresDatabase } from '../postgres.js';

const root = tempDir('keel-alerts-');

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

function alert(overrides: Partial<AlertInput> = {}): AlertInput {
  return {
    model: 'wine',
    version: 2,
    kind: 'drift',
    severity: 'warning',
    message: 'alcohol drifted (normalised Wasserstein 0.21 > 0.1)',
    details: { columns: ['alcohol'], share: 0.08, nested: { scores: [0.21, null] } },
    at: 1_700_000_000_000,
    ...overrides,
  };
}

function prediction(id: string, at: number): PredictionRecord {
  return {
    requestId: id,
    model: 'wine',
    version: 1,
    at,
    latencyMs: 1,
    rows: 1,
    inputs: { alcohol: [12.5] },
    outputs: { predictions: ['a'] },
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

function alertSuite(title: string, fresh: () => Promise<Target>): void {
  async function freshStore(project?: string): Promise<SqlStore> {
    const target = await fresh();
    return openStore({ ...target, ...(project === undefined ? {} : { project }) });
  }

  describe(title, () => {
    it('records an alert and reads every field back; at defaults to now, details to {}', async () => {
      const store = await freshStore();
      try {
        const recorded = await store.recordAlert(alert());
        expect(recorded).toEqual({ ...alert(), id: recorded.id, project: 'default' });
        expect(recorded.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(await store.listAlerts()).toEqual([recorded]);

        const before = Date.now();
        const plain = await store.recordAlert({
          model: 'wine',
          version: 3,
          kind: 'retrain',
          severity: 'critical',
          message: '  retrain: accuracy fell to 0.71  ',
        });
        expect(plain.at).toBeGreaterThanOrEqual(before);
        expect(plain.at).toBeLessThanOrEqual(Date.now());
        expect(plain.details).toEqual({});
        expect(plain.message).toBe('retrain: accuracy fell to 0.71');
        expect((await store.listAlerts())[0]).toEqual(plain);
      } finally {
        await store.close();
      }
    });

    it('lists newest first, filtered by model, kind and since, limited, within its project', async () => {
      const store = await freshStore();
      try {
        const a = await store.recordAlert(alert({ at: 1000 }));
        const b = await store.recordAlert(alert({ at: 3000, kind: 'decay', severity: 'critical' }));
        const c = await store.recordAlert(alert({ at: 2000, model: 'iris', version: 1, kind: 'quality' }));
        const d = await store.recordAlert(alert({ at: 3000, kind: 'drift' }));
        const ids = async (query?: Parameters<SqlStore['listAlerts']>[0]) =>
          (await store.listAlerts(query)).map((x) => x.id);
        const [first, second] = [b, d].sort((x, y) => (x.id < y.id ? 1 : -1));
        expect(await ids()).toEqual([first!.id, second!.id, c.id, a.id]);
        expect(await ids({ model: 'wine' })).toEqual([first!.id, second!.id, a.id]);
        expect(await ids({ kind: 'drift' })).toEqual([d.id, a.id]);
        expect(await ids({ model: 'wine', kind: 'decay' })).toEqual([b.id]);
        expect(await ids({ since: 2000 })).toEqual([first!.id, second!.id, c.id]);
        expect(await ids({ limit: 1 })).toEqual([first!.id]);
        expect(await ids({ limit: 0 })).toEqual([]);
        expect(await ids({ model: 'nothing' })).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('keeps projects apart', async () => {
      const target = await fresh();
      const one = await openStore({ ...target, project: 'one' });
      const two = await openStore({ ...target, project: 'two' });
      try {
        await one.recordAlert(alert());
        expect(await two.listAlerts()).toEqual([]);
        expect((await one.listAlerts()).map((x) => x.project)).toEqual(['one']);
      } finally {
        await two.close();
        await one.close();
      }
    });

    it('refuses a bad alert naming the field, and stores nothing', async () => {
      const store = await freshStore();
      try {
        const cases: [Partial<Record<keyof AlertInput, unknown>>, string, string][] = [
          [{ model: 'no spaces' }, 'model', 'registry.bad-name'],
          [{ model: undefined }, 'model', 'registry.bad-name'],
          [{ version: 0 }, 'version', 'registry.bad-version'],
          [{ version: 1.5 }, 'version', 'registry.bad-version'],
          [{ kind: 'fire' }, 'kind', 'registry.bad-alert'],
          [{ severity: 'info' }, 'severity', 'registry.bad-alert'],
          [{ message: '   ' }, 'message', 'registry.bad-alert'],
          [{ message: 42 }, 'message', 'registry.bad-alert'],
          [{ message: 'x'.repeat(2001) }, 'message', 'registry.bad-alert'],
          [{ at: Number.NaN }, 'at', 'registry.bad-alert'],
          [{ at: -1 }, 'at', 'registry.bad-alert'],
          [{ at: '2025-01-01' }, 'at', 'registry.bad-alert'],
          [{ details: ['a'] }, 'details', 'registry.bad-object'],
          [{ details: 'text' }, 'details', 'registry.bad-object'],
        ];
        for (const [override, field, code] of cases) {
          const error = await rejection(store.recordAlert({ ...alert(), ...override } as AlertInput));
          expect([error.location.field, error.code]).toEqual([field, code]);
        }
        expect((await rejection(store.recordAlert(null as unknown as AlertInput))).location.field).toBe(
          'alert',
        );
        expect((await rejection(store.recordAlert(alert({ kind: 'fire' as 'drift' })))).message).toMatch(
          /kind "fire" is not one of drift, decay, quality, retrain/,
        );
        expect(await store.listAlerts()).toEqual([]);

        const queries: [Record<string, unknown>, string][] = [
          [{ kind: 'fire' }, 'kind'],
          [{ model: 'no spaces' }, 'model'],
          [{ since: Number.NaN }, 'since'],
          [{ since: '7d' }, 'since'],
          [{ limit: -1 }, 'limit'],
          [{ limit: 2.5 }, 'limit'],
        ];
        for (const [query, field] of queries) {
          const error = await rejection(store.listAlerts(query as Parameters<SqlStore['listAlerts']>[0]));
          expect(error.location.field).toBe(field);
        }
      } finally {
        await store.close();
      }
    });

    it('migrates a version-2 store to the latest, keeping its experiments, predictions and feedback', async () => {
      const target = await fresh();
      const db = await openDatabase(target.url);
      try {
        expect(await migrate(db, MIGRATIONS.slice(0, 2))).toEqual([1, 2]);
        await db.run('INSERT INTO keel_projects (name, created_at) VALUES (?, ?)', ['default', 5]);
        await db.run('INSERT INTO keel_experiments (project, name, created_at) VALUES (?, ?, ?)', [
          'default',
          'old',
          6,
        ]);
        await db.run(
          `INSERT INTO keel_predictions
             (request_id, project, model, version, at, latency_ms, row_count, inputs_json, outputs_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ['r1', 'default', 'wine', 1, 1000, 1, 1, null, '{"predictions":["a"]}'],
        );
        await db.run('INSERT INTO keel_feedback (request_id, labels_json, at) VALUES (?, ?, ?)', [
          'r1',
          '["b"]',
          2000,
        ]);
      } finally {
        await db.close();
      }
      const store = await openStore(target);
      try {
        expect(await store.migrations()).toEqual(MIGRATIONS.map((m) => m.version));
        expect(LATEST_VERSION).toBe(3);
        expect((await store.listExperiments()).map((e) => e.name)).toEqual(['old']);
        expect(await store.listPredictions()).toEqual([
          {
            requestId: 'r1',
            model: 'wine',
            version: 1,
            at: 1000,
            latencyMs: 1,
            rows: 1,
            inputs: null,
            outputs: { predictions: ['a'] },
            feedback: { labels: ['b'], at: 2000 },
          },
        ]);
        await store.recordAlert(alert());
        expect(await store.listAlerts()).toHaveLength(1);
      } finally {
        await store.close();
      }
    });

    it('moves alerts with keel store export/import; a store holding alerts is not empty', async () => {
      const store = await freshStore();
      const target = await freshStore();
      try {
        await store.recordAlert(alert());
        await store.recordAlert(alert({ kind: 'quality', details: undefined, at: 5 }));
        const file = join(mkdtempSync(join(root, 'export-')), 'store.jsonl');
        const exported = await exportStore(store, file);
        expect(exported.tables.find((t) => t.table === 'keel_alerts')!.rows).toBe(2);
        const report = await importStore(target, file);
        expect(report.tables.find((t) => t.table === 'keel_alerts')).toMatchObject({
          rows: 2,
          written: 2,
          verified: true,
        });
        expect(await target.listAlerts()).toEqual(await store.listAlerts());

        const another = await freshStore();
        try {
          await another.recordAlert(alert());
          const refused = await rejection(importStore(another, file));
          expect(refused.code).toBe('registry.import-not-empty');
          expect(refused.message).toMatch(/already holds 1 alert; none of them is in the file/);
        } finally {
          await another.close();
        }
      } finally {
        await target.close();
        await store.close();
      }
    });

    it('prunes old predictions and their feedback in batches, one transaction each, keeping newer ones', async () => {
      const target = await fresh();
      const store = await openStore(target);
      const neighbour = await openStore({ ...target, project: 'neighbour' });
      try {
        const day = 86_400_000;
        await store.logPredictions(Array.from({ length: 10 }, (_, i) => prediction(`r${i}`, i * day)));
        await neighbour.logPredictions([prediction('n0', 0)]);
        await store.recordFeedback([0, 2, 4, 7].map((i) => ({ requestId: `r${i}`, labels: ['a'] })));

        const dry = await store.prunePredictions({ before: 6 * day, dryRun: true });
        expect(dry).toEqual({ before: 6 * day, dryRun: true, predictions: 6, feedback: 3, batches: 0 });
        expect(await store.listPredictions()).toHaveLength(10);

        const transaction = vi.spyOn(store.db, 'transaction');
        const pruned = await store.prunePredictions({ before: 6 * day, batchSize: 4 });
        expect(pruned).toEqual({ before: 6 * day, dryRun: false, predictions: 6, feedback: 3, batches: 2 });
        expect(transaction).toHaveBeenCalledTimes(2);
        transaction.mockRestore();

        const left = await store.listPredictions();
        expect(left.map((p) => [p.requestId, p.feedback?.labels ?? null])).toEqual([
          ['r6', null],
          ['r7', ['a']],
          ['r8', null],
          ['r9', null],
        ]);
        const feedbackRows = await store.dumpTable('keel_feedback');
        expect(feedbackRows.map((r) => r['request_id'])).toEqual(['r7']);
        expect((await neighbour.listPredictions()).map((p) => p.requestId)).toEqual(['n0']);

        // An exact multiple of the batch ends with one empty look, which is no batch.
        const exact = await store.prunePredictions({ before: 8 * day, batchSize: 1 });
        expect([exact.predictions, exact.feedback, exact.batches]).toEqual([2, 1, 2]);
        const none = await store.prunePredictions({ before: 8 * day });
        expect([none.predictions, none.feedback, none.batches]).toEqual([0, 0, 0]);
        expect((await store.listPredictions()).map((p) => p.requestId)).toEqual(['r8', 'r9']);
      } finally {
        await neighbour.close();
        await store.close();
      }
    });

    it('refuses a prune without a usable time or batch size', async () => {
      const store = await freshStore();
      try {
        for (const before of [undefined, Number.NaN, Number.POSITIVE_INFINITY, '30d']) {
          const error = await rejection(store.prunePredictions({ before } as { before: number }));
          expect([error.code, error.location.field]).toEqual(['registry.bad-prune', 'before']);
        }
        for (const batchSize of [0, 1.5, -3]) {
          const error = await rejection(store.prunePredictions({ before: 0, batchSize }));
          expect(error.location.field).toBe('batchSize');
        }
      } finally {
        await store.close();
      }
    });
  });
}

alertSuite('alerts and retention on SQLite', freshSqlite);

if (!SKIP_POSTGRES) alertSuite('alerts and retention on PostgreSQL', freshPostgres);
