import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/data/frame.js';
import type { Model } from '../../src/estimator/contract.js';
import type { PredictionRecord, Store } from '../../src/registry/types.js';
import type { PredictionSink } from '../../src/serve/options.js';
import { type RunningServer, serve } from '../../src/serve/server.js';
import { dataset, freshStore, register, rowsOf, trainLikeCli } from './fixtures.js';

let store: Store;
let features: Frame;
let v1: Model;
let v2: Model;

beforeAll(async () => {
  ({ store } = await freshStore());
  const wine = await dataset('wine');
  features = wine.drop(['target']);
  v1 = trainLikeCli(wine, 'target', 'logistic');
  v2 = trainLikeCli(wine, 'target', 'logistic', { C: 0.01 });
  await register(store, 'wine', v1, features);
  await register(store, 'wine', v2, features);
  await store.setAlias('wine', 'champion', 1);
});

afterAll(async () => {
  await store?.close();
});

async function predict(server: RunningServer, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/v1/models/wine/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: JSON.parse(await response.text()) };
}

function probabilitiesOf(model: Model, from: number, to: number): number[] {
  return Array.from(
    model.predictProba!(features.take(Array.from({ length: to - from }, (_, i) => from + i))),
  );
}

/**
 * Requests on 200 connections opened first, then written in one go, as
 * concurrent clients' requests reach a busy server together (fetch from the
 * same process would trickle them out one per event-loop turn).
 */
async function burst(server: RunningServer, bodies: unknown[]) {
  const { port } = new URL(server.url);
  const sockets = await Promise.all(
    bodies.map(
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
          socket.on('error', reject);
        }),
    ),
  );
  const answers = sockets.map(
    (socket) =>
      new Promise<{ status: number; body: ReturnType<typeof JSON.parse> }>((resolve, reject) => {
        let text = '';
        socket.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        socket.on('end', () => {
          const [head, body] = text.split('\r\n\r\n');
          resolve({ status: Number(head!.split(' ')[1]), body: JSON.parse(body!) });
        });
        socket.on('error', reject);
      }),
  );
  sockets.forEach((socket, k) => {
    const body = JSON.stringify(bodies[k]);
    socket.write(
      `POST /v1/models/wine/predict HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return Promise.all(answers);
}

describe('under load', () => {
  it('answers a burst of 200 concurrent single-row requests, each with its own row’s prediction', async () => {
    const server = await serve({ store, port: 0, pollMs: 0, models: ['wine@champion'], batchWaitMs: 2 });
    try {
      const rows = rowsOf(features);
      const answers = await burst(
        server,
        Array.from({ length: 200 }, (_, k) => [rows[k % rows.length]]),
      );
      const expected = v1.predictProba!(features);
      const width = v1.classes!.length;
      answers.forEach((a, k) => {
        expect(a.status).toBe(200);
        const row = k % rows.length;
        expect(a.body.probabilities[0]).toEqual(
          Array.from(expected.subarray(row * width, (row + 1) * width)),
        );
        expect(a.body.predictions).toEqual([v1.classes![v1.predict(features.take([row]))[0]!]]);
      });
    } finally {
      await server.close();
    }
  });

  it('switches to the new version when the alias moves, while requests stream, and drops none', async () => {
    const server = await serve({ store, port: 0, pollMs: 25, models: ['wine@champion'] });
    const rows = rowsOf(features, 0, 5);
    const byVersion: Record<number, number[]> = {
      1: probabilitiesOf(v1, 0, 5),
      2: probabilitiesOf(v2, 0, 5),
    };
    let moved = false;
    const worker = async () => {
      const seen: number[] = [];
      // Each worker runs until it has seen version 2 a few times after the move.
      while (seen.filter((v) => v === 2).length < 5) {
        const answer = await predict(server, rows);
        expect(answer.status).toBe(200);
        expect(answer.body.probabilities.flat()).toEqual(byVersion[answer.body.version]);
        seen.push(answer.body.version);
        if (seen.length > 2000) throw new Error('the alias move was never picked up');
      }
      return seen;
    };
    try {
      const streams = Array.from({ length: 4 }, worker);
      await new Promise((resolve) => setTimeout(resolve, 150));
      await store.setAlias('wine', 'champion', 2);
      moved = true;
      const seen = await Promise.all(streams);
      for (const s of seen) {
        expect(s[0]).toBe(1);
        // Once a stream has an answer from version 2, every later request (started after it) gets version 2.
        const first2 = s.indexOf(2);
        expect(s.slice(first2).every((v) => v === 2)).toBe(true);
      }
      expect(moved).toBe(true);
      const ready = JSON.parse(await (await fetch(`${server.url}/ready`)).text());
      expect(ready.models).toEqual([{ name: 'wine', version: 2 }]);
    } finally {
      await server.close();
      await store.setAlias('wine', 'champion', 1);
    }
  });
});

describe('API keys', () => {
  it('requires a valid bearer key except on /health and /ready, and refuses a revoked one', async () => {
    const { token } = await store.createApiKey('tests');
    const server = await serve({ store, port: 0, pollMs: 0, requireKeys: true, keyCacheMs: 0 });
    try {
      const row = rowsOf(features, 0, 1);
      const none = await predict(server, row);
      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({
        error: 'serve.unauthorized',
        hint: expect.stringContaining('Bearer'),
      });
      expect((await predict(server, row, { authorization: 'Bearer not-a-key' })).status).toBe(401);
      expect((await predict(server, row, { authorization: `Bearer ${token}` })).status).toBe(200);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      await store.revokeApiKey('tests');
      expect((await predict(server, row, { authorization: `Bearer ${token}` })).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});

describe('prediction log and feedback', () => {
  it('records each answered request after it is sent, and stores feedback for it', async () => {
    const records: PredictionRecord[] = [];
    let closed = false;
    const log: PredictionSink = {
      record: (r) => records.push(r),
      close: async () => {
        closed = true;
        await store.logPredictions(records);
      },
    };
    const server = await serve({ store, port: 0, pollMs: 0, log });
    const answer = await predict(server, rowsOf(features, 0, 2));
    await new Promise((resolve) => setImmediate(resolve));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      requestId: answer.body.requestId,
      model: 'wine',
      version: 1,
      rows: 2,
      outputs: { predictions: answer.body.predictions, probabilities: answer.body.probabilities },
    });
    expect(records[0]!.inputs!['alcohol']).toEqual([14.23, 13.2]);
    await server.close();
    expect(closed).toBe(true);

    const again = await serve({ store, port: 0, pollMs: 0 });
    try {
      const response = await fetch(`${again.url}/v1/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ requestId: answer.body.requestId, labels: ['0', '0'] }),
      });
      expect(response.status).toBe(200);
      expect(JSON.parse(await response.text())).toEqual({ stored: 1, unknown: [] });
      const logged = await store.listPredictions({ model: 'wine' });
      expect(logged[0]!.feedback?.labels).toEqual(['0', '0']);
      const bad = await fetch(`${again.url}/v1/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ labels: [] }),
      });
      expect(bad.status).toBe(400);
    } finally {
      await again.close();
    }
  });

  it('leaves the inputs out of the log when told to', async () => {
    const records: PredictionRecord[] = [];
    const server = await serve({
      store,
      port: 0,
      pollMs: 0,
      logInputs: false,
      log: { record: (r) => records.push(r), close: async () => undefined },
    });
    try {
      await predict(server, rowsOf(features, 0, 1));
      await new Promise((resolve) => setImmediate(resolve));
      expect(records[0]!.inputs).toBeNull();
    } finally {
      await server.close();
    }
  });
});
