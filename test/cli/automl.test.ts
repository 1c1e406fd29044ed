import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/registry/open.js';
import { DATASETS, tempDir, writeFixture } from '../helpers.js';

const KEEL = new URL('../../bin/keel.js', import.meta.url).pathname;

/**
 * Pima with a derived group column: an age band, the kind of attribute a
 * fairness audit is asked about, with a few rows left without a band.
 */
function pimaWithBand(dir: string): { file: string; bands: Map<string, number> } {
  const lines = readFileSync(join(DATASETS, 'pima_indians_diabetes2.csv'), 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const age = header.indexOf('age');
  const bands = new Map<string, number>();
  const rows = lines.slice(1).map((line, i) => {
    const years = Number(line.split(',')[age]);
    const band = i % 97 === 0 ? '' : years < 30 ? 'under 30' : years < 45 ? '30 to 44' : '45 and over';
    const key = band === '' ? '(missing)' : band;
    bands.set(key, (bands.get(key) ?? 0) + 1);
    return `${line},${band}`;
  });
  return { file: writeFixture(dir, 'pima-band.csv', `${lines[0]},band\n${rows.join('\n')}\n`), bands };
}

function keel(args: string[], home: string) {
  const result = spawnSync('node', [KEEL, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KEEL_STORE: '', KEEL_HOME: home },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('keel automl', () => {
  const dir = tempDir();
  const home = join(dir, 'home');
  const { file, bands } = pimaWithBand(dir);
  const reportPath = join(dir, 'pima-report.html');

  it('searches, registers the winner, audits a sensitive column and writes the report', async () => {
    const run = keel(
      [
        'automl',
        file,
        '--target',
        'diabetes',
        '--time',
        '8s',
        '--threads',
        '2',
        '--sensitive',
        'band',
        '--register',
        'pima',
        '--report',
        reportPath,
        '--json',
      ],
      home,
    );
    expect(run.stderr).not.toContain('keel:');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.task).toBe('binary');
    expect(out.metric).toBe('roc_auc');
    expect(out.features).not.toContain('band'); // sensitive columns are not features by default
    expect(out.features).not.toContain('diabetes');
    const scores = out.leaderboard.map((e: { score: number }) => e.score);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    expect(new Set(out.leaderboard.map((e: { algorithm: string }) => e.algorithm)).size).toBeGreaterThan(2);
    expect(out.best.score).toBeGreaterThan(0.78); // pima's AUC is about 0.83 for good models
    expect(out.best).toMatchObject({ model: out.leaderboard[0].model, version: 1, name: 'pima' });
    expect(out.report).toBe(reportPath);

    const [audit] = out.fairness;
    expect(audit.column).toBe('band');
    const counts = Object.fromEntries(
      audit.groups.map((g: { group: string; count: number }) => [g.group, g.count]),
    );
    expect(counts).toEqual(Object.fromEntries(bands));
    expect(audit.smallGroups).toEqual(['(missing)']); // 8 rows: listed, not compared

    const html = readFileSync(reportPath, 'utf8');
    for (const section of [
      'data',
      'leaderboard',
      'pipeline',
      'cv',
      'curves',
      'confusion',
      'calibration',
      'importance',
      'shap',
      'pdp',
      'fairness',
      'model-card',
    ]) {
      expect(html).toContain(`id="${section}"`);
    }

    const store = await openStore({ home });
    try {
      const runs = await store.listRuns();
      const parent = runs.find((r) => r.id === out.runId)!;
      expect(parent.status).toBe('finished');
      const children = runs.filter((r) => r.parentId === out.runId);
      expect(children).toHaveLength(out.trials);
      const version = (await store.listVersions('pima'))[0]!;
      expect(version.runId).toBe(out.runId);
      expect(version.schema.columns.map((c) => c.name)).not.toContain('band');
    } finally {
      await store.close();
    }

    const again = join(dir, 'again.html');
    const rewritten = keel(['report', 'pima', '--out', again], home);
    expect(rewritten.code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(html);
  });

  it('stops on Ctrl-C, keeping, registering (under the file name by default) and reporting the best model so far', async () => {
    const child = spawn(
      'node',
      [
        KEEL,
        'automl',
        file,
        '--target',
        'diabetes',
        '--time',
        '10m',
        '--report',
        join(dir, 'stopped.html'),
        '--json',
      ],
      { env: { ...process.env, KEEL_STORE: '', KEEL_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    // Interrupt once the search has started (its first progress line), then wait for the end.
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (stderr.includes('automl…')) {
          clearInterval(check);
          setTimeout(() => {
            child.kill('SIGINT');
            resolve();
          }, 4000);
        }
      }, 100);
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).toContain('stopping; keeping the best model so far');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.stopped).toBe('aborted');
    expect(out.best).toMatchObject({ name: 'pima-band', version: 1 }); // registered by default, named after the file
    expect(out.leaderboard.length).toBeGreaterThan(0);
  }, 120_000);

  it('stops after --trials N with no clock, and the same seed gives the same model twice', async () => {
    const run = (name: string) =>
      keel(
        [
          'automl',
          file,
          '--target',
          'diabetes',
          '--trials',
          '5',
          '--seed',
          '3',
          '--register',
          name,
          '--report',
          join(dir, `${name}.html`),
          '--json',
        ],
        home,
      );
    const [first, second] = [run('trials-a'), run('trials-b')];
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout);
    expect(out.trials).toBe(5);
    expect(out.stopped).toBe('max-trials');
    const store = await openStore({ home });
    try {
      const [a] = await store.listVersions('trials-a');
      const [b] = await store.listVersions('trials-b');
      expect(second.code).toBe(0);
      expect(a!.artifactHash).toBe(b!.artifactHash);
    } finally {
      await store.close();
    }
    const bad = keel(['automl', file, '--target', 'diabetes', '--trials', '0'], home);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--trials');
  }, 120_000);

  it('refuses an unknown target or sensitive column and a bad budget, in one line', () => {
    const unknown = keel(['automl', file, '--target', 'diabetis', '--time', '5s'], home);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('diabetis');
    const sensitive = keel(['automl', file, '--target', 'diabetes', '--sensitive', 'race'], home);
    expect(sensitive.code).toBe(2);
    expect(sensitive.stderr).toContain('race');
    const budget = keel(['automl', file, '--target', 'diabetes', '--time', 'soon'], home);
    expect(budget.code).toBe(2);
    expect(budget.stderr).toContain('--time must be a duration');
  });
});
