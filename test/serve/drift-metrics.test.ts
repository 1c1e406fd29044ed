import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { Frame } from '../../src/data/frame.js';
import type { InputSpec } from '../../src/data/input-spec.js';
import { schemaOf } from '../../src/data/schema.js';
import { modelReference } from '../../src/drift/model-reference.js';
import { referenceProfile } from '../../src/drift/reference.js';
import type { Model } from '../../src/estimator/contract.js';
import { targetFromFrame } from '../../src/models/target.js';
import { registerModel } from '../../src/registry/model-registry.js';
import type { JsonObject, PredictionRecord, Store } from '../../src/registry/types.js';
import { DriftWindow } from '../../src/serve/drift-window.js';
import type { PredictionSink } from '../../src/serve/options.js';
import { type RunningServer, serve } from '../../src/serve/server.js';
import { dataset, freshStore, register, rowsOf, trainLikeCli } from './fixtures.js';

let store: Store;
/** Diamonds rows the model never saw, drawn like its training rows, in random order (the file is sorted by price). */
let traffic: Frame;

/** Every `step`-th row from `from`: a sample of the whole file, whatever its order. */
function everyNth(frame: Frame, step: number, from: number): Frame {
  const rows: number[] = [];
  for (let i = from; i < frame.rowCount; i += step) rows.push(i);
  return frame.take(rows);
}

async function registerWithReference(name: string, model: Model, training: Frame, target: string) {
  const features = training.drop([target]);
  const reference = modelReference({ model, features, target: targetFromFrame(training, target) });
  return registerModel(store, name, model, {
    schema: schemaOf(features.select(model.inputNames)),
    reference: reference as unknown as JsonObject,
  });
}

beforeAll(async () => {
  ({ store } = await freshStore());
  const diamonds = await dataset('diamonds');
  const training = everyNth(diamonds, 20, 0);
  const unseen = everyNth(diamonds, 20, 10).drop(['price']);
  traffic = unseen.take(new Rng(7).permutation(unseen.rowCount));
  const model = trainLikeCli(training, 'price', 'gbdt', { trees: 30 });
  await registerWithReference('diamonds', model, training, 'price');
  await registerWithReference('diamonds', model, training, 'price');
  await store.setAlias('diamonds', 'champion', 1);
  // Registered without a reference (as a model from outside keel train would be).
  await register(store, 'bare', model, training.drop(['price']));
  const iris = await dataset('iris');
  await registerWithReference('iris', trainLikeCli(iris, 'target', 'logistic'), iris, 'target');
});

afterAll(async () => {
  await store?.close();
});

async function withServer(
  options: Partial<Parameters<typeof serve>[0]>,
  body: (server: RunningServer) => Promise<void>,
): Promise<void> {
  const server = await serve({ store, port: 0, pollMs: 0, ...options });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

async function predict(server: RunningServer, model: string, rows: unknown[]) {
  const response = await fetch(`${server.url}/v1/models/${model}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rows),
  });
  expect(response.status).toBe(200);
  return JSON.parse(await response.text());
}

/** Sends rows in requests of `per` rows. */
async function send(server: RunningServer, model: string, rows: unknown[], per = 250): Promise<void> {
  for (let i = 0; i < rows.length; i += per) await predict(server, model, rows.slice(i, i + per));
}

interface Sample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** The samples of one metric family, from the Prometheus text format. */
async function scrape(server: RunningServer, name: string): Promise<Sample[]> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => {
      const match = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels = Object.fromEntries(
        [...(match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
      );
      return { labels, value: Number(match[2]) };
    });
}

function byColumn(samples: readonly Sample[]): Record<string, number> {
  return Object.fromEntries(samples.map((s) => [s.labels['column']!, s.value]));
}

const FEATURES = ['carat', 'cut', 'color', 'clarity', 'depth', 'table', 'x', 'y', 'z'];

describe('live drift at /metrics', () => {
  it('shows no drift for traffic drawn like the training data', async () => {
    await withServer({ models: ['diamonds@champion'] }, async (server) => {
      await send(server, 'diamonds', rowsOf(traffic, 0, 2000));
      expect(await scrape(server, 'keel_drift_window_rows')).toEqual([
        { labels: { model: 'diamonds', version: '1' }, value: 2000 },
      ]);
      expect((await scrape(server, 'keel_dataset_drift')).map((s) => s.value)).toEqual([0]);
      expect((await scrape(server, 'keel_drift_share')).map((s) => s.value)).toEqual([0]);
      const detected = byColumn(await scrape(server, 'keel_drift_detected'));
      expect(Object.keys(detected).sort()).toEqual([...FEATURES, 'prediction'].sort());
      expect(Object.values(detected).every((d) => d === 0)).toBe(true);
      // The reference has more than 1,000 rows, so distances: Wasserstein for numbers, Jensen–Shannon for categories.
      const statistics = await scrape(server, 'keel_drift_statistic');
      const carat = statistics.find((s) => s.labels['column'] === 'carat')!;
      expect(carat.labels).toEqual({
        model: 'diamonds',
        version: '1',
        column: 'carat',
        role: 'feature',
        test: 'wasserstein',
      });
      expect(carat.value).toBeLessThan(0.1);
      expect(statistics.find((s) => s.labels['column'] === 'cut')!.labels['test']).toBe('jensenshannon');
      expect(statistics.find((s) => s.labels['column'] === 'prediction')!.labels['role']).toBe('output');
    });
  });

  it('flags the one feature whose values moved, and only it among the features', async () => {
    await withServer({ models: ['diamonds@champion'] }, async (server) => {
      const rows = rowsOf(traffic, 0, 2000).map((r) => ({ ...r, carat: (r['carat'] as number) * 3 }));
      // Single-row requests too: micro-batched rows reach the window with their own outputs.
      await send(server, 'diamonds', rows.slice(0, 40), 1);
      await send(server, 'diamonds', rows.slice(40));
      const detected = byColumn(await scrape(server, 'keel_drift_detected'));
      expect(detected['carat']).toBe(1);
      for (const name of FEATURES.filter((f) => f !== 'carat')) expect(detected[name]).toBe(0);
      // Tripled carats make dearer predictions: the output drifts with its input.
      expect(detected['prediction']).toBe(1);
      expect((await scrape(server, 'keel_drift_share')).map((s) => s.value)).toEqual([1 / 9]);
      expect((await scrape(server, 'keel_dataset_drift')).map((s) => s.value)).toEqual([0]);
    });
  });

  it('keeps only the most recent rows, and measures nothing below the minimum', async () => {
    await withServer(
      { models: ['diamonds@champion'], driftWindow: 500, driftMinRows: 100 },
      async (server) => {
        await send(server, 'diamonds', rowsOf(traffic, 0, 60), 20);
        expect((await scrape(server, 'keel_drift_window_rows')).map((s) => s.value)).toEqual([60]);
        expect(await scrape(server, 'keel_dataset_drift')).toEqual([]);
        // 900 shifted rows, then 600 ordinary ones (one request larger than the window): the shifted rows are gone.
        const shifted = rowsOf(traffic, 60, 960).map((r) => ({ ...r, depth: (r['depth'] as number) * 3 }));
        await send(server, 'diamonds', shifted, 300);
        expect(byColumn(await scrape(server, 'keel_drift_detected'))['depth']).toBe(1);
        await predict(server, 'diamonds', rowsOf(traffic, 1000, 1600));
        expect((await scrape(server, 'keel_drift_window_rows')).map((s) => s.value)).toEqual([500]);
        expect(byColumn(await scrape(server, 'keel_drift_detected'))['depth']).toBe(0);
      },
    );
  });

  it('starts a new window when the alias moves to another version', async () => {
    await withServer({ models: ['diamonds@champion'], pollMs: 25 }, async (server) => {
      const shifted = rowsOf(traffic, 0, 1000).map((r) => ({ ...r, carat: (r['carat'] as number) * 3 }));
      await send(server, 'diamonds', shifted);
      expect(byColumn(await scrape(server, 'keel_drift_detected'))['carat']).toBe(1);
      await store.setAlias('diamonds', 'champion', 2);
      try {
        await until(async () => (await predict(server, 'diamonds', rowsOf(traffic, 0, 1))).version === 2);
        const rows = await scrape(server, 'keel_drift_window_rows');
        expect(rows.map((s) => s.labels['version'])).toEqual(['2']);
        expect(rows[0]!.value).toBeLessThanOrEqual(1);
        expect(await scrape(server, 'keel_drift_detected')).toEqual([]);
        await send(server, 'diamonds', rowsOf(traffic, 0, 1000));
        const detected = await scrape(server, 'keel_drift_detected');
        expect(new Set(detected.map((s) => s.labels['version']))).toEqual(new Set(['2']));
        expect(byColumn(detected)['carat']).toBe(0);
      } finally {
        await store.setAlias('diamonds', 'champion', 1);
      }
    });
  });

  it('compares a classifier’s predicted classes and probabilities with its reference', async () => {
    const iris = (await dataset('iris')).drop(['target']);
    await withServer({ models: ['iris'], driftMinRows: 100 }, async (server) => {
      await send(server, 'iris', rowsOf(iris), 50);
      const outputs = (await scrape(server, 'keel_drift_statistic')).filter(
        (s) => s.labels['role'] === 'output',
      );
      expect(outputs.map((s) => [s.labels['column'], s.labels['test']])).toEqual([
        ['prediction', 'chi2'],
        ['probability:0', 'ks'],
        ['probability:1', 'ks'],
        ['probability:2', 'ks'],
      ]);
      expect((await scrape(server, 'keel_dataset_drift')).map((s) => s.value)).toEqual([0]);
    });
  });

  it('shows no drift series for a version without a reference, nor with --drift-window 0', async () => {
    await withServer({ models: ['bare'] }, async (server) => {
      await send(server, 'bare', rowsOf(traffic, 0, 500));
      expect(await metricsText(server)).not.toMatch(/^keel_(drift|dataset_drift)\w*\{/m);
    });
    await withServer({ models: ['diamonds@champion'], driftWindow: 0 }, async (server) => {
      await send(server, 'diamonds', rowsOf(traffic, 0, 500));
      const text = await metricsText(server);
      expect(text).not.toMatch(/keel_(drift|dataset_drift)/);
      expect(text).toMatch(/^keel_rows_scored_total\{model="diamonds",version="1"\} 500$/m);
    });
  });
});

describe('categories the model never saw', () => {
  it('logs the category the client sent, not the missing value the model read', async () => {
    const records: PredictionRecord[] = [];
    const log: PredictionSink = { record: (r) => records.push(r), close: async () => undefined };
    await withServer({ models: ['diamonds@champion'], log }, async (server) => {
      const rows = rowsOf(traffic, 0, 3);
      rows[1]!['cut'] = 'Superb';
      rows[2]!['cut'] = null;
      const answer = await predict(server, 'diamonds', rows);
      expect(answer.warnings).toEqual([
        { row: 1, field: 'cut', warning: 'category "Superb" was not seen in training: read as missing' },
      ]);
      await until(async () => records.length === 1);
      expect(records[0]!.inputs!['cut']).toEqual([rows[0]!['cut'], 'Superb', null]);
      expect(records[0]!.inputs!['color']).toEqual(rows.map((r) => r['color']));
    });
  });

  it('shows a new category as drift of its column, where a missing value would leave it untested', async () => {
    await withServer({ models: ['diamonds@champion'] }, async (server) => {
      const rows = rowsOf(traffic, 0, 1000).map((r) => ({ ...r, cut: 'Superb' }));
      await send(server, 'diamonds', rows);
      const cut = (await scrape(server, 'keel_drift_statistic')).find((s) => s.labels['column'] === 'cut');
      expect(cut?.labels['test']).toBe('jensenshannon');
      expect(cut!.value).toBeGreaterThan(0.5);
      expect(byColumn(await scrape(server, 'keel_drift_detected'))['cut']).toBe(1);
    });
  });
});

describe('a drift window', () => {
  const levels = ['a', 'b'];
  const spec: InputSpec = (() => {
    const column = {
      name: 'c',
      kind: 'categorical' as const,
      storage: 'categorical' as const,
      levels,
      levelIndex: new Map(levels.map((l, i) => [l, i])),
      min: null,
      max: null,
      acceptsMissing: true,
    };
    return { columns: [column], byName: new Map([['c', column]]) };
  })();
  const frameOf = (codes: number[]) =>
    new Frame([
      { storage: 'categorical', name: 'c', kind: 'categorical', codes: Int32Array.from(codes), levels },
    ]);
  const scores = (n: number) => ({ predictions: new Float64Array(n), probabilities: undefined });

  it('keeps the labels of new categories its rows still hold, however many were sent', () => {
    const reference = referenceProfile(frameOf([0, 1, 0, 1]));
    const window = new DriftWindow(reference, spec, 10, undefined);
    // 95 single-row requests, each with a category never seen before: the list of new labels is compacted on the way.
    for (let i = 0; i < 95; i++) window.add(frameOf([-1]), scores(1), 0, new Map([['c', [`new${i}`]]]));
    window.add(frameOf([0, -1]), scores(2), 0, new Map([['c', [null, 'new94']]]));
    expect(window.rows).toBe(10);
    const issue = window.measure().quality.find((q) => q.check === 'new-categories');
    expect(issue).toMatchObject({ column: 'c', count: 9 });
    const listed = issue!.check === 'new-categories' ? issue!.categories : [];
    expect(Object.fromEntries(listed.map((c) => [c.value, c.count]))).toEqual({
      ...Object.fromEntries([87, 88, 89, 90, 91, 92, 93].map((i) => [`new${i}`, 1])),
      new94: 2,
    });
  });
});

async function metricsText(server: RunningServer): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
