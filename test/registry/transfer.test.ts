import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, UsageError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { openStore } from '../../src/registry/open.js';
import { SqlStore } from '../../src/registry/sql-store.js';
import { exportStore, importStore } from '../../src/registry/transfer.js';
import { SKIP_POSTGRES, tempDir } from '../helpers.js';
import { freshPostgresDatabase } from '../postgres.js';

const root = tempDir('keel-transfer-');

interface Target {
  readonly url: string;
  readonly artifacts: string;
}

function freshSqlite(): Promise<Target> {
  const dir = mkdtempSync(join(root, 'sqlite-'));
  return Promise.resolve({ url: `sqlite:${join(dir, 'keel.db')}`, artifacts: join(dir, 'artifacts') });
}

async function freshPostgres(): Promise<Target> {
  return { url: await freshPostgresDatabase(), artifacts: mkdtempSync(join(root, 'pg-artifacts-')) };
}

/** The middle store of a round trip: PostgreSQL when a server is available. */
const freshOther = SKIP_POSTGRES ? freshSqlite : freshPostgres;

const SCHEMA = {
  rows: 178,
  columns: [
    { name: 'alcohol', kind: 'numeric' as const, missingRate: 0, min: 11.03, max: 14.83 },
    { name: 'region', kind: 'categorical' as const, missingRate: 0.05, levels: ['north', 'South', 'east'] },
  ],
};

function bytes(seed: number, n: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(rng.next() * 256));
}

/** What a few days of work leave in a store: searches with folds, failures, logs, models with alias history. */
async function fill(store: SqlStore): Promise<void> {
  await store.recordDataset({
    hash: 'a'.repeat(64),
    source: '/data/wine.csv',
    schema: SCHEMA,
    profile: { rows: 178 },
  });
  const search = await store.startRun({ experiment: 'wine-cv', name: 'search', params: { space: 'depth' } });
  const trials: string[] = [];
  for (let t = 0; t < 3; t++) {
    const run = await store.startRun({
      experiment: 'wine-cv',
      parentId: search.id,
      params: { depth: t + 2, rate: 0.1, note: 'ünïcode ✓' },
      seed: 7,
      datasetHash: 'a'.repeat(64),
      tags: { Zeta: 'upper', alpha: 'lower' },
    });
    const folds = [0, 1, 2, 3, 4].map((fold) => ({
      name: 'accuracy',
      fold,
      value: 0.9 + fold / 100 + t / 1000,
    }));
    const nan = t === 1 ? [{ name: 'log_loss', fold: 2, value: Number.NaN }] : [];
    await store.logMetrics(run.id, [
      ...folds,
      ...nan,
      { name: 'accuracy', value: 0.92 + t / 1000 },
      { name: 'loss', step: 3, value: Number.NEGATIVE_INFINITY },
    ]);
    await store.logLines(run.id, [`trial ${t}`, 'fold 0 done', 'fold 1 done']);
    await store.logArtifact(run.id, 'report.json', bytes(t, 300));
    await store.endRun(run.id, { status: 'finished', timings: { fit: 0.25 * t, cv: 1.5 } });
    trials.push(run.id);
  }
  const failed = await store.startRun({ experiment: 'default' });
  await store.endRun(failed.id, { status: 'failed', error: 'out of memory' });
  await store.endRun(search.id, { status: 'finished' });
  const version = { kind: 'pipeline', task: 'classification', schema: SCHEMA, datasetHash: 'a'.repeat(64) };
  await store.registerVersion({
    ...version,
    model: 'wine',
    artifact: bytes(10, 20_000),
    runId: trials[0],
    metrics: { accuracy: 0.92 },
  });
  await store.registerVersion({
    ...version,
    model: 'wine',
    artifact: bytes(11, 20_000),
    runId: trials[2],
    tags: { stage: 'candidate' },
  });
  await store.registerVersion({
    ...version,
    model: 'Churn',
    artifact: bytes(12, 5_000),
    description: 'churn model',
  });
  await store.setAlias('wine', 'champion', 1);
  await store.setAlias('wine', 'challenger', 2);
  await store.setAlias('wine', 'champion', 2);
  await store.removeAlias('wine', 'challenger');
  await store.setTag({ kind: 'model', name: 'wine' }, 'team', 'ml');
  await store.setTag({ kind: 'run', id: trials[0]! }, 'best', 'yes');
}

/** Every row of every table, and the bytes of every artifact the rows name. */
async function contents(store: SqlStore) {
  const tables: Record<string, unknown[]> = {};
  for (const table of SqlStore.tables) tables[table] = await store.dumpTable(table);
  const hashes = [
    ...tables['keel_model_versions']!.map((r) => (r as { artifact_hash: string }).artifact_hash),
    ...tables['keel_run_artifacts']!.map((r) => (r as { hash: string }).hash),
  ].sort();
  const artifacts: Record<string, string> = {};
  for (const hash of hashes)
    artifacts[hash] = Buffer.from(await store.artifacts.get(hash)).toString('base64');
  return { tables, artifacts };
}

async function withStore<T>(target: Target, work: (store: SqlStore) => Promise<T>): Promise<T> {
  const store = await openStore(target);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** A filled SQLite store and its export, made once for the tests that only read them. */
const source = freshSqlite();
const exported = source.then((target) =>
  withStore(target, async (store) => {
    await fill(store);
    const file = join(root, 'source.keel.jsonl');
    return { file, report: await exportStore(store, file), contents: await contents(store) };
  }),
);

/** Rewrites an export's lines and reseals it (counts, digests, checksum), so only the edit is wrong. */
function reseal(file: string, edit: (lines: unknown[]) => unknown[], out: string): string {
  const parsed = readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
  const body = edit(parsed.slice(0, -1));
  const header = body[0] as { tables: Record<string, number> };
  const digests: Record<string, ReturnType<typeof createHash>> = {};
  let table: { table: string; rows: number } | undefined;
  for (const value of body.slice(1)) {
    if (Array.isArray(value)) {
      table!.rows++;
      digests[table!.table]!.update(`${JSON.stringify(value)}\n`);
    } else if (typeof (value as { table?: unknown }).table === 'string') {
      table = value as { table: string; rows: number };
      table.rows = 0;
      digests[table.table] = createHash('sha256');
    }
  }
  for (const value of body.slice(1)) {
    const t = value as { table?: string; rows?: number };
    if (!Array.isArray(value) && typeof t.table === 'string') header.tables[t.table] = t.rows!;
  }
  const text = body.map((value) => `${JSON.stringify(value)}\n`).join('');
  const trailer = {
    end: 'keel-store-export',
    lines: body.length + 1,
    tables: Object.fromEntries(Object.entries(digests).map(([name, hash]) => [name, hash.digest('hex')])),
    sha256: createHash('sha256').update(text).digest('hex'),
  };
  writeFileSync(out, `${text}${JSON.stringify(trailer)}\n`);
  return out;
}

async function recordCount(store: SqlStore): Promise<number> {
  let n = 0;
  for (const table of SqlStore.tables.filter((t) => t !== 'keel_projects')) {
    n += (await store.dumpTable(table)).length;
  }
  return n;
}

describe('export and import', () => {
  it(`moves every row and artifact from SQLite to ${SKIP_POSTGRES ? 'SQLite' : 'PostgreSQL'} and back unchanged`, async () => {
    const first = await exported;
    expect(first.report.tables.find((t) => t.table === 'keel_metrics')!.rows).toBe(3 * 7 + 1);
    expect(first.report.artifacts.count).toBe(6);

    const middle = await freshOther();
    const again = join(root, 'middle.keel.jsonl');
    const middleReport = await withStore(middle, async (store) => {
      const report = await importStore(store, first.file);
      expect(await contents(store)).toEqual(first.contents);
      const wine = await store.getModel('wine');
      expect(wine?.aliases).toEqual({ champion: 2 });
      expect((await store.aliasHistory('wine')).length).toBe(4);
      const trial = (await store.listRuns({ orderBy: { metric: 'accuracy', direction: 'desc' } }))[0]!;
      expect(trial.metrics['accuracy']).toBeCloseTo(0.922, 12);
      expect((await store.runMetrics(trial.id)).some((m) => m.value === Number.NEGATIVE_INFINITY)).toBe(true);
      await exportStore(store, again);
      return report;
    });
    expect(middleReport.tables.every((t) => t.verified && t.identical === t.rows && t.kept === 0)).toBe(true);
    expect(middleReport.artifacts).toMatchObject({ count: 6, written: 6 });
    expect(middleReport.tables.map((t) => t.sha256)).toEqual(first.report.tables.map((t) => t.sha256));

    const last = await freshSqlite();
    await withStore(last, async (store) => {
      const report = await importStore(store, again);
      expect(report.source.backend).toBe(SKIP_POSTGRES ? 'sqlite' : 'postgres');
      expect(await contents(store)).toEqual(first.contents);
      // the NaN fold metric survives as NaN on both backends
      const metrics = await Promise.all((await store.listRuns()).map((r) => store.runMetrics(r.id)));
      expect(metrics.flat().filter((m) => Number.isNaN(m.value))).toHaveLength(1);
    });
  });

  it('refuses a file with a flipped byte, a truncated file and a wrong schema version, writing nothing', async () => {
    const { file } = await exported;
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const flipped = join(root, 'flipped.jsonl');
    writeFileSync(flipped, text.replace('fold 1 done', 'fold 1 dona'));
    const artifactLine = lines.findIndex((l) => l.startsWith('{"artifact"'));
    const damagedArtifact = join(root, 'artifact.jsonl');
    const a = lines[artifactLine]!;
    const at = a.indexOf('"data":"') + 20;
    lines[artifactLine] = a.slice(0, at) + (a[at] === 'A' ? 'B' : 'A') + a.slice(at + 1);
    writeFileSync(damagedArtifact, lines.join('\n'));
    const truncated = join(root, 'truncated.jsonl');
    writeFileSync(truncated, text.slice(0, Math.floor(text.length * 0.6)));
    const cutAtLine = join(root, 'cut.jsonl');
    writeFileSync(cutAtLine, `${text.trimEnd().split('\n').slice(0, -1).join('\n')}\n`);
    const newer = reseal(
      file,
      (body) => [{ ...(body[0] as object), schemaVersion: 99 }, ...body.slice(1)],
      join(root, 'newer.jsonl'),
    );

    await withStore(await freshSqlite(), async (store) => {
      const refusal = async (path: string) => {
        const error = await importStore(store, path).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DataError);
        expect((error as DataError).location.source).toBe(path);
        return error as DataError;
      };
      const bad = await refusal(flipped);
      expect(bad.message).toMatch(/digest|checksum/);
      expect(bad.message).toContain('keel_run_logs');
      const art = await refusal(damagedArtifact);
      expect(art.message).toMatch(/artifact [0-9a-f]{64} is damaged/);
      expect(art.location.line).toBe(artifactLine + 1);
      expect((await refusal(truncated)).message).toMatch(/not valid JSON|truncated/);
      expect((await refusal(cutAtLine)).message).toContain('without its trailer');
      const schema = await refusal(newer);
      expect(schema.code).toBe('registry.export-schema');
      expect(schema.message).toContain('schema version 99');
      expect(schema.hint).toContain('upgrade keel');
      expect(await recordCount(store)).toBe(0);
      expect(await store.artifacts.has(Object.keys((await exported).contents.artifacts)[0]!)).toBe(false);
    });
  });

  it('refuses a store that holds records unless merging, and a merge keeps what the store had', async () => {
    const { file, contents: original } = await exported;
    await withStore(await freshOther(), async (store) => {
      await store.registerVersion({
        model: 'wine',
        artifact: bytes(99, 100),
        kind: 'gbdt',
        task: 'classification',
        schema: SCHEMA,
      });
      const error = await importStore(store, file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toContain('already holds 1 model');
      expect((error as UsageError).message).toContain('1 model (default/wine)');
      expect((error as UsageError).hint).toContain('--merge');
      expect((await store.listVersions('wine')).map((v) => v.kind)).toEqual(['gbdt']);

      const report = await importStore(store, file, { merge: true });
      const versions = report.tables.find((t) => t.table === 'keel_model_versions')!;
      expect(versions).toMatchObject({ rows: 3, kept: 1, identical: 2, written: 2 });
      expect((await store.listVersions('wine')).map((v) => v.kind)).toEqual(['gbdt', 'pipeline']);
      expect((await store.listRuns()).length).toBe(5);
      // the merged model's version counter moved past the versions the file brought
      const next = await store.registerVersion({
        model: 'wine',
        artifact: bytes(98, 10),
        kind: 'k',
        task: 't',
        schema: SCHEMA,
      });
      expect(next.version).toBe(3);
      for (const hash of Object.keys(original.artifacts)) expect(await store.artifacts.has(hash)).toBe(true);
    });
  });

  it('counts a store holding only API keys as not empty', async () => {
    const { file } = await exported;
    await withStore(await freshOther(), async (store) => {
      await store.createApiKey('ci');
      const error = await importStore(store, file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toContain('already holds 1 API key');
    });
  });

  it('rolls back a load that fails part way, leaving the store empty', async () => {
    const { file } = await exported;
    // A duplicated metric row: the file is consistent, the database refuses it after
    // projects, datasets, experiments and runs are in.
    const duplicated = reseal(
      file,
      (body) => {
        const at = body.findIndex((v) => (v as { table?: string }).table === 'keel_metrics');
        return [...body.slice(0, at + 2), body[at + 1], ...body.slice(at + 2)];
      },
      join(root, 'duplicate.jsonl'),
    );
    await withStore(await freshOther(), async (store) => {
      const before = await store.dumpTable('keel_projects');
      const error = await importStore(store, duplicated).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataError);
      expect((error as DataError).code).toBe('registry.import-failed');
      expect((error as DataError).message).toContain('keel_metrics');
      expect((error as DataError).location.line).toBeGreaterThan(1);
      expect(await recordCount(store)).toBe(0);
      expect(await store.dumpTable('keel_projects')).toEqual(before);
    });
  });
});
