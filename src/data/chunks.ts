/**
 * Tables larger than memory, read in chunks of rows and written back with
 * columns appended. The file is first staged into a scratch DuckDB database
 * on disk: DuckDB parses it in parallel there (streaming a file straight to
 * the client runs one pipeline, several times slower), checks every line
 * before anything is written, and afterwards serves any range of rows by
 * `rowid` without rescanning what came before (LIMIT/OFFSET would, making a
 * whole pass quadratic). Its buffer pool is capped and spills to the scratch
 * folder, so memory stays flat whatever the file's size.
 *
 * Columns the schema names are staged in the type training saw (numbers as
 * DOUBLE, categories and text as VARCHAR, times as TIMESTAMP): a chunk whose
 * values happen to be all whole, or that lacks a category, reads exactly as
 * the training data did. Other columns keep the types DuckDB gives them and
 * pass through to the output untouched by JavaScript.
 *
 * A text file written back as text keeps its cells as they were written: a
 * second, all-text staging of the file is what the output copies, so `yes`
 * stays `yes` (not `true`), `3` stays `3` (not `3.0`), a date keeps its
 * spelling and `NA` stays `NA`. Only the appended columns are keel's.
 */
import { randomUUID } from 'node:crypto';
import { open, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import { gunzipSync, constants as zlib } from 'node:zlib';
import {
  BIGINT,
  DOUBLE,
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  type DuckDBType,
  DuckDBVector,
  INTEGER,
} from '@duckdb/node-api';
import { DataError, KeelError, SchemaError, UsageError } from '../core/errors.js';
import type { Column } from './column.js';
import { fromDuckDBError, rawTypeOf, sqlIdentifier, sqlString } from './duckdb.js';
import { Frame } from './frame.js';
import { DEFAULT_MISSING_MARKERS } from './read.js';
import type { ColumnSchema, Schema } from './schema.js';
import { sniffCsv } from './sniff.js';
import { writeAtomically } from './write.js';

export type ChunkedFormat = 'csv' | 'tsv' | 'parquet';

export interface ChunkedReadOptions {
  /** The columns to read typed, as a model's schema gives them; every one must be in the file. */
  readonly schema: Schema;
  /** Delimited text: the field delimiter (detected when absent). */
  readonly delimiter?: string;
  /** Delimited text: whether the first line names the columns (detected when absent). */
  readonly header?: boolean;
  /** Strings that mean "missing"; default DEFAULT_MISSING_MARKERS (what training read with). */
  readonly missing?: readonly string[];
  /** Where the scratch database and DuckDB's spill files go; default the output's folder. */
  readonly scratchDir: string;
  /** DuckDB's buffer pool; default 256 (it spills to the scratch folder beyond). */
  readonly memoryLimitMb?: number;
  /**
   * Text files: also stage every cell as the text it was written, for a text
   * output that must pass the file's columns through unchanged.
   */
  readonly keepText?: boolean;
}

/** Rows `firstRow … firstRow + frame.rowCount - 1` of the file (0-based), schema columns only. */
export interface TableChunk {
  readonly frame: Frame;
  readonly firstRow: number;
}

export interface ChunkedTable {
  readonly source: string;
  readonly format: ChunkedFormat;
  readonly rowCount: number;
  /** Every column of the file, in order. */
  readonly names: readonly string[];
  /** Text files: the line of the first data row, so a chunk row maps to a line (no multi-line fields). */
  readonly firstDataLine: number | undefined;
  chunks(rowsPerChunk: number): AsyncGenerator<TableChunk>;
  /** Appends the columns of `frame` to the rows added so far (in order, after the file's columns). */
  append(frame: Frame): Promise<void>;
  /** Writes the file's columns and the appended ones to `path`, atomically. */
  writeTo(path: string, format: 'csv' | 'tsv' | 'parquet'): Promise<void>;
}

/**
 * Stages `source`, hands it to `work`, and removes the scratch database
 * afterwards whatever happens.
 */
export async function withChunkedTable<T>(
  source: string,
  options: ChunkedReadOptions,
  work: (table: ChunkedTable) => Promise<T>,
): Promise<T> {
  const format = await detectChunkedFormat(source);
  const scratch = join(options.scratchDir, `.${basename(source)}.${randomUUID().slice(0, 8)}.scratch`);
  const instance = await DuckDBInstance.create(`${scratch}.duckdb`, {
    threads: String(availableParallelism()),
    memory_limit: `${options.memoryLimitMb ?? 256}MB`,
    temp_directory: `${scratch}.spill`,
  });
  const connection = await instance.connect();
  try {
    const staged = await stage(connection, source, format, options);
    return await work(new StagedTable(connection, source, format, options.schema, staged));
  } finally {
    connection.closeSync();
    instance.closeSync();
    for (const suffix of ['.duckdb', '.duckdb.wal', '.spill']) {
      await rm(`${scratch}${suffix}`, { recursive: true, force: true });
    }
  }
}

interface Staged {
  readonly rowCount: number;
  readonly names: readonly string[];
  readonly firstDataLine: number | undefined;
  /** Whether `keel_text` holds the file's cells as written (text files staged with keepText). */
  readonly asWritten: boolean;
}

// ─── Staging ────────────────────────────────────────────────────────────────

async function stage(
  connection: DuckDBConnection,
  source: string,
  format: ChunkedFormat,
  options: ChunkedReadOptions,
): Promise<Staged> {
  let firstDataLine: number | undefined;
  let asWritten = false;
  try {
    if (format === 'parquet') {
      const relation = `read_parquet(${sqlString(source)})`;
      const described = await describe(connection, relation);
      checkColumns(source, described, options.schema);
      await connection.run(`CREATE TABLE keel_in AS SELECT * FROM ${relation}`);
    } else {
      const csv = await csvRelation(source, format, options);
      firstDataLine = csv.header ? 2 : 1;
      checkPresent(source, csv.names, options.schema);
      try {
        await connection.run(`CREATE TABLE keel_in AS SELECT * FROM ${csv.relation(20_480)}`);
      } catch (error) {
        // A column outside the schema whose type DuckDB guessed from the first rows, contradicted later:
        // guess from the whole file instead, as readTable does.
        const keel = fromDuckDBError(error, source);
        if (keel.code !== 'data.bad-value' || csvSchemaColumn(keel, options.schema)) throw keel;
        await connection.run(`CREATE OR REPLACE TABLE keel_in AS SELECT * FROM ${csv.relation(-1)}`);
      }
      if (options.keepText === true) {
        await connection.run(`CREATE TABLE keel_text AS SELECT * FROM ${csv.asWritten}`);
        asWritten = true;
      }
    }
  } catch (error) {
    throw error instanceof KeelError ? error : fromDuckDBError(error, source);
  }
  const described = await describe(connection, 'keel_in');
  checkColumns(source, described, options.schema);
  const count = await connection.runAndReadAll('SELECT CAST(count(*) AS DOUBLE) FROM keel_in');
  const rowCount = Number(count.getRows()[0]![0]);
  if (rowCount === 0) {
    throw new DataError('data.no-rows', 'the file has column names but no rows', { location: { source } });
  }
  return { rowCount, names: described.map((c) => c.name), firstDataLine, asWritten };
}

function csvSchemaColumn(error: KeelError, schema: Schema): boolean {
  return schema.columns.some((c) => c.name === error.location.column);
}

interface DescribedColumn {
  readonly name: string;
  readonly type: string;
}

async function describe(connection: DuckDBConnection, relation: string): Promise<DescribedColumn[]> {
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
  return described.getRowObjectsJS().map((row) => ({
    name: String(row['column_name']),
    type: String(row['column_type']),
  }));
}

/** The SQL type a schema column is staged in: what training read it as. */
function stagedType(column: ColumnSchema): string {
  switch (column.kind) {
    case 'numeric':
    case 'integer':
      return 'DOUBLE';
    case 'datetime':
      return 'TIMESTAMP';
    case 'id':
      return column.min === undefined ? 'VARCHAR' : 'DOUBLE';
    default:
      // Categories and booleans as text: "007" stays "007", and yes/no words map as training mapped them.
      return 'VARCHAR';
  }
}

interface CsvRelation {
  readonly names: readonly string[];
  readonly header: boolean;
  relation(sampleSize: number): string;
  /**
   * Every cell as the text it was written. Only an unquoted empty field is
   * NULL (DuckDB writes NULL back as an empty field, and an empty string as
   * `""`), so missing-value markers such as `NA` stay text.
   */
  readonly asWritten: string;
}

async function csvRelation(
  source: string,
  format: 'csv' | 'tsv',
  options: ChunkedReadOptions,
): Promise<CsvRelation> {
  const sample = await readSample(source);
  const dialect = sniffCsv(sample.text, {
    source,
    delimiter: options.delimiter ?? (format === 'tsv' ? '\t' : undefined),
    header: options.header,
    complete: sample.complete,
  });
  const names = dialect.header ? dialect.firstRecord : dialect.firstRecord.map((_, j) => `column${j + 1}`);
  const missing = options.missing ?? DEFAULT_MISSING_MARKERS;
  const types = options.schema.columns.map((c) => `${sqlString(c.name)}: '${stagedType(c)}'`);
  const dialectSettings = [
    `delim = ${sqlString(dialect.delimiter)}`,
    `quote = ${sqlString(dialect.quote)}`,
    `escape = ${sqlString(dialect.quote)}`,
    `header = ${dialect.header}`,
    'strict_mode = true',
    `names = [${names.map(sqlString).join(', ')}]`,
  ];
  const settings = [
    ...dialectSettings,
    `nullstr = [${missing.map(sqlString).join(', ')}]`,
    ...(types.length === 0 ? [] : [`types = {${types.join(', ')}}`]),
  ];
  const textSettings = [
    ...dialectSettings,
    'all_varchar = true',
    "nullstr = ['']",
    'allow_quoted_nulls = false',
  ];
  return {
    names,
    header: dialect.header,
    relation: (sampleSize) =>
      `read_csv(${sqlString(source)}, ${settings.join(', ')}, sample_size = ${sampleSize})`,
    asWritten: `read_csv(${sqlString(source)}, ${textSettings.join(', ')})`,
  };
}

/** Every schema column must be in the file (checked before a text file is parsed). */
function checkPresent(source: string, names: readonly string[], schema: Schema): void {
  const present = new Set(names);
  const absent = schema.columns.find((c) => !present.has(c.name));
  if (absent === undefined) return;
  throw new SchemaError('schema.missing-column', 'the model needs this column, and the file lacks it', {
    location: { source, column: absent.name },
    hint: `the model's input columns are: ${listed(schema.columns.map((c) => c.name))}`,
  });
}

/** Every schema column must be in the file, in a type that can mean what training read. */
function checkColumns(source: string, described: readonly DescribedColumn[], schema: Schema): void {
  checkPresent(
    source,
    described.map((c) => c.name),
    schema,
  );
  const types = new Map(described.map((c) => [c.name, c.type]));
  for (const column of schema.columns) {
    const type = types.get(column.name)!;
    const raw = rawTypeOf(type);
    const wantsNumbers = stagedType(column) === 'DOUBLE';
    const fits =
      raw === 'string'
        ? !wantsNumbers && column.kind !== 'datetime'
        : wantsNumbers
          ? raw !== 'datetime'
          : column.kind !== 'datetime' || raw === 'datetime';
    if (!fits) {
      throw new SchemaError(
        'schema.wrong-type',
        `the file holds ${type.toLowerCase()} values here, and the model was trained on ${column.kind} values`,
        {
          location: { source, column: column.name },
          hint: 'convert the column to the type the model was trained on before scoring',
        },
      );
    }
  }
}

// ─── Reading chunks ─────────────────────────────────────────────────────────

class StagedTable implements ChunkedTable {
  readonly rowCount: number;
  readonly names: readonly string[];
  readonly firstDataLine: number | undefined;
  private readonly asWritten: boolean;
  private appended:
    | { readonly appender: DuckDBAppender; readonly columns: AppendedColumn[]; readonly names: string[] }
    | undefined;
  private appendedRows = 0;

  constructor(
    private readonly connection: DuckDBConnection,
    readonly source: string,
    readonly format: ChunkedFormat,
    private readonly schema: Schema,
    staged: Staged,
  ) {
    this.rowCount = staged.rowCount;
    this.names = staged.names;
    this.firstDataLine = staged.firstDataLine;
    this.asWritten = staged.asWritten;
  }

  async *chunks(rowsPerChunk: number): AsyncGenerator<TableChunk> {
    const select = this.schema.columns.map(selectExpression).join(', ');
    for (let first = 0; first < this.rowCount; first += rowsPerChunk) {
      const count = Math.min(rowsPerChunk, this.rowCount - first);
      const readers = this.schema.columns.map((c) => chunkColumnReader(c, count));
      const result = await this.connection.stream(
        `SELECT ${select} FROM keel_in WHERE rowid >= ${first} AND rowid < ${first + count} ORDER BY rowid`,
      );
      let offset = 0;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) break;
        readers.forEach((reader, j) => {
          reader.read(chunk.getColumnVector(j), chunk.rowCount, offset);
        });
        offset += chunk.rowCount;
      }
      const columns = readers.map((reader) => reader.finish((row) => this.locate(first + row)));
      yield { frame: new Frame(columns, this.source), firstRow: first };
    }
  }

  /** Where row `row` (0-based, of the file) is: its line in a text file, else its number. */
  private locate(row: number): RowLocation {
    return this.firstDataLine === undefined
      ? { source: this.source, row }
      : { source: this.source, line: this.firstDataLine + row, row };
  }

  async append(frame: Frame): Promise<void> {
    if (this.appended === undefined) {
      const columns = frame.columns.map(appendedColumn);
      const definitions = columns.map((c, j) => `c${j} ${c.sqlType}`).join(', ');
      await this.connection.run(`CREATE TABLE keel_extra (${definitions})`);
      const appender = await this.connection.createAppender('keel_extra');
      this.appended = { appender, columns, names: frame.names };
    }
    const { appender, columns } = this.appended;
    const chunkSize = DuckDBVector.standardSize();
    for (let start = 0; start < frame.rowCount; start += chunkSize) {
      const count = Math.min(chunkSize, frame.rowCount - start);
      const chunk = DuckDBDataChunk.create(
        columns.map((c) => c.type),
        count,
      );
      frame.columns.forEach((column, j) => {
        const vector = chunk.getColumnVector(j);
        for (let i = 0; i < count; i++) vector.setItem(i, numberAt(column, start + i));
        vector.flush();
      });
      appender.appendDataChunk(chunk);
    }
    this.appendedRows += frame.rowCount;
  }

  async writeTo(path: string, format: 'csv' | 'tsv' | 'parquet'): Promise<void> {
    if (this.appended === undefined || this.appendedRows !== this.rowCount) {
      throw new Error(`appended ${this.appendedRows} rows to a table of ${this.rowCount}`);
    }
    this.appended.appender.flushSync();
    this.appended.appender.closeSync();
    const { columns, names } = this.appended;
    const extra = names.map((name, j) => `${columns[j]!.output(`c${j}`)} AS ${sqlIdentifier(name)}`);
    const options =
      format === 'parquet'
        ? '(FORMAT parquet)'
        : `(FORMAT csv, HEADER true, DELIMITER ${sqlString(format === 'tsv' ? '\t' : ',')})`;
    // Text out of a text file copies the cells as written; Parquet keeps the types the file was read in.
    const input = format !== 'parquet' && this.asWritten ? 'keel_text' : 'keel_in';
    await writeAtomically(path, async (tempPath) => {
      await this.connection.run(
        `COPY (SELECT ${input}.*, ${extra.join(', ')} FROM ${input} POSITIONAL JOIN keel_extra) TO ${sqlString(tempPath)} ${options}`,
      );
    });
  }
}

/** How a schema column is selected so that it arrives as one typed block per DuckDB chunk. */
function selectExpression(column: ColumnSchema): string {
  const c = sqlIdentifier(column.name);
  switch (stagedType(column)) {
    case 'DOUBLE':
      return `COALESCE(CAST(${c} AS DOUBLE), 'NaN'::DOUBLE)`;
    case 'TIMESTAMP':
      return `COALESCE(CAST(epoch_ms(CAST(${c} AS TIMESTAMP)) AS DOUBLE), 'NaN'::DOUBLE)`;
    default:
      return `CAST(${c} AS VARCHAR)`;
  }
}

interface RowLocation {
  readonly source: string;
  readonly line?: number;
  readonly row: number;
}

interface ChunkColumnReader {
  read(vector: DuckDBVector, rows: number, offset: number): void;
  finish(where: (row: number) => RowLocation): Column;
}

function chunkColumnReader(column: ColumnSchema, rows: number): ChunkColumnReader {
  if (stagedType(column) !== 'VARCHAR') {
    const values = new Float64Array(rows);
    return {
      read: (vector, _, offset) => values.set((vector as unknown as { items: Float64Array }).items, offset),
      finish: () => ({ storage: 'number', name: column.name, kind: column.kind as 'numeric', values }),
    };
  }
  const texts = new Array<string | null>(rows);
  return {
    read: (vector, count, offset) => {
      for (let i = 0; i < count; i++) texts[offset + i] = vector.getItem(i) as string | null;
    },
    finish: (where) => textColumn(column, texts, where),
  };
}

function textColumn(
  column: ColumnSchema,
  texts: (string | null)[],
  where: (row: number) => RowLocation,
): Column {
  const { name } = column;
  if (column.kind === 'categorical') return categoricalColumn(column, texts);
  if (column.kind !== 'boolean')
    return { storage: 'string', name, kind: column.kind as 'text', values: texts };
  const values = new Float64Array(texts.length);
  texts.forEach((text, row) => {
    const value = text === null ? Number.NaN : BOOLEAN_WORDS.get(text.trim().toLowerCase());
    if (value === undefined) {
      const { source, line, row: at } = where(row);
      const rowNote = line === undefined ? ` (row ${at + 1})` : '';
      throw new SchemaError('schema.bad-value', `"${text}" is not true or false${rowNote}`, {
        location: { source, line, column: name },
        hint: 'the model was trained on a true/false column; fix the value or leave it empty (missing)',
      });
    }
    values[row] = value;
  });
  return { storage: 'number', name, kind: 'boolean', values };
}

const BOOLEAN_WORDS = new Map<string, number>([
  ...['true', 't', 'yes', 'y', '1'].map((w): [string, number] => [w, 1]),
  ...['false', 'f', 'no', 'n', '0'].map((w): [string, number] => [w, 0]),
]);

/**
 * Codes against the training levels, so a chunk codes a level as training
 * did even when it lacks other levels. A label training never saw gets a
 * level after them: the model's own policy (refuse, or treat as missing)
 * decides what it means. "1.0" finds the level "1" (labels of numbers).
 */
function categoricalColumn(column: ColumnSchema, texts: readonly (string | null)[]): Column {
  const levels = [...(column.levels ?? [])];
  const index = new Map(levels.map((level, code) => [level, code]));
  const codes = new Int32Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (text === null || text === undefined) {
      codes[i] = -1;
      continue;
    }
    let code = index.get(text);
    if (code === undefined) {
      const asNumber = text.trim() === '' ? Number.NaN : Number(text);
      code = Number.isFinite(asNumber) ? index.get(String(asNumber)) : undefined;
    }
    if (code === undefined) {
      code = levels.length;
      levels.push(text);
      index.set(text, code);
    }
    codes[i] = code;
  }
  return { storage: 'categorical', name: column.name, kind: 'categorical', codes, levels };
}

// ─── Appended columns ───────────────────────────────────────────────────────

interface AppendedColumn {
  readonly type: DuckDBType;
  readonly sqlType: string;
  /** The SELECT expression that turns the stored column into what the output holds. */
  output(stored: string): string;
}

/** Numbers as DOUBLE (BIGINT for integer kinds), categories as codes mapped to their labels on output. */
function appendedColumn(column: Column): AppendedColumn {
  if (column.storage === 'categorical') {
    const labels = `[${column.levels.map(sqlString).join(', ')}]`;
    return { type: INTEGER, sqlType: 'INTEGER', output: (stored) => `${labels}[${stored} + 1]` };
  }
  if (column.storage === 'string') throw new Error(`cannot append the text column "${column.name}"`);
  if (column.kind === 'integer') return { type: BIGINT, sqlType: 'BIGINT', output: (stored) => stored };
  return { type: DOUBLE, sqlType: 'DOUBLE', output: (stored) => stored };
}

function numberAt(column: Column, row: number): number | bigint | null {
  if (column.storage === 'categorical') {
    const code = column.codes[row]!;
    return code < 0 ? null : code;
  }
  const value = (column.values as Float64Array)[row]!;
  if (Number.isNaN(value)) return null;
  return column.kind === 'integer' ? BigInt(value) : value;
}

// ─── Files ──────────────────────────────────────────────────────────────────

const SAMPLE_BYTES = 1 << 20;

/** Parquet by its magic bytes or extension; CSV/TSV otherwise. Missing, empty and folder paths fail here. */
async function detectChunkedFormat(source: string): Promise<ChunkedFormat> {
  const head = await readHeadBytes(source, 4);
  if (head.bytes.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  const ext = extname(source.replace(/\.gz$/i, '')).toLowerCase();
  if (ext === '.parquet') return 'parquet';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.csv' || ext === '.txt' || ext === '') return 'csv';
  throw new UsageError('usage.format', `batch scoring reads CSV, TSV and Parquet files, not "${ext}"`, {
    location: { source },
    hint: 'convert the file to CSV or Parquet first',
  });
}

async function readSample(source: string): Promise<{ text: string; complete: boolean }> {
  const head = await readHeadBytes(source, SAMPLE_BYTES);
  let { bytes, complete } = head;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    bytes = gunzipSync(bytes, { finishFlush: zlib.Z_SYNC_FLUSH });
    complete = false;
  }
  return { text: new TextDecoder('utf-8').decode(bytes), complete };
}

async function readHeadBytes(source: string, size: number): Promise<{ bytes: Buffer; complete: boolean }> {
  let fileSize: number;
  try {
    const info = await stat(source);
    if (info.isDirectory()) throw new Error('a folder');
    fileSize = info.size;
  } catch (error) {
    throw new DataError('data.not-found', 'no such file', {
      location: { source },
      hint: 'check the path; relative paths start from the current folder',
      cause: error,
    });
  }
  if (fileSize === 0) {
    throw new DataError('data.empty', 'the file is empty (0 bytes)', { location: { source } });
  }
  const handle = await open(source, 'r');
  try {
    const bytes = Buffer.alloc(Math.min(size, fileSize));
    await handle.read(bytes, 0, bytes.length, 0);
    return { bytes, complete: fileSize <= size };
  } finally {
    await handle.close();
  }
}

function listed(items: readonly string[]): string {
  return items.length <= 12 ? items.join(', ') : `${items.slice(0, 12).join(', ')}, …`;
}
