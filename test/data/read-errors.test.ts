import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  ConnectionError,
  DataError,
  formatError,
  KeelError,
  SchemaError,
  UsageError,
} from '../../src/core/errors.js';
import { readTable } from '../../src/data/read.js';
import { tempDir, writeFixture } from '../helpers.js';

const dir = tempDir();

/** Reads and returns the KeelError it must throw. */
async function failure(source: string, options = {}): Promise<KeelError> {
  try {
    await readTable(source, options);
  } catch (error) {
    if (error instanceof KeelError) return error;
    throw error;
  }
  throw new Error(`reading ${source} did not fail`);
}

describe('bad inputs give one clear error naming the place', () => {
  it('a missing file', async () => {
    const error = await failure(join(dir, 'nope.csv'));
    expect(error).toBeInstanceOf(DataError);
    expect(error.code).toBe('data.not-found');
    expect(formatError(error)).toBe(
      `${join(dir, 'nope.csv')}: no such file\n  hint: check the path; relative paths start from the current folder`,
    );
  });

  it('a folder', async () => {
    expect((await failure(dir)).code).toBe('data.is-directory');
  });

  it('an empty file', async () => {
    const error = await failure(writeFixture(dir, 'empty.csv', ''));
    expect(error.code).toBe('data.empty');
    expect(error.message).toContain('0 bytes');
  });

  it('a file of blank lines', async () => {
    expect((await failure(writeFixture(dir, 'blank.csv', '\n\n\n'))).code).toBe('data.empty');
  });

  it('a header without rows', async () => {
    const error = await failure(writeFixture(dir, 'header.csv', 'a,b,c\n'));
    expect(error.code).toBe('data.no-rows');
    expect(error.hint).toContain('only its header');
  });

  it('a row with too many fields, by line number', async () => {
    const error = await failure(writeFixture(dir, 'long.csv', 'a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n'));
    expect(error.code).toBe('data.ragged-rows');
    expect(error.location.line).toBe(4);
    expect(error.message).toBe('this line has 4 fields, but the first line has 3');
  });

  it('a row with too few fields, counting lines inside quoted fields', async () => {
    const error = await failure(writeFixture(dir, 'short.csv', 'a,b\n"x\ny",1\n2\n'));
    expect(error.location.line).toBe(4);
    expect(error.message).toContain('has 1 field,');
  });

  it('a ragged row far past the sniffed sample, by DuckDB’s line number', async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `${i},${i}`);
    rows.push('1,2,3');
    const error = await failure(writeFixture(dir, 'late.csv', `a,b\n${rows.join('\n')}\n`));
    expect(error.code).toBe('data.ragged-rows');
    expect(error.location.line).toBe(60_002);
  });

  it('a delimiter that does not split the file', async () => {
    const error = await failure(writeFixture(dir, 'comma.csv', 'a,b,c\n1,2,3\n'), { delimiter: ';' });
    expect(error.code).toBe('data.wrong-delimiter');
    expect(error.hint).toContain("--delimiter ','");
  });

  it('an unclosed quote', async () => {
    const error = await failure(writeFixture(dir, 'quote.csv', 'a,b\n1,2\n3,"4\n5,6\n'));
    expect(error.code).toBe('data.unclosed-quote');
    expect(error.location.line).toBe(3);
  });

  it('binary junk', async () => {
    const junk = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    const error = await failure(writeFixture(dir, 'junk.csv', junk));
    expect(error.code).toBe('data.binary');
  });

  it('an Excel workbook (a ZIP archive)', async () => {
    const error = await failure(
      writeFixture(dir, 'book.csv', new Uint8Array([0x50, 0x4b, 3, 4, 20, 0, 0, 0])),
    );
    expect(error.code).toBe('data.zip');
    expect(error.hint).toContain('CSV');
  });

  it('invalid UTF-8, by line number', async () => {
    const bytes = Buffer.concat([
      Buffer.from('name,n\nOslo,1\nZ'),
      Buffer.from([0xfc]),
      Buffer.from('rich,2\n'),
    ]);
    const error = await failure(writeFixture(dir, 'latin1.csv', bytes));
    expect(error.code).toBe('data.encoding');
    expect(error.location.line).toBe(3);
    expect(error.hint).toContain('iconv');
  });

  it('invalid UTF-8 past the first MiB, by DuckDB’s line number', async () => {
    const rows = Array.from({ length: 120_000 }, (_, i) => `row${i},${i}`).join('\n');
    const bytes = Buffer.concat([
      Buffer.from(`name,n\n${rows}\nZ`),
      Buffer.from([0xfc]),
      Buffer.from('rich,2\n'),
    ]);
    const error = await failure(writeFixture(dir, 'late-latin1.csv', bytes));
    expect(error.code).toBe('data.encoding');
    expect(error.location.line).toBe(120_002);
  });

  it('a file that is not Parquet', async () => {
    const error = await failure(writeFixture(dir, 'bad.parquet', 'not parquet at all\n'));
    expect(error.code).toBe('data.bad-parquet');
  });

  it('a malformed JSON-lines file', async () => {
    const error = await failure(writeFixture(dir, 'bad.jsonl', '{"a": 1}\n{"a": \n'));
    expect(error.code).toBe('data.bad-json');
  });

  it('a kind set for a column that does not exist', async () => {
    const error = await failure(writeFixture(dir, 'k.csv', 'a,b\n1,2\n'), { kinds: { c: 'numeric' } });
    expect(error).toBeInstanceOf(SchemaError);
    expect(error.location.column).toBe('c');
  });

  it('a value that does not fit the kind the user set, by line', async () => {
    const error = await failure(writeFixture(dir, 'kv.csv', 'a,b\n1,x\n2,y\n'), { kinds: { b: 'numeric' } });
    expect(error.code).toBe('schema.bad-value');
    expect(error.location).toMatchObject({ line: 2, column: 'b' });
  });

  it('a database without a query', async () => {
    const error = await failure('postgres://nobody@127.0.0.1:1/none');
    expect(error).toBeInstanceOf(UsageError);
    expect(error.location.field).toBe('query');
  });

  it('an unreachable database, without its password', async () => {
    const error = await failure('postgres://me:secret@127.0.0.1:1/none', { query: 'SELECT 1' });
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.location.source).toBe('postgres://me:***@127.0.0.1:1/none');
    expect(formatError(error)).not.toContain('secret');
  });

  it('reads a gzipped CSV (not an error)', async () => {
    const frame = await readTable(writeFixture(dir, 'z.csv.gz', gzipSync('a,b\n1,2\n3,4\n')));
    expect(frame.rowCount).toBe(2);
  });
});
