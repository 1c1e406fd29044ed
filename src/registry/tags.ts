import { UsageError } from '../core/errors.js';
import { unknownModel, unknownRun, unknownVersion } from './checks.js';
import type { Queryable } from './db.js';
import type { StoreContext } from './runs.js';
import type { TagTarget } from './types.js';

/** Sets (or replaces) one tag on a run, a model or a model version. */
export async function setTag(
  ctx: StoreContext,
  target: TagTarget,
  key: string,
  value: string,
): Promise<void> {
  if (typeof key !== 'string' || key === '') {
    throw new UsageError('registry.bad-tag', 'a tag needs a non-empty key', { location: { field: 'key' } });
  }
  await ctx.db.transaction(async (tx) => {
    const { table, owner, columns } = await tagOwner(tx, ctx.project, target);
    const marks = [...columns, 'key', 'value'].map(() => '?').join(', ');
    await tx.run(
      `INSERT INTO ${table} (${[...columns, 'key', 'value'].join(', ')}) VALUES (${marks})
       ON CONFLICT (${[...columns, 'key'].join(', ')}) DO UPDATE SET value = excluded.value`,
      [...owner, key, String(value)],
    );
  });
}

/** The tag table of the target and its key, after checking that the target exists. */
async function tagOwner(tx: Queryable, project: string, target: TagTarget) {
  if (target.kind === 'run') {
    const found = await tx.query('SELECT id FROM keel_runs WHERE id = ?', [target.id]);
    if (found.length === 0) throw unknownRun(target.id);
    return { table: 'keel_run_tags', columns: ['run_id'], owner: [target.id] };
  }
  if (target.kind === 'model') {
    const found = await tx.query('SELECT name FROM keel_models WHERE project = ? AND name = ?', [
      project,
      target.name,
    ]);
    if (found.length === 0) throw unknownModel(target.name, project);
    return { table: 'keel_model_tags', columns: ['project', 'model'], owner: [project, target.name] };
  }
  const found = await tx.query(
    'SELECT version FROM keel_model_versions WHERE project = ? AND model = ? AND version = ?',
    [project, target.name, target.version],
  );
  if (found.length === 0) throw unknownVersion(target.name, target.version);
  return {
    table: 'keel_version_tags',
    columns: ['project', 'model', 'version'],
    owner: [project, target.name, target.version],
  };
}
