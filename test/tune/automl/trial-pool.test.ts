import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoricalFromLabels, type NumberColumn } from '../../../src/data/column.js';
import type { Frame } from '../../../src/data/frame.js';
import { readTable } from '../../../src/data/read.js';
import type { Target } from '../../../src/estimator/contract.js';
import { targetFromFrame } from '../../../src/models/target.js';
import {
  runTrial,
  subsampleRows,
  type TrialData,
  type TrialOutcome,
  type TrialSpec,
  trialEstimator,
} from '../../../src/tune/automl/trial.js';
import { TrialPool } from '../../../src/tune/automl/trial-pool.js';
import { crossValidate } from '../../../src/tune/cross-validate.js';
import { type Fold, kFold, stratifiedKFold } from '../../../src/tune/splitters.js';
import { DATASETS } from '../../helpers.js';

const SPECS: readonly TrialSpec[] = [
  { id: 1, algorithm: 'gbdt', params: { trees: 30, seed: 3 } },
  { id: 2, algorithm: 'random-forest', params: { trees: 30, seed: 3 } },
  { id: 3, algorithm: 'logistic', params: { C: 0.5 } },
  { id: 4, algorithm: 'knn', params: { k: 15 } },
  { id: 5, algorithm: 'gbdt', params: { trees: 30 }, trainShare: 0.3 },
  { id: 6, algorithm: 'random-forest', params: { trees: 20 }, trainShare: 0.5 },
];

let pima: TrialData;
let regression: TrialData;

beforeAll(async () => {
  const frame = await readTable(join(DATASETS, 'pima_indians_diabetes2.csv'));
  const target = targetFromFrame(frame, 'diabetes');
  const splitter = stratifiedKFold({ k: 4, shuffle: true, seed: 11 });
  // A categorical column with missing cells, whose codes and levels must reach the workers intact.
  const mass = frame.column('mass') as NumberColumn;
  const band = categoricalFromLabels(
    'mass_band',
    Array.from(mass.values, (v) => (Number.isNaN(v) ? null : v < 25 ? 'normal' : v < 30 ? 'over' : 'obese')),
  );
  const features = frame.drop(['diabetes']).withColumn(band);
  pima = data(features, target, [...splitter.split({ labels: target.values })], 'roc_auc');
  const age = {
    name: 'age',
    task: 'regression',
    values: (frame.column('age') as NumberColumn).values,
    classes: [],
  } as const;
  regression = data(
    features.drop(['age']),
    age,
    [...kFold({ k: 3 }).split({ rowCount: frame.rowCount })],
    'rmse',
  );
});

function data(features: Frame, target: Target, folds: Fold[], metric: string): TrialData {
  return { features, target, folds, metric, seed: 5 };
}

/** An outcome without its timings, which are the only part allowed to differ between runs. */
function comparable({ fitSeconds, predictSeconds, ...rest }: TrialOutcome) {
  expect(fitSeconds).toBeGreaterThanOrEqual(0);
  expect(predictSeconds).toBeGreaterThanOrEqual(0);
  return rest;
}

describe('runTrial', () => {
  it('scores each fold as crossValidate does for the same estimator and folds, with the same out-of-fold predictions', () => {
    const splitter = stratifiedKFold({ k: 4, shuffle: true, seed: 11 });
    for (const spec of SPECS.slice(0, 2)) {
      const outcome = runTrial(spec, pima);
      const estimator = trialEstimator(spec, pima.features, pima.target.task);
      const cv = crossValidate(estimator, pima.features, pima.target, { cv: splitter, metrics: ['roc_auc'] });
      expect(outcome.status).toBe('ok');
      expect(outcome.foldScores).toEqual(cv.metrics['roc_auc']!.folds);
      expect(outcome.score).toBe(cv.metrics['roc_auc']!.mean);
      expect(outcome.std).toBe(cv.metrics['roc_auc']!.std);
      expect(outcome.oofPredictions).toEqual(cv.predictions);
      expect(outcome.oofProbabilities).toEqual(cv.probabilities);
    }
  });

  it('fits on a nested, stratified subsample with trainShare < 1, and returns no out-of-fold arrays', () => {
    const outcome = runTrial({ id: 9, algorithm: 'logistic', params: {}, trainShare: 0.25 }, pima);
    expect(outcome.status).toBe('ok');
    expect(outcome.oofPredictions).toBeUndefined();
    expect(outcome.score).not.toBe(runTrial({ id: 9, algorithm: 'logistic', params: {} }, pima).score);
  });

  it('draws subsamples per class that nest as the share grows, from the seed and fold alone', () => {
    const train = pima.folds[1]!.train;
    const quarter = subsampleRows(train, pima.target, 0.25, 5, 1);
    const half = subsampleRows(train, pima.target, 0.5, 5, 1);
    expect(new Set([...half, ...quarter]).size).toBe(half.length);
    expect(Math.abs(quarter.length - train.length / 4)).toBeLessThanOrEqual(1);
    const positives = (rows: Int32Array) => rows.filter((row) => pima.target.values[row] === 1).length;
    expect(positives(quarter) / quarter.length).toBeCloseTo(positives(train) / train.length, 2);
    expect(subsampleRows(train, pima.target, 0.25, 5, 1)).toEqual(quarter);
    expect(subsampleRows(train, pima.target, 0.25, 6, 1)).not.toEqual(quarter);
    expect(subsampleRows(train, pima.target, 0.25, 5, 2)).not.toEqual(quarter);
  });

  it('fails, with the message, a trial whose model cannot be built or fitted', () => {
    const bad = runTrial({ id: 7, algorithm: 'gbdt', params: { bogus: 1 } }, pima);
    expect(bad).toMatchObject({ id: 7, status: 'failed', foldScores: [] });
    expect(bad.error).toMatch(/bogus/);
    expect(runTrial({ id: 8, algorithm: 'logistic', params: {} }, regression).error).toMatch(
      /does not do regression/,
    );
  });

  it('fails as cancelled, before its next fold, a trial told to stop', () => {
    let asked = 0;
    const stopped = runTrial(SPECS[0]!, pima, () => ++asked > 2);
    expect(stopped).toMatchObject({ status: 'failed', error: 'cancelled', foldScores: [] });
    expect(asked).toBe(3);
  });

  it('throws on a metric that does not fit the task, rather than failing every trial', () => {
    expect(() => runTrial(SPECS[0]!, { ...pima, metric: 'rmse' })).toThrow(/regression/);
  });
});

describe('TrialPool', () => {
  let twoThreads: TrialPool;
  beforeAll(async () => {
    twoThreads = await TrialPool.open(pima, 2);
  });
  afterAll(() => twoThreads.close());

  it('gives the same outcomes, bit for bit, on two worker threads as in this thread, whatever the order (categorical columns included)', async () => {
    const here = await TrialPool.open(pima, 1);
    const expected = await Promise.all(SPECS.map((spec) => here.run(spec)));
    await here.close();
    const reversed = await Promise.all([...SPECS].reverse().map((spec) => twoThreads.run(spec)));
    expect(reversed.reverse().map(comparable)).toEqual(expected.map(comparable));
    expect(expected.every((o) => o.status === 'ok')).toBe(true);
    expect(expected[0]!.oofProbabilities).toHaveLength(pima.target.values.length * 2);
  });

  it('fails the trial of a worker thread that dies, and starts a new thread for the next', async () => {
    const running = twoThreads.run({ id: 30, algorithm: 'random-forest', params: { trees: 400 } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Stands in for a crash (out of memory, a native fault): the thread ends without an answer.
    const slots = (twoThreads as unknown as { slots: { worker: Worker | undefined }[] }).slots;
    await slots[0]!.worker!.terminate();
    const outcome = await running;
    expect(outcome).toMatchObject({ id: 30, status: 'failed' });
    expect(outcome.error).toMatch(/worker thread stopped/);
    expect((await twoThreads.run({ id: 31, algorithm: 'logistic', params: {} })).status).toBe('ok');
  });

  it('fails a bad trial and keeps running the others', async () => {
    const outcomes = await Promise.all([
      twoThreads.run({ id: 20, algorithm: 'gbdt', params: { learningRate: -1 } }),
      twoThreads.run({ id: 21, algorithm: 'no-such-model', params: {} }),
      twoThreads.run({ id: 22, algorithm: 'logistic', params: {} }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'ok']);
    expect(outcomes[1]!.error).toMatch(/unknown model/);
  });

  it('cancels queued trials at once and ends running ones after the grace period, then runs new ones', async () => {
    const slow = (id: number) => ({ id, algorithm: 'random-forest', params: { trees: 400 } });
    const pending = [1, 2, 3, 4].map((id) => twoThreads.run(slow(id)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await twoThreads.cancel(0);
    const outcomes = await Promise.all(pending);
    expect(outcomes.map((o) => [o.status, o.error])).toEqual(outcomes.map(() => ['failed', 'cancelled']));
    const after = await twoThreads.run({ id: 5, algorithm: 'logistic', params: {} });
    expect(after.status).toBe('ok');
  });

  it('stops a running trial at its next fold, keeping its thread (terminating a busy thread can abort Node)', async () => {
    const slots = (twoThreads as unknown as { slots: { worker: Worker | undefined }[] }).slots;
    const running = twoThreads.run({ id: 40, algorithm: 'random-forest', params: { trees: 300 } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const busy = slots.find((s) => s.worker !== undefined)!;
    const workers = slots.map((s) => s.worker);
    await twoThreads.cancel(0);
    expect(await running).toMatchObject({ id: 40, status: 'failed', error: 'cancelled' });
    expect(slots.map((s) => s.worker)).toEqual(workers);
    expect(busy.worker).toBeDefined();
    expect((await twoThreads.run({ id: 41, algorithm: 'logistic', params: {} })).status).toBe('ok');
  });

  it('lets running trials finish within the grace period', async () => {
    const quick = [1, 2, 3].map((id) => twoThreads.run({ id, algorithm: 'logistic', params: {} }));
    await twoThreads.cancel(60_000);
    expect((await Promise.all(quick)).map((o) => o.status)).toEqual(['ok', 'ok', 'failed']);
  });

  it('in this thread, runs one trial per turn of the event loop, so cancel stops the queue', async () => {
    const pool = await TrialPool.open(pima, 1);
    const pending = [1, 2, 3].map((id) => pool.run({ id, algorithm: 'logistic', params: {} }));
    await pool.cancel();
    expect((await Promise.all(pending)).map((o) => o.error)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    await pool.close();
    await expect(pool.run(SPECS[0]!)).rejects.toThrow(/closed/);
  });

  it('refuses to open with a metric that does not fit the task', async () => {
    await expect(TrialPool.open({ ...pima, metric: 'r2' }, 2)).rejects.toThrow(/regression/);
  });

  it('does not keep the process alive when idle, even unclosed', () => {
    const pool = new URL('../../../src/tune/automl/trial-pool.ts', import.meta.url).href;
    const frame = new URL('../../../src/data/frame.ts', import.meta.url).href;
    const script = [
      `const { TrialPool } = await import(${JSON.stringify(pool)});`,
      `const { Frame } = await import(${JSON.stringify(frame)});`,
      'const features = new Frame([{ storage: "number", name: "x", kind: "numeric", values: Float64Array.from({ length: 40 }, (_, i) => i) }]);',
      'const target = { name: "y", task: "regression", values: Float64Array.from({ length: 40 }, (_, i) => 2 * i), classes: [] };',
      'const folds = [{ train: Int32Array.from({ length: 20 }, (_, i) => i), test: Int32Array.from({ length: 20 }, (_, i) => 20 + i) }];',
      'const p = await TrialPool.open({ features, target, folds, metric: "rmse", seed: 0 }, 2);',
      'const o = await p.run({ id: 1, algorithm: "linear", params: {} });',
      'console.log(o.status, o.score.toFixed(6));',
    ].join('\n');
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('.', import.meta.url).pathname,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('ok 0.000000');
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
