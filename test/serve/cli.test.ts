import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/registry/open.js';
import { DATASETS, tempDir } from '../helpers.js';

const CHILD = new URL('./serve-child.ts', import.meta.url).pathname;
const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const home = tempDir('keel-serve-cli-');
const env = { ...process.env, KEEL_HOME: home, KEEL_STORE: '' };
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** `keel ARGS…` from the sources. */
function keel(...args: string[]) {
  const script = `import(${JSON.stringify(MAIN)}).then((cli) => cli.main(${JSON.stringify(args)}))`;
  return spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', env });
}

/** Starts `keel serve ARGS…` and resolves with its URL and first lines once it listens. */
function startServe(
  ...args: string[]
): Promise<{ child: ChildProcess; url: string; stdout: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { env, stdio: 'pipe' });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const url = /listening on (http:\/\/[^\s]+)/.exec(stdout)?.[1];
      if (url !== undefined && stdout.includes('try: curl'))
        resolve({ child, url, stdout: () => stdout, exited });
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    exited.then((code) => reject(new Error(`keel serve exited (${code}) before listening: ${stderr}`)));
  });
}

describe('keel serve', () => {
  it('serves a model registered by keel train, and on SIGTERM answers the request in flight, flushes the log and exits 0', async () => {
    const trained = keel(
      'train',
      join(DATASETS, 'iris.csv'),
      '--target',
      'target',
      '--model',
      'logistic',
      '--register',
      'iris',
      '--json',
    );
    expect(trained.stderr).not.toContain('keel:');
    expect(trained.status).toBe(0);

    const { child, url, stdout, exited } = await startServe('iris', '--port', '0', '--poll', '0');
    expect(stdout()).toContain(`iris version 1: POST ${url}/v1/models/iris/predict`);
    const curl = /try: (curl .*)/.exec(stdout())![1]!;
    const example = JSON.parse(/-d '(.*)'$/.exec(curl)![1]!);
    expect(Object.keys(example[0])).toEqual([
      'sepal length (cm)',
      'sepal width (cm)',
      'petal length (cm)',
      'petal width (cm)',
    ]);
    // A typical training row (medians, from the version's reference), not the middle of each range.
    expect(example[0]['sepal length (cm)']).toBe(5.8);
    expect(example[0]['petal width (cm)']).toBe(1.3);

    // A request whose body is only half sent when SIGTERM arrives.
    const body = JSON.stringify(example);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${url}/v1/models/iris/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    const { status, body: text } = await answer;
    expect(status).toBe(200);
    const answered = JSON.parse(text);
    expect(answered).toMatchObject({ model: 'iris', version: 1, predictions: [expect.any(String)] });
    expect(await exited).toBe(0);

    const store = await openStore({ home });
    try {
      const logged = await store.listPredictions({ model: 'iris' });
      expect(logged.map((r) => r.requestId)).toEqual([answered.requestId]);
    } finally {
      await store.close();
    }
  });

  it('refuses an unknown model with a one-line error naming what is registered', async () => {
    await expect(startServe('irsi', '--port', '0')).rejects.toThrow(
      /no model is registered as "irsi".*iris/s,
    );
  });
});
