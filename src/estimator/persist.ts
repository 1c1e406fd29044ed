import { type Artifact, decodeArtifact, encodeArtifact } from '../core/artifact.js';
import { DataError } from '../core/errors.js';
import type { FittedTransformer, Model } from './contract.js';

/**
 * Loading maps an artifact's `kind` to the function that rebuilds that kind
 * of model or transformer from its arrays and metadata. Each module registers
 * its loader when it is imported; nothing in an artifact is ever executed.
 */
export type Persistable = Model | FittedTransformer;
/** Rebuilds a model from its artifact; `source` names the file or version in errors. */
export type Loader = (artifact: Artifact, source: string) => Persistable;

const LOADERS = new Map<string, { version: number; load: Loader }>();

export function registerLoader(kind: string, version: number, load: Loader): void {
  LOADERS.set(kind, { version, load });
}

export function fromArtifact(artifact: Artifact, source = 'artifact'): Persistable {
  const loader = LOADERS.get(artifact.kind);
  if (loader === undefined) {
    throw new DataError('artifact.unknown-kind', `no loader for a "${artifact.kind}" model`, {
      location: { source },
      hint: 'the artifact was written by a newer keel, or by a plug-in that is not installed',
    });
  }
  if (artifact.version > loader.version) {
    throw new DataError(
      'artifact.version',
      `this "${artifact.kind}" artifact has layout ${artifact.version}; this keel reads up to ${loader.version}`,
      { location: { source }, hint: 'upgrade keel' },
    );
  }
  return loader.load(artifact, source);
}

/** A nested artifact that must hold a model (a pipeline's final step, an ensemble's member). */
export function modelFromArtifact(artifact: Artifact, source = 'artifact'): Model {
  const loaded = fromArtifact(artifact, source);
  if (!('predict' in loaded)) throw notA('model', loaded.kind, source);
  return loaded;
}

/** A nested artifact that must hold a fitted transformer (a pipeline's or a chain's step). */
export function transformerFromArtifact(artifact: Artifact, source = 'artifact'): FittedTransformer {
  const loaded = fromArtifact(artifact, source);
  if ('predict' in loaded) throw notA('transformer', loaded.kind, source);
  return loaded;
}

export function saveModel(model: Persistable): Uint8Array {
  return encodeArtifact(model.toArtifact());
}

export function loadModel(bytes: Uint8Array, source?: string): Model {
  return modelFromArtifact(decodeArtifact(bytes, source), source);
}

export function loadTransformer(bytes: Uint8Array, source?: string): FittedTransformer {
  return transformerFromArtifact(decodeArtifact(bytes, source), source);
}

function notA(what: string, kind: string, source = 'artifact'): DataError {
  return new DataError('artifact.wrong-kind', `this artifact holds a ${kind}, not a ${what}`, {
    location: { source },
  });
}
