import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { retrainCommand } from '../../src/cli/retrain.js';
import { trainCommand } from '../../src/cli/train.js';
import { type KeelError, UsageError } from '../../src/core/errors.js';
import { openStore } from '../../src/registry/open.js';
import type { Store } from '../../src/registry/types.js';
import { DATASETS, tempDir, writeFixture } from '../helpers.js';

// keel retrain is not yet a verb of bin/keel.js, so the command runs in process, on this file's own store.
const dir = tempDir('keel-retrain-cli-');
process.env['KEEL_HOME'] = join(dir, 'home');

const [HEADER, ...ROWS] = readFileSync(join(DATASETS, 'diamonds.csv'), 'utf8').trim().split('\n');
/** diamonds.csv is sorted by price in runs; a prime stride visits it in a scrambled, fixed order. */
const SCRAMBLED = ROWS.map((_, i) => ROWS[(i * 7919) % ROWS.length]!);
const column = (name: string) => HEADER!.split(',').indexOf(name);

function table(name: string, rows: readonly string[]): string {
  return writeFixture(dir, name, `${HEADER}\n${rows.join('\n')}\n`);
}

/** Prices half as high again: what the champion learned no longer holds. */
function dearer(rows: readonly string[]): string[] {
  return rows.map((line) => {
    const cells = line.split(',');
    cells[column('price')] = String(Math.round(Number(cells[column('price')]) * 1.5));
    return cells.join(',');
  });
}

const BASE = table('base.csv', SCRAMBLED.slice(0, 2000));
const DEARER = table('dearer.csv', dearer(SCRAMBLED.slice(2000, 4000)));
const SAME = table('same.csv', SCRAMBLED.slice(4000, 6000));
/** The largest stones last: the holdout is unlike anything the challenger learned from. */
const BY_SIZE = table(
  'dearer-by-size.csv',
  dearer(SCRAMBLED.slice(6000, 8000)).sort(
    (a, b) => Number(a.split(',')[column('carat')]) - Number(b.split(',')[column('carat')]),
  ),
);

async function captured(args: string[]): Promise<string> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    expect(await retrainCommand.run(args)).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}

async function gbdtChampion(name: string): Promise<void> {
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const args = [
      '--target',
      'price',
      '--model',
      'gbdt',
      '--set',
      'trees=40',
      '--cv',
      '2',
      '--register',
      name,
    ];
    expect(await trainCommand.run([BASE, ...args])).toBe(0);
  } finally {
    spy.mockRestore();
  }
}

describe('keel retrain', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore();
  });
  afterAll(async () => {
    await store.close();
  });

  it('prints both scores, the margin, the decision and its reasons, and moves the alias', async () => {
    await gbdtChampion('cli');
    const out = await captured(['cli', '--data', DEARER]);
    expect(out).toMatch(
      /^cli: champion version 1 against a challenger version 2 \(gbdt\) trained on .*dearer\.csv/,
    );
    expect(out).toMatch(
      /rmse \(lower is better\)\n {4}champion {4}\d+\.\d\n {4}challenger {2}\d+\.\d\n {4}margin {6}0\n/,
    );
    expect(out).toContain('Decision: promoted: "champion" now names version 2');
    expect(out).toMatch(/Reasons:\n {2}- the challenger wins: rmse/);
    expect(out).toMatch(/Notes:\n {2}- "cli" has no alias "champion"/);
    expect(out).toMatch(/Recorded as run [0-9a-f]{8} in experiment "retrain"/);
    expect((await store.getModel('cli'))!.aliases).toEqual({ champion: 2 });
  });

  it('prints the decision object with --json, and keeps the champion (exit 0) below the margin', async () => {
    await gbdtChampion('cli-json');
    const out = JSON.parse(await captured(['cli-json', '--data', SAME, '--margin', '100000', '--json']));
    expect(out).toMatchObject({
      model: 'cli-json',
      alias: 'champion',
      metric: 'rmse',
      greaterIsBetter: false,
      margin: 100000,
      promoted: false,
      dryRun: false,
      champion: { version: 1 },
      challenger: { version: 2, trainedBy: 'gbdt' },
      rows: { training: 1600, holdout: 400, unlabelled: 0 },
    });
    expect(out.champion.score).toBeGreaterThan(0);
    expect(out.reasons[0]).toMatch(/does not win by more than the margin 100000/);
    expect((await store.getRun(out.runId))!.tags).toEqual({ decision: 'kept' });
  });

  it('holds the promotion back when the holdout drifts against the challenger\u2019s training rows', async () => {
    await gbdtChampion('cli-drift');
    const out = JSON.parse(await captured(['cli-drift', '--data', BY_SIZE, '--json']));
    expect(out.promoted).toBe(false);
    expect(out.drift.drifted).toBe(true);
    expect(out.drift.driftedFeatures).toEqual(expect.arrayContaining(['carat', 'x']));
    expect(out.reasons.join('\n')).toMatch(
      /the holdout drifts against the challenger's training rows, so it would be stale on arrival/,
    );
    expect((await store.getModel('cli-drift'))!.aliases).toEqual({ champion: 1 });
  });

  it('says what a dry run would do and writes nothing', async () => {
    await gbdtChampion('cli-dry');
    const out = await captured(['cli-dry', '--data', DEARER, '--dry-run', '--holdout', '0.3']);
    expect(out).toContain(
      'Decision: the challenger would be promoted (dry run: nothing registered, moved or recorded)',
    );
    expect(out).toContain('1,400 training rows, 600 holdout rows');
    expect(out).not.toContain('Recorded as run');
    expect((await store.listVersions('cli-dry')).map((v) => v.version)).toEqual([1]);
  });

  it('refuses bad usage with exit code 2', async () => {
    const refusals: [string[], RegExp][] = [
      [['cli'], /--data SOURCE is required/],
      [[], /name the registered model to retrain/],
      [['cli', '--data', SAME, '--margin=-1'], /--margin must be a number ≥ 0/],
      [['cli', '--data', SAME, '--holdout', '1.5'], /--holdout must be a share between 0 and 1/],
      [['cli', '--data', SAME, '--time', 'soon'], /--time must be a duration/],
      [['nobody', '--data', SAME], /no model is registered as "nobody"/],
    ];
    for (const [args, message] of refusals) {
      const error = await retrainCommand.run(args).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as KeelError).message).toMatch(message);
      expect((error as KeelError).exitCode).toBe(2);
    }
  });
});
