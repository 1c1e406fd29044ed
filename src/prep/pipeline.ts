import type { Artifact, Json } from '../core/artifact.js';
import { declare, domain, param } from '../core/declare.js';
import { field, storedArtifact } from '../core/stored.js';
import { Frame, type Matrix } from '../data/frame.js';
import { checkSchema, type Schema, schemaOf } from '../data/schema.js';
import type {
  Estimator,
  FitOptions,
  FittedTransformer,
  Model,
  Params,
  Spec,
  Target,
  Transformer,
} from '../estimator/contract.js';
import { buildEstimator, buildTransformer, registerKind, specOf } from '../estimator/kinds.js';
import { fitThenTransform } from './chain.js';
import { loadPart, numbered, specChildren } from './parts.js';

export const PIPELINE = declare({
  kind: 'pipeline',
  summary: 'transformers then a model, fitted in order on the training rows only',
  tasks: ['regression', 'binary', 'multiclass', 'clustering', 'anomaly'],
  params: {
    steps: param.of<readonly string[]>([domain.list(domain.text())], {
      default: [],
      doc: 'the kinds of its transformers, in order (their specs are its children step0, step1, …)',
    }),
    model: param.of<string>([domain.text()], {
      default: '',
      doc: 'the kind of its model (its spec is its child "model")',
    }),
  },
});

/**
 * Transformers then a model, fitted in order on the training rows only: each
 * step learns from what the previous steps made of the training frame, so no
 * statistic of a validation or test row ever leaks into the model. The fitted
 * pipeline is itself a `Model` that takes the raw frame.
 */
export function pipeline(steps: readonly Transformer[], model: Estimator): Estimator<PipelineModel> {
  const params = { steps: steps.map((s) => s.kind), model: model.kind };
  return {
    kind: 'pipeline',
    params,
    get spec(): Spec {
      return pipelineSpec(params, steps.map(specOf), specOf(model));
    },
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

  /** Its steps' specs and its model's: `build` of it fits the same pipeline again. */
  get spec(): Spec {
    return pipelineSpec(this.params, this.steps.map(specOf), specOf(this.model));
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

/** A pipeline's spec: the steps' specs as children step0, step1, …, and the model's as child "model". */
function pipelineSpec(params: Params, steps: readonly Spec[], model: Spec): Spec {
  const children: Record<string, Spec> = Object.fromEntries(steps.map((s, k) => [`step${k}`, s]));
  children['model'] = model;
  return { kind: 'pipeline', params, children };
}

function loadPipeline(artifact: Artifact, source: string): PipelineModel {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({ schema: field.custom(checkSchema), steps: field.int({ min: 0 }) });
  stored.arrays({});
  const names = numbered('step', meta.steps);
  stored.childNames((name) => name === 'model' || names.includes(name));
  const steps = names.map((name) => loadPart(artifact, name, 'transformer', source));
  return new PipelineModel(meta.schema, steps, loadPart(artifact, 'model', 'model', source));
}

function buildPipeline(spec: Spec): Estimator<PipelineModel> {
  const params = PIPELINE.resolve(spec.params);
  const names = numbered('step', params.steps.length);
  const children = specChildren(spec, [...names, 'model'], [...params.steps, params.model]);
  const model = buildEstimator(children.pop()!);
  return pipeline(children.map(buildTransformer), model);
}

registerKind({ declaration: PIPELINE, role: 'model', build: buildPipeline, load: loadPipeline });
