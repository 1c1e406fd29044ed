import type { Artifact } from '../core/artifact.js';
import { declare, domain, param } from '../core/declare.js';
import { field, storedArtifact } from '../core/stored.js';
import type { Frame } from '../data/frame.js';
import type {
  FitOptions,
  FittedTransformer,
  Params,
  Spec,
  Target,
  Transformer,
} from '../estimator/contract.js';
import { buildTransformer, registerKind, specOf } from '../estimator/kinds.js';
import { loadPart, numbered, specChildren } from './parts.js';

export const CHAIN = declare({
  kind: 'chain',
  summary: 'transformers applied in turn, as one transformer',
  tasks: ['transform'],
  params: {
    steps: param.of<readonly string[]>([domain.list(domain.text())], {
      default: [],
      doc: 'the kinds of its steps, in order (their specs are its children step0, step1, …)',
    }),
  },
});

/**
 * Transformers applied in turn as one transformer (a pipeline without a
 * model), e.g. "impute, then scale" for one part of a column transformer.
 * Each step is fitted on what the steps before it made of the training frame.
 */
export function chainTransformers(steps: readonly Transformer[]): Transformer<FittedChain> {
  const fitTransform = (frame: Frame, y?: Target, options?: FitOptions) => {
    let current = frame;
    const fitted = steps.map((step) => {
      const { fitted: f, output } = fitThenTransform(step, current, y, options);
      current = output;
      return f;
    });
    return { fitted: new FittedChain(frame.names, fitted), output: current };
  };
  const params = { steps: steps.map((s) => s.kind) };
  return {
    kind: 'chain',
    params,
    get spec(): Spec {
      return chainSpec(params, steps.map(specOf));
    },
    fit: (frame, y, options) => fitTransform(frame, y, options).fitted,
    // Passes on what its steps made of the training frame (out-of-fold encodings included).
    fitTransform,
  };
}

/** A step fitted on the training frame, and that frame as the next step should learn from it. */
export function fitThenTransform(
  step: Transformer,
  frame: Frame,
  y?: Target,
  options?: FitOptions,
): { fitted: FittedTransformer; output: Frame } {
  if (step.fitTransform !== undefined) return step.fitTransform(frame, y, options);
  const fitted = step.fit(frame, y, options);
  return { fitted, output: fitted.transform(frame) };
}

export class FittedChain implements FittedTransformer {
  readonly kind = 'chain';

  constructor(
    readonly inputNames: readonly string[],
    readonly steps: readonly FittedTransformer[],
  ) {}

  get params(): Params {
    return { steps: this.steps.map((s) => s.kind) };
  }

  get spec(): Spec {
    return chainSpec(this.params, this.steps.map(specOf));
  }

  get outputNames(): readonly string[] {
    return this.steps.at(-1)?.outputNames ?? this.inputNames;
  }

  transform(frame: Frame): Frame {
    return this.steps.reduce((current, step) => step.transform(current), frame.select(this.inputNames));
  }

  toArtifact(): Artifact {
    const children = Object.fromEntries(this.steps.map((s, k) => [`step${k}`, s.toArtifact()]));
    return {
      kind: this.kind,
      version: 1,
      meta: { inputNames: this.inputNames, steps: this.steps.length },
      arrays: {},
      children,
    };
  }
}

/** A chain's spec: its steps' kinds, and their specs as children step0, step1, …. */
function chainSpec(params: Params, steps: readonly Spec[]): Spec {
  return { kind: 'chain', params, children: Object.fromEntries(steps.map((s, k) => [`step${k}`, s])) };
}

function loadChain(artifact: Artifact, source: string): FittedChain {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({ inputNames: field.strings(), steps: field.int({ min: 0 }) });
  stored.arrays({});
  const names = numbered('step', meta.steps);
  stored.childNames((name) => names.includes(name));
  const steps = names.map((name) => loadPart(artifact, name, 'transformer', source));
  return new FittedChain(meta.inputNames, steps);
}

function buildChain(spec: Spec): Transformer<FittedChain> {
  const { steps } = CHAIN.resolve(spec.params);
  const children = specChildren(spec, numbered('step', steps.length), steps);
  return chainTransformers(children.map(buildTransformer));
}

registerKind({ declaration: CHAIN, role: 'transformer', build: buildChain, load: loadChain });
