import type { Artifact } from '../core/artifact.js';
import { DataError, UsageError } from '../core/errors.js';
import { storedFieldError } from '../core/stored.js';
import type { FittedTransformer, Model, Spec } from '../estimator/contract.js';
import { registeredKinds } from '../estimator/kinds.js';
import { modelFromArtifact, transformerFromArtifact } from '../estimator/persist.js';

/** What the composites (pipeline, chain, column transformer, ensemble) share when they load their parts and build from specs. */

/**
 * A composite's part, loaded as what it must be (a model or a fitted
 * transformer). A part whose kind is registered as the other role is refused
 * before it is loaded; any refusal from loading the part names its field
 * under the composite's (`children.step0.meta.categories`).
 */
export function loadPart(parent: Artifact, name: string, role: 'model', source: string): Model;
export function loadPart(
  parent: Artifact,
  name: string,
  role: 'transformer',
  source: string,
): FittedTransformer;
export function loadPart(
  parent: Artifact,
  name: string,
  role: 'model' | 'transformer',
  source: string,
): Model | FittedTransformer {
  const path = `children.${name}`;
  const child = parent.children?.[name];
  if (child === undefined) throw storedFieldError(parent.kind, source, path, 'is missing');
  const definition = registeredKinds().find((d) => d.declaration.kind === child.kind);
  if (definition !== undefined && definition.role !== role) {
    throw storedFieldError(
      parent.kind,
      source,
      `${path}.kind`,
      `is "${child.kind}", a ${definition.role}, where a ${role} belongs`,
    );
  }
  try {
    return role === 'model' ? modelFromArtifact(child, source) : transformerFromArtifact(child, source);
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    const field = `${path}.${innerField(error)}`;
    const original = ORIGINAL.get(error) ?? error.message;
    const wrapped = new DataError(error.code, `${parent.kind} artifact: field "${field}": ${original}`, {
      location: { ...error.location, field },
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      cause: error,
    });
    ORIGINAL.set(wrapped, original);
    throw wrapped;
  }
}

/** The refusal of the innermost part, which each composite around it names the field of. */
const ORIGINAL = new WeakMap<DataError, string>();

/** The field inside the part that a refusal of the part concerns. */
function innerField(error: DataError): string {
  if (error.location.field !== undefined) return error.location.field;
  if (error.code === 'artifact.version') return 'version';
  // An unknown kind, or a model where a transformer belongs (or the reverse).
  return 'kind';
}

/** A spec that does not describe what its kind builds: a UsageError naming the field. */
export function specError(kind: string, field: string, message: string): UsageError {
  return new UsageError('usage.bad-spec', `${kind} spec: ${field} ${message}`, {
    location: { field },
    hint: 'take the spec from specOf(...) of what it describes, or write its parts as children',
  });
}

/**
 * The children of a composite's spec, in the order of `names`: each present,
 * none other, and each of the kind its parameters say it is (`kinds[k]`,
 * when given).
 */
export function specChildren(spec: Spec, names: readonly string[], kinds?: readonly string[]): Spec[] {
  const given = spec.children ?? {};
  for (const name of Object.keys(given)) {
    if (!names.includes(name)) throw specError(spec.kind, `children.${name}`, 'is not one of its parts');
  }
  return names.map((name, k) => {
    const child = given[name];
    if (child === undefined) throw specError(spec.kind, `children.${name}`, 'is missing');
    const kind = kinds?.[k];
    if (kind !== undefined && child.kind !== kind) {
      throw specError(
        spec.kind,
        `children.${name}.kind`,
        `is "${child.kind}", and its parameters say "${kind}"`,
      );
    }
    return child;
  });
}

/** `prefix0` … `prefix{count-1}`. */
export function numbered(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, k) => `${prefix}${k}`);
}
