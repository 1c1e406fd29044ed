import { UsageError } from '../errors.js';
import type { Db, Row } from './db.js';
import { byText } from './rows.js';
import type { TableName } from './schema.js';
import { PRIMARY_KEYS, TABLES } from './schema.js';

/**
 * Table-level access for `keel store export|import`: rows as the database
 * holds them (snake_case columns, JSON as text, NaN metrics as null), so a
 * dump of one backend loads into the other unchanged. Load tables in
 * `TABLES` order (parents first); artifacts are copied separately.
 */

function checkTable(name: string): TableName {
  if ((TABLES as readonly string[]).includes(name)) return name as TableName;
  throw new UsageError('registry.unknown-table', `"${name}" is not a table of the store`, {
    location: { field: 'table' },
    hint: `the tables are ${TABLES.join(', ')}`,
  });
}

/**
 * Every row, ordered by primary key. Sorted here by code unit rather than
 * in SQL, where PostgreSQL's collation and SQLite's binary order differ.
 */
export async function dumpTable(db: Db, name: string): Promise<Row[]> {
  const table = checkTable(name);
  const rows = await db.query<Row>(`SELECT * FROM ${table}`);
  const key = PRIMARY_KEYS[table];
  return rows.sort(byText(...key.map((column) => (row: Row) => row[column] as string | number)));
}

const COLUMN = /^[a-z_]+$/;
const BATCH = 100;

export interface LoadOptions {
  /**
   * Leave rows whose primary key is already there as they are, instead of
   * failing the whole load (e.g. the `default` project, which opening a
   * store creates). Default false: a conflicting row aborts the load.
   */
  readonly skipExisting?: boolean;
}

/** Inserts rows (all with the columns of the first) into one table, in one transaction. */
export async function loadRows(
  db: Db,
  name: string,
  rows: readonly Row[],
  options: LoadOptions = {},
): Promise<void> {
  const table = checkTable(name);
  const conflict = options.skipExisting === true ? ' ON CONFLICT DO NOTHING' : '';
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH);
      const columns = Object.keys(batch[0]!);
      const bad = columns.find((c) => !COLUMN.test(c));
      if (bad !== undefined) {
        throw new UsageError('registry.bad-column', `"${bad}" is not a column of ${table}`, {
          location: { field: bad },
        });
      }
      const marks = `(${columns.map(() => '?').join(', ')})`;
      await tx.run(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${batch.map(() => marks).join(', ')}${conflict}`,
        batch.flatMap((row) => columns.map((c) => row[c] ?? null)),
      );
    }
  });
}
