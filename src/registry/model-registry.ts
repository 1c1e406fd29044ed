import { UsageError } from '../core/errors.js';
import type { Schema } from '../data/schema.js';
import type { Model } from '../estimator/contract.js';
import { loadModel as modelFromBytes, saveModel } from '../estimator/persist.js';
import type { JsonObject, ModelVersionRecord, Store } from './types.js';

/**
 * Registering and loading models by name: `wine@champion` (an alias),
 * `wine@3` (a version) or `wine` (its latest version). The artifact bytes are
 * stored by their hash and checked when read back, so a loaded model is
 * exactly the one that was registered. Loading needs the loader of each kind
 * in the artifact, which the layers above register (`serve/loaders.ts`).
 */

export interface RegisterOptions {
  /** The input the model accepts (`schemaOf(trainingFrame)` restricted to its inputs). */
  readonly schema: Schema;
  readonly metrics?: { readonly [name: string]: number };
  /** The run that produced the model. */
  readonly runId?: string;
  /** `datasetHash(trainingFrame)`. */
  readonly datasetHash?: string;
  /** Reference statistics of the training data for monitoring (e.g. a stored profile). */
  readonly reference?: JsonObject;
  readonly description?: string;
  readonly tags?: { readonly [key: string]: string };
}

export async function registerModel(
  store: Store,
  name: string,
  model: Model,
  options: RegisterOptions,
): Promise<ModelVersionRecord> {
  return store.registerVersion({
    ...options,
    model: name,
    artifact: saveModel(model),
    kind: model.kind,
    task: model.task,
  });
}

export interface ModelRef {
  readonly name: string;
  /** A version number (≥ 1), an alias, or `latest`. */
  readonly ref: number | string;
}

/** `wine` → latest, `wine@3` → version 3, `wine@champion` → the alias. */
export function parseModelRef(text: string): ModelRef {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  const parts = trimmed.split('@');
  const name = parts[0] ?? '';
  if (name === '' || parts.length > 2) {
    throw badRef(text, 'write a model name, optionally followed by @ and a version number or an alias');
  }
  if (parts.length === 1) return { name, ref: 'latest' };
  const ref = parts[1]!;
  if (ref === '') throw badRef(text, `after "@" write a version number or an alias, e.g. ${name}@1`);
  if (/^[+-]?\d+(\.\d*)?$/.test(ref)) {
    const version = Number(ref);
    if (!(Number.isInteger(version) && version >= 1 && /^\d+$/.test(ref))) {
      throw badRef(text, `versions are whole numbers from 1, e.g. ${name}@1`);
    }
    return { name, ref: version };
  }
  return { name, ref };
}

export interface LoadedModel {
  readonly model: Model;
  readonly version: ModelVersionRecord;
}

/**
 * The model a reference names, read from the artifact folder (hash-checked)
 * and rebuilt. An unknown model, version or alias is a UsageError that
 * lists what does exist.
 */
export async function loadModel(store: Store, ref: string): Promise<LoadedModel> {
  const version = await resolveVersion(store, parseModelRef(ref));
  const bytes = await store.artifacts.get(version.artifactHash);
  const model = modelFromBytes(bytes, `${version.model}@${version.version}`);
  return { model, version };
}

export async function resolveVersion(store: Store, { name, ref }: ModelRef): Promise<ModelVersionRecord> {
  const model = await store.getModel(name);
  if (model === undefined) {
    const names = (await store.listModels()).map((m) => m.name);
    throw new UsageError('registry.unknown-model', `no model is registered as "${name}"`, {
      location: { field: 'ref' },
      hint: names.length === 0 ? 'the store has no models yet' : `registered models: ${listed(names)}`,
    });
  }
  if (ref === 'latest') {
    const versions = await store.listVersions(name);
    const latest = versions.reduce<ModelVersionRecord | undefined>(
      (best, v) => (best === undefined || v.version > best.version ? v : best),
      undefined,
    );
    if (latest !== undefined) return latest;
    throw new UsageError('registry.no-versions', `model "${name}" has no versions left`, {
      location: { field: 'ref' },
      hint: 'register a version of it first',
    });
  }
  const version = await store.getVersion(name, ref);
  if (version !== undefined) return version;
  if (typeof ref === 'number') {
    const numbers = (await store.listVersions(name)).map((v) => String(v.version));
    throw new UsageError('registry.unknown-version', `model "${name}" has no version ${ref}`, {
      location: { field: 'ref' },
      hint: numbers.length === 0 ? `"${name}" has no versions` : `its versions are ${listed(numbers)}`,
    });
  }
  const aliases = Object.entries(model.aliases).map(([alias, v]) => `${alias} → ${v}`);
  throw new UsageError('registry.unknown-alias', `model "${name}" has no alias "${ref}"`, {
    location: { field: 'ref' },
    hint:
      aliases.length === 0
        ? `"${name}" has no aliases; name a version (${name}@${model.latestVersion}) or set an alias first`
        : `its aliases are ${listed(aliases)}`,
  });
}

function badRef(text: string, hint: string): UsageError {
  return new UsageError('registry.bad-ref', `${JSON.stringify(text)} is not a model reference`, {
    location: { field: 'ref' },
    hint,
  });
}

function listed(items: readonly string[]): string {
  return items.length <= 12
    ? items.join(', ')
    : `${items.slice(0, 12).join(', ')}, … (${items.length} in all)`;
}
