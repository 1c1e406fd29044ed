import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/registry/open.js';
import { SKIP_POSTGRES, tempDir } from '../helpers.js';
import { freshPostgresDatabase } from '../postgres.js';

const root = tempDir('keel-cli-store-');
const dir = () => mkdtempSync(join(root, 'd-'));

const KEEL = new URL('../../bin/keel.js', import.meta.url).pathname;

/** Runs the CLI (dist/, so `npm run build` first) with KEEL_HOME for the embedded store. */
function keel(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync('node', [KEEL, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KEEL_STORE: '', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json(result: { code: number | null; stdout: string; stderr: string }) {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

/** A store under `home` with a run, a registered model and an alias. */
async function filledHome(): Promise<string> {
  const home = dir();
  const store = await openStore({ home });
  try {
    const run = await store.startRun({ experiment: 'cli', params: { depth: 3 } });
    await store.logMetrics(run.id, [{ name: 'accuracy', value: 0.9 }]);
    await store.endRun(run.id, { status: 'finished' });
    const schema = { rows: 1, columns: [] };
    await store.registerVersion({
      model: 'wine',
      artifact: new Uint8Array([1, 2, 3]),
      kind: 'k',
      task: 't',
      schema,
      runId: run.id,
    });
    await store.setAlias('wine', 'champion', 1);
  } finally {
    await store.close();
  }
  return home;
}

/** One filled store and its export, shared by the tests below. */
const exported = filledHome().then((home) => {
  const file = join(dir(), 'store.jsonl');
  return { file, report: json(keel({ KEEL_HOME: home }, 'store', 'export', file, '--json')) };
});

describe('keel store', () => {
  it('migrate reports the schema versions and where the store is', () => {
    const home = dir();
    const first = json(keel({ KEEL_HOME: home }, 'store', 'migrate', '--json'));
    expect(first.location).toBe(join(home, 'keel.db'));
    expect(first.schemaVersion).toBeGreaterThanOrEqual(1);
    expect(first.migrations[0]).toMatchObject({ version: 1, appliedNow: true });
    const again = keel({ KEEL_HOME: home }, 'store', 'migrate');
    expect(again.stdout).toContain('already up to date');
  });

  it('exports one store and imports it into another, refusing a second import without --merge', async () => {
    const { file, report } = await exported;
    expect(report.tables.find((t: { table: string }) => t.table === 'keel_runs').rows).toBe(1);
    expect(report.artifacts.count).toBe(1);

    const target = dir();
    const imported = json(keel({ KEEL_HOME: target }, 'store', 'import', file, '--json'));
    expect(imported.tables.every((t: { verified: boolean }) => t.verified)).toBe(true);
    const model = json(keel({ KEEL_HOME: target }, 'models', 'show', 'wine', '--json'));
    expect(model.aliases).toEqual({ champion: 1 });

    const refused = keel({ KEEL_HOME: target }, 'store', 'import', file);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('already holds 1 run');
    expect(refused.stderr).toContain('--merge');
    const merged = keel({ KEEL_HOME: target }, 'store', 'import', file, '--merge');
    expect(merged.code).toBe(0);
    expect(merged.stdout).toContain('merging');
  });

  it('refuses a damaged file, naming it', async () => {
    const file = join(dir(), 'damaged.jsonl');
    const text = readFileSync((await exported).file, 'utf8');
    expect(text).toContain('depth');
    writeFileSync(file, text.replace('depth', 'dapth'));
    const refused = keel({ KEEL_HOME: dir() }, 'store', 'import', file);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(file);
    expect(refused.stderr).toMatch(/digest|checksum/);
  });

  it.skipIf(SKIP_POSTGRES)('moves a SQLite store into PostgreSQL with --store', async () => {
    const url = await freshPostgresDatabase('keel_cli');
    const env = { KEEL_HOME: dir(), KEEL_ARTIFACTS: dir() };
    const imported = json(keel(env, 'store', 'import', (await exported).file, '--store', url, '--json'));
    expect(imported.backend).toBe('postgres');
    expect(
      imported.tables.every(
        (t: { verified: boolean; rows: number; identical: number }) => t.verified && t.identical === t.rows,
      ),
    ).toBe(true);
  });
});
