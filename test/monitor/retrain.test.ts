import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { automlCommand } from '../../src/cli/automl.js';
import { trainCommand } from '../../src/cli/train.js';
import { UsageError } from '../../src/core/errors.js';
import { readTable } from '../../src/data/read.js';
import { schemaOf } from '../../src/data/schema.js';
import { retrain } from '../../src/monitor/retrain/index.js';
import type { PipelineModel } from '../../src/prep/pipeline.js';
import { loadModel, registerModel } from '../../src/registry/model-registry.js';
import { openStore } from '../../src/registry/open.js';
import type { Store } from '../../src/registry/types.js';
import { DATASETS, tempDir, writeFixture } from '../helpers.js';

// This file's own store: the champions are made by keel train and keel automl, which open the default one.
const dir = tempDir('keel-retrain-');
process.env['KEEL_HOME'] = join(dir, 'home');

const [HEADER, ...ROWS] = readFileSync(join(DATASETS, 'diamonds.csv'), 'utf8').trim().split('\n');
/** diamonds.csv is sorted by price in runs; a prime stride visits it in a scrambled, fixed order. */
const SCRAMBLED = ROWS.map((_, i) => ROWS[(i * 7919) % ROWS.length]!);
const PRICE = HEADER!.split(',').indexOf('price');

function table(name: string, rows: readonly string[]): string {
  return writeFixture(dir, name, `${HEADER}\n${rows.join('\n')}\n`);
}

/** The price column rewritten, e.g. a market where every stone costs half as much again. */
function repriced(rows: readonly string[], price: (old: number, row: number) => string): string[] {
  return rows.map((line, row) => {
    const cells = line.split(',');
    cells[PRICE] = price(Number(cells[PRICE]), row);
    return cells.join(',');
  });
}

const BASE = table('base.csv', SCRAMBLED.slice(0, 2000));
const SHIFTED = table(
  'shifted.csv',
  repriced(SCRAMBLED.slice(2000, 4000), (p) => String(Math.round(p * 1.5))),
);
const SAME = table('same.csv', SCRAMBLED.slice(4000, 6000));

async function quietly(run: () => Promise<number>): Promise<void> {
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    expect(await run()).toBe(0);
  } finally {
    spy.mockRestore();
  }
}

/** A keel train champion: gbdt with parameters of its own, so a refit can be told from a default fit. */
async function gbdtChampion(name: string): Promise<void> {
  await quietly(() =>
    trainCommand.run([
      BASE,
      '--target',
      'price',
      '--model',
      'gbdt',
      '--set',
      'trees=40',
      '--set',
      'learningRate=0.2',
      '--cv',
      '2',
      '--register',
      name,
    ]),
  );
}

describe('retrain', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore();
  });
  afterAll(async () => {
    await store.close();
  });

  it('promotes an AutoML challenger that learned a new price level, and records why', async () => {
    await quietly(() =>
      automlCommand.run([
        BASE,
        '--target',
        'price',
        '--time',
        '3s',
        '--register',
        'diamonds',
        '--report',
        join(dir, 'report.html'),
      ]),
    );
    const decision = await retrain(store, {
      model: 'diamonds',
      data: await readTable(SHIFTED),
      source: SHIFTED,
      timeBudgetSeconds: 3,
    });
    expect(decision.metric).toBe('rmse');
    expect(decision.greaterIsBetter).toBe(false);
    expect(decision.champion.version).toBe(1);
    expect(decision.challenger.version).toBe(2);
    expect(decision.challenger.score).toBeLessThan(decision.champion.score);
    expect(decision.promoted).toBe(true);
    expect(decision.rows).toEqual({ training: 1600, holdout: 400, unlabelled: 0 });
    expect(decision.notes.join('\n')).toMatch(/no alias "champion": the champion is the latest version, 1/);
    expect((await store.getModel('diamonds'))!.aliases).toEqual({ champion: 2 });

    const version = (await store.getVersion('diamonds', 2))!;
    expect(version.tags).toEqual({ retrain: 'challenger' });
    expect(version.reference).not.toBeNull();
    expect(version.metrics['rmse']).toBeGreaterThan(0);
    // The challenger's own run has keel automl's settings, so it can be retrained in turn.
    const training = (await store.getRun(version.runId!))!;
    expect(training.params).toMatchObject({
      model: 'automl',
      target: 'price',
      metric: 'rmse',
      source: SHIFTED,
    });

    const run = (await store.getRun(decision.runId!))!;
    expect(training.parentId).toBe(run.id);
    expect(run.experiment).toBe('retrain');
    expect(run.status).toBe('finished');
    expect(run.tags).toEqual({ decision: 'promoted' });
    expect(run.params).toMatchObject({
      model: 'diamonds',
      champion: 1,
      challenger: 2,
      metric: 'rmse',
      margin: 0,
    });
    expect(run.params['holdoutRows']).toBe(400);
    expect(run.metrics['champion_score']).toBeCloseTo(decision.champion.score, 6);
    expect(run.metrics['challenger_score']).toBeCloseTo(decision.challenger.score, 6);
    const log = (await store.runLog(run.id)).map((l) => l.line);
    expect(log).toEqual(expect.arrayContaining(decision.reasons));
    expect(log[0]).toMatch(/^the challenger wins: rmse/);
  });

  it('refits a keel train champion with its own parameters, and keeps it when the margin is not met', async () => {
    await gbdtChampion('gbdt-kept');
    await store.setAlias('gbdt-kept', 'champion', 1);
    const unlabelled = repriced(SCRAMBLED.slice(4000, 6000), (p, row) => (row % 40 === 0 ? '' : String(p)));
    const source = table('same-partly-labelled.csv', unlabelled);
    const decision = await retrain(store, {
      model: 'gbdt-kept',
      data: await readTable(source),
      source,
      margin: 1_000_000,
      timeBudgetSeconds: 1,
    });
    expect(decision.promoted).toBe(false);
    expect(decision.challenger).toMatchObject({ version: 2, trainedBy: 'gbdt' });
    expect(decision.rows.unlabelled).toBe(50);
    expect(decision.reasons[0]).toMatch(/does not win by more than the margin 1000000: rmse/);
    expect(decision.notes.join('\n')).toMatch(/50 rows without a "price" label were dropped/);
    expect(decision.notes.join('\n')).toMatch(
      /time budget does not apply: version 1 was trained by keel train/,
    );
    expect((await store.getModel('gbdt-kept'))!.aliases).toEqual({ champion: 1 });

    const version = (await store.getVersion('gbdt-kept', 2))!;
    expect(version.tags).toEqual({ retrain: 'challenger' });
    const training = (await store.getRun(version.runId!))!;
    expect(training.params).toMatchObject({ model: 'gbdt', target: 'price', trees: 40, learningRate: 0.2 });
    const { model } = await loadModel(store, 'gbdt-kept@2');
    expect((model as PipelineModel).model.params).toMatchObject({ trees: 40, learningRate: 0.2 });
    expect((await store.getRun(decision.runId!))!.tags).toEqual({ decision: 'kept' });
  });

  it('pins the alias on the kept champion when there was none, so the challenger is not taken for it', async () => {
    await gbdtChampion('gbdt-pinned');
    const decision = await retrain(store, {
      model: 'gbdt-pinned',
      data: await readTable(SAME),
      source: SAME,
      margin: 1_000_000,
    });
    expect(decision.promoted).toBe(false);
    expect((await store.getModel('gbdt-pinned'))!.aliases).toEqual({ champion: 1 });
    expect(decision.notes.join('\n')).toMatch(/"champion" now names version 1, the kept champion/);
  });

  it('decides on a dry run without registering, moving or recording anything', async () => {
    await gbdtChampion('gbdt-dry');
    const runsBefore = await store.listRuns({ experiment: 'retrain' });
    const decision = await retrain(store, {
      model: 'gbdt-dry',
      data: await readTable(SHIFTED),
      source: SHIFTED,
      dryRun: true,
    });
    expect(decision).toMatchObject({ dryRun: true, promoted: true, runId: null });
    expect(decision.challenger.version).toBeNull();
    expect((await store.listVersions('gbdt-dry')).map((v) => v.version)).toEqual([1]);
    expect((await store.getModel('gbdt-dry'))!.aliases).toEqual({});
    expect(await store.listRuns({ experiment: 'retrain' })).toHaveLength(runsBefore.length);
  });

  it('holds out the latest rows by a time column, wherever they sit in the file', async () => {
    await gbdtChampion('gbdt-timed');
    // Newest first, as an export sorted by date descending would be.
    const rows = SCRAMBLED.slice(4000, 6000).map((line, row) => `${line},${2000 - row}`);
    const source = writeFixture(dir, 'timed.csv', `${HEADER},day\n${rows.join('\n')}\n`);
    const data = await readTable(source);
    const decision = await retrain(store, {
      model: 'gbdt-timed',
      data,
      source,
      timeColumn: 'day',
      dryRun: true,
    });
    expect(decision.holdout).toBe('the latest 400 rows by "day"');
    expect(decision.rows).toEqual({ training: 1600, holdout: 400, unlabelled: 0 });
    expect(decision.drift.testedFeatures).toBe(9); // "day" reads as an identifier, which drift does not compare
  });

  it('refuses data without labels, a holdout too small to compare on, and a champion without a run', async () => {
    await gbdtChampion('gbdt-refused');
    const none = table(
      'no-labels.csv',
      repriced(SCRAMBLED.slice(6000, 6200), () => ''),
    );
    await expect(
      retrain(store, { model: 'gbdt-refused', data: await readTable(none), source: none }),
    ).rejects.toThrow(/none of the 200 rows of the new data has a "price" label/);

    const few = table(
      'few-labels.csv',
      repriced(SCRAMBLED.slice(6000, 6200), (p, row) => (row < 100 ? String(p) : '')),
    );
    const small = retrain(store, { model: 'gbdt-refused', data: await readTable(few), source: few });
    await expect(small).rejects.toThrow(UsageError);
    await expect(small).rejects.toThrow(
      /the holdout has 20 labelled rows \(20% of 100 labelled rows\); at least 50/,
    );

    const { model } = await loadModel(store, 'gbdt-refused');
    const base = await readTable(BASE);
    const version = await registerModel(store, 'orphan', model, {
      schema: schemaOf(base.select(model.inputNames)),
    });
    expect(version.runId).toBeNull();
    await expect(retrain(store, { model: 'orphan', data: base, source: BASE })).rejects.toThrow(
      /orphan version 1 has no training run in the store/,
    );
    expect((await store.listVersions('gbdt-refused')).map((v) => v.version)).toEqual([1]);
  });
});
