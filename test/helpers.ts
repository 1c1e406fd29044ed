import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export const DATASETS = new URL('../datasets/', import.meta.url).pathname;
export const EXAMPLES = new URL('../examples/data/', import.meta.url).pathname;

/** A fresh temporary folder, removed when the test file ends. */
export function tempDir(prefix = 'keel-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const KEEL = new URL('../bin/keel.js', import.meta.url).pathname;

export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `keel ARGS…` as a user runs it (bin/keel.js, the build in dist/, which
 * `npm test` makes first), in a process with this environment. Starting the
 * build takes a fraction of what compiling the sources on every call did.
 */
export function keelIn(env: NodeJS.ProcessEnv): (...args: string[]) => Ran {
  return (...args) => {
    const result = spawnSync(process.execPath, [KEEL, ...args], { encoding: 'utf8', env });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
}

/** Writes `content` (text or bytes) to `name` inside `dir` and returns the path. */
export function writeFixture(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/**
 * Tests that need a service or a browser skip where it is absent on a
 * developer's machine, but never in CI (CI=true), where a skip would hide a
 * missing install step: there they run, and fail.
 */
export const IN_CI = process.env['CI'] === 'true';

/** The PostgreSQL URL of the test server (.ci/start-postgres.sh prints it). */
export const POSTGRES_URL = process.env['KEEL_TEST_POSTGRES'];
export const SKIP_POSTGRES = POSTGRES_URL === undefined && !IN_CI;
