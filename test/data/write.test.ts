import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, SchemaError, UsageError } from '../../src/core/errors.js';
import { type Column, categoricalFromLabels, type NumberColumn } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import { writeCsv, writeParquet } from '../../src/data/write.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'keel-write-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function numbers(name: string, values: number[], kind: NumberColumn['kind'] = 'numeric'): Column {
  return { storage: 'number', name, kind, values: Float64Array.from(values) };
}

function texts(name: string, values: (string | null)[]): Column {
  return { storage: 'string', name, kind: 'text', values };
}

const MISSING = Number.NaN;
const awkwardText = [
  'a,b',
  'say "hi"',
  'line 1\nline 2',
  'crlf\r\nend',
  '日本語 ü 🙂',
  '',
  null,
  '  padded  ',
];

/** Every kind, with awkward values and a missing value in each. */
function awkwardFrame(): Frame {
  const n = awkwardText.length;
  const pick = (values: number[]): number[] =>
    Array.from({ length: n }, (_, i) => values[i % values.length]!);
  return new Frame([
    numbers('x', pick([-0, 1e-300, 0.1 + 0.2, MISSING, -1.5e308, 123456789.123, 5e-324, 2 ** 53 + 2])),
    numbers('count', pick([0, -3, MISSING, 2 ** 53 - 1]), 'integer'),
    numbers('flag', pick([1, 0, MISSING]), 'boolean'),
    numbers(
      'when',
      pick([Date.UTC(2024, 1, 29, 23, 59, 59, 999), 0, MISSING, Date.UTC(1969, 6, 20, 20, 17)]),
      'datetime',
    ),
    categoricalFromLabels(
      'colour, "quoted"',
      pick([0, 1, 2, 3]).map((i) => ['red', 'a,b', null, 'ü "x"'][i]!),
    ),
    texts('note', awkwardText),
  ]);
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function sqlPath(path: string): string {
  return `'${path.replaceAll("'", "''")}'`;
}

describe('writeCsv', () => {
  it('writes the exact RFC 4180 text for a small frame', async () => {
    const frame = new Frame([
      numbers('id', [1, 2, 3], 'integer'),
      texts('name', ['plain', 'with, comma', 'say "hi"\nbye']),
      numbers('score', [0.5, MISSING, -0]),
      numbers('ok', [1, 0, MISSING], 'boolean'),
      numbers('at', [Date.UTC(2024, 0, 2, 3, 4, 5, 6), MISSING, 0], 'datetime'),
      categoricalFromLabels('grade', ['A', null, 'B+']),
    ]);
    const path = join(folder, 'small.csv');
    await writeCsv(frame, path);
    expect(await readFile(path, 'utf8')).toBe(
      [
        'id,name,score,ok,at,grade',
        '1,plain,0.5,true,2024-01-02T03:04:05.006Z,A',
        '2,"with, comma",,false,,',
        '3,"say ""hi""\nbye",-0,,1970-01-01T00:00:00.000Z,B+',
        '',
      ].join('\n'),
    );
  });

  it('round-trips awkward values through an independent CSV parser', async () => {
    const frame = awkwardFrame();
    const path = join(folder, 'awkward.csv');
    await writeCsv(frame, path);
    // DuckDB parses the file; everything is read as text so the comparison sees exactly what was written.
    const rows = await query(
      `SELECT * FROM read_csv(${sqlPath(path)}, header = true, all_varchar = true, quote = '"', escape = '"', allow_quoted_nulls = false, strict_mode = true)`,
    );
    expect(rows).toHaveLength(frame.rowCount);
    expect(Object.keys(rows[0]!)).toEqual(frame.names);
    frame.columns.forEach((column) => {
      const read = rows.map((row) => row[column.name] as string | null);
      expect(read.map((text) => parseAs(column, text))).toEqual(expectedValues(column));
    });
  });

  it('keeps the sign of -0 and every bit of awkward doubles', async () => {
    const values = [-0, 1e-300, 0.1 + 0.2, 5e-324, Number.MAX_VALUE, -123.456e-7, 1 / 3];
    const path = join(folder, 'doubles.csv');
    await writeCsv(new Frame([numbers('x', values)]), path);
    const read = (await readFile(path, 'utf8')).trim().split('\n').slice(1).map(Number);
    for (const [i, value] of read.entries()) expect(Object.is(value, values[i])).toBe(true);
  });

  it('uses another delimiter, quoting fields that contain it', async () => {
    const path = join(folder, 'semicolon.csv');
    await writeCsv(new Frame([texts('a', ['x;y', 'x,y']), numbers('b', [1.5, 2])]), path, { delimiter: ';' });
    expect(await readFile(path, 'utf8')).toBe('a;b\n"x;y";1.5\nx,y;2\n');
  });

  it('streams a frame larger than one chunk in order', async () => {
    const n = 100_003;
    const path = join(folder, 'long.csv');
    await writeCsv(
      new Frame([
        numbers(
          'i',
          Array.from({ length: n }, (_, i) => i),
        ),
      ]),
      path,
    );
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(n + 2);
    expect(lines[n]).toBe(String(n - 1));
    expect(lines[n + 1]).toBe('');
  });

  it('refuses a delimiter that is not one safe character', async () => {
    const frame = new Frame([numbers('x', [1])]);
    for (const delimiter of ['', ';;', '"', '\n']) {
      const error = await writeCsv(frame, join(folder, 'd.csv'), { delimiter }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).location.field).toBe('delimiter');
    }
  });

  it('gives a DataError naming the path when the folder does not exist', async () => {
    const path = join(folder, 'no-such-folder', 'out.csv');
    const error = await writeCsv(new Frame([numbers('x', [1])]), path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).location.source).toBe(path);
    expect((error as DataError).message).toContain(path);
    expect((error as DataError).hint).toContain('does not exist');
  });

  it('leaves the previous file and no temporary file behind when a value fails midway', async () => {
    const dir = join(folder, 'atomic');
    await mkdir(dir);
    const path = join(dir, 'out.csv');
    await writeFile(path, 'old contents\n');
    const when = Array.from({ length: 300_000 }, (_, i) => i);
    when[250_000] = 1e20;
    const frame = new Frame([numbers('when', when, 'datetime')], 'events.parquet');
    const error = await writeCsv(frame, path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).location.column).toBe('when');
    expect((error as DataError).message).toContain('row 250001');
    expect(await readFile(path, 'utf8')).toBe('old contents\n');
    expect(await readdir(dir)).toEqual(['out.csv']);
  });

  it('refuses a frame with no columns', async () => {
    const error = await writeCsv(new Frame([]), join(folder, 'empty.csv')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
  });
});

describe('writeParquet', () => {
  it('reads back through DuckDB with the same values and types', async () => {
    const frame = awkwardFrame();
    const path = join(folder, "it's awkward.parquet");
    await writeParquet(frame, path);
    const types = await query(`DESCRIBE SELECT * FROM read_parquet(${sqlPath(path)})`);
    expect(types.map((t) => [t['column_name'], t['column_type']])).toEqual([
      ['x', 'DOUBLE'],
      ['count', 'BIGINT'],
      ['flag', 'BOOLEAN'],
      ['when', 'TIMESTAMP'],
      ['colour, "quoted"', 'VARCHAR'],
      ['note', 'VARCHAR'],
    ]);
    const rows = await query(
      `SELECT x, CAST(count AS DOUBLE) AS count, flag, epoch_ms("when") AS "when", "colour, ""quoted""", note FROM read_parquet(${sqlPath(path)})`,
    );
    frame.columns.forEach((column) => {
      const read = rows.map((row) => row[column.name]);
      const expected = expectedValues(column).map((v) => (v instanceof Date ? v.getTime() : v));
      const got = read.map((v) => (typeof v === 'bigint' ? Number(v) : v));
      expect(got).toEqual(expected);
    });
    expect(Object.is(rows[0]!['x'], -0)).toBe(true);
  });

  it('stores an integer column holding a fraction as DOUBLE rather than rounding it', async () => {
    const path = join(folder, 'fraction.parquet');
    await writeParquet(new Frame([numbers('n', [1, 2.5, MISSING], 'integer')]), path);
    const rows = await query(`SELECT n, typeof(n) AS t FROM read_parquet(${sqlPath(path)})`);
    expect(rows.map((r) => [r['n'], r['t']])).toEqual([
      [1, 'DOUBLE'],
      [2.5, 'DOUBLE'],
      [null, 'DOUBLE'],
    ]);
  });

  it('writes many chunks of rows in order', async () => {
    const n = 10_000;
    const path = join(folder, 'long.parquet');
    await writeParquet(
      new Frame([
        numbers(
          'i',
          Array.from({ length: n }, (_, i) => i * 0.5),
        ),
      ]),
      path,
    );
    const rows = await query(`SELECT i FROM read_parquet(${sqlPath(path)})`);
    expect(rows.map((row) => row['i'])).toEqual(Array.from({ length: n }, (_, i) => i * 0.5));
  });

  it('writes a frame with no rows, keeping its columns', async () => {
    const path = join(folder, 'no-rows.parquet');
    await writeParquet(new Frame([numbers('x', []), texts('t', [])]), path);
    const types = await query(`DESCRIBE SELECT * FROM read_parquet(${sqlPath(path)})`);
    expect(types.map((t) => t['column_type'])).toEqual(['DOUBLE', 'VARCHAR']);
  });

  it('refuses column names that differ only in case', async () => {
    const frame = new Frame([numbers('Age', [1]), numbers('age', [2])]);
    const error = await writeParquet(frame, join(folder, 'case.parquet')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).location.column).toBe('age');
  });

  it('gives a DataError naming the path when the folder does not exist, and writes nothing', async () => {
    const path = join(folder, 'missing', 'out.parquet');
    const error = await writeParquet(new Frame([numbers('x', [1])]), path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).location.source).toBe(path);
    expect((error as DataError).hint).toContain('does not exist');
    expect(existsSync(path)).toBe(false);
  });
});

/** What the frame holds, as JS values: numbers, booleans, Dates, strings, null. */
function expectedValues(column: Column): unknown[] {
  if (column.storage === 'categorical')
    return [...column.codes].map((c) => (c < 0 ? null : column.levels[c]));
  if (column.storage === 'string') return [...column.values];
  return [...column.values].map((v) => {
    if (Number.isNaN(v)) return null;
    if (column.kind === 'boolean') return v !== 0;
    if (column.kind === 'datetime') return new Date(v);
    return v;
  });
}

function parseAs(column: Column, text: string | null): unknown {
  if (text === null) return null;
  if (column.storage !== 'number') return text;
  if (column.kind === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (column.kind === 'datetime') return new Date(text);
  return Number(text);
}
