import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { valueAt } from '../../src/data/column.js';
import { readTable } from '../../src/data/read.js';
import { loadModel } from '../../src/registry/model-registry.js';
import '../../src/serve/loaders.js';
import { openStore } from '../../src/registry/open.js';
import { DATASETS, tempDir } from '../helpers.js';

const KEEL = new URL('../../bin/keel.js', import.meta.url).pathname;
const WINE = join(DATASETS, 'wine.csv');

describe('keel predict scores a file with a registered model', () => {
  const home = tempDir('keel-predict-');
  const keel = (...args: string[]) => {
    const result = spawnSync('node', [KEEL, ...args], {
      encoding: 'utf8',
      env: { ...process.env, KEEL_STORE: '', KEEL_HOME: home },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  beforeAll(() => {
    const trained = keel(
      'train',
      WINE,
      '--target',
      'target',
      '--model',
      'gbdt',
      '--set',
      'trees=10',
      '--register',
      'wine',
    );
    expect(trained.stderr.includes('keel:') ? trained.stderr : '').toBe('');
    expect(trained.code).toBe(0);
  });

  it('appends the predictions of version 1 (wine:1), in chunks that do not divide the rows', async () => {
    const out = join(home, 'preds.csv');
    const result = keel('predict', 'wine:1', WINE, '--out', out, '--chunk', '50', '--json');
    expect(result.stderr).not.toContain('keel:');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      rows: 178,
      chunks: 4,
      format: 'csv',
      model: { name: 'wine', version: 1 },
    });
    // Progress goes to stderr, stage by stage (a bar with an estimate of what remains on a terminal).
    expect(result.stderr).toContain('scoring with wine version 1: 178 rows');

    const store = await openStore({ home });
    const { model } = await loadModel(store, 'wine@1').finally(() => store.close());
    const wine = await readTable(WINE);
    const predicted = model.predict(wine.select(model.inputNames));
    const scored = await readTable(out);
    expect(scored.names).toEqual([...wine.names, 'prediction', 'proba_0', 'proba_1', 'proba_2']);
    const column = scored.column('prediction');
    const labels = Array.from({ length: 178 }, (_, i) => String(valueAt(column, i)));
    expect(labels).toEqual(Array.from(predicted, (p) => model.classes![p]!));
  });

  it('writes Parquet for a .parquet output', async () => {
    const out = join(home, 'preds.parquet');
    const result = keel('predict', 'wine', WINE, '--out', out);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Scored 178 rows');
    expect((await readTable(out)).rowCount).toBe(178);
  });

  it('fails in a line or two naming the missing column, and writes nothing', () => {
    const out = join(home, 'none.csv');
    const result = keel('predict', 'wine', join(DATASETS, 'iris.csv'), '--out', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/iris\.csv: column "alcohol": the model needs this column/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(home).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('names an unknown model and asks for --out', () => {
    expect(keel('predict', 'beer', WINE, '--out', join(home, 'x.csv')).stderr).toContain(
      'no model is registered as "beer"',
    );
    const noOut = keel('predict', 'wine', WINE);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('--out');
  });
});
