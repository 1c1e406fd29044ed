/**
 * Monitoring a classifier through its log, as the server writes it: class
 * labels and probability rows as answers, feedback labels as the client
 * sends them (numbers for classes named "0"/"1"). The window's ROC AUC must
 * be the one computed directly on the same rows; the probabilities drift
 * when the inputs move; a webhook receives the alerts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import { rocAuc } from '../../src/evaluate/probabilistic.js';
import { monitorModel } from '../../src/monitor/sources.js';
import { loadModel } from '../../src/registry/model-registry.js';
import { openStore } from '../../src/registry/open.js';
import type { Store } from '../../src/registry/types.js';
import { DATASETS, keelIn, tempDir } from '../helpers.js';
import { servedRequests } from './shift-helpers.js';

const home = tempDir('keel-classifier-monitor-');
const env = { ...process.env, KEEL_HOME: home, KEEL_STORE: '' };
const keel = keelIn(env);
const KEEL = new URL('../../bin/keel.js', import.meta.url).pathname;
const HOUR = 3_600_000;

let data: Frame;
let hook: Server;
const received: unknown[] = [];

/** Logs the frame's rows as the server would answer them, `hoursAgo` back, with the true labels as feedback. */
async function logAnswers(store: Store, frame: Frame, hoursAgo: number, prefix: string): Promise<void> {
  const { model } = await loadModel(store, 'cancer@1');
  const at = Date.now() - hoursAgo * HOUR;
  const served = servedRequests(model, frame, {
    name: 'cancer',
    version: 1,
    at,
    size: 25,
    prefix,
    target: 'target',
  });
  await store.logPredictions(served.records);
  await store.recordFeedback(served.feedback);
}

/** `frame` with every value of the named columns × factor. */
function scaled(frame: Frame, names: readonly string[], factor: number): Frame {
  return names.reduce((f, name) => {
    const c = f.column(name) as { values: Float64Array };
    return f.withColumn({
      storage: 'number',
      name,
      kind: 'numeric',
      values: c.values.map((v) => v * factor),
    });
  }, frame);
}

beforeAll(async () => {
  data = await readTable(join(DATASETS, 'breast_cancer.csv'));
  const trained = keel(
    'train',
    join(DATASETS, 'breast_cancer.csv'),
    '--target',
    'target',
    '--model',
    'logistic',
    '--register',
    'cancer',
  );
  expect(trained.code).toBe(0);
  const store = await openStore({ home });
  try {
    await logAnswers(store, data, 2.5, 'same');
    await logAnswers(store, scaled(data, ['mean radius', 'mean texture', 'worst radius'], 1.4), 0.5, 'moved');
  } finally {
    await store.close();
  }
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
}, 120_000);

afterAll(() => hook?.close());

describe('monitoring a classifier from its log', () => {
  it('scores each window with its ROC AUC as computed directly, and sees the moved inputs and probabilities', async () => {
    const store = await openStore({ home });
    try {
      const report = await monitorModel(store, {
        ref: 'cancer',
        window: { kind: 'time', ms: HOUR },
        windows: 3,
      });
      expect(report.model.classes).toEqual(['0', '1']);
      expect(report.windows.map((w) => w.rows)).toEqual([569, 569]);
      expect(report.performance!.metric).toBe('roc_auc');
      const { model } = await loadModel(store, 'cancer@1');
      const proba = model.predictProba!(data.select(model.inputNames));
      const positive = Float64Array.from({ length: data.rowCount }, (_, i) => proba[i * 2 + 1]!);
      const truth = (data.column('target') as { values: Float64Array }).values;
      expect(report.performance!.points[0]!.score).toBeCloseTo(rocAuc(truth, positive), 12);
      expect(report.performance!.points[0]!.decayed).toBe(false);

      const [before, after] = report.windows;
      expect(before!.drifted).toBe(false);
      expect([...after!.driftedFeatures].sort()).toEqual(['mean radius', 'mean texture', 'worst radius']);
      const outputs = report.latest.outputs.map((o) => [o.column, o.drifted]);
      expect(outputs).toEqual([
        ['prediction', true],
        ['probability:1', true],
      ]);
    } finally {
      await store.close();
    }
  });

  it('POSTs the alerts to the webhook, after storing them', async () => {
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    // Spawned without blocking: this process's server has to answer the child's POST.
    const child: ChildProcess = spawn(
      process.execPath,
      [KEEL, 'monitor', 'cancer', '--windows', '1', '--webhook', url],
      { env, stdio: 'pipe' },
    );
    let stdout = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stdout).toContain('alerts recorded: drift (critical), quality (warning); webhook delivered');
    expect(received).toHaveLength(1);
    const payload = received[0] as {
      source: string;
      text: string;
      alerts: { kind: string; model: string }[];
    };
    expect(payload.source).toBe('keel');
    expect(payload.alerts.map((a) => [a.model, a.kind])).toEqual([
      ['cancer', 'drift'],
      ['cancer', 'quality'],
    ]);
    expect(payload.text).toMatch(/^\[critical\] cancer v1 drift: Drift: 3 of 30 features drifted/);
  });
});
