/**
 * The monitoring loop end to end, through real processes and real HTTP: a
 * model trained on part of diamonds is served; traffic from the same
 * distribution raises no drift; shifted traffic (every stone 'Ideal', carats
 * × 1.5) is flagged on exactly those two features; feedback labels show the
 * decay; `keel retrain` on labelled new data promotes a challenger and the
 * running server answers with it without a restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { valueAt } from '../../src/data/column.js';
import type { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import { writeCsv } from '../../src/data/write.js';
import type { MonitorReport } from '../../src/monitor/monitor-report.js';
import { openStore } from '../../src/registry/open.js';
import { DATASETS, keelIn, tempDir } from '../helpers.js';
import { shiftDiamonds } from './shift-helpers.js';

const CHILD = new URL('../serve/serve-child.ts', import.meta.url).pathname;
const home = tempDir('keel-shift-loop-');
const env = { ...process.env, KEEL_HOME: home, KEEL_STORE: '' };
const keel = keelIn(env);
const TRAIN_ROWS = 6000;
const SAME_WINDOWS = 10;
const WINDOW_ROWS = 1000;
const SHIFTED_ROWS = 1000;
const NEW_ROWS = 6000;
const REQUEST_ROWS = 50;

let server: ChildProcess | undefined;
let url = '';
let sent = 0;
let same: Frame;
let shifted: Frame;

afterAll(() => {
  if (server !== undefined && server.exitCode === null) server.kill('SIGKILL');
});

function monitor(...args: string[]): { code: number | null; report: MonitorReport } {
  const result = keel('monitor', 'diamonds@champion', '--json', ...args);
  expect(result.stderr).not.toContain('keel:');
  return { code: result.code, report: JSON.parse(result.stdout) as MonitorReport };
}

function rowsOf(frame: Frame, from: number, to: number): Record<string, number | string | null>[] {
  const inputs = frame.columns.filter((c) => c.name !== 'price');
  return Array.from({ length: to - from }, (_, i) =>
    Object.fromEntries(inputs.map((c) => [c.name, valueAt(c, from + i)])),
  );
}

/** Sends the frame's rows in requests of REQUEST_ROWS; returns each request's id and row range. */
async function send(frame: Frame): Promise<{ id: string; from: number; to: number; version: number }[]> {
  const answers = [];
  for (let from = 0; from < frame.rowCount; from += REQUEST_ROWS) {
    const to = Math.min(frame.rowCount, from + REQUEST_ROWS);
    const response = await fetch(`${url}/v1/models/diamonds/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rowsOf(frame, from, to)),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { version: number };
    answers.push({ id: response.headers.get('x-request-id')!, from, to, version: body.version });
  }
  sent += answers.length;
  return answers;
}

/** Waits until the server's log writer has stored every request sent so far. */
async function logged(): Promise<void> {
  const store = await openStore({ home });
  try {
    for (let tries = 0; tries < 200; tries++) {
      if ((await store.listPredictions({ model: 'diamonds' })).length >= sent) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the prediction log did not catch up');
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  const all = await readTable(join(DATASETS, 'diamonds.csv'));
  const order = new Rng(11).permutation(all.rowCount);
  const part = (from: number, rows: number) => all.take(order.subarray(from, from + rows));
  await writeCsv(part(0, TRAIN_ROWS), join(home, 'train.csv'));
  same = part(TRAIN_ROWS, SAME_WINDOWS * WINDOW_ROWS);
  shifted = shiftDiamonds(part(TRAIN_ROWS + same.rowCount, SHIFTED_ROWS));
  await writeCsv(
    shiftDiamonds(part(TRAIN_ROWS + same.rowCount + SHIFTED_ROWS, NEW_ROWS)),
    join(home, 'new.csv'),
  );

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
  expect(trained.stderr).not.toContain('keel:');
  expect(trained.code).toBe(0);
  expect(keel('models', 'alias', 'diamonds', '1', 'champion').code).toBe(0);
  server = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, 'diamonds@champion', '--port', '0', '--poll', '200'],
    {
      env,
      stdio: 'pipe',
    },
  );
  let stdout = '';
  url = await new Promise<string>((resolve, reject) => {
    server!.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const found = /listening on (http:\/\/[^\s]+)/.exec(stdout)?.[1];
      if (found !== undefined) resolve(found);
    });
    server!.on('exit', (code) => reject(new Error(`keel serve exited (${code})`)));
  });
}, 180_000);

describe('the monitoring loop on diamonds', () => {
  it('reports no drift on traffic from the training distribution (false alarms under 5% of feature-windows)', async () => {
    await send(same);
    await logged();
    const { code, report } = monitor('--window', `${WINDOW_ROWS}rows`, '--windows', String(SAME_WINDOWS));
    expect(report.windows).toHaveLength(SAME_WINDOWS);
    expect(report.windows.every((w) => w.rows === WINDOW_ROWS)).toBe(true);
    const pairs = report.windows.flatMap((w) => w.scores.filter((s) => s.role === 'feature'));
    expect(pairs).toHaveLength(SAME_WINDOWS * 9);
    expect(pairs.filter((s) => s.drifted).length / pairs.length).toBeLessThan(0.05);
    expect(report.windows.filter((w) => w.drifted)).toEqual([]);
    expect(report.performance).toBeNull();
    expect(code).toBe(0);
  });

  it('flags the shifted features, and only those, and exits 1', async () => {
    const answers = await send(shifted);
    await logged();
    const { code, report } = monitor('--window', `${SHIFTED_ROWS}rows`, '--windows', '1');
    expect(code).toBe(1);
    expect(report.verdict.drifted).toBe(true);
    const drifted = report.latest.features.filter((f) => f.drifted).map((f) => f.column);
    expect(drifted.sort()).toEqual(['carat', 'cut']);
    expect(
      report.ranking
        .slice(0, 2)
        .map((r) => r.column)
        .sort(),
    ).toEqual(['carat', 'cut']);
    expect(report.latest.outputs.find((o) => o.column === 'prediction')!.drifted).toBe(true);
    expect(answers.every((a) => a.version === 1)).toBe(true);

    // Ground truth for the shifted rows: the model overprices the inflated carats.
    const price = shifted.column('price') as { values: Float64Array };
    const feedback = answers.map((a) => ({
      requestId: a.id,
      labels: Array.from(price.values.subarray(a.from, a.to)),
    }));
    const stored = await fetch(`${url}/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(feedback),
    });
    expect(stored.status).toBe(200);
    const decayed = monitor('--window', `${SHIFTED_ROWS}rows`, '--windows', '1');
    const point = decayed.report.performance!.points.at(-1)!;
    expect(decayed.report.performance!.metric).toBe('rmse');
    expect(point.rows).toBe(SHIFTED_ROWS);
    expect(point.low!).toBeGreaterThan(decayed.report.performance!.validation!.score);
    expect(decayed.report.verdict.decayed).toBe(true);
    expect(decayed.code).toBe(1);
  });

  it('retrains on labelled new data, promotes the challenger, and the server answers with it', async () => {
    const retrained = keel('retrain', 'diamonds', '--data', join(home, 'new.csv'), '--json');
    expect(retrained.stderr).not.toContain('keel:');
    expect(retrained.code).toBe(0);
    const decision = JSON.parse(retrained.stdout) as {
      promoted: boolean;
      champion: { version: number; score: number };
      challenger: { version: number; score: number };
    };
    expect(decision.promoted).toBe(true);
    expect(decision.challenger.score).toBeLessThan(decision.champion.score);
    expect(decision.challenger.version).toBe(2);
    const shown = keel('models', 'show', 'diamonds', '--json');
    expect(JSON.parse(shown.stdout).aliases.champion).toBe(2);

    let version = 1;
    for (let tries = 0; tries < 100 && version !== 2; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      version = (await send(shifted.head(REQUEST_ROWS)))[0]!.version;
    }
    expect(version).toBe(2);
  });
});
