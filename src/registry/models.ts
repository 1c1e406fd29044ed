import { UsageError } from '../core/errors.js';
import {
  checkAlias,
  checkJsonObject,
  checkName,
  checkVersionNumber,
  unknownAlias,
  unknownModel,
  unknownRun,
  unknownVersion,
} from './checks.js';
import type { Queryable } from './db.js';
import type { ModelRow, MoveRow, VersionRow } from './rows.js';
import { aliasMove, byText, groupPairs, modelRecord, versionRecord } from './rows.js';
import type { StoreContext } from './runs.js';
import { keepArtifact } from './runs.js';
import type { AliasMove, ModelRecord, ModelVersionRecord, VersionInput } from './types.js';

/** Model versions and aliases. Every function works in `ctx.project`. */

export async function registerVersion(ctx: StoreContext, input: VersionInput): Promise<ModelVersionRecord> {
  const name = checkName(input.model, 'model');
  if (!(input.artifact instanceof Uint8Array)) {
    throw new UsageError('registry.bad-artifact', 'artifact must be the model’s bytes (a Uint8Array)', {
      location: { field: 'artifact' },
      hint: 'pass saveModel(model)',
    });
  }
  const row: VersionRow = {
    project: ctx.project,
    model: name,
    version: 0, // numbered in the transaction
    artifact_hash: '',
    artifact_bytes: input.artifact.byteLength,
    kind: String(input.kind),
    task: String(input.task),
    schema_json: checkJsonObject(input.schema, 'schema'),
    metrics_json: checkJsonObject(input.metrics ?? {}, 'metrics'),
    reference_json: input.reference === undefined ? null : checkJsonObject(input.reference, 'reference'),
    run_id: input.runId ?? null,
    dataset_hash: input.datasetHash ?? null,
    created_at: Date.now(),
  };
  const tags = Object.fromEntries(Object.entries(input.tags ?? {}).map(([k, v]) => [k, String(v)]));
  // The bytes first: a row must never point at an artifact that is not there.
  row.artifact_hash = await ctx.artifacts.put(input.artifact);
  await ctx.db.transaction(async (tx) => {
    row.version = await claimVersion(tx, row, input.description);
    if (
      row.run_id !== null &&
      (await tx.query('SELECT id FROM keel_runs WHERE id = ?', [row.run_id])).length === 0
    ) {
      throw unknownRun(row.run_id);
    }
    await keepArtifact(tx, ctx.artifacts, row.artifact_hash, input.artifact);
    const columns = Object.keys(row);
    await tx.run(
      `INSERT INTO keel_model_versions (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      Object.values(row),
    );
    for (const [key, value] of Object.entries(tags)) {
      await tx.run(
        'INSERT INTO keel_version_tags (project, model, version, key, value) VALUES (?, ?, ?, ?, ?)',
        [row.project, row.model, row.version, key, value],
      );
    }
  });
  return versionRecord(row, tags);
}

/**
 * Creates the model on first use and takes its next version number, under
 * the model row's lock: concurrent registrations get distinct numbers, and
 * a number is never given twice (deleted versions keep theirs).
 */
async function claimVersion(
  tx: Queryable,
  row: VersionRow,
  description: string | undefined,
): Promise<number> {
  await tx.run(
    'INSERT INTO keel_models (project, name, description, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    [row.project, row.model, description ?? null, row.created_at],
  );
  if (description !== undefined) {
    await tx.run('UPDATE keel_models SET description = ? WHERE project = ? AND name = ?', [
      description,
      row.project,
      row.model,
    ]);
  }
  const [claimed] = await tx.query<{ latest_version: number }>(
    'UPDATE keel_models SET latest_version = latest_version + 1 WHERE project = ? AND name = ? RETURNING latest_version',
    [row.project, row.model],
  );
  return claimed!.latest_version;
}

export async function getModel(ctx: StoreContext, name: string): Promise<ModelRecord | undefined> {
  return (await models(ctx, name))[0];
}

export function listModels(ctx: StoreContext): Promise<ModelRecord[]> {
  return models(ctx);
}

/** One model, or all of the project's, with their aliases and tags. */
async function models(ctx: StoreContext, name?: string): Promise<ModelRecord[]> {
  const params = name === undefined ? [ctx.project] : [ctx.project, name];
  const one = name === undefined ? '' : ' AND model = ?';
  const rows = await ctx.db.query<ModelRow>(
    `SELECT * FROM keel_models WHERE project = ?${name === undefined ? '' : ' AND name = ?'}`,
    params,
  );
  const aliasRows = await ctx.db.query<{ model: string; alias: string; version: number }>(
    `SELECT model, alias, version FROM keel_aliases WHERE project = ?${one}`,
    params,
  );
  const tagRows = await ctx.db.query<{ model: string; key: string; value: string }>(
    `SELECT model, key, value FROM keel_model_tags WHERE project = ?${one}`,
    params,
  );
  const aliases = groupPairs(aliasRows.map((r) => [r.model, r.alias, r.version]));
  const tags = groupPairs(tagRows.map((r) => [r.model, r.key, r.value]));
  return rows
    .sort(byText((r) => r.name))
    .map((r) => modelRecord(r, aliases.get(r.name) ?? {}, tags.get(r.name) ?? {}));
}

export async function listVersions(ctx: StoreContext, name: string): Promise<ModelVersionRecord[]> {
  await requireModel(ctx.db, ctx.project, name);
  return versions(ctx.db, ctx.project, name);
}

async function versions(
  db: Queryable,
  project: string,
  name: string,
  only?: number,
): Promise<ModelVersionRecord[]> {
  const filter = only === undefined ? '' : ' AND version = ?';
  const params = only === undefined ? [project, name] : [project, name, only];
  const rows = await db.query<VersionRow>(
    `SELECT * FROM keel_model_versions WHERE project = ? AND model = ?${filter} ORDER BY version`,
    params,
  );
  const tagRows = await db.query<{ version: number; key: string; value: string }>(
    `SELECT version, key, value FROM keel_version_tags WHERE project = ? AND model = ?${filter}`,
    params,
  );
  const tags = groupPairs(tagRows.map((r) => [String(r.version), r.key, r.value]));
  return rows.map((r) => versionRecord(r, tags.get(String(r.version)) ?? {}));
}

/** `ref`: a version number, a string of digits (as typed on a command line), or an alias. */
export async function getVersion(
  ctx: StoreContext,
  name: string,
  ref: number | string,
): Promise<ModelVersionRecord | undefined> {
  let version: number | undefined;
  if (typeof ref === 'number') version = ref;
  else if (/^\d+$/.test(ref)) version = Number(ref);
  else {
    const [row] = await ctx.db.query<{ version: number }>(
      'SELECT version FROM keel_aliases WHERE project = ? AND model = ? AND alias = ?',
      [ctx.project, name, ref],
    );
    version = row?.version;
  }
  if (version === undefined) return undefined;
  return (await versions(ctx.db, ctx.project, name, version))[0];
}

/**
 * Takes the model's row lock (PostgreSQL) and the next alias-move number.
 * Alias moves and deletions of one model run one at a time, so each move's
 * `from` is the version the previous move left.
 */
async function nextMove(tx: Queryable, project: string, name: string): Promise<number> {
  const [row] = await tx.query<{ alias_moves: number }>(
    'UPDATE keel_models SET alias_moves = alias_moves + 1 WHERE project = ? AND name = ? RETURNING alias_moves',
    [project, name],
  );
  if (row === undefined) throw unknownModel(name, project);
  return row.alias_moves;
}

async function currentAlias(
  tx: Queryable,
  project: string,
  name: string,
  alias: string,
): Promise<number | null> {
  const [row] = await tx.query<{ version: number }>(
    'SELECT version FROM keel_aliases WHERE project = ? AND model = ? AND alias = ?',
    [project, name, alias],
  );
  return row?.version ?? null;
}

async function recordMove(tx: Queryable, project: string, seq: number, move: AliasMove): Promise<AliasMove> {
  await tx.run(
    `INSERT INTO keel_alias_moves (project, model, seq, alias, from_version, to_version, at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [project, move.model, seq, move.alias, move.fromVersion, move.toVersion, move.at],
  );
  return move;
}

export async function setAlias(
  ctx: StoreContext,
  name: string,
  alias: string,
  version: number,
): Promise<AliasMove> {
  checkAlias(alias);
  checkVersionNumber(version);
  return ctx.db.transaction(async (tx) => {
    const seq = await nextMove(tx, ctx.project, name);
    if ((await versions(tx, ctx.project, name, version)).length === 0) throw unknownVersion(name, version);
    const from = await currentAlias(tx, ctx.project, name, alias);
    await tx.run(
      `INSERT INTO keel_aliases (project, model, alias, version) VALUES (?, ?, ?, ?)
       ON CONFLICT (project, model, alias) DO UPDATE SET version = excluded.version`,
      [ctx.project, name, alias, version],
    );
    return recordMove(tx, ctx.project, seq, {
      model: name,
      alias,
      fromVersion: from,
      toVersion: version,
      at: Date.now(),
    });
  });
}

export async function removeAlias(ctx: StoreContext, name: string, alias: string): Promise<AliasMove> {
  return ctx.db.transaction(async (tx) => {
    const seq = await nextMove(tx, ctx.project, name);
    const from = await currentAlias(tx, ctx.project, name, alias);
    if (from === null) throw unknownAlias(name, alias);
    await tx.run('DELETE FROM keel_aliases WHERE project = ? AND model = ? AND alias = ?', [
      ctx.project,
      name,
      alias,
    ]);
    return recordMove(tx, ctx.project, seq, {
      model: name,
      alias,
      fromVersion: from,
      toVersion: null,
      at: Date.now(),
    });
  });
}

export async function aliasHistory(ctx: StoreContext, name: string): Promise<AliasMove[]> {
  await requireModel(ctx.db, ctx.project, name);
  const rows = await ctx.db.query<MoveRow>(
    'SELECT model, alias, from_version, to_version, at FROM keel_alias_moves WHERE project = ? AND model = ? ORDER BY seq',
    [ctx.project, name],
  );
  return rows.map(aliasMove);
}

export async function deleteVersion(ctx: StoreContext, name: string, version: number): Promise<void> {
  checkVersionNumber(version);
  const hash = await ctx.db.transaction(async (tx) => {
    await nextMove(tx, ctx.project, name); // the model's lock: no alias can move onto it meanwhile
    const aliases = await tx.query<{ alias: string }>(
      'SELECT alias FROM keel_aliases WHERE project = ? AND model = ? AND version = ?',
      [ctx.project, name, version],
    );
    if (aliases.length > 0)
      throw versionAliased(
        name,
        version,
        aliases.map((a) => a.alias),
      );
    const [row] = await tx.query<{ artifact_hash: string }>(
      'DELETE FROM keel_model_versions WHERE project = ? AND model = ? AND version = ? RETURNING artifact_hash',
      [ctx.project, name, version],
    );
    if (row === undefined) throw unknownVersion(name, version);
    return row.artifact_hash;
  });
  await collectArtifact(ctx, hash);
}

function versionAliased(name: string, version: number, aliases: string[]): UsageError {
  const list = [...aliases]
    .sort(byText((a) => a))
    .map((a) => `"${a}"`)
    .join(', ');
  return new UsageError(
    'registry.version-aliased',
    `version ${version} of model "${name}" is still the target of alias${aliases.length > 1 ? 'es' : ''} ${list}`,
    { location: { field: 'version' }, hint: `move or remove ${list} first (setAlias / removeAlias)` },
  );
}

/**
 * Removes the artifact file once no version or run artifact refers to it,
 * under the hash's lock so that a registration of the same bytes (which
 * takes it too, in keepArtifact) is not left pointing at a removed file.
 */
async function collectArtifact(ctx: StoreContext, hash: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await tx.lock(`keel.artifact.${hash}`);
    const [refs] = await tx.query<{ n: number }>(
      `SELECT (SELECT COUNT(*) FROM keel_model_versions WHERE artifact_hash = ?)
            + (SELECT COUNT(*) FROM keel_run_artifacts WHERE hash = ?) AS n`,
      [hash, hash],
    );
    if (refs!.n === 0) await ctx.artifacts.remove(hash);
  });
}

export async function requireModel(db: Queryable, project: string, name: string): Promise<void> {
  const rows = await db.query('SELECT name FROM keel_models WHERE project = ? AND name = ?', [project, name]);
  if (rows.length === 0) throw unknownModel(name, project);
}
