import type { Artifact } from '../core/artifact.js';
import type { Frame } from '../data/frame.js';
import type { FitOptions, FittedTransformer, Params, Target, Transformer } from '../estimator/contract.js';
import { fromArtifact, registerLoader } from '../estimator/persist.js';

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
  return {
    kind: 'chain',
    params: { steps: steps.map((s) => s.kind) },
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

registerLoader('chain', 1, (a) => {
  const meta = a.meta as { inputNames: string[]; steps: number };
  const steps = Array.from(
    { length: meta.steps },
    (_, k) => fromArtifact(a.children![`step${k}`]!) as FittedTransformer,
  );
  return new FittedChain(meta.inputNames, steps);
});
