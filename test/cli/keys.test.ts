import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/registry/open.js';
import { tempDir } from '../helpers.js';

const root = tempDir('keel-cli-keys-');
const KEEL = new URL('../../bin/keel.js', import.meta.url).pathname;

/** Runs the CLI (dist/, so `npm run build` first) with a fresh KEEL_HOME per test. */
function keel(home: string, ...args: string[]) {
  const result = spawnSync('node', [KEEL, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KEEL_STORE: '', KEEL_HOME: home },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('keel keys', () => {
  const shared = mkdtempSync(join(root, 'home-'));

  it('creates a key whose token is printed once and works, lists it, and revokes it', async () => {
    const home = shared;
    const created = keel(home, 'keys', 'create', 'ci');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('shown this once');
    const token = /keel_[A-Za-z0-9_-]{43}/.exec(created.stdout)![0];
    // Only one full copy of the token in the output, and none in the listing.
    expect(created.stdout.split(token)).toHaveLength(2);

    const listed = keel(home, 'keys', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/ci\s+keel_\S{6}…\s+\S+ \S+\s+active/);
    expect(listed.stdout).not.toContain(token);

    const json = keel(home, 'keys', 'create', 'dashboard', '--json');
    const second = JSON.parse(json.stdout) as {
      name: string;
      token: string;
      prefix: string;
      revokedAt: null;
    };
    expect(second).toMatchObject({ name: 'dashboard', revokedAt: null });
    expect(second.token.startsWith(second.prefix)).toBe(true);

    const store = await openStore({ home });
    try {
      expect((await store.verifyApiKey(token))!.name).toBe('ci');
      expect((await store.verifyApiKey(second.token))!.name).toBe('dashboard');
    } finally {
      await store.close();
    }

    const revoked = keel(home, 'keys', 'revoke', 'ci');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('revoked API key "ci"');
    const keys = JSON.parse(keel(home, 'keys', 'list', '--json').stdout) as {
      name: string;
      revokedAt: number | null;
    }[];
    expect(keys.map((k) => [k.name, k.revokedAt === null])).toEqual([
      ['ci', false],
      ['dashboard', true],
    ]);
    const after = await openStore({ home });
    try {
      expect(await after.verifyApiKey(token)).toBeUndefined();
    } finally {
      await after.close();
    }
  });

  it('refuses a second active key of a name, a second revoke and unknown names: one line, exit 2', () => {
    // The store of the first test: "ci" revoked, "dashboard" active.
    const twice = keel(shared, 'keys', 'create', 'dashboard');
    expect(twice.code).toBe(2);
    expect(twice.stdout).toBe('');
    expect(twice.stderr).toContain('already exists');
    const again = keel(shared, 'keys', 'revoke', 'ci');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already revoked');
    const unknown = keel(shared, 'keys', 'revoke', 'nobody');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no API key named "nobody"');
    const bad = keel(shared, 'keys', 'create');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('name the key to create');
  });
});
