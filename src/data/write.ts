/**
 * Writes a frame to CSV or Parquet. Both go through a temporary file in the
 * target's folder that is renamed into place only once complete: a crash, a
 * full disk or a bad value midway never leaves a half-written file where a
 * reader (or the previous good copy) expects a whole one.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, constants, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBTimestampValue,
  type DuckDBType,
  type DuckDBValue,
  DuckDBVector,
  TIMESTAMP,
  VARCHAR,
} from '@duckdb/node-api';
import { DataError, KeelError, SchemaError, UsageError } from '../core/errors.js';
import type { Column, NumberColumn } from './column.js';
import { sqlIdentifier, sqlString, withDuckDB } from './duckdb.js';
import type { Frame } from './frame.js';

export interface CsvWriteOptions {
  /** One character between fields; default ','. */
  readonly delimiter?: string;
}

/**
 * RFC 4180 CSV with a header row and LF line ends. Missing values are empty
 * fields; an empty string is written as `""` so that it reads back as text,
 * not as missing. Numbers print in the shortest form that reads back to the
 * same double; datetimes as ISO 8601 UTC; booleans as true/false.
 */
export async function writeCsv(frame: Frame, path: string, options: CsvWriteOptions = {}): Promise<void> {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new UsageError(
      'write.delimiter',
      'delimiter must be one character other than a quote or line break',
      {
        location: { field: 'delimiter' },
        hint: "use ',' or ';' or '\\t'",
      },
    );
  }
  refuseNoColumns(frame, path);
  await writeAtomically(path, (tempPath) =>
    pipeline(csvChunks(frame, delimiter), createWriteStream(tempPath, { flags: 'wx', flush: true })),
  );
}

/**
 * Parquet through DuckDB, with column types that say what the values are:
 * DOUBLE, BIGINT (integer and numeric-ID columns whose values are all whole),
 * BOOLEAN, TIMESTAMP and VARCHAR (categories and text).
 */
export async function writeParquet(frame: Frame, path: string): Promise<void> {
  refuseNoColumns(frame, path);
  refuseCaseClashes(frame, path);
  const columns = frame.columns.map((column) => parquetColumn(column, frame.source));
  await writeAtomically(path, async (tempPath) => {
    await withDuckDB(async (connection) => {
      await fillTable(connection, columns, frame.rowCount);
      const renamed = frame.columns.map((c, j) => `c${j} AS ${sqlIdentifier(c.name)}`).join(', ');
      await connection.run(
        `COPY (SELECT ${renamed} FROM keel_out) TO ${sqlString(tempPath)} (FORMAT parquet)`,
      );
    });
  });
}

// ─── CSV ────────────────────────────────────────────────────────────────────

/** Bounds the size of each string handed to the stream (about 1–4 MB). */
const CSV_CELLS_PER_CHUNK = 200_000;

function* csvChunks(frame: Frame, delimiter: string): Generator<string> {
  const quote = csvQuoter(delimiter);
  const cells = frame.columns.map((column) => csvCellWriter(column, quote, frame.source));
  const cols = cells.length;
  yield `${frame.names.map((name) => quote(name)).join(delimiter)}\n`;
  const rowsPerChunk = Math.max(1, Math.floor(CSV_CELLS_PER_CHUNK / cols));
  for (let start = 0; start < frame.rowCount; start += rowsPerChunk) {
    const end = Math.min(frame.rowCount, start + rowsPerChunk);
    let text = '';
    for (let row = start; row < end; row++) {
      let line = cells[0]!(row);
      for (let j = 1; j < cols; j++) line += delimiter + cells[j]!(row);
      text += `${line}\n`;
    }
    yield text;
  }
}

/** Quotes a field only when it must be: it holds the delimiter, a quote or a line break, or is empty. */
function csvQuoter(delimiter: string): (text: string) => string {
  const special = new RegExp(`[${delimiter.replace(/[\\^\]-]/, '\\$&')}"\\n\\r]`);
  return (text) => (text === '' || special.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
}

type CellWriter = (row: number) => string;

function csvCellWriter(column: Column, quote: (text: string) => string, source?: string): CellWriter {
  switch (column.storage) {
    case 'categorical': {
      // Quote each label once, not once per row.
      const labels = column.levels.map(quote);
      const codes = column.codes;
      return (row) => (codes[row]! < 0 ? '' : labels[codes[row]!]!);
    }
    case 'string': {
      const values = column.values;
      return (row) => {
        const value = values[row];
        return value === null || value === undefined ? '' : quote(value);
      };
    }
    case 'number':
      return numberCellWriter(column, source);
  }
}

function numberCellWriter(column: NumberColumn, source?: string): CellWriter {
  const values = column.values;
  switch (column.kind) {
    case 'boolean':
      return (row) => {
        const v = values[row]!;
        return Number.isNaN(v) ? '' : v !== 0 ? 'true' : 'false';
      };
    case 'datetime':
      return (row) => {
        const v = values[row]!;
        if (Number.isNaN(v)) return '';
        if (!isDatetime(v)) throw badDatetime(column, row, source);
        return new Date(v).toISOString();
      };
    default:
      // String(-0) is "0": the sign would not survive the round trip.
      return (row) => {
        const v = values[row]!;
        return Number.isNaN(v) ? '' : Object.is(v, -0) ? '-0' : String(v);
      };
  }
}

/** ±8.64e15 ms is the range of a JS Date (and of ISO 8601 as Date prints it). */
function isDatetime(epochMs: number): boolean {
  return Math.abs(epochMs) <= 8.64e15;
}

function badDatetime(column: Column, row: number, source?: string): DataError {
  const value = column.storage === 'number' ? column.values[row] : undefined;
  return new DataError(
    'write.bad-datetime',
    `row ${row + 1} of "${column.name}" is not a valid time: ${value}`,
    {
      location: { source, column: column.name },
      hint: 'datetimes are epoch milliseconds within ±8.64e15; fix or blank the value',
    },
  );
}

// ─── Parquet ────────────────────────────────────────────────────────────────

/** How one frame column goes into DuckDB: its SQL type and how to set a chunk of it. */
interface ParquetColumn {
  readonly type: DuckDBType;
  readonly sqlType: string;
  readonly valueAt: (row: number) => DuckDBValue;
}

function parquetColumn(column: Column, source?: string): ParquetColumn {
  switch (column.storage) {
    case 'categorical': {
      const { codes, levels } = column;
      return {
        type: VARCHAR,
        sqlType: 'VARCHAR',
        valueAt: (row) => (codes[row]! < 0 ? null : levels[codes[row]!]!),
      };
    }
    case 'string': {
      const values = column.values;
      return { type: VARCHAR, sqlType: 'VARCHAR', valueAt: (row) => values[row] ?? null };
    }
    case 'number':
      return numberParquetColumn(column, source);
  }
}

function numberParquetColumn(column: NumberColumn, source?: string): ParquetColumn {
  const values = column.values;
  const present = (row: number): boolean => !Number.isNaN(values[row]!);
  switch (column.kind) {
    case 'boolean':
      return {
        type: BOOLEAN,
        sqlType: 'BOOLEAN',
        valueAt: (row) => (present(row) ? values[row]! !== 0 : null),
      };
    case 'datetime':
      return {
        type: TIMESTAMP,
        sqlType: 'TIMESTAMP',
        valueAt: (row) => {
          if (!present(row)) return null;
          if (!isDatetime(values[row]!)) throw badDatetime(column, row, source);
          return new DuckDBTimestampValue(BigInt(Math.round(values[row]! * 1000)));
        },
      };
    case 'integer':
    case 'id':
      // A column labelled integer may still hold 2.5 or 1e300; DOUBLE keeps those exactly.
      if (values.every((v) => Number.isNaN(v) || Number.isSafeInteger(v))) {
        return {
          type: BIGINT,
          sqlType: 'BIGINT',
          valueAt: (row) => (present(row) ? BigInt(values[row]!) : null),
        };
      }
      return doubleColumn(values);
    case 'numeric':
      return doubleColumn(values);
  }
}

function doubleColumn(values: Float64Array): ParquetColumn {
  return {
    type: DOUBLE,
    sqlType: 'DOUBLE',
    valueAt: (row) => (Number.isNaN(values[row]!) ? null : values[row]!),
  };
}

/**
 * Creates `keel_out` with columns c0, c1, … (the real names go on in the COPY,
 * so no user name has to be a valid DuckDB identifier) and appends the rows a
 * data chunk at a time: one native call per column per chunk, rather than one
 * per value as the row-wise appender would make.
 */
async function fillTable(
  connection: DuckDBConnection,
  columns: ParquetColumn[],
  rowCount: number,
): Promise<void> {
  const definitions = columns.map((c, j) => `c${j} ${c.sqlType}`).join(', ');
  await connection.run(`CREATE TABLE keel_out (${definitions})`);
  const appender = await connection.createAppender('keel_out');
  try {
    const chunkSize = DuckDBVector.standardSize();
    for (let start = 0; start < rowCount; start += chunkSize) {
      const count = Math.min(chunkSize, rowCount - start);
      appendRows(appender, columns, start, count);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

function appendRows(appender: DuckDBAppender, columns: ParquetColumn[], start: number, count: number): void {
  const chunk = DuckDBDataChunk.create(
    columns.map((c) => c.type),
    count,
  );
  columns.forEach((column, j) => {
    const vector: DuckDBVector = chunk.getColumnVector(j);
    for (let i = 0; i < count; i++) vector.setItem(i, column.valueAt(start + i));
    vector.flush();
  });
  appender.appendDataChunk(chunk);
}

// ─── Shared ─────────────────────────────────────────────────────────────────

/**
 * Runs `write` against a fresh temporary path beside `path`, then renames it
 * into place. The rename is atomic within one file system, which is why the
 * temporary file lives in the target's own folder rather than in /tmp.
 */
/**
 * Writes through a temporary file in the target's folder, renamed into place
 * once complete; on any failure the temporary file is removed and the old
 * file (if any) is left as it was.
 */
export async function writeAtomically(
  path: string,
  write: (tempPath: string) => Promise<void>,
): Promise<void> {
  const folder = dirname(path);
  const tempPath = join(folder, `.${basename(path)}.${randomUUID().slice(0, 8)}.tmp`);
  try {
    await access(folder, constants.W_OK);
    await write(tempPath);
    await rename(tempPath, path);
  } catch (error) {
    await rm(tempPath, { force: true }).catch(() => undefined);
    throw asWriteError(error, path);
  }
}

function asWriteError(error: unknown, path: string): unknown {
  if (error instanceof KeelError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? `the folder "${dirname(path)}" does not exist; create it first`
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? `keel may not write in "${dirname(path)}"; check its permissions or choose another folder`
        : code === 'EISDIR'
          ? 'the path names a folder; give a file name'
          : code === 'ENOSPC'
            ? 'the disk is full; free some space or write elsewhere'
            : 'check that the folder exists and is writable';
  return new DataError('write.failed', `cannot write "${path}": ${message}`, {
    location: { source: path },
    hint,
    cause: error,
  });
}

function refuseNoColumns(frame: Frame, path: string): void {
  if (frame.columnCount > 0) return;
  throw new UsageError('write.no-columns', 'the frame has no columns, so there is nothing to write', {
    location: { source: path },
  });
}

/** DuckDB (and so its Parquet writer) would silently rename "a" beside "A" to "a_1". */
function refuseCaseClashes(frame: Frame, path: string): void {
  const seen = new Map<string, string>();
  for (const name of frame.names) {
    const other = seen.get(name.toLowerCase());
    if (other !== undefined) {
      throw new SchemaError('write.case-clash', `columns "${other}" and "${name}" differ only in case`, {
        location: { source: path, column: name },
        hint: 'Parquet files written through DuckDB need names that differ beyond case; rename one',
      });
    }
    seen.set(name.toLowerCase(), name);
  }
}
