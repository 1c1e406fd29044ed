import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { openStore } from '../../src/registry/open.js';
import type { SqlStore } from '../../src/registry/sql-store.js';
import type { PredictionRecord } from '../../src/registry/types.js';
import { PredictionLog } from '../../src/serve/prediction-log.js';
import { ThreadWriter } from '../../src/serve/prediction-log-thread.js';
import { tempDir } from '../helpers.js';

const root = tempDir('keel-prediction-log-thread-');
const opened: SqlStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
});

/** A store location of its own, not opened yet: the writer thread opens it. */
function target(dir = mkdtempSync(join(root, 'db-'))) {
  return { url: `sqlite:${join(dir, 'keel.db')}`, artifacts: join(dir, 'artifacts') };
}

/** The same store, opened here (a second connection, as a reader of the log would have). */
async function reader(where: ReturnType<typeof target>): Promise<SqlStore> {
  const store = await openStore(where);
  opened.push(store);
  return store;
}

function prediction(i: number): PredictionRecord {
  return {
    requestId: `r${String(i).padStart(5, '0')}`,
    model: 'm',
    version: 1,
    at: 1_000 + i,
    latencyMs: 0.25,
    rows: 1,
    inputs: { x: [i] },
    outputs: { predictions: [i * 2] },
  };
}

const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => prediction(from + k).requestId);

describe('PredictionLog with a writer thread', () => {
  it('writes batches in order on its own connection, counts them once committed, and flush and close wait for them', async () => {
    const where = target();
    const log = await PredictionLog.withWriterThread(where, { batchSize: 10, flushMs: 60_000 });
    for (let i = 0; i < 25; i++) log.record(prediction(i));
    await vi.waitFor(() => expect(log.stats.written).toBe(20), { timeout: 20_000, interval: 10 });
    expect(log.stats.queued).toBe(5);
    const store = await reader(where);
    expect((await store.listPredictions()).map((p) => p.requestId)).toEqual(ids(0, 20));
    await log.flush();
    expect((await store.listPredictions()).map((p) => p.requestId)).toEqual(ids(0, 25));
    for (let i = 25; i < 31; i++) log.record(prediction(i));
    await log.close();
    const stored = await store.listPredictions();
    expect(stored.map((p) => p.requestId)).toEqual(ids(0, 31));
    expect(stored[30]).toEqual({ ...prediction(30), feedback: null });
    expect(log.stats).toMatchObject({ queued: 0, written: 31, dropped: 0, failedWrites: 0, lastError: null });
  });

  it('tells onError when the thread cannot open the store, keeps the records, and starts a new thread on the retry', async () => {
    const dir = join(mkdtempSync(join(root, 'late-')), 'not-yet');
    const errors: Error[] = [];
    const log = await PredictionLog.withWriterThread(target(dir), {
      batchSize: 5,
      flushMs: 10,
      retryMs: 50,
      maxRetryMs: 200,
      onError: (e) => errors.push(e as Error),
    });
    // Heard at once, before any record: the log waits for its thread to open the store.
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/writer thread: .*not-yet.*: cannot open the store/),
    ]);
    for (let i = 0; i < 12; i++) log.record(prediction(i));
    await vi.waitFor(() => expect(log.stats.failedWrites).toBeGreaterThan(0), {
      timeout: 20_000,
      interval: 10,
    });
    expect(log.stats).toMatchObject({ written: 0, dropped: 0, queued: 12 });
    expect(log.stats.lastError).toMatch(/cannot open the store/);
    mkdirSync(dir);
    await vi.waitFor(() => expect(log.stats.written).toBe(12), { timeout: 20_000, interval: 10 });
    await log.close();
    const stored = await (await reader(target(dir))).listPredictions();
    expect(stored.map((p) => p.requestId)).toEqual(ids(0, 12));
    expect(log.stats).toMatchObject({ queued: 0, dropped: 0, lastError: null });
  });

  it('gives up at close when the thread can never open the store, dropping and counting what is left', async () => {
    const nowhere = target(join(root, 'missing', 'deeper'));
    const errors: unknown[] = [];
    const log = await PredictionLog.withWriterThread(nowhere, {
      retryMs: 20,
      closeTimeoutMs: 300,
      onError: (e) => errors.push(e),
    });
    for (let i = 0; i < 3; i++) log.record(prediction(i));
    await log.close();
    expect(log.stats).toMatchObject({ written: 0, dropped: 3, queued: 0 });
    expect(log.stats.failedWrites).toBeGreaterThan(0);
    expect(errors.length).toBe(log.stats.failedWrites + 1); // and one when the log started
  });

  it('sends back a batch the store refuses as a UsageError, so the log drops it instead of retrying', async () => {
    const writer = new ThreadWriter(target());
    try {
      const bad = { ...prediction(0), rows: -1 };
      await expect(writer.logPredictions([bad])).rejects.toBeInstanceOf(UsageError);
      await expect(writer.logPredictions([prediction(1)])).resolves.toBeUndefined();
    } finally {
      await writer.close();
    }
    await expect(writer.logPredictions([prediction(2)])).rejects.toThrow('closed');
  });

  it('refuses options it cannot honour before starting a thread', async () => {
    await expect(PredictionLog.withWriterThread(target(), { batchSize: 0 })).rejects.toThrow('batchSize');
  });
});

const CHILD = new URL('./fixtures/prediction-log-child.ts', import.meta.url).pathname;

/** Runs the child to record `count` predictions and end its log with `end`; resolves with its exit code. */
function runChild(where: ReturnType<typeof target>, count: number, end: 'close' | 'flush') {
  const args = [where.url, where.artifacts, '10', '60000', 'thread', String(count), end];
  const child = spawn('node', ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  // Killed if still alive after 30 s: a thread kept the process running.
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('PredictionLog writer thread and the process', () => {
  it.each(['close', 'flush'] as const)(
    'lets the process exit by itself after %s, with every record stored',
    async (end) => {
      const where = target();
      const { code, stdout, stderr } = await runChild(where, 37, end);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain('ended');
      const stored = await (await reader(where)).listPredictions({ model: 'm' });
      expect(stored.map((p) => p.requestId)).toEqual(
        Array.from({ length: 37 }, (_, i) => `p${String(i).padStart(6, '0')}`),
      );
    },
  );
});
