import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, UsageError } from '../../src/core/errors.js';
import { createArtifactStore, sha256 } from '../../src/registry/artifacts.js';
import { tempDir } from '../helpers.js';
import { fiveMegabytes } from './put-artifact-child.js';

const CHILD = new URL('./put-artifact-child.ts', import.meta.url).pathname;

function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Every file under `root`, relative paths. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(root, name)).isFile())
    .sort();
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('createArtifactStore', () => {
  it('stores bytes under their SHA-256 and returns the same bytes', async () => {
    const root = tempDir();
    const store = createArtifactStore(root);
    const bytes = bytesOf('a fitted model');
    const hash = await store.put(bytes);
    // Python's hashlib.sha256(b'a fitted model').hexdigest()
    expect(hash).toBe('4e00d92c569072cb958312fb5d9be4a9eda8bb0252a9b5fea50a76c4802bb153');
    expect(filesUnder(root)).toEqual([join(hash.slice(0, 2), hash)]);
    expect(await store.has(hash)).toBe(true);
    expect(Array.from(await store.get(hash))).toEqual(Array.from(bytes));
  });

  it('keeps one file for the same bytes stored twice', async () => {
    const root = tempDir();
    const store = createArtifactStore(root);
    const first = await store.put(bytesOf('same'));
    const second = await store.put(bytesOf('same'));
    expect(second).toBe(first);
    expect(filesUnder(root)).toHaveLength(1);
  });

  it('refuses a file with a changed byte, naming the file and both hashes', async () => {
    const store = createArtifactStore(tempDir());
    const hash = await store.put(bytesOf('the original content'));
    const path = join(store.root, hash.slice(0, 2), hash);
    writeFileSync(path, 'the originaL content');
    const error = await caught(store.get(hash));
    expect(error).toBeInstanceOf(DataError);
    const { code, message, hint } = error as DataError;
    expect(code).toBe('registry.artifact-corrupt');
    expect(message).toContain(path);
    expect(message).toContain(hash);
    expect(message).toContain(sha256(bytesOf('the originaL content')));
    expect(hint).toMatch(/register the model again/);
  });

  it('refuses a truncated file, and storing the bytes again repairs it', async () => {
    const store = createArtifactStore(tempDir());
    const bytes = bytesOf('x'.repeat(1000));
    const hash = await store.put(bytes);
    truncateSync(join(store.root, hash.slice(0, 2), hash), 10);
    expect(((await caught(store.get(hash))) as DataError).code).toBe('registry.artifact-corrupt');
    await store.put(bytes);
    expect((await store.get(hash)).length).toBe(1000);
  });

  it('refuses a missing file, naming its path', async () => {
    const store = createArtifactStore(tempDir());
    const hash = sha256(bytesOf('never stored'));
    expect(await store.has(hash)).toBe(false);
    const error = (await caught(store.get(hash))) as DataError;
    expect(error).toBeInstanceOf(DataError);
    expect(error.code).toBe('registry.artifact-missing');
    expect(error.message).toContain(join(store.root, hash.slice(0, 2), hash));
  });

  it('refuses a hash that is not 64 lowercase hex digits, so none escapes the folder', async () => {
    const store = createArtifactStore(tempDir());
    const good = sha256(bytesOf('x'));
    for (const bad of ['../../etc/passwd', `../${good.slice(3)}`, good.toUpperCase(), good.slice(1), '']) {
      const error = await caught(store.get(bad));
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).code).toBe('registry.artifact-hash');
      await expect(store.has(bad)).rejects.toThrow(UsageError);
      await expect(store.remove(bad)).rejects.toThrow(UsageError);
    }
  });

  it('removes a file, and removing it again is no error', async () => {
    const store = createArtifactStore(tempDir());
    const hash = await store.put(bytesOf('to be removed'));
    await store.remove(hash);
    expect(await store.has(hash)).toBe(false);
    await store.remove(hash);
  });

  it('leaves no temporary files behind', async () => {
    const root = tempDir();
    const store = createArtifactStore(root);
    await Promise.all(['a', 'b', 'a', 'c', 'b'].map((text) => store.put(bytesOf(text.repeat(10_000)))));
    const files = filesUnder(root);
    expect(files).toHaveLength(3);
    expect(files.every((name) => !name.endsWith('.tmp'))).toBe(true);
  });

  it('lets two processes store the same 5 MB at once: both succeed and the file is intact', async () => {
    const root = tempDir();
    const children = [startChild(root), startChild(root)];
    await Promise.all(children.map((child) => child.ready));
    for (const child of children) child.process.stdin?.write('go\n');
    const results = await Promise.all(children.map((child) => child.done));
    const expected = fiveMegabytes();
    for (const result of results) expect(result).toEqual({ code: 0, hash: sha256(expected), stderr: '' });
    const hash = sha256(expected);
    expect(filesUnder(root)).toEqual([join(hash.slice(0, 2), hash)]);
    expect(sha256(readFileSync(join(root, hash.slice(0, 2), hash)))).toBe(hash);
    expect((await createArtifactStore(root).get(hash)).length).toBe(expected.length);
  });
});

interface Child {
  process: ChildProcess;
  ready: Promise<void>;
  done: Promise<{ code: number | null; hash: string; stderr: string }>;
}

function startChild(root: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, root], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.startsWith('ready\n')) resolve();
    });
  });
  const done = new Promise<{ code: number | null; hash: string; stderr: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, hash: stdout.slice('ready\n'.length).trim(), stderr }));
  });
  return { process: child, ready, done };
}
