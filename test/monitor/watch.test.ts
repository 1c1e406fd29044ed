/**
 * `keel watch` from the command line, on a store whose prediction log is
 * written directly (the server's part is covered by shift-loop.test.ts):
 * a check with no traffic, a check that finds drift and alerts only, and a
 * check that retrains on new data and promotes.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import type { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import { writeCsv } from '../../src/data/write.js';
import { loadModel } from '../../src/registry/model-registry.js';
import '../../src/serve/loaders.js';
import { openStore } from '../../src/registry/open.js';
import { DATASETS, keelIn, tempDir } from '../helpers.js';
import { servedRequests, shiftDiamonds } from './shift-helpers.js';

const home = tempDir('keel-watch-');
const env = { ...process.env, KEEL_HOME: home, KEEL_STORE: '' };
const keel = keelIn(env);
const KEEL = new URL('../../bin/keel.js', import.meta.url).pathname;

/** Logs the frame's rows as served by version 1, in requests of 100 rows, ending a minute ago. */
async function logTraffic(frame: Frame): Promise<void> {
  const store = await openStore({ home });
  try {
    const { model } = await loadModel(store, 'diamonds@1');
    const at = Date.now() - 60_000 - frame.rowCount;
    await store.logPredictions(
      servedRequests(model, frame, { name: 'diamonds', version: 1, at, size: 100, prefix: 'req' }).records,
    );
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  const all = await readTable(join(DATASETS, 'diamonds.csv'));
  const order = new Rng(5).permutation(all.rowCount);
  const part = (from: number, rows: number) => all.take(order.subarray(from, from + rows));
  await writeCsv(part(0, 5000), join(home, 'train.csv'));
  await writeCsv(shiftDiamonds(part(5000, 5000)), join(home, 'new.csv'));
  const trained = keel(
    'train',
    join(home, 'train.csv'),
    '--target',
    'price',
    '--model',
    'gbdt',
    '--register',
    'diamonds',
  );
  expect(trained.code).toBe(0);
  expect(keel('models', 'alias', 'diamonds', '1', 'champion').code).toBe(0);
  await logTraffic(shiftDiamonds(part(10_000, 1000)));
}, 120_000);

describe('keel watch', () => {
  it('alerts on drift without --data, then retrains on --data and promotes the challenger', async () => {
    const alertOnly = keel('watch', 'diamonds', '--once');
    expect(alertOnly.stderr).not.toContain('keel:');
    expect(alertOnly.code).toBe(0);
    expect(alertOnly.stdout).toMatch(/check 1 · diamonds version 1 · DRIFT \(carat, cut\)/);
    expect(alertOnly.stdout).toContain('alerts recorded: drift');
    expect(alertOnly.stdout).toContain('drift detected → no --data to retrain on: alerting only');

    const retrained = keel(
      'watch',
      'diamonds',
      '--once',
      '--data',
      join(home, 'new.csv'),
      '--policy',
      'drift',
    );
    expect(retrained.code).toBe(0);
    expect(retrained.stdout).toMatch(
      /drift detected → promoted version 2 to champion \(rmse \S+ vs \S+ on 1000 holdout rows\)/,
    );

    const store = await openStore({ home });
    try {
      expect((await store.getModel('diamonds'))!.aliases['champion']).toBe(2);
      const alerts = await store.listAlerts({ model: 'diamonds' });
      expect(alerts.map((a) => a.kind)).toEqual(['retrain', 'drift', 'drift']);
      expect(alerts[0]!.details['promoted']).toBe(true);
      expect(alerts[1]!.details['driftedFeatures']).toEqual(['carat', 'cut']);
    } finally {
      await store.close();
    }

    // The new champion has served nothing yet: the check says so and does not retrain on drift.
    const idle = keel('watch', 'diamonds', '--once', '--data', join(home, 'new.csv'));
    expect(idle.code).toBe(0);
    expect(idle.stdout).toMatch(
      /check 1 · diamonds · the prediction log holds no requests for diamonds version 2/,
    );
    expect(idle.stdout).not.toContain('→');

    // On a schedule, the new champion is retrained on the data once; the same data again is skipped.
    const scheduled = keel(
      'watch',
      'diamonds',
      '--once',
      '--policy',
      'schedule',
      '--data',
      join(home, 'new.csv'),
    );
    expect(scheduled.stdout).toMatch(/scheduled retrain → (kept version 2|promoted version 3)/);
    const again = keel(
      'watch',
      'diamonds',
      '--once',
      '--policy',
      'schedule',
      '--data',
      join(home, 'new.csv'),
    );
    expect(again.stdout).toMatch(
      /scheduled retrain → not retrained: the data has not changed since the last retrain judged version \d on it/,
    );

    // As one process: checks every --every, until --cycles (or a signal) ends it.
    const loop = keel('watch', 'diamonds', '--every', '1s', '--cycles', '2');
    expect(loop.code).toBe(0);
    expect(loop.stdout.match(/check \d/g)).toEqual(['check 1', 'check 2']);
  });

  it('ends cleanly on SIGTERM while waiting for its next check', async () => {
    const child = spawn(process.execPath, [KEEL, 'watch', 'diamonds', '--every', '1h'], {
      env,
      stdio: 'pipe',
    });
    let stdout = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    for (let tries = 0; tries < 200 && !stdout.includes('check 1'); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(stdout).toContain('check 1');
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
  });

  it('refuses an unknown policy and a webhook that is not http(s), before doing anything', () => {
    const policy = keel('watch', 'diamonds', '--once', '--policy', 'sometimes');
    expect(policy.code).toBe(2);
    expect(policy.stderr).toContain('--policy must be drift, performance or schedule, not "sometimes"');
    const hook = keel('watch', 'diamonds', '--once', '--webhook', 'ftp://example.com/x');
    expect(hook.code).toBe(2);
    expect(hook.stderr).toContain('webhook');
  });
});
