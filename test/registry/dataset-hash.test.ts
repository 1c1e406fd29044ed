import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Column, categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import { writeCsv, writeParquet } from '../../src/data/write.js';
import { datasetHash } from '../../src/registry/dataset-hash.js';
import { DATASETS, tempDir } from '../helpers.js';

interface FixtureColumn {
  name: string;
  kind: string;
  storage: 'number' | 'categorical' | 'string';
  values?: (number | string | null)[];
  levels?: string[];
  codes?: number[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/registry/dataset_hash.json', import.meta.url), 'utf8'),
) as { cases: { name: string; columns: FixtureColumn[]; hash: string }[] };

function columnOf(c: FixtureColumn): Column {
  switch (c.storage) {
    case 'number':
      return {
        storage: 'number',
        name: c.name,
        kind: c.kind as 'numeric',
        values: Float64Array.from(c.values!, (v) => (v === null ? Number.NaN : Number(v))),
      };
    case 'categorical':
      return {
        storage: 'categorical',
        name: c.name,
        kind: 'categorical',
        codes: Int32Array.from(c.codes!),
        levels: c.levels!,
      };
    case 'string':
      return {
        storage: 'string',
        name: c.name,
        kind: c.kind as 'text',
        values: c.values as (string | null)[],
      };
  }
}

const numbers = (name: string, values: number[] | Float64Array): Column => ({
  storage: 'number',
  name,
  kind: 'numeric',
  values: Float64Array.from(values),
});

describe('datasetHash', () => {
  for (const c of fixture.cases) {
    it(`hashes the documented byte layout as Python's hashlib does: ${c.name}`, () => {
      expect(datasetHash(new Frame(c.columns.map(columnOf)))).toBe(c.hash);
    });
  }

  it('gives the same hash for the same table read from CSV, from Parquet, and from a different path', async () => {
    const dir = tempDir();
    const original = await readTable(join(DATASETS, 'iris.csv'));
    await writeParquet(original, join(dir, 'iris.parquet'));
    await writeCsv(original, join(dir, 'copy.csv'));
    const fromParquet = await readTable(join(dir, 'iris.parquet'));
    const fromCopy = await readTable(join(dir, 'copy.csv'));
    expect(fromParquet.source).not.toBe(original.source);
    expect(datasetHash(fromParquet)).toBe(datasetHash(original));
    expect(datasetHash(fromCopy)).toBe(datasetHash(original));
  });

  it('changes when one value changes', async () => {
    const wine = await readTable(join(DATASETS, 'wine.csv'));
    const alcohol = wine.column('alcohol');
    if (alcohol.storage !== 'number') throw new Error('alcohol should be numeric');
    const values = alcohol.values.slice();
    values[100] = values[100]! + 0.01;
    expect(datasetHash(wine.withColumn({ ...alcohol, values }))).not.toBe(datasetHash(wine));
  });

  it('changes when a column is renamed or the columns are reordered', () => {
    const frame = new Frame([numbers('a', [1, 2]), numbers('b', [3, 4])]);
    const renamed = new Frame([numbers('a', [1, 2]), numbers('c', [3, 4])]);
    const reordered = frame.select(['b', 'a']);
    const hashes = new Set([datasetHash(frame), datasetHash(renamed), datasetHash(reordered)]);
    expect(hashes.size).toBe(3);
  });

  it('changes when the level list is reordered, even if every label stays the same', () => {
    const labels = ['red', 'blue', 'red'];
    const first = new Frame([categoricalFromLabels('c', labels, ['red', 'blue'])]);
    const second = new Frame([categoricalFromLabels('c', labels, ['blue', 'red'])]);
    expect(datasetHash(second)).not.toBe(datasetHash(first));
  });

  it('does not confuse where one string ends and the next begins', () => {
    const text = (values: (string | null)[]): Frame =>
      new Frame([{ storage: 'string', name: 't', kind: 'text', values }]);
    const hashes = [text(['ab', 'c']), text(['a', 'bc']), text(['abc', '']), text(['abc', null])].map(
      datasetHash,
    );
    expect(new Set(hashes).size).toBe(4);
  });

  it('treats every NaN bit pattern as the one missing value', () => {
    const values = new Float64Array([1, Number.NaN]);
    const other = new Float64Array(2);
    other[0] = 1;
    new DataView(other.buffer).setUint32(12, 0xfff00001, true); // a negative NaN with a payload
    expect(Number.isNaN(other[1])).toBe(true);
    const column = (v: Float64Array): Column => ({
      storage: 'number',
      name: 'x',
      kind: 'numeric',
      values: v,
    });
    expect(datasetHash(new Frame([column(other)]))).toBe(datasetHash(new Frame([column(values)])));
  });

  it('hashes strings longer than its buffer', () => {
    const long = 'é'.repeat(40_000);
    const a = new Frame([{ storage: 'string', name: 't', kind: 'text', values: [long, 'x'] }]);
    const b = new Frame([{ storage: 'string', name: 't', kind: 'text', values: [`${long}e`, 'x'] }]);
    expect(datasetHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(datasetHash(a)).not.toBe(datasetHash(b));
  });
});
