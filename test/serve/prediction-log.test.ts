import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, openStore } from '../../src/registry/open.js';
import type { SqlStore } from '../../src/registry/sql-store.js';
import type { PredictionRecord, ServingRecords } from '../../src/registry/types.js';
import { isSampled, PredictionLog } from '../../src/serve/prediction-log.js';
import { SKIP_POSTGRES, tempDir } from '../helpers.js';
import { freshPostgresDatabase } from '../postgres.js';

const root = tempDir('keel-prediction-log-');
const opened: SqlStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
});

interface Target {
  readonly url: string;
  readonly artifacts: string;
}

function sqliteTarget(): Target {
  const dir = mkdtempSync(join(root, 'db-'));
  return { url: `sqlite:${join(dir, 'keel.db')}`, artifacts: join(dir, 'artifacts') };
}

async function freshStore(target: Target = sqliteTarget()): Promise<SqlStore> {
  const store = await openStore(target);
  opened.push(store);
  return store;
}

function prediction(i: number, overrides: Partial<PredictionRecord> = {}): PredictionRecord {
  return {
    requestId: `r${String(i).padStart(5, '0')}`,
    model: 'm',
    version: 1,
    at: 1_000 + i,
    latencyMs: 0.25,
    rows: 1,
    inputs: { x: [i] },
    outputs: { predictions: [i * 2] },
    ...overrides,
  };
}

/** A real store underneath, with the batch sizes it was sent and a switch that makes writes fail. */
function watched(store: SqlStore, failTimes = 0) {
  const batches: number[] = [];
  const state = { failTimes, down: false, batches };
  const sink: Pick<ServingRecords, 'logPredictions'> = {
    async logPredictions(records) {
      if (state.down || state.failTimes > 0) {
        state.failTimes--;
        throw new Error('store unreachable');
      }
      batches.push(records.length);
      return store.logPredictions(records);
    },
  };
  return { sink, state };
}

const storedIds = async (store: SqlStore) => (await store.listPredictions()).map((p) => p.requestId);
const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => prediction(from + k).requestId);

describe('PredictionLog', () => {
  it('writes full batches at once and the rest when flushed, in order', async () => {
    const store = await freshStore();
    const { sink, state } = watched(store);
    const log = new PredictionLog(sink, { batchSize: 10, flushMs: 60_000 });
    for (let i = 0; i < 25; i++) log.record(prediction(i));
    await vi.waitFor(() => expect(log.stats.written).toBe(20));
    expect(state.batches).toEqual([10, 10]);
    expect(log.stats.queued).toBe(5);
    await log.flush();
    expect(state.batches).toEqual([10, 10, 5]);
    expect(await storedIds(store)).toEqual(ids(0, 25));
    const [first] = await store.listPredictions({ limit: 1 });
    expect(first).toEqual({ ...prediction(0), feedback: null });
    await log.close();
    expect(log.stats).toMatchObject({ queued: 0, written: 25, dropped: 0, failedWrites: 0 });
  });

  it('writes a partial batch once its oldest record has waited flushMs', async () => {
    const store = await freshStore();
    const log = new PredictionLog(store, { batchSize: 1000, flushMs: 50 });
    const start = Date.now();
    for (let i = 0; i < 3; i++) log.record(prediction(i));
    expect(log.stats.written).toBe(0);
    await vi.waitFor(() => expect(log.stats.written).toBe(3), { timeout: 5000, interval: 5 });
    expect(Date.now() - start).toBeGreaterThanOrEqual(45);
    expect(await storedIds(store)).toEqual(ids(0, 3));
    await log.close();
  });

  it('samples by request id: the same requests every time, at about the rate', async () => {
    const requestIds = Array.from({ length: 20_000 }, (_, i) => `req-${i}-${(i * 7919) % 1000}`);
    const kept = requestIds.filter((id) => isSampled(id, 0.3));
    expect(kept.length / requestIds.length).toBeGreaterThan(0.28);
    expect(kept.length / requestIds.length).toBeLessThan(0.32);
    expect(requestIds.filter((id) => isSampled(id, 0.3))).toEqual(kept);
    // A lower rate keeps a subset of a higher rate's requests.
    expect(requestIds.filter((id) => isSampled(id, 0.1)).every((id) => kept.includes(id))).toBe(true);
    expect(requestIds.every((id) => isSampled(id, 1))).toBe(true);
    expect(requestIds.some((id) => isSampled(id, 0))).toBe(false);

    const store = await freshStore();
    const log = new PredictionLog(store, { sampleRate: 0.3, batchSize: 50 });
    const records = Array.from({ length: 400 }, (_, i) => prediction(i));
    for (const r of records) log.record(r);
    await log.flush();
    const expected = records.map((r) => r.requestId).filter((id) => isSampled(id, 0.3));
    expect(await storedIds(store)).toEqual(expected);
    expect(log.stats.sampledOut).toBe(400 - expected.length);
    await log.close();
  });

  it('leaves inputs out with logInputs false, and counts malformed records without throwing', async () => {
    const store = await freshStore();
    const log = new PredictionLog(store, { logInputs: false });
    log.record(prediction(0));
    log.record({ ...prediction(1), rows: Number.NaN });
    log.record(undefined as unknown as PredictionRecord);
    log.record({ ...prediction(2), requestId: '' });
    await log.flush();
    const stored = await store.listPredictions();
    expect(stored.map((p) => [p.requestId, p.inputs])).toEqual([['r00000', null]]);
    expect(log.stats).toMatchObject({ written: 1, invalid: 3 });
    await log.close();
  });

  it('keeps a failed batch and retries it with backoff, losing and reordering nothing', async () => {
    const store = await freshStore();
    const { sink, state } = watched(store, 3);
    const errors: unknown[] = [];
    const log = new PredictionLog(sink, {
      batchSize: 5,
      flushMs: 10,
      retryMs: 5,
      maxRetryMs: 20,
      onError: (e) => errors.push(e),
    });
    for (let i = 0; i < 12; i++) log.record(prediction(i));
    await vi.waitFor(() => expect(log.stats.failedWrites).toBe(3), { timeout: 5000, interval: 2 });
    expect(log.stats.lastError).toBe('store unreachable');
    for (let i = 12; i < 20; i++) log.record(prediction(i));
    await vi.waitFor(() => expect(log.stats.written).toBe(20), { timeout: 5000, interval: 5 });
    expect(await storedIds(store)).toEqual(ids(0, 20));
    expect(errors).toHaveLength(3);
    expect(log.stats).toMatchObject({ dropped: 0, failedWrites: 3, queued: 0, lastError: null });
    expect(state.batches.every((n) => n <= 5)).toBe(true);
    await log.close();
  });

  it('drops the oldest records when the queue is full while the store is down, and counts them', async () => {
    const store = await freshStore();
    const { sink, state } = watched(store);
    state.down = true;
    const log = new PredictionLog(sink, { batchSize: 5, maxQueue: 20, flushMs: 1, retryMs: 1 });
    for (let i = 0; i < 50; i++) log.record(prediction(i));
    await expect(log.flush()).rejects.toThrow('store unreachable');
    expect(log.stats).toMatchObject({ queued: 20, dropped: 30, written: 0 });
    state.down = false;
    await log.flush();
    expect(await storedIds(store)).toEqual(ids(30, 50));
    expect(log.stats).toMatchObject({ queued: 0, dropped: 30, written: 20 });
    await log.close();
  });

  it('close writes what is queued, then refuses records; against a dead store it gives up in time', async () => {
    const store = await freshStore();
    const log = new PredictionLog(store, { batchSize: 100, flushMs: 60_000 });
    for (let i = 0; i < 7; i++) log.record(prediction(i));
    await log.close();
    expect(await storedIds(store)).toEqual(ids(0, 7));
    log.record(prediction(99));
    expect(log.stats).toMatchObject({ written: 7, dropped: 1, queued: 0 });

    const { sink, state } = watched(store);
    state.down = true;
    const stuck = new PredictionLog(sink, { retryMs: 5, closeTimeoutMs: 100 });
    for (let i = 10; i < 13; i++) stuck.record(prediction(i));
    await stuck.close();
    expect(stuck.stats).toMatchObject({ written: 0, dropped: 3, queued: 0 });
    expect(stuck.stats.failedWrites).toBeGreaterThan(1);
  });

  it('refuses options it cannot honour', () => {
    expect(() => new PredictionLog({ logPredictions: async () => {} }, { sampleRate: 2 })).toThrow(
      'sampleRate',
    );
    expect(() => new PredictionLog({ logPredictions: async () => {} }, { batchSize: 0 })).toThrow(
      'batchSize',
    );
    expect(
      () => new PredictionLog({ logPredictions: async () => {} }, { batchSize: 50, maxQueue: 10 }),
    ).toThrow('maxQueue');
  });
});

const CHILD = new URL('./fixtures/prediction-log-child.ts', import.meta.url).pathname;

interface Crash {
  /** Request times by id number, as the child printed them after `record` returned. */
  readonly recorded: number[];
  readonly store: SqlStore;
}

/** Where the child's log writes: on its own thread through an open store, or on the log's writer thread. */
type Writer = 'store' | 'thread';
const WRITERS: readonly Writer[] = ['store', 'thread'];

/** Runs the child until it has recorded `count` predictions, kills it with SIGKILL, and opens the store. */
async function recordThenKill(
  target: Target,
  writer: Writer,
  batchSize: number,
  flushMs: number,
  count: number,
): Promise<Crash> {
  const args = [target.url, target.artifacts, String(batchSize), String(flushMs), writer];
  const child = spawn('node', ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const recorded: number[] = [];
  let pending = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const closed = new Promise<void>((resolve) => child.stdout.once('close', resolve));
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) early:\n${stderr}`)));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (pending + chunk).split('\n');
      pending = parts.pop()!;
      for (const line of parts) {
        const [i, at] = line.split(' ').map(Number);
        if (at !== undefined) recorded[i!] = at;
      }
      if (recorded.length >= count) resolve();
    });
  });
  child.removeAllListeners('exit');
  child.kill('SIGKILL');
  await closed; // every line written before the kill has been read
  return { recorded, store: await freshStore(target) };
}

/** Checks the store holds records 0…k-1 of the child's sequence and nothing else; returns k. */
async function committedPrefix(crash: Crash): Promise<number> {
  const stored = await crash.store.listPredictions({ model: 'm' });
  const k = stored.length;
  expect(stored.map((p) => p.requestId)).toEqual(
    Array.from({ length: k }, (_, i) => `p${String(i).padStart(6, '0')}`),
  );
  expect(stored.every((p, i) => (p.outputs as { predictions: number[] }).predictions[0] === 2 * i)).toBe(
    true,
  );
  return k;
}

function crashSuite(title: string, target: () => Promise<Target>): void {
  describe(title, () => {
    it.each(WRITERS)(
      'kill -9 with size-driven batches (%s writer): a prefix of whole batches, losing under 2 × batchSize',
      async (writer) => {
        const batchSize = 25;
        const crash = await recordThenKill(await target(), writer, batchSize, 60_000, 413);
        const k = await committedPrefix(crash);
        const lost = crash.recorded.length - k;
        console.info(
          `prediction log, size-driven, ${writer} writer: recorded ${crash.recorded.length}, stored ${k}, lost ${lost}`,
        );
        expect(k % batchSize).toBe(0); // never part of a batch
        expect(k).toBeGreaterThan(0);
        expect(lost).toBeLessThan(2 * batchSize);
      },
    );
  });
}

crashSuite('PredictionLog crash bound on SQLite', async () => sqliteTarget());

describe('PredictionLog crash bound on SQLite, time-driven', () => {
  it.each(WRITERS)(
    'kill -9 with flushMs-driven batches (%s writer): a prefix, losing only the last flushMs of traffic (+ commit time)',
    async (writer) => {
      const flushMs = 100;
      const target = sqliteTarget();
      const crash = await recordThenKill(target, writer, 5000, flushMs, 637);
      const k = await committedPrefix(crash);
      const last = crash.recorded.at(-1)!;
      const lostAges = crash.recorded.slice(k).map((at) => last - at);
      console.info(
        `prediction log, time-driven, ${writer} writer: recorded ${crash.recorded.length}, stored ${k}, lost ${lostAges.length} (oldest lost ${Math.max(0, ...lostAges)} ms before the kill)`,
      );
      expect(k).toBeGreaterThan(0);
      // Slack over flushMs for the commit and a busy machine's timer lateness.
      expect(Math.max(0, ...lostAges)).toBeLessThan(flushMs + 400);
      const db = await openDatabase(target.url);
      try {
        expect(await db.query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      } finally {
        await db.close();
      }
    },
  );
});

if (!SKIP_POSTGRES) {
  crashSuite('PredictionLog crash bound on PostgreSQL', async () => ({
    url: await freshPostgresDatabase(),
    artifacts: mkdtempSync(join(root, 'pg-')),
  }));
}
