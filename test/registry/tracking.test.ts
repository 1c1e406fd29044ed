import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import type { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import { schemaOf } from '../../src/data/schema.js';
import { logistic } from '../../src/models/linear/logistic.js';
import { targetFromFrame } from '../../src/models/target.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { standardScaler } from '../../src/prep/scale.js';
import { datasetHash } from '../../src/registry/dataset-hash.js';
import { loadModel, registerModel } from '../../src/registry/model-registry.js';
import { openStore } from '../../src/registry/open.js';
import { startRun, withRun } from '../../src/registry/tracking.js';
import type { Store } from '../../src/registry/types.js';
import { DATASETS, tempDir } from '../helpers.js';

const CHILD = new URL('./run-child.ts', import.meta.url).pathname;

const stores: Store[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
});

async function freshStore(): Promise<Store> {
  const store = await openStore({ home: tempDir() });
  stores.push(store);
  return store;
}

async function caught(promise: Promise<unknown>): Promise<UsageError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a rejection');
}

describe('runs', () => {
  it('withRun ends the run finished when the body returns, with what it logged', async () => {
    const store = await freshStore();
    const result = await withRun(store, { experiment: 'wine', params: { C: 1 }, seed: 7 }, async (run) => {
      await run.logParams({ penalty: 'l2' });
      await run.logMetrics({ auc: 0.9, rmse: 2 });
      await run.logMetrics([
        { name: 'auc', value: 0.88, fold: 0 },
        { name: 'auc', value: 0.92, fold: 1 },
        { name: 'loss', value: 0.5, step: 3 },
      ]);
      await run.log('fitted 3 folds');
      return run.id;
    });
    const record = await store.getRun(result);
    expect(record?.status).toBe('finished');
    expect(record?.experiment).toBe('wine');
    expect(record?.seed).toBe(7);
    expect(record?.params).toEqual({ C: 1, penalty: 'l2' });
    expect(record?.metrics).toEqual({ auc: 0.9, rmse: 2 });
    const points = await store.runMetrics(result);
    expect(points.filter((p) => p.fold === 1)).toEqual([
      expect.objectContaining({ name: 'auc', value: 0.92 }),
    ]);
    expect(points.filter((p) => p.step === 3)).toEqual([
      expect.objectContaining({ name: 'loss', value: 0.5 }),
    ]);
    expect((await store.runLog(result)).map((l) => l.line)).toEqual(['fitted 3 folds']);
  });

  it('withRun marks the run failed with the error message and throws the error on', async () => {
    const store = await freshStore();
    let id = '';
    await expect(
      withRun(store, {}, async (run) => {
        id = run.id;
        throw new Error('out of memory in fold 2');
      }),
    ).rejects.toThrow('out of memory in fold 2');
    const record = await store.getRun(id);
    expect(record?.status).toBe('failed');
    expect(record?.error).toBe('out of memory in fold 2');
  });

  it('ends with timings, and refuses to log to a run that has ended', async () => {
    const store = await freshStore();
    const run = await startRun(store, { experiment: 'e' });
    const ended = await run.end({ fit: 1.5 });
    expect(ended.status).toBe('finished');
    expect(ended.timings).toEqual({ fit: 1.5 });
    expect(run.ended).toBe(true);
    expect((await caught(run.logMetrics({ auc: 1 }))).code).toBe('registry.run-ended');
    expect((await caught(run.end())).code).toBe('registry.run-ended');
  });

  it('stores a run artifact in the artifact folder, hash-checked', async () => {
    const store = await freshStore();
    const run = await startRun(store);
    const artifact = await run.logArtifact('report.md', '# Report\n');
    expect(artifact).toMatchObject({ runId: run.id, name: 'report.md', bytes: 9 });
    expect(new TextDecoder().decode(await store.artifacts.get(artifact.hash))).toBe('# Report\n');
    expect(await store.runArtifacts(run.id)).toEqual([artifact]);
    await run.end();
  });

  it('sends heartbeats while the run is active', async () => {
    const store = await freshStore();
    const run = await startRun(store, { heartbeatMs: 20 });
    const first = (await store.getRun(run.id))!.heartbeatAt;
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await store.getRun(run.id))!.heartbeatAt).toBeGreaterThan(first);
    await run.end();
  });

  it('refuses a heartbeat interval that is not a positive number', async () => {
    const store = await freshStore();
    expect((await caught(startRun(store, { heartbeatMs: 0 }))).code).toBe('registry.heartbeat');
  });
});

describe('stopping a process with an active run', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`marks the run failed on ${signal}, then exits as the signal would (${code})`, async () => {
      const home = tempDir();
      const { id, exit } = await child(home, 'wait', (process) => process.kill(signal));
      expect(exit.signal === signal || exit.code === code).toBe(true);
      const store = await openStore({ home });
      stores.push(store);
      const run = await store.getRun(id);
      expect(run?.status).toBe('failed');
      expect(run?.error).toBe(`interrupted by ${signal}`);
    });
  }

  it('marks the run failed on an uncaught exception, prints it and exits 1', async () => {
    const home = tempDir();
    const { id, exit } = await child(home, 'throw', () => undefined);
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('the training loop blew up');
    const store = await openStore({ home });
    stores.push(store);
    const run = await store.getRun(id);
    expect(run?.status).toBe('failed');
    expect(run?.error).toBe('the training loop blew up');
  });
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Starts run-child.ts, calls `stop` once it has printed its run id, and waits for it to end. */
function child(
  home: string,
  mode: 'wait' | 'throw',
  stop: (process: ReturnType<typeof spawn>) => void,
): Promise<{ id: string; exit: Exit }> {
  const process_ = spawn(process.execPath, ['--import', 'tsx', CHILD, home, mode], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  let stopped = false;
  process_.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  process_.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (!stopped && stdout.includes('\n')) {
      stopped = true;
      stop(process_);
    }
  });
  return new Promise((resolve) => {
    process_.on('close', (code, signal) => resolve({ id: stdout.trim(), exit: { code, signal, stderr } }));
  });
}

describe('registered models', () => {
  let wine: Frame;
  const fitted = async () => {
    wine ??= await readTable(join(DATASETS, 'wine.csv'));
    const features = wine.drop(['target']);
    const model = pipeline([standardScaler()], logistic()).fit(features, targetFromFrame(wine, 'target'));
    return { features, model };
  };

  it('loads wine@champion after setAlias: the same model, predicting the same', async () => {
    const store = await freshStore();
    const { features, model } = await fitted();
    const run = await startRun(store, { experiment: 'wine' });
    const first = await registerModel(store, 'wine', model, {
      schema: schemaOf(features),
      metrics: { accuracy: 0.98 },
      runId: run.id,
      datasetHash: datasetHash(wine),
      description: 'scaled logistic regression',
      tags: { team: 'cellar' },
    });
    await run.end();
    expect(first).toMatchObject({
      model: 'wine',
      version: 1,
      kind: 'pipeline',
      task: 'multiclass',
      runId: run.id,
      datasetHash: datasetHash(wine),
      metrics: { accuracy: 0.98 },
    });
    await registerModel(store, 'wine', model, { schema: schemaOf(features) });
    await store.setAlias('wine', 'champion', 1);

    const loaded = await loadModel(store, 'wine@champion');
    expect(loaded.version.version).toBe(1);
    expect(Array.from(loaded.model.predictProba!(features))).toEqual(
      Array.from(model.predictProba!(features)),
    );
    expect(Array.from(loaded.model.predict(features))).toEqual(Array.from(model.predict(features)));
    expect((await loadModel(store, 'wine')).version.version).toBe(2);
    expect((await loadModel(store, 'wine@2')).version.version).toBe(2);
  });

  it('names what exists when a model, version or alias is unknown', async () => {
    const store = await freshStore();
    const { features, model } = await fitted();
    await registerModel(store, 'wine', model, { schema: schemaOf(features) });
    await store.setAlias('wine', 'champion', 1);

    const noModel = await caught(loadModel(store, 'whine@champion'));
    expect(noModel.code).toBe('registry.unknown-model');
    expect(noModel.hint).toContain('wine');
    const noVersion = await caught(loadModel(store, 'wine@7'));
    expect(noVersion.code).toBe('registry.unknown-version');
    expect(noVersion.hint).toContain('1');
    const noAlias = await caught(loadModel(store, 'wine@challenger'));
    expect(noAlias.code).toBe('registry.unknown-alias');
    expect(noAlias.hint).toContain('champion → 1');
    expect((await caught(loadModel(store, 'wine@0'))).code).toBe('registry.bad-ref');
  });
});
