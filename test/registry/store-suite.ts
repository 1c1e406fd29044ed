import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeelError } from '../../src/core/errors.js';
import type { Schema } from '../../src/data/schema.js';
import { MIGRATIONS, migrate } from '../../src/registry/migrations.js';
import { openDatabase, openStore } from '../../src/registry/open.js';
import type { MetricPoint, Store } from '../../src/registry/types.js';
import { type StoreTarget, startChild, startTogether } from './child.js';

/**
 * One suite for every backend: the same calls must give the same records on
 * SQLite and PostgreSQL. `fresh` makes an empty store (its own database and
 * artifact folder) that child processes can open too.
 */

const SCHEMA: Schema = {
  rows: 3,
  columns: [
    { name: 'x', kind: 'numeric', missingRate: 0, min: 1, max: 3 },
    { name: 'colour', kind: 'categorical', missingRate: 1 / 3, levels: ['red', 'blue'] },
  ],
};

const bytes = (text: string) => new TextEncoder().encode(text);

async function rejection(promise: Promise<unknown>): Promise<KeelError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KeelError);
    return error as KeelError;
  }
  throw new Error('expected a rejection');
}

export function storeSuite(name: string, fresh: () => Promise<StoreTarget>): void {
  describe(name, () => {
    const open: Store[] = [];
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close();
    });
    async function openTarget(target: StoreTarget, staleAfterMs?: number): Promise<Store> {
      const store = await openStore({ ...target, ...(staleAfterMs === undefined ? {} : { staleAfterMs }) });
      open.push(store);
      return store;
    }
    async function freshStore(): Promise<{ store: Store; target: StoreTarget }> {
      const target = await fresh();
      return { store: await openTarget(target), target };
    }

    it('round-trips a dataset and lists experiments', async () => {
      const { store } = await freshStore();
      const first = await store.recordDataset({ hash: 'abc123', source: 'iris.csv', schema: SCHEMA });
      expect(first).toMatchObject({
        project: 'default',
        hash: 'abc123',
        source: 'iris.csv',
        rows: 3,
        profile: null,
      });
      expect(first.schema).toEqual(SCHEMA);
      // The same data again is the same record; a profile given later is kept.
      const again = await store.recordDataset({
        hash: 'abc123',
        source: 'elsewhere.csv',
        schema: SCHEMA,
        profile: { a: 1 },
      });
      expect(again).toEqual({ ...first, profile: { a: 1 } });
      expect(await store.getDataset('abc123')).toEqual(again);
      expect(await store.getDataset('nope')).toBeUndefined();
      await store.startRun({ experiment: 'b-exp' });
      await store.startRun({ experiment: 'a-exp' });
      await store.startRun({ experiment: 'a-exp' });
      await store.startRun({ experiment: 'C-exp' });
      // By code unit on both backends, whatever the server's collation.
      expect((await store.listExperiments()).map((e) => e.name)).toEqual(['C-exp', 'a-exp', 'b-exp']);
    });

    it('round-trips a run: params, metrics, log lines, artifacts, tags, end', async () => {
      const { store } = await freshStore();
      const run = await store.startRun({
        experiment: 'exp',
        name: 'trial-1',
        params: { maxDepth: 6, loss: 'log', nested: { a: [1, 2] } },
        seed: 42,
        datasetHash: 'abc',
        tags: { owner: 'ana' },
      });
      expect(run).toMatchObject({
        project: 'default',
        experiment: 'exp',
        name: 'trial-1',
        status: 'running',
        parentId: null,
        seed: 42,
        datasetHash: 'abc',
        endedAt: null,
        pid: process.pid,
        error: null,
        metrics: {},
        tags: { owner: 'ana' },
      });
      expect(run.keelVersion).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
      expect(await store.getRun(run.id)).toEqual(run); // the record startRun returns is the stored one
      const child = await store.startRun({ experiment: 'exp', parentId: run.id });
      expect(child.parentId).toBe(run.id);

      await store.logParams(run.id, { maxDepth: 8, eta: 0.1 });
      const points: MetricPoint[] = [
        { name: 'auc', value: 0.91 },
        { name: 'auc', fold: 0, value: 0.9 },
        { name: 'auc', fold: 1, value: 0.92 },
        { name: 'loss', step: 0, value: 0.7 },
        { name: 'loss', step: 1, value: 0.5 },
        { name: 'weird', value: Number.NaN },
        { name: 'big', value: Number.POSITIVE_INFINITY },
      ];
      await store.logMetrics(run.id, points);
      await store.logMetrics(run.id, [{ name: 'auc', value: 0.93 }]); // replaces the aggregate
      await store.logLines(run.id, ['fitting', 'fold 0 done']);
      await store.logLines(run.id, ['fold 1 done']);
      const artifact = await store.logArtifact(run.id, 'report.html', bytes('<p>hi</p>'));
      expect(artifact).toMatchObject({ runId: run.id, name: 'report.html', bytes: 9 });
      expect(await store.runArtifacts(run.id)).toEqual([artifact]);
      expect(new TextDecoder().decode(await store.artifacts.get(artifact.hash))).toBe('<p>hi</p>');
      await store.setTag({ kind: 'run', id: run.id }, 'stage', 'final');

      const ended = await store.endRun(run.id, { status: 'finished', timings: { fit: 1.5, cv: 3 } });
      expect(ended).toMatchObject({
        status: 'finished',
        params: { maxDepth: 8, loss: 'log', nested: { a: [1, 2] }, eta: 0.1 },
        timings: { fit: 1.5, cv: 3 },
        tags: { owner: 'ana', stage: 'final' },
      });
      expect(ended.metrics).toEqual({ auc: 0.93, weird: Number.NaN, big: Number.POSITIVE_INFINITY });
      expect(ended.endedAt).toBeGreaterThanOrEqual(run.startedAt);
      expect(await store.getRun(run.id)).toEqual(ended);
      expect(await store.runMetrics(run.id)).toEqual([
        { name: 'auc', fold: null, step: null, value: 0.93 },
        { name: 'auc', fold: 0, step: null, value: 0.9 },
        { name: 'auc', fold: 1, step: null, value: 0.92 },
        { name: 'big', fold: null, step: null, value: Number.POSITIVE_INFINITY },
        { name: 'loss', fold: null, step: 0, value: 0.7 },
        { name: 'loss', fold: null, step: 1, value: 0.5 },
        { name: 'weird', fold: null, step: null, value: Number.NaN },
      ]);
      expect((await store.runLog(run.id)).map((l) => l.line)).toEqual([
        'fitting',
        'fold 0 done',
        'fold 1 done',
      ]);
      const error = await rejection(store.endRun(run.id, { status: 'failed' }));
      expect(error.code).toBe('registry.run-ended');
    });

    it('round-trips model versions, aliases, tags and lineage', async () => {
      const { store } = await freshStore();
      const run = await store.startRun({});
      const v1 = await store.registerVersion({
        model: 'churn',
        artifact: bytes('model one'),
        kind: 'gbdt',
        task: 'binary',
        schema: SCHEMA,
        metrics: { auc: 0.8, odd: Number.NaN },
        reference: { profile: { rows: 3 } },
        runId: run.id,
        datasetHash: 'abc',
        description: 'predicts churn',
        tags: { team: 'growth' },
      });
      expect(v1).toMatchObject({
        project: 'default',
        model: 'churn',
        version: 1,
        artifactBytes: 9,
        kind: 'gbdt',
        task: 'binary',
        reference: { profile: { rows: 3 } },
        runId: run.id,
        datasetHash: 'abc',
        tags: { team: 'growth' },
      });
      expect(v1.metrics).toEqual({ auc: 0.8, odd: Number.NaN });
      expect(await store.getVersion('churn', 1)).toEqual(v1); // the record registerVersion returns is the stored one
      expect(v1.schema).toEqual(SCHEMA);
      expect(new TextDecoder().decode(await store.artifacts.get(v1.artifactHash))).toBe('model one');
      const v2 = await store.registerVersion({
        model: 'churn',
        artifact: bytes('model two'),
        kind: 'gbdt',
        task: 'binary',
        schema: SCHEMA,
      });
      expect(v2).toMatchObject({ version: 2, runId: null, reference: null, metrics: {}, tags: {} });

      await store.setAlias('churn', 'prod', 1);
      await store.setTag({ kind: 'model', name: 'churn' }, 'owner', 'ana');
      await store.setTag({ kind: 'version', name: 'churn', version: 2 }, 'note', 'candidate');
      const model = await store.getModel('churn');
      expect(model).toMatchObject({
        project: 'default',
        name: 'churn',
        description: 'predicts churn',
        latestVersion: 2,
        aliases: { prod: 1 },
        tags: { owner: 'ana' },
      });
      expect(await store.listModels()).toEqual([model]);
      expect((await store.listVersions('churn')).map((v) => [v.version, v.tags])).toEqual([
        [1, { team: 'growth' }],
        [2, { note: 'candidate' }],
      ]);
      expect(await store.getVersion('churn', 'prod')).toEqual(v1);
      expect((await store.getVersion('churn', '2'))?.version).toBe(2);
      expect(await store.getVersion('churn', 3)).toBeUndefined();
      expect(await store.getVersion('churn', 'staging')).toBeUndefined();
      expect(await store.getVersion('ghost', 1)).toBeUndefined();
      expect(await store.getModel('ghost')).toBeUndefined();
    });

    it('keeps concurrent writes of one process apart (one shared connection)', async () => {
      const { store } = await freshStore();
      const run = await store.startRun({});
      const n = 50;
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          Promise.all([
            store.logLines(run.id, [`line ${i}a`, `line ${i}b`]),
            store.logMetrics(run.id, [{ name: 'loss', step: i, value: i / 2 }]),
            store.logParams(run.id, { [`p${i}`]: i }),
          ]),
        ),
      );
      const lines = (await store.runLog(run.id)).map((l) => l.line);
      expect(lines).toHaveLength(2 * n);
      // Each call's lines stay together and in order.
      for (let i = 0; i < n; i++) expect(lines[lines.indexOf(`line ${i}a`) + 1]).toBe(`line ${i}b`);
      expect((await store.runMetrics(run.id)).map((p) => p.step)).toEqual(
        Array.from({ length: n }, (_, i) => i),
      );
      expect(Object.keys((await store.getRun(run.id))!.params)).toHaveLength(n);
    });

    it('applies migrations once; opening again is a no-op', async () => {
      const { store, target } = await freshStore();
      expect(await store.migrations()).toEqual(MIGRATIONS.map((m) => m.version));
      await store.close();
      const db = await openDatabase(target.url);
      try {
        expect(await migrate(db)).toEqual([]);
        const rows = await db.query<{ version: number }>(
          'SELECT version FROM keel_migrations ORDER BY version',
        );
        expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
      } finally {
        await db.close();
      }
      const again = await openTarget(target);
      expect(await again.migrations()).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it('refuses a database migrated by a newer keel', async () => {
      const { store, target } = await freshStore();
      await store.close();
      const db = await openDatabase(target.url);
      await db.run('INSERT INTO keel_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        999,
        'future',
        0,
      ]);
      await db.close();
      const error = await rejection(openStore(target));
      expect(error.code).toBe('registry.newer-schema');
      expect(error.message).toContain('999');
      expect(error.hint).toContain('upgrade keel');
    });

    it('lists runs best first by a metric, without it last, and filters', async () => {
      const { store } = await freshStore();
      const parent = await store.startRun({ experiment: 'search' });
      const aucs = [0.7, 0.9, undefined, 0.8, Number.NaN, 0.85];
      const ids: string[] = [];
      for (const [i, auc] of aucs.entries()) {
        const run = await store.startRun({ experiment: 'search', parentId: parent.id, name: `t${i}` });
        if (auc !== undefined)
          await store.logMetrics(run.id, [
            { name: 'auc', value: auc },
            { name: 'auc', fold: 0, value: 1 - i },
          ]);
        if (i % 2 === 0) await store.endRun(run.id, { status: 'finished' });
        ids.push(run.id);
      }
      await store.startRun({ experiment: 'other' });
      const names = (runs: readonly { name: string | null }[]) => runs.map((r) => r.name);
      const desc = await store.listRuns({
        parentId: parent.id,
        orderBy: { metric: 'auc', direction: 'desc' },
      });
      expect(names(desc).slice(0, 4)).toEqual(['t1', 't5', 't3', 't0']);
      expect(names(desc).slice(4).sort()).toEqual(['t2', 't4']);
      const asc = await store.listRuns({
        experiment: 'search',
        orderBy: { metric: 'auc', direction: 'asc' },
        limit: 3,
      });
      expect(names(asc)).toEqual(['t0', 't3', 't5']);
      expect(asc[0]!.metrics).toEqual({ auc: 0.7 });
      expect(names(await store.listRuns({ parentId: parent.id, status: 'finished' })).sort()).toEqual([
        't0',
        't2',
        't4',
      ]);
      expect(await store.listRuns({ experiment: 'search' })).toHaveLength(7);
      expect(await store.listRuns()).toHaveLength(8);
      expect(await store.listRuns({ experiment: 'nothing' })).toEqual([]);
    });

    it('loses nothing when two processes create the store and write runs at once', async () => {
      const target = await fresh(); // empty: the two children race to migrate it
      const n = 150;
      const children = [startChild(target, 'write-runs', n, 'a'), startChild(target, 'write-runs', n, 'b')];
      await startTogether(children);
      await Promise.all(children.map((c) => c.line((l) => l === 'done')));
      const store = await openTarget(target);
      expect(await store.migrations()).toEqual(MIGRATIONS.map((m) => m.version));
      const runs = await store.listRuns({ experiment: 'concurrent' });
      expect(runs).toHaveLength(2 * n);
      expect(new Set(runs.map((r) => r.name)).size).toBe(2 * n);
      for (const run of runs) {
        const i = Number(run.name!.split('-')[1]);
        expect(run.status).toBe('finished');
        expect(run.metrics).toEqual(
          Object.fromEntries(Array.from({ length: 10 }, (_, m) => [`m${m}`, i * 100 + m])),
        );
      }
      const sample = runs[0]!;
      expect((await store.runMetrics(sample.id)).filter((p) => p.fold !== null)).toHaveLength(10);
    });

    it('marks the run of a killed process failed on the next open, keeping its metrics', async () => {
      const { store, target } = await freshStore();
      const done = await store.startRun({ name: 'done' });
      await store.endRun(done.id, { status: 'finished' });
      const mine = await store.startRun({ name: 'mine' }); // this process is alive: untouched
      const child = startChild(target, 'die-mid-run');
      await startTogether([child]);
      const id = await child.line((l) => /^[0-9a-f-]{36}$/.test(l));
      expect((await store.getRun(id))?.status).toBe('running');
      const exited = new Promise((resolve) => child.process.once('exit', resolve));
      child.process.kill('SIGKILL');
      await exited;

      const reopened = await openTarget(target);
      const killed = await reopened.getRun(id);
      expect(killed).toMatchObject({ status: 'failed', name: 'killed' });
      expect(killed!.error).toContain('ended without finishing the run');
      expect(killed!.endedAt).not.toBeNull();
      expect((await reopened.runMetrics(id)).map((p) => p.step)).toEqual([0, 1, 2, 3, 4]);
      expect((await reopened.getRun(mine.id))?.status).toBe('running');
      expect((await reopened.getRun(done.id))?.status).toBe('finished');
      expect(await reopened.reapAbandonedRuns()).toEqual([]);
    });

    it('marks a silent run of another host stale, and a write brings it back; a live local one stays running', async () => {
      const { store, target } = await freshStore();
      const run = await store.startRun({});
      const local = await store.startRun({});
      const db = await openDatabase(target.url);
      await db.run('UPDATE keel_runs SET host = ? WHERE id = ?', ['another-host', run.id]);
      await db.close();
      await new Promise((resolve) => setTimeout(resolve, 30));
      const strict = await openTarget(target, 10);
      expect((await strict.getRun(run.id))?.status).toBe('stale');
      expect((await strict.getRun(local.id))?.status).toBe('running');
      await store.heartbeat(run.id);
      expect((await store.getRun(run.id))?.status).toBe('running');
    });

    it('refuses an artifact whose bytes no longer match their hash', async () => {
      const { store } = await freshStore();
      const version = await store.registerVersion({
        model: 'm',
        artifact: bytes('the fitted model'),
        kind: 'linear',
        task: 'regression',
        schema: SCHEMA,
      });
      const hash = version.artifactHash;
      const path = join(store.artifacts.root, hash.slice(0, 2), hash);
      const content = readFileSync(path);
      content[3] = content[3]! ^ 1;
      writeFileSync(path, content);
      const error = await rejection(store.artifacts.get(hash));
      expect(error.code).toBe('registry.artifact-corrupt');
      expect(error.message).toContain(hash);
      // Registering the same bytes again repairs the file.
      await store.registerVersion({
        model: 'm',
        artifact: bytes('the fitted model'),
        kind: 'linear',
        task: 'regression',
        schema: SCHEMA,
      });
      expect(new TextDecoder().decode(await store.artifacts.get(hash))).toBe('the fitted model');
    });

    it('moves an alias atomically under concurrent writers', async () => {
      const { store, target } = await freshStore();
      for (let v = 1; v <= 3; v++) {
        await store.registerVersion({
          model: 'm',
          artifact: bytes(`v${v}`),
          kind: 'k',
          task: 't',
          schema: SCHEMA,
        });
      }
      const perChild = 40;
      const children = [
        startChild(target, 'move-aliases', 'm', perChild, 3),
        startChild(target, 'move-aliases', 'm', perChild, 3),
      ];
      await startTogether(children);
      const mine = Promise.all(
        Array.from({ length: perChild }, (_, i) => store.setAlias('m', 'prod', 1 + (i % 3))),
      );
      await Promise.all([mine, ...children.map((c) => c.line((l) => l === 'done'))]);
      const history = await store.aliasHistory('m');
      expect(history).toHaveLength(3 * perChild);
      expect(history[0]!.fromVersion).toBeNull();
      for (let i = 1; i < history.length; i++)
        expect(history[i]!.fromVersion).toBe(history[i - 1]!.toVersion);
      expect((await store.getModel('m'))?.aliases).toEqual({ prod: history.at(-1)!.toVersion });
    });

    it('refuses to delete an aliased version, then deletes it and its unshared artifact', async () => {
      const { store } = await freshStore();
      const v1 = await store.registerVersion({
        model: 'm',
        artifact: bytes('one'),
        kind: 'k',
        task: 't',
        schema: SCHEMA,
      });
      const v2 = await store.registerVersion({
        model: 'm',
        artifact: bytes('two'),
        kind: 'k',
        task: 't',
        schema: SCHEMA,
      });
      await store.registerVersion({
        model: 'm',
        artifact: bytes('two'),
        kind: 'k',
        task: 't',
        schema: SCHEMA,
      });
      await store.setAlias('m', 'prod', 1);
      await store.setAlias('m', 'canary', 1);
      const error = await rejection(store.deleteVersion('m', 1));
      expect(error.code).toBe('registry.version-aliased');
      expect(error.message).toContain('"canary", "prod"');
      expect(await store.getVersion('m', 1)).toEqual(v1);

      await store.setAlias('m', 'prod', 2);
      const removal = await store.removeAlias('m', 'canary');
      expect(removal).toMatchObject({ model: 'm', alias: 'canary', fromVersion: 1, toVersion: null });
      await store.deleteVersion('m', 1);
      expect((await store.listVersions('m')).map((v) => v.version)).toEqual([2, 3]);
      expect(await store.artifacts.has(v1.artifactHash)).toBe(false);
      // Version 3 has the same bytes as 2: deleting 2 keeps the file.
      await store.removeAlias('m', 'prod');
      await store.deleteVersion('m', 2);
      expect(await store.artifacts.has(v2.artifactHash)).toBe(true);
      const next = await store.registerVersion({
        model: 'm',
        artifact: bytes('four'),
        kind: 'k',
        task: 't',
        schema: SCHEMA,
      });
      expect(next.version).toBe(4); // numbers are never reused
      expect((await store.aliasHistory('m')).map((m) => [m.alias, m.fromVersion, m.toVersion])).toEqual([
        ['prod', null, 1],
        ['canary', null, 1],
        ['prod', 1, 2],
        ['canary', 1, null],
        ['prod', 2, null],
      ]);
    });

    it('names what it cannot find, with a hint', async () => {
      const { store } = await freshStore();
      await store.registerVersion({
        model: 'm',
        artifact: bytes('one'),
        kind: 'k',
        task: 't',
        schema: SCHEMA,
      });
      const cases: [() => Promise<unknown>, string, string][] = [
        [
          () => store.logMetrics('no-such-run', [{ name: 'a', value: 1 }]),
          'registry.unknown-run',
          'no-such-run',
        ],
        [() => store.endRun('no-such-run', { status: 'finished' }), 'registry.unknown-run', 'no-such-run'],
        [() => store.runLog('no-such-run'), 'registry.unknown-run', 'no-such-run'],
        [() => store.listVersions('ghost'), 'registry.unknown-model', 'ghost'],
        [() => store.aliasHistory('ghost'), 'registry.unknown-model', 'ghost'],
        [() => store.setAlias('ghost', 'prod', 1), 'registry.unknown-model', 'ghost'],
        [() => store.setAlias('m', 'prod', 7), 'registry.unknown-version', 'no version 7'],
        [() => store.deleteVersion('m', 7), 'registry.unknown-version', 'no version 7'],
        [() => store.removeAlias('m', 'prod'), 'registry.unknown-alias', '"prod"'],
        [
          () => store.setTag({ kind: 'version', name: 'm', version: 9 }, 'k', 'v'),
          'registry.unknown-version',
          'no version 9',
        ],
        [
          () =>
            store.registerVersion({
              model: 'm',
              artifact: bytes('x'),
              kind: 'k',
              task: 't',
              schema: SCHEMA,
              runId: 'gone',
            }),
          'registry.unknown-run',
          'gone',
        ],
        [() => store.startRun({ parentId: 'no-parent' }), 'registry.unknown-run', 'no-parent'],
        [() => store.setAlias('m', '12', 1), 'registry.bad-alias', '12'],
        [() => store.setAlias('m', 'latest', 1), 'registry.bad-alias', 'reserved'],
        [
          () => store.listRuns({ orderBy: { metric: 'auc', direction: 'up' as 'asc' } }),
          'registry.bad-direction',
          '"up"',
        ],
        [() => store.logMetrics('x', [{ name: 'a', value: 1, fold: -2 }]), 'registry.bad-metric', 'fold'],
        [() => store.startRun({ experiment: 'has space' }), 'registry.bad-name', 'has space'],
      ];
      for (const [call, code, named] of cases) {
        const error = await rejection(call());
        expect(error.code).toBe(code);
        expect(error.message).toContain(named);
      }
      expect((await rejection(store.listVersions('ghost'))).hint).toContain('listModels');
      expect((await store.listVersions('m')).map((v) => v.version)).toEqual([1]);
    });
  });
}
