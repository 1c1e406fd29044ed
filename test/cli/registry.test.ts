import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASETS, SKIP_POSTGRES, tempDir, writeFixture } from '../helpers.js';
import { freshPostgresDatabase } from '../postgres.js';

const KEEL = new URL('../../bin/keel.js', import.meta.url).pathname;
const WINE = join(DATASETS, 'wine.csv');

/** Runs the CLI against one store: KEEL_HOME for SQLite, KEEL_STORE for PostgreSQL. */
function cli(env: Record<string, string>) {
  return (...args: string[]) => {
    const result = spawnSync('node', [KEEL, ...args], {
      encoding: 'utf8',
      env: { ...process.env, KEEL_STORE: '', ...env },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
}

function json(result: { code: number | null; stdout: string; stderr: string }) {
  expect(result.stderr.includes('keel:') ? result.stderr : '').toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('keel train records runs and registers models (SQLite under KEEL_HOME)', () => {
  const home = tempDir();
  const keel = cli({ KEEL_HOME: home });

  it('registers version 1 with its metrics and the schema of its input', () => {
    const trained = json(
      keel('train', WINE, '--target', 'target', '--model', 'logistic', '--register', 'wine', '--json'),
    );
    expect(trained.registered).toEqual({ model: 'wine', version: 1 });
    const shown = json(keel('models', 'show', 'wine', '--json'));
    expect(shown.name).toBe('wine');
    expect(shown.versions).toHaveLength(1);
    const [v1] = shown.versions;
    expect(v1).toMatchObject({ version: 1, kind: 'pipeline', task: 'multiclass', runId: trained.run });
    expect(v1.metrics.accuracy).toBeCloseTo(trained.metrics.accuracy, 12);
    expect(v1.schema.columns.map((c: { name: string }) => c.name)).toHaveLength(13);
    expect(v1.schema.columns.map((c: { name: string }) => c.name)).not.toContain('target');
    expect(v1.schema.columns[0]).toMatchObject({ name: 'alcohol', kind: 'numeric', min: 11.03, max: 14.83 });
    // The monitoring reference: every input column, the out-of-fold outputs and the target.
    expect(v1.reference.rows).toBe(178);
    expect(v1.reference.features).toHaveLength(13);
    expect(v1.reference.features[0]).toMatchObject({ name: 'alcohol', kind: 'numeric', count: 178 });
    expect(v1.reference.outputs.map((o: { name: string }) => o.name)).toContain('prediction');
    expect(v1.reference.target).toMatchObject({ name: 'target', kind: 'categorical', counts: [59, 71, 48] });
    expect(existsSync(join(home, 'keel.db'))).toBe(true);
  });

  it('keeps each fold and the mean; runs lists best first; show and compare read them back', () => {
    const strong = json(keel('train', WINE, '--target', 'target', '--model', 'logistic', '--json'));
    const weak = json(
      keel('train', WINE, '--target', 'target', '--model', 'logistic', '--set', 'C=0.001', '--json'),
    );
    expect(weak.metrics.accuracy).toBeLessThan(strong.metrics.accuracy);
    const listed = json(keel('runs', '--metric', 'log_loss', '--json'));
    const losses = listed.map((r: { metrics: { log_loss: number } }) => r.metrics.log_loss);
    expect(losses).toEqual([...losses].sort((a, b) => a - b)); // lower is better: ascending
    expect(listed.map((r: { status: string }) => r.status)).toEqual(['finished', 'finished', 'finished']);

    const shown = json(keel('runs', 'show', weak.run.slice(0, 8), '--json'));
    expect(shown.id).toBe(weak.run);
    expect(shown.params).toMatchObject({ model: 'logistic', C: 0.001, target: 'target', cv: 5 });
    const folds = shown.points.filter((p: { name: string; fold: number | null }) => p.name === 'accuracy');
    expect(
      folds.filter((p: { fold: number | null }) => p.fold !== null).map((p: { value: number }) => p.value),
    ).toEqual(weak.folds.accuracy);

    const compared = json(keel('runs', 'compare', strong.run, weak.run, '--json'));
    expect(compared.params.C).toEqual([1, 0.001]);
    expect(compared.metrics.accuracy).toEqual([strong.metrics.accuracy, weak.metrics.accuracy]);
    const text = keel('runs', 'compare', strong.run, weak.run).stdout;
    expect(text).toMatch(/\* C/);
  });

  it('moves aliases, and refuses to delete a version an alias points at', () => {
    json(keel('train', WINE, '--target', 'target', '--model', 'naive-bayes', '--register', 'wine', '--json'));
    expect(json(keel('models', 'alias', 'wine', '1', 'champion', '--json'))).toMatchObject({
      alias: 'champion',
      fromVersion: null,
      toVersion: 1,
    });
    const refused = keel('models', 'delete', 'wine', '1');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/champion/);
    expect(keel('models', 'alias', 'wine', '2', 'champion').stdout).toMatch(
      /wine@champion → version 2 \(was version 1\)/,
    );
    expect(keel('models', 'delete', 'wine', '1').code).toBe(0);
    const shown = json(keel('models', 'show', 'wine', '--json'));
    expect(shown.versions.map((v: { version: number }) => v.version)).toEqual([2]);
    expect(shown.aliases).toEqual({ champion: 2 });
    expect(shown.aliasHistory.map((m: { toVersion: number }) => m.toVersion)).toEqual([1, 2]);
  });

  it('records a run that fails as failed, with the reason', () => {
    const dir = tempDir();
    const test = writeFixture(dir, 'test.csv', 'alcohol,target\n13,7\n13,1\n');
    const result = keel('train', WINE, '--target', 'target', '--model', 'logistic', '--test', test);
    expect(result.code).toBe(2);
    const [latest] = json(keel('runs', '--status', 'failed', '--json'));
    expect(latest.error).toMatch(/the test file has the class "7"/);
  });

  it('records unsupervised fits too, with what they measure', () => {
    const iris = join(DATASETS, 'iris.csv');
    const fitted = json(
      keel(
        'train',
        iris,
        '--model',
        'kmeans',
        '--set',
        'k=3',
        '--drop',
        'target',
        '--register',
        'iris-clusters',
        '--json',
      ),
    );
    const run = json(keel('runs', 'show', fitted.run, '--json'));
    expect(run.metrics.inertia).toBeCloseTo(fitted.metrics.inertia, 9);
    expect(run.params).toMatchObject({ model: 'kmeans', k: 3, drop: ['target'] });
    const shown = json(keel('models', 'show', 'iris-clusters', '--json'));
    expect(shown.versions[0]).toMatchObject({ version: 1, task: 'clustering', runId: fitted.run });
    expect(shown.versions[0].schema.columns).toHaveLength(4);
  });

  it('names an unknown model or run, and lists what exists', () => {
    const model = keel('models', 'show', 'beer');
    expect(model.code).toBe(2);
    expect(model.stderr).toMatch(/no model "beer".*\n.*wine/);
    const run = keel('runs', 'show', 'ffffffff');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no run "ffffffff"/);
  });

  it('records nothing with --no-track, and refuses --register with it', () => {
    const empty = tempDir();
    const untracked = cli({ KEEL_HOME: empty });
    json(untracked('train', WINE, '--target', 'target', '--model', 'logistic', '--no-track', '--json'));
    expect(existsSync(join(empty, 'keel.db'))).toBe(false);
    const refused = untracked(
      'train',
      WINE,
      '--target',
      'target',
      '--model',
      'logistic',
      '--no-track',
      '--register',
      'x',
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--register needs the store/);
  });
});

describe.skipIf(SKIP_POSTGRES)('the same on PostgreSQL (KEEL_STORE)', () => {
  it('registers and shows version 1', async () => {
    const keel = cli({ KEEL_STORE: await freshPostgresDatabase('keel_cli'), KEEL_HOME: tempDir() });
    const trained = json(
      keel('train', WINE, '--target', 'target', '--model', 'logistic', '--register', 'wine', '--json'),
    );
    const shown = json(keel('models', 'show', 'wine', '--json'));
    expect(shown.versions[0]).toMatchObject({ version: 1, runId: trained.run });
    expect(shown.versions[0].metrics.accuracy).toBeCloseTo(trained.metrics.accuracy, 12);
    expect(json(keel('runs', '--json'))[0].id).toBe(trained.run);
  });
});
