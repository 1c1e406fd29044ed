import type { Artifact, Json } from '../core/artifact.js';
import { Frame, type Matrix } from '../data/frame.js';
import { type Schema, schemaOf } from '../data/schema.js';
import type {
  Estimator,
  FitOptions,
  FittedTransformer,
  Model,
  Params,
  Target,
  Transformer,
} from '../estimator/contract.js';
import { fromArtifact, registerLoader } from '../estimator/persist.js';
import { fitThenTransform } from './chain.js';

/**
 * Transformers then a model, fitted in order on the training rows only: each
 * step learns from what the previous steps made of the training frame, so no
 * statistic of a validation or test row ever leaks into the model. The fitted
 * pipeline is itself a `Model` that takes the raw frame.
 */
export function pipeline(steps: readonly Transformer[], model: Estimator): Estimator<PipelineModel> {
  return {
    kind: 'pipeline',
    params: { steps: steps.map((s) => s.kind), model: model.kind },
    acceptsMissing: model.acceptsMissing,
    fit(X: Matrix | Frame, y?: Target, options?: FitOptions) {
      let frame = asFrame(X);
      if (y !== undefined && frame.has(y.name)) frame = frame.drop([y.name]);
      const schema = schemaOf(frame);
      const fitted: FittedTransformer[] = [];
      for (const step of steps) {
        const { fitted: f, output } = fitThenTransform(step, frame, y, options);
        frame = output;
        fitted.push(f);
      }
      return new PipelineModel(schema, fitted, model.fit(frame, y, options));
    },
  };
}

export class PipelineModel implements Model {
  readonly kind = 'pipeline';

  constructor(
    /** The training frame's columns (target excluded): what serving and drift checks compare against. */
    readonly schema: Schema,
    readonly steps: readonly FittedTransformer[],
    readonly model: Model,
  ) {}

  get inputNames(): readonly string[] {
    return this.schema.columns.map((c) => c.name);
  }

  get task() {
    return this.model.task;
  }

  get params(): Params {
    return { steps: this.steps.map((s) => s.kind), model: this.model.kind };
  }

  get classes() {
    return this.model.classes;
  }

  /** The frame the final model sees. */
  prepare(X: Matrix | Frame): Frame {
    let frame = asFrame(X);
    for (const step of this.steps) frame = step.transform(frame);
    return frame;
  }

  predict(X: Matrix | Frame): Float64Array {
    return this.model.predict(this.prepare(X));
  }

  get predictProba(): ((X: Matrix | Frame) => Float64Array) | undefined {
    const proba = this.model.predictProba;
    return proba === undefined ? undefined : (X) => proba.call(this.model, this.prepare(X));
  }

  toArtifact(): Artifact {
    const children: Record<string, Artifact> = { model: this.model.toArtifact() };
    this.steps.forEach((step, k) => {
      children[`step${k}`] = step.toArtifact();
    });
    return {
      kind: this.kind,
      version: 1,
      meta: { schema: this.schema as unknown as Json, steps: this.steps.length },
      arrays: {},
      children,
    };
  }
}

/** A matrix becomes a frame of numeric columns named as the matrix's columns. */
export function asFrame(X: Matrix | Frame): Frame {
  if (X instanceof Frame) return X;
  const columns = X.columnNames.map((name, j) => {
    const values = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) values[i] = X.data[i * X.cols + j]!;
    return { storage: 'number' as const, name, kind: 'numeric' as const, values };
  });
  return new Frame(columns);
}

registerLoader('pipeline', 1, (a) => {
  const meta = a.meta as unknown as { schema: Schema; steps: number };
  const steps = Array.from(
    { length: meta.steps },
    (_, k) => fromArtifact(a.children![`step${k}`]!) as FittedTransformer,
  );
  return new PipelineModel(meta.schema, steps, fromArtifact(a.children!['model']!) as Model);
});
