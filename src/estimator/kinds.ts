import type { Artifact } from '../core/artifact.js';
import type { Declaration } from '../core/declare.js';
import { UsageError } from '../core/errors.js';
import type { Estimator, FittedTransformer, Model, Spec, Transformer } from './contract.js';
import { type Persistable, registerLoader } from './persist.js';

/** A kind keel can build from a spec and load from an artifact, with the declaration both derive from. */
export interface KindDefinition {
  readonly declaration: Declaration;
  /** Fits to a model that predicts, or to a transformer of frames. */
  readonly role: 'model' | 'transformer';
  /** The unfitted estimator or transformer of a spec of this kind. */
  readonly build: (spec: Spec) => Estimator | Transformer;
  /** The layout version of its artifacts this keel reads up to (default 1). */
  readonly artifactVersion?: number;
  readonly load: (artifact: Artifact, source: string) => Persistable;
}

const KINDS = new Map<string, KindDefinition>();

/** Each kind's module registers itself when imported (its loader too). */
export function registerKind(definition: KindDefinition): void {
  const { kind } = definition.declaration;
  KINDS.set(kind, definition);
  registerLoader(kind, definition.artifactVersion ?? 1, definition.load);
}

export function registeredKinds(): readonly KindDefinition[] {
  return [...KINDS.values()];
}

export function kindDefinition(kind: string): KindDefinition {
  const definition = KINDS.get(kind);
  if (definition === undefined) {
    throw new UsageError('usage.unknown-kind', `no estimator or transformer of kind "${kind}"`, {
      location: { field: 'kind' },
      hint: `the kinds are: ${[...KINDS.keys()].sort().join(', ')}`,
    });
  }
  return definition;
}

/** The unfitted estimator a spec describes; its parameters are checked as the kind's factory checks them. */
export function build(spec: Spec): Estimator | Transformer {
  return kindDefinition(spec.kind).build(spec);
}

export function buildEstimator(spec: Spec): Estimator {
  const built = build(spec);
  if (kindDefinition(spec.kind).role !== 'model') throw wrongRole(spec.kind, 'an estimator');
  return built as Estimator;
}

export function buildTransformer(spec: Spec): Transformer {
  const built = build(spec);
  if (kindDefinition(spec.kind).role !== 'transformer') throw wrongRole(spec.kind, 'a transformer');
  return built as Transformer;
}

/** The spec of an estimator, a transformer or what either fitted: its own when it has parts, else kind and params. */
export function specOf(item: Estimator | Transformer | Model | FittedTransformer): Spec {
  return item.spec ?? { kind: item.kind, params: item.params };
}

function wrongRole(kind: string, what: string): UsageError {
  return new UsageError('usage.wrong-kind', `"${kind}" is not ${what}`, { location: { field: 'kind' } });
}
