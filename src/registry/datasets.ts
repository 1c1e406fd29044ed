import { UsageError } from '../core/errors.js';
import { checkJsonObject } from './checks.js';
import type { DatasetRow } from './rows.js';
import { datasetRecord } from './rows.js';
import type { StoreContext } from './runs.js';
import type { DatasetInput, DatasetRecord } from './types.js';

/**
 * A dataset is keyed by its content hash: recording the same data again
 * returns the first record (adding a profile if it had none).
 */
export async function recordDataset(ctx: StoreContext, input: DatasetInput): Promise<DatasetRecord> {
  if (typeof input.hash !== 'string' || input.hash === '') {
    throw new UsageError('registry.bad-hash', 'a dataset needs its content hash', {
      location: { field: 'hash' },
    });
  }
  const schema = checkJsonObject(input.schema, 'schema');
  const profile = input.profile === undefined ? null : checkJsonObject(input.profile, 'profile');
  const rows = Number(input.schema.rows ?? 0);
  await ctx.db.transaction((tx) =>
    tx.run(
      `INSERT INTO keel_datasets (project, hash, source, row_count, schema_json, profile_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (project, hash) DO UPDATE SET profile_json = COALESCE(excluded.profile_json, keel_datasets.profile_json)`,
      [ctx.project, input.hash, String(input.source), rows, schema, profile, Date.now()],
    ),
  );
  return (await getDataset(ctx, input.hash))!;
}

export async function getDataset(ctx: StoreContext, hash: string): Promise<DatasetRecord | undefined> {
  const [row] = await ctx.db.query<DatasetRow>('SELECT * FROM keel_datasets WHERE project = ? AND hash = ?', [
    ctx.project,
    hash,
  ]);
  return row === undefined ? undefined : datasetRecord(row);
}
