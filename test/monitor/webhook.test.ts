import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { postAlert } from '../../src/monitor/webhook.js';
import { KEEL_VERSION } from '../../src/registry/version.js';

interface Received {
  readonly method: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real HTTP server answering each request with the next of `statuses` (the last one repeats); null never answers. */
async function receiver(
  statuses: readonly (number | null)[],
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      received.push({ method: req.method ?? '', headers: req.headers, body });
      const status = statuses[Math.min(received.length, statuses.length) - 1];
      if (status === null || status === undefined) return; // hold the request open: a hung receiver
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"answer":true}');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/keel`, received };
}

/** A port nothing listens on: a server is started to get one, then closed. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/hooks/keel`;
}

const payload = {
  model: 'wine',
  version: 2,
  kind: 'drift',
  severity: 'critical',
  message: 'alcohol drifted',
};

describe('postAlert', () => {
  it('POSTs the payload as JSON with keel’s user agent, and reports a 200 as delivered', async () => {
    const { url, received } = await receiver([200]);
    const result = await postAlert(url, payload);
    expect(result).toEqual({ ok: true, status: 200, attempts: 1, error: null });
    expect(received).toHaveLength(1);
    expect(received[0]!.method).toBe('POST');
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(received[0]!.headers['user-agent']).toBe(`keel/${KEEL_VERSION}`);
    expect(JSON.parse(received[0]!.body)).toEqual(payload);
  });

  it('retries a 5xx after a wait, and succeeds when the receiver recovers', async () => {
    const { url, received } = await receiver([500, 503, 200]);
    const started = Date.now();
    const result = await postAlert(url, payload, { backoffMs: 20 });
    expect(result).toEqual({ ok: true, status: 200, attempts: 3, error: null });
    expect(received.map((r) => r.body)).toEqual(Array(3).fill(JSON.stringify(payload)));
    // Waits of 20 then 40 ms: a lower bound only, the machine is shared.
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('gives up after the retries on a receiver that keeps failing, without throwing', async () => {
    const { url, received } = await receiver([502]);
    const result = await postAlert(url, payload, { retries: 1, backoffMs: 1 });
    expect(result).toEqual({ ok: false, status: 502, attempts: 2, error: 'the webhook answered HTTP 502' });
    expect(received).toHaveLength(2);
  });

  it('does not retry a 4xx: the receiver refused this request', async () => {
    const { url, received } = await receiver([404, 200]);
    const result = await postAlert(url, payload, { backoffMs: 1 });
    expect(result).toEqual({ ok: false, status: 404, attempts: 1, error: 'the webhook answered HTTP 404' });
    expect(received).toHaveLength(1);
  });

  it('does not follow a redirect, which would turn the POST into a GET', async () => {
    const { url, received } = await receiver([302]);
    const result = await postAlert(url, payload, { backoffMs: 1 });
    expect(result).toMatchObject({ ok: false, status: 302, attempts: 1 });
    expect(received).toHaveLength(1);
  });

  it('times out a receiver that never answers, retrying each attempt', async () => {
    const { url, received } = await receiver([null]);
    const result = await postAlert(url, payload, { timeoutMs: 150, retries: 1, backoffMs: 1 });
    expect(result).toEqual({ ok: false, status: null, attempts: 2, error: 'no answer within 150 ms' });
    expect(received).toHaveLength(2);
  });

  it('retries a refused connection and reports why, without throwing', async () => {
    const url = await closedPort();
    const result = await postAlert(url, payload, { retries: 2, backoffMs: 1 });
    expect(result).toMatchObject({ ok: false, status: null, attempts: 3 });
    expect(result.error).toMatch(/^ECONNREFUSED/);
  });

  it('throws a UsageError for a URL that is not http(s), without showing the URL', async () => {
    for (const bad of ['ftp://example.com/hook', 'example.com/hook', '', 'file:///etc/passwd']) {
      const error = await postAlert(bad, payload).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).location.field).toBe('url');
    }
    const secret = await postAlert('https://user:s3cret@example.com/hook', payload).catch((e: Error) => e);
    expect((secret as Error).message).not.toMatch(/s3cret/);
    const options = await postAlert('https://example.com/hook', payload, { retries: -1 }).catch(
      (e: UsageError) => e,
    );
    expect((options as UsageError).location.field).toBe('retries');
  });
});
