import { createHash, type Hash } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DataError, KeelError, UsageError } from '../core/errors.js';
import type { Db, Queryable, Row, SqlValue } from './db.js';
import { dumpTable } from './dump.js';
import { LATEST_VERSION } from './migrations.js';
import { TABLES, type TableName } from './schema.js';
import type { SqlStore } from './sql-store.js';
import {
  columnsOf,
  type ExportHeader,
  type ExportSummary,
  encodeRow,
  FORMAT,
  FORMAT_VERSION,
  keyOf,
  readExport,
  type TableStart,
  type Trailer,
} from './transfer-format.js';
import { KEEL_VERSION } from './version.js';

/**
 * `keel store export|import`: everything a store holds — every table's rows
 * and the bytes of every artifact a model version or run refers to — moved
 * to one file and from it into another store, SQLite or PostgreSQL alike.
 * The file format is described in transfer-format.ts.
 *
 * Export reads all tables in one transaction (a consistent snapshot even
 * while runs are being logged), then writes a temporary file renamed into
 * place, so FILE is either a whole export or untouched.
 *
 * Import reads the file three times, which keeps memory flat and puts the
 * checks before the writes:
 *   1. verify: header, artifact hashes, row counts, table digests, checksum;
 *      the target's schema version; and, unless merging, that the target
 *      holds no data yet. Nothing is written if any of this fails.
 *   2. load, in ONE transaction: artifacts first (hash-checked as stored),
 *      then the rows, parents first. The file is checked again as it is read,
 *      so a file changed between the passes rolls the load back. Artifact
 *      files stored before a failure stay in the folder: they are
 *      content-addressed, referenced by nothing, and removing them could
 *      race with another process storing the same bytes.
 *   3. verify the target: re-read its tables and compare, table by table,
 *      the digest of the rows under the file's keys with the file's digest.
 */

export interface TableReport {
  readonly table: string;
  readonly rows: number;
  /** SHA-256 of the table's row lines (see transfer-format.ts). */
  readonly sha256: string;
}

export interface ExportReport {
  readonly file: string;
  readonly source: string;
  readonly backend: 'sqlite' | 'postgres';
  readonly schemaVersion: number;
  readonly lines: number;
  readonly bytes: number;
  /** The checksum written in the trailer (over every byte before it). */
  readonly sha256: string;
  readonly tables: readonly TableReport[];
  readonly artifacts: { readonly count: number; readonly bytes: number };
}

export async function exportStore(store: SqlStore, file: string): Promise<ExportReport> {
  const path = resolve(file);
  const schemaVersion = currentVersion(await store.migrations());
  const dump = await snapshot(store.db);
  const artifacts = referencedArtifacts(dump);
  const tables = TABLES.map((table) => ({
    table,
    rows: dump.get(table)!,
    columns: columnsOf(dump.get(table)!),
  }));
  const header: ExportHeader = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    keelVersion: KEEL_VERSION,
    schemaVersion,
    exportedAt: Date.now(),
    source: { backend: store.backend, location: store.location },
    tables: Object.fromEntries(tables.map((t) => [t.table, t.rows.length])),
    artifacts: { count: artifacts.size, bytes: [...artifacts.values()].reduce((a, b) => a + b, 0) },
  };
  const temp = `${path}.${process.pid}.tmp`;
  const out = await LineWriter.create(temp);
  try {
    await out.write(JSON.stringify(header));
    for (const [hash, size] of [...artifacts].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const bytes = await store.artifacts.get(hash);
      if (bytes.byteLength !== size) throw artifactSizeMismatch(store, hash, size, bytes.byteLength);
      await out.write(
        JSON.stringify({ artifact: hash, bytes: size, data: Buffer.from(bytes).toString('base64') }),
      );
    }
    const digests: TableReport[] = [];
    for (const { table, rows, columns } of tables) {
      await out.write(JSON.stringify({ table, columns, rows: rows.length }));
      const digest = createHash('sha256');
      for (const row of rows) {
        const line = encodeRow(row, columns);
        digest.update(`${line}\n`);
        await out.write(line);
      }
      digests.push({ table, rows: rows.length, sha256: digest.digest('hex') });
    }
    const { lines, sha256 } = out.checksum();
    const trailer: Trailer = {
      end: FORMAT,
      lines: lines + 1,
      tables: Object.fromEntries(digests.map((d) => [d.table, d.sha256])),
      sha256,
    };
    await out.write(JSON.stringify(trailer));
    const bytes = await out.close();
    await rename(temp, path);
    return {
      file: path,
      source: store.location,
      backend: store.backend,
      schemaVersion,
      lines: trailer.lines,
      bytes,
      sha256,
      tables: digests,
      artifacts: header.artifacts,
    };
  } catch (error) {
    await out.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}

function artifactSizeMismatch(store: SqlStore, hash: string, recorded: number, actual: number): DataError {
  return new DataError(
    'registry.artifact-size',
    `artifact ${hash} has ${actual} bytes where the store records ${recorded}`,
    { location: { source: store.artifacts.root }, hint: 'the store is inconsistent; nothing was exported' },
  );
}

function currentVersion(versions: readonly number[]): number {
  return versions.at(-1) ?? 0;
}

/**
 * Every table, read in one transaction so the tables agree with each other
 * (no metric of a run the dump of keel_runs missed). PostgreSQL's default
 * isolation gives each statement its own snapshot, so the transaction asks
 * for one snapshot for all of them; on SQLite the transaction holds the
 * write lock, which is the same thing.
 */
async function snapshot(db: Db): Promise<Map<TableName, Row[]>> {
  return db.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const tables = new Map<TableName, Row[]>();
    for (const table of TABLES) tables.set(table, await dumpTable(tx, table));
    return tables;
  });
}

/** Hash → size of every artifact a model version or a run refers to. */
function referencedArtifacts(dump: Map<TableName, Row[]>): Map<string, number> {
  const found = new Map<string, number>();
  for (const row of dump.get('keel_model_versions')!) {
    found.set(String(row['artifact_hash']), Number(row['artifact_bytes']));
  }
  for (const row of dump.get('keel_run_artifacts')!) found.set(String(row['hash']), Number(row['bytes']));
  return found;
}

/** Buffered lines to a file, with a running SHA-256 and line count for the trailer. */
class LineWriter {
  private readonly hash: Hash = createHash('sha256');
  private pending: string[] = [];
  private pendingChars = 0;
  private lines = 0;
  private bytes = 0;
  private closed = false;

  private constructor(private readonly handle: Awaited<ReturnType<typeof open>>) {}

  static async create(path: string): Promise<LineWriter> {
    return new LineWriter(await open(path, 'w'));
  }

  async write(line: string): Promise<void> {
    const text = `${line}\n`;
    this.hash.update(text);
    this.lines++;
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= 1 << 20) await this.flush();
  }

  /** The line count and checksum of what was written so far. */
  checksum(): { lines: number; sha256: string } {
    return { lines: this.lines, sha256: this.hash.copy().digest('hex') };
  }

  private async flush(): Promise<void> {
    const chunk = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingChars = 0;
    this.bytes += chunk.byteLength;
    await this.handle.write(chunk);
  }

  /** Flushes to disk and closes; returns the file's size. */
  async close(): Promise<number> {
    if (this.closed) return this.bytes;
    this.closed = true;
    try {
      await this.flush();
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
    return this.bytes;
  }
}

export interface ImportOptions {
  /**
   * Import into a store that already holds data: rows whose key the store
   * has are kept as the store has them (and counted in the report), the
   * rest are added. Default false: a store holding runs, models, datasets
   * or experiments is refused, naming what it holds and what overlaps.
   */
  readonly merge?: boolean;
}

export interface ImportTableReport {
  readonly table: string;
  /** Rows in the file. */
  readonly rows: number;
  /** Rows the load inserted (or, for projects, updated). */
  readonly written: number;
  /** Rows of the table in the store afterwards. */
  readonly storeRows: number;
  /** File rows the store now holds exactly. */
  readonly identical: number;
  /** File rows whose key the store already held with other values (merge only: the store's were kept). */
  readonly kept: number;
  /** The file's digest for the table, and whether the store's rows under the file's keys hash to it. */
  readonly sha256: string;
  readonly verified: boolean;
}

export interface ImportReport {
  readonly file: string;
  readonly target: string;
  readonly backend: 'sqlite' | 'postgres';
  readonly merged: boolean;
  readonly schemaVersion: number;
  readonly exportedAt: number;
  readonly source: { readonly backend: string; readonly location: string; readonly keelVersion: string };
  /** The file's checksum, checked on every pass. */
  readonly sha256: string;
  /** Artifacts in the file, and how many the artifact folder did not hold yet. */
  readonly artifacts: { readonly count: number; readonly bytes: number; readonly written: number };
  readonly tables: readonly ImportTableReport[];
}

/** Tables whose rows are the records a person would call "data": the store is empty without them. */
const RECORD_TABLES = [
  ['keel_runs', 'run'],
  ['keel_models', 'model'],
  ['keel_datasets', 'dataset'],
  ['keel_experiments', 'experiment'],
  ['keel_predictions', 'logged prediction'],
  ['keel_api_keys', 'API key'],
  ['keel_alerts', 'alert'],
] as const;

export async function importStore(
  store: SqlStore,
  file: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const path = resolve(file);
  const merge = options.merge === true;
  const fileKeys = new Map<string, Set<string>>(RECORD_TABLES.map(([table]) => [table, new Set()]));
  const summary = await readExport(path, {
    row: (start, _row, cells) => {
      fileKeys.get(start.table)?.add(keyOf(start.table, start.columns, cells));
    },
  });
  await checkSchemaVersion(store, summary.header, path);
  if (!merge) await refuseNonEmpty(store, fileKeys, path);
  const loaded = await load(store, path, merge);
  const tables = await verifyTarget(store, path, summary, loaded.written);
  const failed = tables.filter((t) => !t.verified && !(merge && t.kept > 0));
  if (failed.length > 0) {
    throw new DataError(
      'registry.import-unverified',
      `imported, but the store's rows differ from the file's in ${failed.map((t) => t.table).join(', ')}`,
      {
        location: { source: store.location },
        hint: 'another process wrote to the store during the import; compare with keel store export',
      },
    );
  }
  return {
    file: path,
    target: store.location,
    backend: store.backend,
    merged: merge,
    schemaVersion: summary.header.schemaVersion,
    exportedAt: summary.header.exportedAt,
    source: { ...summary.header.source, keelVersion: summary.header.keelVersion },
    sha256: summary.trailer.sha256,
    artifacts: { ...summary.header.artifacts, written: loaded.artifactsWritten },
    tables,
  };
}

async function checkSchemaVersion(store: SqlStore, header: ExportHeader, file: string): Promise<void> {
  const target = currentVersion(await store.migrations());
  if (header.schemaVersion === target) return;
  const newer = header.schemaVersion > LATEST_VERSION;
  throw new DataError(
    'registry.export-schema',
    `the export is at store schema version ${header.schemaVersion} (keel ${header.keelVersion}); the store at ${store.location} is at version ${target}`,
    {
      location: { source: file, line: 1 },
      hint: newer
        ? 'upgrade keel to the version that wrote the export (npm install keel@latest), then import'
        : 'run keel store migrate on the source store with this keel, export it again, then import',
    },
  );
}

/** Refuses a target that already holds records, saying what it holds and which of the file's are there too. */
async function refuseNonEmpty(
  store: SqlStore,
  fileKeys: Map<string, Set<string>>,
  file: string,
): Promise<void> {
  const held: string[] = [];
  const overlaps: string[] = [];
  for (const [table, noun] of RECORD_TABLES) {
    const rows = await dumpTable(store.db, table);
    if (rows.length === 0) continue;
    held.push(plural(rows.length, noun));
    const columns = columnsOf(rows);
    const mine = fileKeys.get(table)!;
    const shared = rows
      .map((row) => keyOf(table, columns, JSON.parse(encodeRow(row, columns)) as unknown[]))
      .filter((key) => mine.has(key));
    if (shared.length > 0) overlaps.push(`${plural(shared.length, noun)} (${shown(shared)})`);
  }
  if (held.length === 0) return;
  const overlap =
    overlaps.length === 0 ? 'none of them is in the file' : `the file has ${overlaps.join(', ')} too`;
  throw new UsageError(
    'registry.import-not-empty',
    `the store at ${store.location} already holds ${held.join(', ')}; ${overlap}`,
    {
      location: { source: file },
      hint: 'import into an empty store, or pass --merge (merge: true) to add only what the store lacks, keeping the records it has',
    },
  );
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** A few keys of an overlap, readable: `"run-id"`, `default/wine`. */
function shown(keys: readonly string[]): string {
  const names = keys.slice(0, 3).map((k) => (JSON.parse(k) as unknown[]).join('/'));
  return keys.length > 3 ? `${names.join(', ')}, …` : names.join(', ');
}

const BATCH = 100;

interface Loaded {
  readonly artifactsWritten: number;
  readonly written: ReadonlyMap<string, number>;
}

/** Pass 2: artifacts, then every row, in one transaction; counters repaired after a merge. */
async function load(store: SqlStore, file: string, merge: boolean): Promise<Loaded> {
  let artifactsWritten = 0;
  const written = new Map<string, number>();
  await store.db.transaction(async (tx) => {
    let batch: Row[] = [];
    let firstLine = 0;
    const flush = async (start: TableStart) => {
      if (batch.length === 0) return;
      const changed = await insertBatch(tx, start, batch, merge, { file, firstLine });
      written.set(start.table, (written.get(start.table) ?? 0) + changed);
      batch = [];
    };
    await readExport(file, {
      artifact: async (hash, bytes) => {
        if (!(await store.artifacts.has(hash))) artifactsWritten++;
        const stored = await store.artifacts.put(bytes);
        if (stored !== hash)
          throw new DataError('registry.bad-export', `artifact ${hash} stored as ${stored}`);
      },
      row: async (start, row, _cells, _text, line) => {
        if (batch.length === 0) firstLine = line;
        batch.push(row);
        if (batch.length >= BATCH) await flush(start);
      },
      tableEnd: flush,
    });
    await repairCounters(tx);
  });
  return { artifactsWritten, written };
}

async function insertBatch(
  tx: Queryable,
  start: TableStart,
  rows: readonly Row[],
  merge: boolean,
  where: { file: string; firstLine: number },
): Promise<number> {
  const { table, columns } = start;
  const marks = `(${columns.map(() => '?').join(', ')})`;
  const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${rows.map(() => marks).join(', ')}${onConflict(table, merge)}`;
  const params: SqlValue[] = rows.flatMap((row) => columns.map((c) => row[c] ?? null));
  try {
    return await tx.run(sql, params);
  } catch (error) {
    if (error instanceof KeelError) throw error;
    const last = where.firstLine + rows.length - 1;
    throw new DataError(
      'registry.import-failed',
      `cannot load the ${table} rows at lines ${where.firstLine}–${last}: ${(error as Error).message}; nothing was imported`,
      {
        location: { source: where.file, line: where.firstLine },
        hint: merge
          ? 'the store may hold records that contradict the file'
          : 'import into an empty store, or pass --merge',
        cause: error,
      },
    );
  }
}

/**
 * Projects are namespaces that opening a store creates: importing into an
 * empty store takes the file's creation time for them; a merge keeps the
 * store's. Other rows must be new, unless merging.
 */
function onConflict(table: TableName, merge: boolean): string {
  if (merge) return ' ON CONFLICT DO NOTHING';
  if (table === 'keel_projects') return ' ON CONFLICT (name) DO UPDATE SET created_at = excluded.created_at';
  return '';
}

/**
 * The counters that number versions, alias moves and log lines live on the
 * parent row (schema.ts). After a merge a parent the store already had may
 * have gained children from the file: raise its counter past them, so the
 * next version or log line does not collide.
 */
async function repairCounters(tx: Queryable): Promise<void> {
  const raise = (table: string, counter: string, child: string, expr: string, match: string) => {
    const highest = `(SELECT MAX(${expr}) FROM ${child} c WHERE ${match})`;
    return tx.run(`UPDATE ${table} SET ${counter} = ${highest} WHERE ${counter} < ${highest}`);
  };
  const model = 'c.project = keel_models.project AND c.model = keel_models.name';
  await raise('keel_models', 'latest_version', 'keel_model_versions', 'c.version', model);
  await raise('keel_models', 'alias_moves', 'keel_alias_moves', 'c.seq', model);
  await raise('keel_runs', 'log_lines', 'keel_run_logs', 'c.seq + 1', 'c.run_id = keel_runs.id');
}

/**
 * Pass 3: the store's rows, read back, against the file's, table by table:
 * for each file row, the store's row under the same key, its line hashed in
 * file order. Identical rows everywhere ⇔ the digests match.
 */
async function verifyTarget(
  store: SqlStore,
  file: string,
  summary: ExportSummary,
  written: ReadonlyMap<string, number>,
): Promise<ImportTableReport[]> {
  const dump = await snapshot(store.db);
  const reports: ImportTableReport[] = [];
  let current: { byKey: Map<string, string>; digest: Hash; identical: number; kept: number } | undefined;
  await readExport(file, {
    table: (start) => {
      const byKey = new Map<string, string>();
      for (const row of dump.get(start.table)!) {
        const line = encodeRow(row, start.columns);
        byKey.set(keyOf(start.table, start.columns, JSON.parse(line) as unknown[]), line);
      }
      current = { byKey, digest: createHash('sha256'), identical: 0, kept: 0 };
    },
    row: (start, _row, cells, text, line) => {
      const theirs = current!.byKey.get(keyOf(start.table, start.columns, cells));
      if (theirs === undefined) {
        throw new DataError(
          'registry.import-unverified',
          `the ${start.table} row at line ${line} is not in the store after the import`,
          {
            location: { source: file, line },
          },
        );
      }
      if (theirs === text) current!.identical++;
      else current!.kept++;
      current!.digest.update(`${theirs}\n`);
    },
    tableEnd: (start) => {
      const sha256 = summary.trailer.tables[start.table]!;
      reports.push({
        table: start.table,
        rows: start.rows,
        written: written.get(start.table) ?? 0,
        storeRows: dump.get(start.table)!.length,
        identical: current!.identical,
        kept: current!.kept,
        sha256,
        verified: current!.digest.digest('hex') === sha256,
      });
    },
  });
  return reports;
}
