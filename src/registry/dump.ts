import { UsageError } from '../core/errors.js';
import type { Queryable, Row } from './db.js';
import { byText } from './rows.js';
import type { TableName } from './schema.js';
import { PRIMARY_KEYS, TABLES } from './schema.js';

/**
 * Table-level reads for `keel store export` (transfer.ts): rows as the
 * database holds them (snake_case columns, JSON as text, NaN metrics as
 * null), so a dump of one backend loads into the other unchanged.
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
export async function dumpTable(db: Queryable, name: string): Promise<Row[]> {
  const table = checkTable(name);
  const rows = await db.query<Row>(`SELECT * FROM ${table}`);
  const key = PRIMARY_KEYS[table];
  return rows.sort(byText(...key.map((column) => (row: Row) => row[column] as string | number)));
}
