import { expect } from 'vitest';
import { type Artifact, decodeArtifact, encodeArtifact } from '../../src/core/artifact.js';
import { DataError } from '../../src/core/errors.js';
import { loadModel } from '../../src/estimator/persist.js';

/**
 * What the crafted-artifact tests share: an artifact re-encoded with a
 * change (so its checksum is valid, as a crafted file's would be), and the
 * refusal loading must give — a DataError naming the field.
 */
export const SOURCE = 'crafted.keel';

export function recoded(bytes: Uint8Array, change: (a: Artifact) => Artifact): Uint8Array {
  return encodeArtifact(change(decodeArtifact(bytes)));
}

/** The DataError `load` throws; fails the test if it loads. */
export function refusal(load: () => unknown): DataError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('the crafted artifact loaded');
}

export function refuseModel(bytes: Uint8Array): DataError {
  return refusal(() => loadModel(bytes, SOURCE));
}

/** Loading refuses, naming `field` in its message and its location. */
export function expectRefused(bytes: Uint8Array, field: string, message?: RegExp): void {
  const error = refuseModel(bytes);
  expect(error.location).toMatchObject({ source: SOURCE, field });
  expect(error.message).toContain(`"${field}"`);
  if (message !== undefined) expect(error.message).toMatch(message);
}
