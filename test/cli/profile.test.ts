import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASETS, tempDir, writeFixture } from '../helpers.js';

const KEEL = new URL('../../bin/keel.js', import.meta.url).pathname;
const dir = tempDir();

/** Runs the built CLI (npm test builds dist/ first) as a user would. */
function keel(...args: string[]) {
  const result = spawnSync('node', [KEEL, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('keel profile', () => {
  it('reports diamonds as JSON: rows, columns, kinds and the mean price', () => {
    const { code, stdout } = keel('profile', join(DATASETS, 'diamonds.csv'), '--target', 'price', '--json');
    expect(code).toBe(0);
    const profile = JSON.parse(stdout);
    expect(profile.rows).toBe(53_940);
    expect(profile.columns).toBe(10);
    const byName = Object.fromEntries(profile.columnProfiles.map((c: { name: string }) => [c.name, c]));
    expect(['cut', 'color', 'clarity'].map((n) => byName[n].kind)).toEqual([
      'categorical',
      'categorical',
      'categorical',
    ]);
    expect(byName.price.numeric.mean.toFixed(2)).toBe('3932.80');
    expect(byName.price).toMatchObject({ kind: 'integer', missing: 0 });
    expect(profile.task).toBe('regression');
  });

  it('writes a self-contained HTML report and prints the column table', () => {
    const out = join(dir, 'pima.html');
    const { code, stdout, stderr } = keel(
      'profile',
      join(DATASETS, 'pima_indians_diabetes2.csv'),
      '--target',
      'diabetes',
      '--out',
      out,
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/insulin\s+integer\s+49%/);
    expect(stderr).toContain(`report written to ${out}`);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>') || html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import/);
    expect(html.match(/<svg class="chart/g)?.length ?? 0).toBeGreaterThanOrEqual(9);
  });

  it('passes reading options through: delimiter, kinds and missing markers', () => {
    const path = writeFixture(dir, 'semi.csv', 'a;b;code\n1;-;7\n2;x;8\n3;y;7\n');
    const { code, stdout } = keel(
      'profile',
      path,
      '--delimiter',
      ';',
      '--missing',
      '-',
      '--kind',
      'code=categorical',
      '--json',
    );
    expect(code).toBe(0);
    const profile = JSON.parse(stdout);
    expect(profile.columnProfiles.map((c: { kind: string }) => c.kind)).toEqual([
      'integer',
      'categorical',
      'categorical',
    ]);
    expect(profile.columnProfiles[1].missing).toBe(1);
  });
});

describe('keel errors are one or two lines, exit code 2, no stack trace', () => {
  it.each([
    ['a missing file', ['profile', 'nope.csv'], /\nkeel: nope\.csv: no such file\n {2}hint: /],
    ['a ragged file', ['profile', 'RAGGED'], /:3: this line has 3 fields, but the first line has 2\n/],
    [
      'an unknown target',
      ['profile', join(DATASETS, 'iris.csv'), '--target', 'tagret'],
      /column "tagret": no such column\n {2}hint: did you mean "target"\?/,
    ],
    [
      'an unknown option',
      ['profile', 'x.csv', '--colour'],
      /^keel: Unknown option '--colour'\n {2}hint: see keel profile --help\n$/,
    ],
    ['an unknown command', ['trian'], /^keel: unknown command "trian"\n/],
    ['no file', ['profile'], /^keel: name the table to profile/],
    [
      'a report folder that does not exist',
      ['profile', join(DATASETS, 'iris.csv'), '--out', '/no/such/dir/r.html'],
      /field "out": cannot write the report there\n/,
    ],
  ])('%s', (_what, args, pattern) => {
    const ragged = writeFixture(dir, 'ragged.csv', 'a,b\n1,2\n3,4,5\n');
    const { code, stdout, stderr } = keel(...args.map((a) => (a === 'RAGGED' ? ragged : a)));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const errorLines = stderr.split('\n').filter((l) => l.startsWith('keel: ') || l.startsWith('  hint: '));
    expect(errorLines.length).toBeGreaterThanOrEqual(1);
    expect(errorLines.length).toBeLessThanOrEqual(2);
    expect(stderr).toMatch(pattern);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('shows the stack with --debug', () => {
    const { code, stderr } = keel('profile', 'nope.csv', '--debug');
    expect(code).toBe(2);
    expect(stderr).toMatch(/\n\s+at /);
  });

  it('answers --help and --version', () => {
    expect(keel('--help').stdout).toContain('profile');
    expect(keel('profile', '--help').stdout).toContain('--target COL');
    expect(keel('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('writes no report when the input is bad', () => {
    const out = join(dir, 'never.html');
    keel('profile', 'nope.csv', '--out', out);
    expect(existsSync(out)).toBe(false);
  });
});
