import { type Artifact, decodeArtifact, encodeArtifact } from '../artifact.js';
import { DataError } from '../errors.js';
import type { Model } from './contract.js';

/**
 * Loading maps an artifact's `kind` to the function that rebuilds that kind
 * of model from its arrays and metadata. Each model module registers its
 * loader when it is imported; nothing in an artifact is ever executed.
 */
type Loader = (artifact: Artifact) => Model;

const LOADERS = new Map<string, { version: number; load: Loader }>();

export function registerLoader(kind: string, version: number, load: Loader): void {
  LOADERS.set(kind, { version, load });
}

export function modelFromArtifact(artifact: Artifact, source = 'artifact'): Model {
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
  return loader.load(artifact);
}

export function saveModel(model: Model): Uint8Array {
  return encodeArtifact(model.toArtifact());
}

export function loadModel(bytes: Uint8Array, source?: string): Model {
  return modelFromArtifact(decodeArtifact(bytes, source), source);
}
