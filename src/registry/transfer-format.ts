import { createHash, type Hash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { DataError } from '../core/errors.js';
import type { Row, SqlValue } from './db.js';
import { PRIMARY_KEYS, TABLES, type TableName } from './schema.js';

/**
 * The file `keel store export` writes and `keel store import` reads: JSON
 * lines, UTF-8, one record a line, so it streams in both directions and a
 * damaged line can be named.
 *
 *   line 1        header   {"format":"keel-store-export","formatVersion":1,"keelVersion",
 *                           "schemaVersion","exportedAt","source":{backend,location},
 *                           "tables":{table: rows},"artifacts":{"count","bytes"}}
 *   then          artifact {"artifact":"<sha256>","bytes":n,"data":"<base64>"}, one per
 *                           file that a model version or run artifact refers to, sorted by hash
 *   then, for each table in store order (parents first):
 *                 table    {"table":"keel_runs","columns":[…sorted…],"rows":n}
 *                 n rows   [value, …] in `columns` order, sorted by primary key
 *   last line     trailer  {"end":"keel-store-export","lines":n,"tables":{table: sha256},
 *                           "sha256":"…"}
 *
 * Values are the database's own (snake_case columns, JSON as text, times as
 * epoch ms, a NaN metric as null), so a dump of one backend loads into the
 * other unchanged. JSON has no infinities: ±Infinity (and a NaN, should one
 * appear) are written `{"f":"Infinity"}`, which no stored value can be
 * confused with. A table's digest is the SHA-256 of its row lines, each
 * followed by "\n"; the trailer's `sha256` covers every byte before it.
 * Artifacts come before the rows that refer to them, so an importer can
 * store them first.
 */

export const FORMAT = 'keel-store-export';
export const FORMAT_VERSION = 1;

export interface ExportHeader {
  readonly format: typeof FORMAT;
  readonly formatVersion: number;
  readonly keelVersion: string;
  readonly schemaVersion: number;
  readonly exportedAt: number;
  readonly source: { readonly backend: string; readonly location: string };
  readonly tables: { readonly [table: string]: number };
  readonly artifacts: { readonly count: number; readonly bytes: number };
}

export interface TableStart {
  readonly table: TableName;
  readonly columns: readonly string[];
  readonly rows: number;
}

export interface Trailer {
  readonly end: typeof FORMAT;
  readonly lines: number;
  readonly tables: { readonly [table: string]: string };
  readonly sha256: string;
}

/** The columns of a dump, sorted, so both backends write the same line for the same row. */
export function columnsOf(rows: readonly Row[]): string[] {
  return rows.length === 0 ? [] : Object.keys(rows[0]!).sort();
}

export function encodeRow(row: Row, columns: readonly string[]): string {
  return JSON.stringify(columns.map((c) => encodeValue(row[c] ?? null)));
}

function encodeValue(value: SqlValue): SqlValue | { f: string } {
  return typeof value === 'number' && !Number.isFinite(value) ? { f: String(value) } : value;
}

/** The primary key of an encoded row, as one string (rows of one table compare by it). */
export function keyOf(table: TableName, columns: readonly string[], cells: readonly unknown[]): string {
  return JSON.stringify(PRIMARY_KEYS[table].map((k) => cells[columns.indexOf(k)]));
}

export function sha256Hex(hash: Hash): string {
  return hash.digest('hex');
}

/** What `readExport` hands to its caller, in file order. Each callback may be async. */
export interface ExportVisitor {
  artifact?(hash: string, bytes: Uint8Array, line: number): Promise<void> | void;
  table?(start: TableStart, line: number): Promise<void> | void;
  /** `cells` is the row as written (for digests and keys); `row` is decoded for the database. */
  row?(
    start: TableStart,
    row: Row,
    cells: readonly unknown[],
    text: string,
    line: number,
  ): Promise<void> | void;
  tableEnd?(start: TableStart): Promise<void> | void;
}

export interface ExportSummary {
  readonly header: ExportHeader;
  readonly trailer: Trailer;
  /** Hashes of the artifacts the file carries. */
  readonly artifacts: ReadonlySet<string>;
}

/**
 * Reads an export from start to end, checking everything as it goes: the
 * header, each artifact's hash, each table's row count and digest, that
 * every artifact a row refers to is in the file, the line count and the
 * checksum over the whole file. Any mismatch throws a DataError naming the
 * file (and the line, when one is to blame) — after the visitor has seen
 * the earlier lines, so a caller that writes must do so in a transaction
 * it can roll back, or read the file once without writing first.
 */
export async function readExport(file: string, visitor: ExportVisitor = {}): Promise<ExportSummary> {
  await checkReadable(file);
  const reader = new ExportReader(file, visitor);
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const text of lines) await reader.line(text);
  return reader.finish();
}

async function checkReadable(file: string): Promise<void> {
  try {
    await access(file, constants.R_OK);
  } catch (error) {
    throw new DataError('registry.bad-export', `cannot read the export: ${(error as Error).message}`, {
      location: { source: file },
      hint: 'check the path (keel store export FILE writes one)',
      cause: error,
    });
  }
}

/** Columns of the store that name an artifact: its bytes must travel with the row. */
const ARTIFACT_COLUMNS: { readonly [table: string]: string } = {
  keel_model_versions: 'artifact_hash',
  keel_run_artifacts: 'hash',
};

class ExportReader {
  private lineNo = 0;
  private header: ExportHeader | undefined;
  private trailer: Trailer | undefined;
  private readonly whole = createHash('sha256');
  private readonly artifacts = new Set<string>();
  private readonly seenTables = new Set<string>();
  private current: { start: TableStart; digest: Hash; rows: number; line: number } | undefined;
  private readonly digests = new Map<string, string>();
  private readonly referenced = new Map<string, number>();

  constructor(
    private readonly file: string,
    private readonly visitor: ExportVisitor,
  ) {}

  async line(text: string): Promise<void> {
    this.lineNo++;
    if (this.trailer !== undefined) this.fail('there is more after the trailer line');
    const value = this.parse(text);
    if (this.header === undefined) {
      this.header = this.checkHeader(value);
    } else if (isObject(value) && value['end'] === FORMAT) {
      await this.closeTable();
      this.trailer = value as unknown as Trailer;
      return; // the trailer is not part of its own checksum
    } else if (Array.isArray(value)) {
      await this.row(value, text);
    } else if (isObject(value) && typeof value['artifact'] === 'string') {
      await this.artifact(value);
    } else if (isObject(value) && typeof value['table'] === 'string') {
      await this.startTable(value);
    } else {
      this.fail('this line is neither an artifact, a table, a row nor the trailer');
    }
    this.whole.update(`${text}\n`);
  }

  private parse(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      return this.fail('this line is not valid JSON (the file is damaged or truncated)');
    }
  }

  private checkHeader(value: unknown): ExportHeader {
    if (!isObject(value) || value['format'] !== FORMAT) {
      this.fail('this is not a keel store export (its first line has no "format":"keel-store-export")');
    }
    const header = value as unknown as ExportHeader;
    if (header.formatVersion !== FORMAT_VERSION) {
      this.fail(
        `export format version ${header.formatVersion} is not one this keel reads (${FORMAT_VERSION})`,
      );
    }
    if (!Number.isInteger(header.schemaVersion) || !isObject(header.tables)) {
      this.fail('the header lacks the store schema version or the table counts');
    }
    return header;
  }

  private async artifact(value: Record<string, unknown>): Promise<void> {
    if (this.current !== undefined || this.seenTables.size > 0) this.fail('an artifact after the tables');
    const hash = value['artifact'] as string;
    const bytes = Buffer.from(String(value['data'] ?? ''), 'base64');
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== hash || bytes.byteLength !== value['bytes']) {
      this.fail(`artifact ${hash} is damaged: its bytes hash to ${actual} (${bytes.byteLength} bytes)`);
    }
    this.artifacts.add(hash);
    await this.visitor.artifact?.(
      hash,
      new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      this.lineNo,
    );
  }

  private async startTable(value: Record<string, unknown>): Promise<void> {
    await this.closeTable();
    const table = value['table'] as string;
    if (!(TABLES as readonly string[]).includes(table)) this.fail(`"${table}" is not a table of the store`);
    const previous = [...this.seenTables].at(-1);
    if (
      previous !== undefined &&
      TABLES.indexOf(table as TableName) <= TABLES.indexOf(previous as TableName)
    ) {
      this.fail(`table ${table} comes after ${previous}: tables must come parents first, each once`);
    }
    const columns = value['columns'];
    if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string' && /^[a-z_]+$/.test(c))) {
      this.fail(`table ${table} has no valid column list`);
    }
    this.seenTables.add(table);
    const start: TableStart = { table: table as TableName, columns, rows: Number(value['rows']) };
    this.current = { start, digest: createHash('sha256'), rows: 0, line: this.lineNo };
    await this.visitor.table?.(start, this.lineNo);
  }

  private async row(cells: unknown[], text: string): Promise<void> {
    const current = this.current ?? this.fail('a row before any table line');
    const { columns, table } = current.start;
    if (cells.length !== columns.length) {
      this.fail(`a row of ${table} with ${cells.length} values, not ${columns.length}`);
    }
    const row: Row = {};
    for (let i = 0; i < columns.length; i++) row[columns[i]!] = this.decode(cells[i], columns[i]!);
    const artifactColumn = ARTIFACT_COLUMNS[table];
    if (artifactColumn !== undefined) this.noteReference(String(row[artifactColumn]));
    current.rows++;
    current.digest.update(`${text}\n`);
    await this.visitor.row?.(current.start, row, cells, text, this.lineNo);
  }

  private decode(cell: unknown, column: string): SqlValue {
    if (cell === null || typeof cell === 'string' || typeof cell === 'number') return cell;
    if (isObject(cell) && ['Infinity', '-Infinity', 'NaN'].includes(cell['f'] as string)) {
      return Number(cell['f']);
    }
    return this.fail(`column ${column} holds ${JSON.stringify(cell)}, which is not a stored value`);
  }

  private noteReference(hash: string): void {
    if (!this.referenced.has(hash)) this.referenced.set(hash, this.lineNo);
  }

  private async closeTable(): Promise<void> {
    const current = this.current;
    if (current === undefined) return;
    this.current = undefined;
    const { table, rows } = current.start;
    if (current.rows !== rows || this.header!.tables[table] !== rows) {
      this.fail(
        `table ${table} holds ${current.rows} rows where the file says ${rows} (header: ${this.header!.tables[table]})`,
        current.line,
      );
    }
    this.digests.set(table, sha256Hex(current.digest));
    await this.visitor.tableEnd?.(current.start);
  }

  finish(): ExportSummary {
    const header = this.header ?? this.fail('the file is empty', 1);
    const trailer =
      this.trailer ??
      this.fail(`the file ends at line ${this.lineNo} without its trailer: it is truncated`, this.lineNo);
    this.checkTablesAndArtifacts(header, trailer);
    const checksum = sha256Hex(this.whole);
    if (trailer.lines !== this.lineNo || trailer.sha256 !== checksum) {
      this.fail(
        `checksum mismatch: the file was changed after it was exported (${this.lineNo} lines hash to ${checksum}, the trailer says ${trailer.lines} lines, ${trailer.sha256})`,
        this.lineNo,
      );
    }
    return { header, trailer, artifacts: this.artifacts };
  }

  private checkTablesAndArtifacts(header: ExportHeader, trailer: Trailer): void {
    for (const table of TABLES) {
      if (!this.seenTables.has(table)) this.fail(`table ${table} is missing`, this.lineNo);
      if (trailer.tables[table] !== this.digests.get(table)) {
        this.fail(`the rows of ${table} do not match their digest in the trailer`, this.lineNo);
      }
    }
    if (this.artifacts.size !== header.artifacts.count) {
      this.fail(
        `the file holds ${this.artifacts.size} artifacts, the header says ${header.artifacts.count}`,
        1,
      );
    }
    for (const [hash, line] of this.referenced) {
      if (!this.artifacts.has(hash))
        this.fail(`a row refers to artifact ${hash}, which the file lacks`, line);
    }
  }

  private fail(message: string, line = this.lineNo): never {
    throw new DataError('registry.bad-export', message, {
      location: { source: this.file, line },
      hint: 'export the store again (keel store export FILE) and copy the file whole; an export is refused rather than half-imported',
    });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
