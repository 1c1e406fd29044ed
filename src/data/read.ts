import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { gunzipSync, constants as zlib } from 'node:zlib';
import { DataError, KeelError, UsageError } from '../core/errors.js';
import type { ColumnKind } from './column.js';
import { fromDuckDBError, readRelation, sqlIdentifier, sqlString, withDuckDB } from './duckdb.js';
import { Frame } from './frame.js';
import { inferColumns } from './infer.js';
import type { RawColumn, ReadNote } from './raw.js';
import { type CsvDialect, sniffCsv } from './sniff.js';
import { readPostgres, readSqlite, redactPassword } from './sql.js';

export type SourceFormat = 'csv' | 'tsv' | 'parquet' | 'jsonl' | 'duckdb' | 'sqlite' | 'postgres';

export interface ReadOptions {
  /** Overrides detection from the URL scheme, the file's first bytes and its extension. */
  readonly format?: SourceFormat;
  /** Delimited text: the field delimiter (detected when absent). */
  readonly delimiter?: string;
  /** Delimited text: whether the first line names the columns (detected when absent). */
  readonly header?: boolean;
  /** Strings that mean "missing"; default DEFAULT_MISSING_MARKERS. */
  readonly missing?: readonly string[];
  /** Column kinds that override inference, by column name. */
  readonly kinds?: Readonly<Record<string, ColumnKind>>;
  /** Databases: the SQL query to run. */
  readonly query?: string;
  /** Databases: a table to read whole (instead of a query). */
  readonly table?: string;
}

export const DEFAULT_MISSING_MARKERS: readonly string[] = [
  '',
  'NA',
  'N/A',
  'NaN',
  'nan',
  'null',
  'NULL',
  'None',
  '?',
];

export interface ReadResult {
  readonly frame: Frame;
  readonly format: SourceFormat;
  /** For delimited text: the dialect keel detected or was given. */
  readonly dialect?: CsvDialect;
  readonly notes: readonly ReadNote[];
}

/** Reads a file, a database table or a query into a Frame. */
export async function readTable(source: string, options: ReadOptions = {}): Promise<Frame> {
  return (await readTableWithNotes(source, options)).frame;
}

export async function readTableWithNotes(source: string, options: ReadOptions = {}): Promise<ReadResult> {
  if (/^postgres(ql)?:\/\//.test(source)) {
    const raw = await readPostgres(source, databaseQuery(redactPassword(source), options));
    return finish(raw, 'postgres', redactPassword(source), options);
  }
  const head = await readHead(source);
  const format = options.format ?? detectFormat(source, head);
  switch (format) {
    case 'csv':
    case 'tsv':
      return readDelimited(source, head, format, options);
    case 'parquet':
      return finish(await viaDuckDB(source, `read_parquet(${sqlString(source)})`), format, source, options);
    case 'jsonl':
      return finish(
        await viaDuckDB(source, `read_json(${sqlString(source)}, format = 'auto')`),
        format,
        source,
        options,
      );
    case 'sqlite':
      return finish(readSqlite(source, await sqliteQuery(source, options)), format, source, options);
    case 'duckdb':
      return finish(await readDuckDBFile(source, options), format, source, options);
    case 'postgres':
      throw new UsageError('usage.postgres-url', 'a PostgreSQL source must be a postgres:// URL', {
        location: { source, field: 'format' },
      });
  }
}

function finish(
  raw: RawColumn[],
  format: SourceFormat,
  source: string,
  options: ReadOptions,
  dialect?: CsvDialect,
): ReadResult {
  const missing = options.missing ?? DEFAULT_MISSING_MARKERS;
  const firstDataLine = dialect === undefined ? undefined : dialect.header ? 2 : 1;
  const { columns, notes } = inferColumns(raw, { source, kinds: options.kinds, missing, firstDataLine });
  const frame = new Frame(columns, source);
  if (frame.rowCount === 0 && frame.columnCount > 0) {
    throw new DataError('data.no-rows', 'the table has column names but no rows', {
      location: { source },
      hint:
        format === 'csv' || format === 'tsv'
          ? 'the file holds only its header line'
          : 'the query or table returned nothing',
    });
  }
  return { frame, format, dialect, notes };
}

const SAMPLE_BYTES = 1 << 20;

interface FileHead {
  readonly bytes: Buffer;
  /** Whether `bytes` is the whole file. */
  readonly complete: boolean;
}

async function readHead(path: string): Promise<FileHead> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new DataError('data.is-directory', 'this is a folder, not a file', {
        location: { source: path },
        hint: 'name a file inside it',
      });
    }
    size = info.size;
  } catch (error) {
    if (error instanceof KeelError) throw error;
    throw new DataError('data.not-found', 'no such file', {
      location: { source: path },
      hint: 'check the path; relative paths start from the current folder',
      cause: error,
    });
  }
  if (size === 0) {
    throw new DataError('data.empty', 'the file is empty (0 bytes)', {
      location: { source: path },
      hint: 'check that the export or download that wrote it finished',
    });
  }
  const handle = await open(path, 'r');
  try {
    const bytes = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
    await handle.read(bytes, 0, bytes.length, 0);
    return { bytes, complete: size <= SAMPLE_BYTES };
  } finally {
    await handle.close();
  }
}

function detectFormat(path: string, head: FileHead): SourceFormat {
  const b = head.bytes;
  if (b.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  if (b.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return 'sqlite';
  if (b.subarray(8, 12).toString('latin1') === 'DUCK') return 'duckdb';
  if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 3 && b[3] === 4) {
    throw new DataError(
      'data.zip',
      'this is a ZIP archive (an Excel .xlsx file is one), not a table keel can read',
      {
        location: { source: path },
        hint: 'unzip it, or save the sheet as CSV',
      },
    );
  }
  const ext = extname(path.replace(/\.gz$/i, '')).toLowerCase();
  if (ext === '.parquet') return 'parquet';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.duckdb') return 'duckdb';
  if (ext === '.sqlite' || ext === '.sqlite3') return 'sqlite';
  return 'csv';
}

async function readDelimited(
  path: string,
  head: FileHead,
  format: 'csv' | 'tsv',
  options: ReadOptions,
): Promise<ReadResult> {
  const text = decodeSample(path, head);
  const dialect = sniffCsv(text.text, {
    source: path,
    delimiter: options.delimiter ?? (format === 'tsv' ? '\t' : undefined),
    header: options.header,
    complete: text.complete,
  });
  const missing = options.missing ?? DEFAULT_MISSING_MARKERS;
  const settings = [
    `delim = ${sqlString(dialect.delimiter)}`,
    `quote = ${sqlString(dialect.quote)}`,
    `escape = ${sqlString(dialect.quote)}`,
    `header = ${dialect.header}`,
    'strict_mode = true',
    `nullstr = [${missing.map(sqlString).join(', ')}]`,
    // DuckDB's candidates less BOOLEAN: keel reads yes/no and true/false words itself, keeping their
    // spelling for a target's labels (DuckDB would hand back 0/1 with the words gone).
    "auto_type_candidates = ['NULL', 'BIGINT', 'DOUBLE', 'TIME', 'DATE', 'TIMESTAMP', 'VARCHAR']",
  ];
  if (!dialect.header) {
    const names = dialect.firstRecord.map((_, j) => sqlString(`column${j + 1}`));
    settings.push(`names = [${names.join(', ')}]`);
  }
  const textKinds = Object.entries(options.kinds ?? {}).filter(
    ([, kind]) => kind === 'categorical' || kind === 'text' || kind === 'id',
  );
  if (textKinds.length > 0) {
    // Read as text what the user says is text, so that "007" stays "007".
    settings.push(`types = {${textKinds.map(([name]) => `${sqlString(name)}: 'VARCHAR'`).join(', ')}}`);
  }
  const relation = (sampleSize: number) =>
    `read_csv(${sqlString(path)}, ${settings.join(', ')}, sample_size = ${sampleSize})`;
  let raw: RawColumn[];
  try {
    raw = await viaDuckDB(path, relation(20_480));
  } catch (error) {
    // A value past the type-detection sample that does not fit the type guessed from the sample:
    // detect the types from the whole file instead (slower, but right).
    if (!(error instanceof DataError && error.code === 'data.bad-value')) throw error;
    raw = await viaDuckDB(path, relation(-1));
  }
  return finish(raw, format, path, options, dialect);
}

async function viaDuckDB(
  source: string,
  relation: string,
  prelude: readonly string[] = [],
): Promise<RawColumn[]> {
  return withDuckDB(async (connection) => {
    try {
      for (const statement of prelude) await connection.run(statement);
      return await readRelation(connection, relation);
    } catch (error) {
      throw fromDuckDBError(error, source);
    }
  });
}

interface DecodedSample {
  readonly text: string;
  readonly complete: boolean;
}

function decodeSample(path: string, head: FileHead): DecodedSample {
  let bytes = head.bytes;
  let complete = head.complete;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    // Gzipped text: DuckDB reads it whole; for the sample, inflate what the first MiB holds.
    bytes = gunzipSync(bytes, { finishFlush: zlib.Z_SYNC_FLUSH });
    complete = false;
  }
  if (bytes.includes(0)) {
    throw new DataError('data.binary', 'this is a binary file, not delimited text', {
      location: { source: path },
      hint: 'keel reads CSV/TSV, Parquet, JSON lines, SQLite and DuckDB files; check the file and its extension',
    });
  }
  const badAt = firstInvalidUtf8(bytes, complete);
  if (badAt >= 0) {
    throw new DataError('data.encoding', 'this line is not valid UTF-8 text', {
      location: { source: path, line: countLines(bytes, badAt) },
      hint: 'save the file as UTF-8 (for example: iconv -f latin1 -t utf-8 in.csv > out.csv)',
    });
  }
  return { text: new TextDecoder('utf-8').decode(bytes), complete };
}

/** Offset of the first byte that breaks UTF-8, or -1. A sequence cut by the sample's end is fine. */
function firstInvalidUtf8(bytes: Uint8Array, complete: boolean): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length =
      b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    if (i + length > bytes.length) return complete ? i : -1;
    for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return -1;
}

function countLines(bytes: Uint8Array, end: number): number {
  let lines = 1;
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) lines++;
  return lines;
}

function databaseQuery(source: string, options: ReadOptions): string {
  if (options.query !== undefined) return options.query;
  if (options.table !== undefined) return `SELECT * FROM ${sqlIdentifier(options.table)}`;
  throw new UsageError('usage.no-query', 'a database source needs a query or a table name', {
    location: { source, field: 'query' },
    hint: 'pass --query "SELECT …" or --table NAME',
  });
}

/** With neither a query nor a table, a database that holds exactly one table is read whole. */
async function sqliteQuery(path: string, options: ReadOptions): Promise<string> {
  if (options.query !== undefined || options.table !== undefined) return databaseQuery(path, options);
  const raw = readSqlite(
    path,
    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name",
  );
  return onlyTable(path, (raw[0]?.values ?? []) as (string | null)[], options);
}

async function readDuckDBFile(path: string, options: ReadOptions): Promise<RawColumn[]> {
  const attach = [`ATTACH ${sqlString(path)} AS keel_source (READ_ONLY)`, 'USE keel_source'];
  let query = options.query ?? (options.table === undefined ? undefined : databaseQuery(path, options));
  if (query === undefined) {
    const tables = await viaDuckDB(
      path,
      "(SELECT table_name FROM information_schema.tables WHERE table_catalog = 'keel_source' ORDER BY 1)",
      attach,
    );
    query = onlyTable(path, (tables[0]?.values ?? []) as (string | null)[], options);
  }
  return viaDuckDB(path, `(${query})`, attach);
}

function onlyTable(path: string, tables: readonly (string | null)[], options: ReadOptions): string {
  if (tables.length === 1) return databaseQuery(path, { ...options, table: tables[0]! });
  throw new UsageError('usage.no-query', `the database holds ${tables.length} tables; say which to read`, {
    location: { source: path, field: 'table' },
    hint: tables.length === 0 ? 'the database is empty' : `pass --table with one of: ${tables.join(', ')}`,
  });
}
