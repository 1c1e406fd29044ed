import type { Artifact, Json } from '../../core/artifact.js';
import { declare, param } from '../../core/declare.js';
import { DataError, SchemaError, UsageError } from '../../core/errors.js';
import { array, field, storedArtifact } from '../../core/stored.js';
import { Frame, type Matrix } from '../../data/frame.js';
import type { Model, Params, SupervisedTask } from '../../estimator/contract.js';
import { registerKind } from '../../estimator/kinds.js';
import { inputMatrix } from '../../models/input.js';
import { SyncOnnxSession, type TensorData, type TensorType } from './onnx-session.js';

/**
 * A model made outside keel (scikit-learn, LightGBM, PyTorch … through an
 * ONNX converter), run by onnxruntime and wrapped in keel's `Model`
 * contract, so serving, batch scoring, validation and the prediction log
 * treat it like any other model. `importOnnx` (onnx-import.ts) works out how
 * keel's columns feed the graph and which outputs answer; this class only
 * carries that plan out.
 */

/** A graph input or output: its element type and shape (null = a dimension of any size). */
export interface OnnxValue {
  readonly name: string;
  readonly type: TensorType;
  readonly shape: readonly (number | null)[];
}

/**
 * How the columns reach the graph: `columns` — one input per column, named
 * as the column; `matrix` — one 2-D input [N, columns] of the numeric
 * columns in order (scikit-learn converters' `float_input`).
 */
export type InputLayout = 'columns' | 'matrix';

/** Which outputs answer: one value per row (regression), or probabilities and/or a label (classifiers). */
export interface OutputPlan {
  readonly prediction?: string;
  readonly probabilities?: string;
  readonly label?: string;
}

/** How keel reads an imported ONNX graph: its inputs, its outputs and what they mean. */
export interface OnnxPlan {
  /** The model's name in messages (the name it is registered under). */
  readonly name: string;
  readonly task: SupervisedTask;
  /** Classifiers: the labels, in the column order of the probability output (or as the label output spells them). */
  readonly classes?: readonly string[];
  readonly layout: InputLayout;
  /** The columns the model reads, in the order the graph takes them. */
  readonly columns: readonly string[];
  readonly inputs: readonly OnnxValue[];
  readonly outputs: OutputPlan;
}

const ARTIFACT_VERSION = 1;

export const ONNX = declare({
  kind: 'onnx',
  summary: 'a model made outside keel, imported from an ONNX file and run by onnxruntime',
  tasks: ['regression', 'binary', 'multiclass'],
  params: {
    layout: param.choice(['columns', 'matrix'], {
      default: 'columns',
      doc: 'how columns reach the graph: one input per column, or one [N, columns] matrix',
    }),
  },
});

/**
 * A model nobody holds any more (a server that moved to a new version) stops
 * its worker: the worker thread would otherwise live, idle, until exit.
 */
const WORKERS = new FinalizationRegistry<SyncOnnxSession>((session) => session.close());

export class OnnxModel implements Model {
  readonly kind = 'onnx';
  readonly task: SupervisedTask;
  readonly params: Params;
  readonly inputNames: readonly string[];
  readonly classes?: readonly string[];
  /** Present only when the graph has a probability output. */
  readonly predictProba?: (X: Matrix | Frame) => Float64Array;
  private readonly session: SyncOnnxSession;
  private readonly classIndex: ReadonlyMap<string, number>;

  constructor(
    readonly plan: OnnxPlan,
    /** The ONNX file's bytes. */
    readonly bytes: Uint8Array,
  ) {
    this.task = plan.task;
    this.inputNames = plan.columns;
    this.params = { layout: plan.layout };
    if (plan.classes !== undefined) this.classes = plan.classes;
    this.classIndex = new Map((plan.classes ?? []).map((c, i) => [c, i]));
    this.session = new SyncOnnxSession(plan.name, bytes);
    WORKERS.register(this, this.session);
    const probabilities = plan.outputs.probabilities;
    if (probabilities !== undefined) {
      this.predictProba = (X) => this.numbers(this.run(X, [probabilities]), probabilities);
    }
  }

  predict(X: Matrix | Frame): Float64Array {
    const { prediction, probabilities, label } = this.plan.outputs;
    if (prediction !== undefined) return this.numbers(this.run(X, [prediction]), prediction);
    if (probabilities !== undefined) {
      return argmaxRows(this.numbers(this.run(X, [probabilities]), probabilities), this.classes!.length);
    }
    return this.labels(this.run(X, [label!]), label!);
  }

  /** Stops the runtime's worker thread (optional: it never keeps the process alive). */
  close(): void {
    this.session.close();
  }

  toArtifact(): Artifact {
    const { name, task, classes, layout, columns, inputs, outputs } = this.plan;
    const meta: Record<string, Json> = {
      name,
      task,
      layout,
      columns: [...columns],
      inputs: inputs.map((i) => ({ name: i.name, type: i.type, shape: [...i.shape] })),
      outputs: { ...outputs },
    };
    if (classes !== undefined) meta['classes'] = [...classes];
    return { kind: this.kind, version: ARTIFACT_VERSION, meta, arrays: { onnx: this.bytes } };
  }

  private run(X: Matrix | Frame, fetches: readonly string[]): Record<string, TensorData> {
    const feeds = this.plan.layout === 'matrix' ? this.matrixFeed(X) : this.columnFeeds(X);
    return this.session.run(feeds, fetches);
  }

  private matrixFeed(X: Matrix | Frame): Record<string, TensorData> {
    const input = this.plan.inputs[0]!;
    const { data, rows, cols } = inputMatrix(X, this.plan.columns, `ONNX model "${this.plan.name}"`);
    const values = input.type === 'float32' ? Float32Array.from(data) : data;
    return { [input.name]: { type: input.type, dims: [rows, cols], data: values } };
  }

  private columnFeeds(X: Matrix | Frame): Record<string, TensorData> {
    const frame = X instanceof Frame ? X : frameOf(X, this.plan.columns, this.plan.name);
    const feeds: Record<string, TensorData> = {};
    for (const input of this.plan.inputs) {
      const data = columnTensor(frame, input, this.plan.name);
      const dims = input.shape.length === 1 ? [frame.rowCount] : [frame.rowCount, 1];
      feeds[input.name] = { type: input.type, dims, data };
    }
    return feeds;
  }

  /** A float output ([N], [N, 1] or [N, classes]) as doubles, row-major. */
  private numbers(outputs: Record<string, TensorData>, name: string): Float64Array {
    return Float64Array.from(outputs[name]!.data as Float32Array | Float64Array);
  }

  /** Label outputs (int64, int32 or string) to class indices, through the class names. */
  private labels(outputs: Record<string, TensorData>, name: string): Float64Array {
    const data = outputs[name]!.data;
    const out = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const label = String(data[i]);
      const index = this.classIndex.get(label);
      if (index === undefined) {
        throw new DataError(
          'onnx.unknown-label',
          `the ONNX model "${this.plan.name}" answered label "${label}" in output "${name}", which is not one of its classes (${this.classes!.join(', ')})`,
          {
            location: { source: this.plan.name },
            hint: 'import the model again with --classes listing every label',
          },
        );
      }
      out[i] = index;
    }
    return out;
  }
}

function argmaxRows(proba: Float64Array, k: number): Float64Array {
  const rows = proba.length / k;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (proba[i * k + j]! > proba[i * k + best]!) best = j;
    out[i] = best;
  }
  return out;
}

/** A matrix given to a per-column graph: its columns by name, as numbers. */
function frameOf(X: Matrix, columns: readonly string[], name: string): Frame {
  const matrix = inputMatrix(X, columns, `ONNX model "${name}"`);
  return new Frame(
    columns.map((column, j) => {
      const values = new Float64Array(matrix.rows);
      for (let i = 0; i < matrix.rows; i++) values[i] = matrix.data[i * matrix.cols + j]!;
      return { storage: 'number', name: column, kind: 'numeric', values } as const;
    }),
  );
}

/** One column as the input's element type: numbers as floats or integers, labels as strings ('' = missing). */
function columnTensor(frame: Frame, input: OnnxValue, name: string): TensorData['data'] {
  const column = frame.column(input.name);
  if (input.type === 'string') {
    if (column.storage === 'categorical')
      return Array.from(column.codes, (c) => (c < 0 ? '' : column.levels[c]!));
    if (column.storage === 'string') return column.values.map((v) => v ?? '');
    return Array.from(column.values, (v) => (Number.isNaN(v) ? '' : String(v)));
  }
  if (column.storage !== 'number') {
    throw new SchemaError(
      'schema.not-numeric',
      `the ONNX model "${name}" takes numbers (${input.type}) in "${input.name}", and the column holds ${column.kind}`,
      { location: { column: input.name }, hint: 'send numbers in this column' },
    );
  }
  if (input.type === 'float64') return column.values;
  if (input.type === 'float32') return Float32Array.from(column.values);
  return integers(column.values, input, name);
}

function integers(values: Float64Array, input: OnnxValue, name: string): Int32Array | BigInt64Array {
  const out = input.type === 'int64' ? new BigInt64Array(values.length) : new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v)) {
      throw new SchemaError(
        'schema.not-integer',
        `row ${i + 1}: the ONNX model "${name}" takes whole numbers in "${input.name}", not ${Number.isNaN(v) ? 'a missing value' : v}`,
        { location: { column: input.name }, hint: 'send a whole number in every row of this column' },
      );
    }
    if (out instanceof BigInt64Array) out[i] = BigInt(v);
    else out[i] = v;
  }
  return out;
}

const TENSOR_TYPES = ['float32', 'float64', 'int32', 'int64', 'string'] as const;

function loadOnnx(artifact: Artifact, source: string): OnnxModel {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    name: field.string(),
    task: field.enum('regression', 'binary', 'multiclass'),
    layout: field.enum('columns', 'matrix'),
    columns: field.strings(),
    inputs: field.list(
      field.object({
        name: field.string(),
        type: field.enum(...TENSOR_TYPES),
        shape: field.list(field.nullable(field.int({ min: 0 }))),
      }),
    ),
    outputs: field.object({
      prediction: field.optional(field.string()),
      probabilities: field.optional(field.string()),
      label: field.optional(field.string()),
    }),
    classes: field.optional(field.strings()),
  });
  const { onnx } = stored.arrays({ onnx: array.u8() });
  const { name, task, layout, columns, inputs, outputs, classes } = meta;
  // What predict relies on: an output that answers, classes for a classifier, inputs for the layout.
  if (task === 'regression') {
    stored.require(
      outputs.prediction !== undefined,
      'meta.outputs.prediction',
      'is missing for a regression model',
    );
  } else {
    stored.require(classes !== undefined, 'meta.classes', `is missing for a ${task} model`);
    stored.require(
      outputs.prediction !== undefined || outputs.probabilities !== undefined || outputs.label !== undefined,
      'meta.outputs',
      'names no output that answers (prediction, probabilities or label)',
    );
  }
  if (layout === 'matrix') {
    stored.length('meta.inputs', inputs.length, 1, 'one [N, columns] input for the matrix layout');
  } else {
    inputs.forEach((input, k) => {
      stored.require(
        columns.includes(input.name),
        `meta.inputs[${k}].name`,
        `is "${input.name}", not one of the columns`,
      );
    });
  }
  return new OnnxModel(
    {
      name,
      task,
      layout,
      columns,
      inputs,
      outputs: {
        ...(outputs.prediction === undefined ? {} : { prediction: outputs.prediction }),
        ...(outputs.probabilities === undefined ? {} : { probabilities: outputs.probabilities }),
        ...(outputs.label === undefined ? {} : { label: outputs.label }),
      },
      ...(classes === undefined ? {} : { classes }),
    },
    onnx,
  );
}

registerKind({
  declaration: ONNX,
  role: 'model',
  artifactVersion: ARTIFACT_VERSION,
  build: () => {
    throw new UsageError(
      'usage.not-refittable',
      'an imported ONNX model cannot be refitted: keel has nothing to fit',
      {
        location: { field: 'kind' },
        hint: 'import the model again from its ONNX file (keel import), after refitting it where it was made',
      },
    );
  },
  load: loadOnnx,
});
