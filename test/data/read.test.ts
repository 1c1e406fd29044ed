import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { CategoricalColumn, NumberColumn, StringColumn } from '../../src/data/column.js';
import { readTable, readTableWithNotes } from '../../src/data/read.js';
import { DATASETS, POSTGRES_URL, SKIP_POSTGRES, tempDir, writeFixture } from '../helpers.js';

const dir = tempDir();

function numbers(column: unknown): number[] {
  return Array.from((column as NumberColumn).values);
}

describe('readTable on the shared datasets', () => {
  it('reads diamonds with its text columns as categorical and price as integer', async () => {
    const frame = await readTable(join(DATASETS, 'diamonds.csv'));
    expect(frame.rowCount).toBe(53_940);
    expect(frame.names).toEqual([
      'carat',
      'cut',
      'color',
      'clarity',
      'depth',
      'table',
      'price',
      'x',
      'y',
      'z',
    ]);
    expect(frame.columns.map((c) => c.kind)).toEqual([
      'numeric',
      'categorical',
      'categorical',
      'categorical',
      'numeric',
      'numeric',
      'integer',
      'numeric',
      'numeric',
      'numeric',
    ]);
    const cut = frame.column('cut') as CategoricalColumn;
    expect(cut.levels).toEqual(['Fair', 'Good', 'Ideal', 'Premium', 'Very Good']);
    const price = numbers(frame.column('price'));
    expect(price.reduce((a, b) => a + b, 0) / price.length).toBeCloseTo(3932.799722, 5);
  });

  it('reads empty fields of pima as missing (NaN) in the right places', async () => {
    const frame = await readTable(join(DATASETS, 'pima_indians_diabetes2.csv'));
    expect(frame.rowCount).toBe(768);
    const missing = frame.missingCounts();
    expect(missing).toMatchObject({ glucose: 5, pressure: 35, triceps: 227, insulin: 374, mass: 11, age: 0 });
    expect(frame.column('diabetes').kind).toBe('categorical');
  });
});

describe('delimited text', () => {
  it('detects the delimiter, the header and the kinds of a semicolon file', async () => {
    const path = writeFixture(
      dir,
      'semi.csv',
      'when;amount;ok;city;note\n2024-01-02;1.5;true;Oslo;\n2024-02-03;2;false;Bergen;x\n2024-03-04;;true;Oslo;y\n',
    );
    const result = await readTableWithNotes(path);
    expect(result.dialect).toMatchObject({ delimiter: ';', header: true, columnCount: 5 });
    const frame = result.frame;
    expect(frame.columns.map((c) => c.kind)).toEqual([
      'datetime',
      'numeric',
      'boolean',
      'categorical',
      'categorical',
    ]);
    expect(numbers(frame.column('when'))[0]).toBe(Date.UTC(2024, 0, 2));
    expect(numbers(frame.column('amount'))).toEqual([1.5, 2, Number.NaN]);
    expect(numbers(frame.column('ok'))).toEqual([1, 0, 1]);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks', async () => {
    const path = writeFixture(dir, 'quoted.csv', 'id,text\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n');
    const frame = await readTable(path, { kinds: { text: 'text' } });
    expect((frame.column('text') as StringColumn).values).toEqual(['a, b', 'say "hi"', 'two\nlines']);
  });

  it('names the columns column1… when the first line is data', async () => {
    const path = writeFixture(dir, 'noheader.csv', '1,2.5,a\n3,4.5,b\n');
    const frame = await readTable(path);
    expect(frame.names).toEqual(['column1', 'column2', 'column3']);
    expect(frame.rowCount).toBe(2);
  });

  it('treats the configured markers as missing, and only those', async () => {
    const path = writeFixture(dir, 'markers.csv', 'a,b\n1,x\n?,y\n-,z\n4,NA\n');
    const byDefault = await readTable(path);
    expect(byDefault.column('a').kind).toBe('categorical'); // "-" is not a default marker
    expect((byDefault.column('b') as CategoricalColumn).codes[3]).toBe(-1);
    const custom = await readTable(path, { missing: ['-', '?'] });
    expect(numbers(custom.column('a'))).toEqual([1, Number.NaN, Number.NaN, 4]);
    expect((custom.column('b') as CategoricalColumn).levels).toContain('NA');
  });

  it('keeps leading zeros of a column forced to categorical', async () => {
    const path = writeFixture(dir, 'zip.csv', 'zip,n\n0042,1\n1000,2\n0042,3\n');
    const frame = await readTable(path, { kinds: { zip: 'categorical' } });
    expect((frame.column('zip') as CategoricalColumn).levels).toEqual(['0042', '1000']);
  });

  it('turns an integer column into a categorical one on request, levels in numeric order', async () => {
    const frame = await readTable(join(DATASETS, 'glass.csv'), { kinds: { Type: 'categorical' } });
    expect((frame.column('Type') as CategoricalColumn).levels).toEqual(['1', '2', '3', '5', '6', '7']);
  });

  it('recognises ID-like and free-text columns', async () => {
    const rows = Array.from(
      { length: 40 },
      (_, i) => `${i + 1},user${i},"this is a longer comment number ${i} with words",${i % 3}`,
    );
    const path = writeFixture(dir, 'ids.csv', `row_id,login,comment,group\n${rows.join('\n')}\n`);
    const frame = await readTable(path);
    expect(frame.columns.map((c) => c.kind)).toEqual(['id', 'id', 'text', 'integer']);
  });

  it('reports a mostly-numeric column that holds some text', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => (i === 7 ? 'unknown' : String(i)));
    const path = writeFixture(dir, 'mixed.csv', `v\n${rows.join('\n')}\n`);
    const { frame, notes } = await readTableWithNotes(path);
    expect(frame.column('v').storage).not.toBe('number');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message).toContain('"unknown"');
  });

  it('reads a tab-separated file by its extension', async () => {
    const path = writeFixture(dir, 't.tsv', 'a\tb\n1\tx y\n2\tz\n');
    const frame = await readTable(path);
    expect(frame.names).toEqual(['a', 'b']);
  });

  it('detects types past the sampled rows instead of failing', async () => {
    const rows = Array.from({ length: 25_000 }, (_, i) => `${i},${i % 5}`);
    rows.push('25000,five');
    const path = writeFixture(dir, 'late-text.csv', `n,k\n${rows.join('\n')}\n`);
    const frame = await readTable(path);
    expect(frame.rowCount).toBe(25_001);
    expect(frame.column('k').kind).toBe('categorical');
  });
});

describe('other file formats', () => {
  it('reads Parquet and JSON lines written by DuckDB', async () => {
    const parquet = join(dir, 'p.parquet');
    const jsonl = join(dir, 'j.jsonl');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const table = `SELECT i::INTEGER AS i, i * 0.5 AS half, 'L' || (i % 2) AS label,
      TIMESTAMP '2024-01-01' + INTERVAL (i) DAY AS at, CASE WHEN i = 3 THEN NULL ELSE i END AS gap
      FROM range(6) t(i)`;
    await connection.run(`COPY (${table}) TO '${parquet}' (FORMAT parquet)`);
    await connection.run(`COPY (${table}) TO '${jsonl}' (FORMAT json)`);
    connection.closeSync();
    instance.closeSync();
    for (const path of [parquet, jsonl]) {
      const frame = await readTable(path);
      expect(frame.names).toEqual(['i', 'half', 'label', 'at', 'gap']);
      expect(frame.columns.map((c) => c.kind)).toEqual([
        'integer',
        'numeric',
        'categorical',
        'datetime',
        'integer',
      ]);
      expect(numbers(frame.column('half'))).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
      expect(numbers(frame.column('at'))[2]).toBe(Date.UTC(2024, 0, 3));
      expect(numbers(frame.column('gap'))[3]).toBeNaN();
    }
  });

  it('runs a query against a DuckDB file', async () => {
    const path = join(dir, 'store.duckdb');
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run('CREATE TABLE sales AS SELECT i AS id, i * 10.0 AS amount FROM range(30) t(i)');
    connection.closeSync();
    instance.closeSync();
    const frame = await readTable(path, { query: 'SELECT amount FROM sales WHERE id < 3' });
    expect(numbers(frame.column('amount'))).toEqual([0, 10, 20]);
    const whole = await readTable(path); // a single table is read whole
    expect(whole.rowCount).toBe(30);
  });

  it('reads a SQLite table, typing columns from their values', async () => {
    const path = join(dir, 'shop.sqlite');
    const db = new Database(path);
    db.exec(
      "CREATE TABLE items (name TEXT, price REAL, qty INTEGER, flag TEXT); INSERT INTO items VALUES ('a', 1.5, 2, 'yes'), ('b', NULL, 3, 'no'), ('c', 2.25, NULL, 'yes');",
    );
    db.close();
    const frame = await readTable(path, { table: 'items' });
    expect(frame.columns.map((c) => `${c.name}:${c.kind}`)).toEqual([
      'name:categorical',
      'price:numeric',
      'qty:integer',
      'flag:boolean',
    ]);
    expect(numbers(frame.column('price'))).toEqual([1.5, Number.NaN, 2.25]);
  });

  it.skipIf(SKIP_POSTGRES)('reads a PostgreSQL query with typed columns', async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query('DROP TABLE IF EXISTS keel_read_test');
    await client.query(
      `CREATE TABLE keel_read_test (id int8, score float8, price numeric, ok boolean, at timestamptz, day date, label text)`,
    );
    await client.query(`INSERT INTO keel_read_test VALUES
      (1, 0.5, 10.25, true, '2024-01-02 03:04:05+00', '2024-01-02', 'x'),
      (2, NULL, 3, false, NULL, '2024-02-01', NULL),
      (3, 1.5, 7.5, NULL, '2024-03-01 00:00:00+02', '2024-03-01', 'y')`);
    await client.end();
    const frame = await readTable(POSTGRES_URL!, { query: 'SELECT * FROM keel_read_test ORDER BY id' });
    expect(frame.columns.map((c) => c.kind)).toEqual([
      'integer',
      'numeric',
      'numeric',
      'boolean',
      'datetime',
      'datetime',
      'categorical',
    ]);
    expect(numbers(frame.column('price'))).toEqual([10.25, 3, 7.5]);
    expect(numbers(frame.column('ok'))).toEqual([1, 0, Number.NaN]);
    expect(numbers(frame.column('at'))).toEqual([
      Date.UTC(2024, 0, 2, 3, 4, 5),
      Number.NaN,
      Date.UTC(2024, 1, 29, 22),
    ]);
    expect(numbers(frame.column('day'))[1]).toBe(Date.UTC(2024, 1, 1));
  });

  it.skipIf(SKIP_POSTGRES)('keeps the password out of the frame’s source', async () => {
    const withPassword = POSTGRES_URL!.replace('//postgres@', '//postgres:hunter2@');
    const frame = await readTable(withPassword, { query: 'SELECT 1 AS one' });
    expect(frame.source).toBe(POSTGRES_URL!.replace('//postgres@', '//postgres:***@'));
  });
});
