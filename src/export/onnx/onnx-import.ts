import { DataError, SchemaError, UsageError } from '../../core/errors.js';
import type { ColumnSchema, Schema } from '../../data/schema.js';
import type { SupervisedTask } from '../../estimator/contract.js';
import { saveModel } from '../../estimator/persist.js';
import type { ModelVersionRecord, Store } from '../../registry/types.js';
import { onnxMetadata } from './metadata.js';
import { type InputLayout, OnnxModel, type OnnxValue, type OutputPlan } from './onnx-model.js';
import type { TensorType } from './onnx-session.js';

/**
 * Importing an ONNX model made elsewhere: read its inputs and outputs from
 * onnxruntime, decide how keel's columns feed it and which outputs answer,
 * check all of that against the schema the user gives, and refuse, with
 * what to change, whatever cannot be mapped.
 */

export interface OnnxImportOptions {
  /** The name the model is known (and registered) by. */
  readonly name: string;
  /** The columns requests carry (a keel `Schema`; `keel models show X --json` prints them). */
  readonly schema: Schema;
  /** Default: classification when an output can be read as probabilities or labels, else regression. */
  readonly task?: SupervisedTask;
  /**
   * Class labels in probability-column order; required for a label-only graph. Default: the
   * `keel.classes` that `keel export` writes in the file's metadata, else "0" … "k−1".
   */
  readonly classes?: readonly string[];
}

const TENSOR_TYPES: readonly TensorType[] = ['float32', 'float64', 'int32', 'int64', 'string'];

/** Reads the graph and returns the model, ready to predict and to save. */
export async function importOnnx(bytes: Uint8Array, options: OnnxImportOptions): Promise<OnnxModel> {
  const { inputs, outputs } = await describeGraph(bytes, options.name);
  const { layout, columns } = planInputs(inputs, options.schema, options.name);
  const classes = options.classes ?? exportedClasses(bytes);
  const {
    task,
    classes: named,
    plan,
  } = planOutputs(outputs, {
    ...options,
    ...(classes === undefined ? {} : { classes }),
  });
  return new OnnxModel(
    {
      name: options.name,
      task,
      layout,
      columns,
      inputs,
      outputs: plan,
      ...(named ? { classes: named } : {}),
    },
    bytes,
  );
}

/** `importOnnx`, then registers the model as a new version of `options.name`. */
export async function registerOnnx(
  store: Store,
  bytes: Uint8Array,
  options: OnnxImportOptions & { readonly description?: string; readonly tags?: Record<string, string> },
): Promise<{ model: OnnxModel; version: ModelVersionRecord }> {
  const model = await importOnnx(bytes, options);
  const version = await store.registerVersion({
    model: options.name,
    artifact: saveModel(model),
    kind: model.kind,
    task: model.task,
    schema: { rows: options.schema.rows, columns: model.inputNames.map((n) => columnOf(options.schema, n)!) },
    tags: { source: 'onnx-import', ...options.tags },
    ...(options.description === undefined ? {} : { description: options.description }),
  });
  return { model, version };
}

/** The classes a keel export kept in the file's metadata (a JSON array of strings), if any. */
function exportedClasses(bytes: Uint8Array): readonly string[] | undefined {
  const text = onnxMetadata(bytes)['keel.classes'];
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((c) => typeof c === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

type GraphValue = OnnxValue | { readonly name: string; readonly type: null; readonly detail: string };

async function describeGraph(
  bytes: Uint8Array,
  name: string,
): Promise<{ inputs: OnnxValue[]; outputs: GraphValue[] }> {
  const ort = await import('onnxruntime-node');
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (error) {
    throw new DataError('onnx.unreadable', `onnxruntime cannot load "${name}": ${(error as Error).message}`, {
      location: { source: name },
      hint: 'check that the file is an ONNX model (opset ≤ 21, ai.onnx.ml ≤ 3)',
      cause: error,
    });
  }
  const values = (metadata: typeof session.inputMetadata): GraphValue[] =>
    metadata.map((m) => {
      if (!m.isTensor) return { name: m.name, type: null, detail: 'not a tensor (a sequence or a map)' };
      if (!TENSOR_TYPES.includes(m.type as TensorType))
        return { name: m.name, type: null, detail: `a ${m.type} tensor` };
      const shape = m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : null));
      return { name: m.name, type: m.type as TensorType, shape };
    });
  const inputs = values(session.inputMetadata);
  const outputs = values(session.outputMetadata);
  await session.release();
  const unusable = inputs.find((i) => i.type === null);
  if (unusable !== undefined && 'detail' in unusable) {
    throw new UsageError(
      'onnx.unsupported-input',
      `input "${unusable.name}" of "${name}" is ${unusable.detail}; keel feeds float, double, int32, int64 and string tensors`,
      { location: { field: unusable.name }, hint: 'export the model with tensor inputs of those types' },
    );
  }
  return { inputs: inputs as OnnxValue[], outputs };
}

function planInputs(
  inputs: readonly OnnxValue[],
  schema: Schema,
  name: string,
): { layout: InputLayout; columns: string[] } {
  const byName = new Map(schema.columns.map((c) => [c.name, c]));
  if (inputs.every((i) => byName.has(i.name))) {
    const columns = inputs.map((i) => i.name);
    refuseUnread(schema, columns, name);
    for (const input of inputs) checkColumnInput(input, byName.get(input.name)!, name);
    return { layout: 'columns', columns };
  }
  const only = inputs[0]!;
  if (
    inputs.length === 1 &&
    only.shape.length === 2 &&
    (only.type === 'float32' || only.type === 'float64')
  ) {
    return { layout: 'matrix', columns: matrixColumns(only, schema, name) };
  }
  const unknown = inputs.filter((i) => !byName.has(i.name)).map((i) => i.name);
  throw new SchemaError(
    'onnx.schema-mismatch',
    `the inputs of "${name}" are not the schema's columns: no column is named ${quoted(unknown)}`,
    {
      location: { field: unknown[0] },
      hint: `the model takes ${quoted(inputs.map((i) => i.name))}; give a schema with one column per input, or a model with one [N, k] float input`,
    },
  );
}

function refuseUnread(schema: Schema, columns: readonly string[], name: string): void {
  const read = new Set(columns);
  const unread = schema.columns.filter((c) => !read.has(c.name)).map((c) => c.name);
  if (unread.length === 0) return;
  throw new SchemaError(
    'onnx.schema-mismatch',
    `the schema has columns that "${name}" does not read: ${quoted(unread)}`,
    {
      location: { column: unread[0] },
      hint: `remove them from the schema; the model's inputs are ${quoted(columns)}`,
    },
  );
}

function checkColumnInput(input: OnnxValue, column: ColumnSchema, name: string): void {
  const rank = input.shape.length;
  if (rank > 2 || (rank === 2 && input.shape[1] !== null && input.shape[1] !== 1)) {
    throw new UsageError(
      'onnx.unsupported-input',
      `input "${input.name}" of "${name}" has shape [${input.shape.map((d) => d ?? 'N').join(', ')}]; a column input must be [N] or [N, 1]`,
      {
        location: { field: input.name },
        hint: 'export one [N, 1] input per column, or one [N, k] input for all of them',
      },
    );
  }
  const numeric = input.type !== 'string';
  if (numeric !== holdsNumbers(column)) {
    throw new SchemaError(
      'onnx.schema-mismatch',
      `input "${input.name}" of "${name}" takes ${numeric ? 'numbers' : 'strings'} (${input.type}), but the schema's column is ${column.kind}`,
      {
        location: { column: column.name },
        hint: 'fix the column kind in the schema, or the input type in the export',
      },
    );
  }
}

function matrixColumns(input: OnnxValue, schema: Schema, name: string): string[] {
  const notNumeric = schema.columns.filter((c) => !holdsNumbers(c)).map((c) => `${c.name} (${c.kind})`);
  const width = input.shape[1];
  if (notNumeric.length > 0 || (width !== null && width !== schema.columns.length)) {
    const detail =
      notNumeric.length > 0
        ? `the schema has non-numeric columns ${quoted(notNumeric)}`
        : `the schema has ${schema.columns.length} columns (${quoted(schema.columns.map((c) => c.name))})`;
    throw new SchemaError(
      'onnx.schema-mismatch',
      `"${name}" takes one input "${input.name}" of ${width ?? 'k'} numbers per row, but ${detail}`,
      {
        location: { field: input.name },
        hint: `give a schema of exactly the ${width ?? ''} numeric columns the model was trained on, in training order`,
      },
    );
  }
  return schema.columns.map((c) => c.name);
}

/** Numbers, booleans and dates travel as numbers; categories, text and string ids as strings. */
function holdsNumbers(column: ColumnSchema): boolean {
  if (column.kind === 'categorical' || column.kind === 'text') return false;
  return column.kind !== 'id' || column.min !== undefined;
}

interface OutputChoice {
  readonly task: SupervisedTask;
  readonly classes?: readonly string[];
  readonly plan: OutputPlan;
}

function planOutputs(outputs: readonly GraphValue[], options: OnnxImportOptions): OutputChoice {
  const { name } = options;
  const unusable = outputs.find((o) => o.type === null);
  if (unusable !== undefined && 'detail' in unusable) {
    throw new UsageError(
      'onnx.unsupported-output',
      `output "${unusable.name}" of "${name}" is ${unusable.detail}, which keel cannot read`,
      {
        location: { field: unusable.name },
        hint: 'export probabilities as a plain [N, classes] tensor: with skl2onnx, options={"zipmap": False}; or remove the output',
      },
    );
  }
  const tensors = outputs as readonly OnnxValue[];
  const probabilities = tensors.filter((o) => isFloat(o) && o.shape.length === 2 && o.shape[1] !== 1);
  const labels = tensors.filter((o) => !isFloat(o) && perRow(o));
  const values = tensors.filter((o) => isFloat(o) && perRow(o));
  const task = options.task ?? (probabilities.length + labels.length > 0 ? 'classification' : 'regression');
  if (task === 'regression')
    return { task, plan: { prediction: single(values, 'a prediction (one number per row)', name).name } };
  if (probabilities.length > 0)
    return classifierWithProbabilities(single(probabilities, 'probabilities', name), options);
  const label = single(labels, 'probabilities ([N, classes] floats) or labels', name).name;
  const classes = options.classes;
  if (classes === undefined) {
    throw new UsageError(
      'onnx.classes-required',
      `"${name}" answers only labels (output "${label}"): name its classes`,
      {
        location: { field: 'classes' },
        hint: 'list every label the model can answer, e.g. --classes setosa,versicolor,virginica',
      },
    );
  }
  return { task: checkedTask(options.task, classes.length, name), classes, plan: { label } };
}

function classifierWithProbabilities(output: OnnxValue, options: OnnxImportOptions): OutputChoice {
  const width = output.shape[1] ?? options.classes?.length;
  if (width === undefined) {
    throw new UsageError(
      'onnx.classes-required',
      `the width of output "${output.name}" of "${options.name}" is not fixed: name the classes`,
      {
        location: { field: 'classes' },
        hint: 'list the labels in probability-column order, e.g. --classes no,yes',
      },
    );
  }
  const classes = options.classes ?? Array.from({ length: width }, (_, i) => String(i));
  if (classes.length !== width) {
    throw new UsageError(
      'onnx.classes-mismatch',
      `output "${output.name}" of "${options.name}" has ${width} probability columns, and ${classes.length} classes were named`,
      { location: { field: 'classes' }, hint: `name ${width} classes, in probability-column order` },
    );
  }
  return {
    task: checkedTask(options.task, width, options.name),
    classes,
    plan: { probabilities: output.name },
  };
}

function checkedTask(
  task: SupervisedTask | 'classification' | undefined,
  classes: number,
  name: string,
): SupervisedTask {
  const counted = classes === 2 ? 'binary' : 'multiclass';
  if (task === undefined || task === 'classification' || task === counted) return counted;
  throw new UsageError(
    'onnx.task-mismatch',
    `"${name}" has ${classes} classes, so it is ${counted}, not ${task}`,
    {
      location: { field: 'task' },
      hint: `use --task ${counted}, or leave --task out`,
    },
  );
}

function single(candidates: readonly OnnxValue[], what: string, name: string): OnnxValue {
  if (candidates.length === 1) return candidates[0]!;
  const hint =
    candidates.length === 0
      ? 'export the model with that output (or choose another --task)'
      : 'export the model with only the output to serve';
  throw new UsageError(
    'onnx.unmapped-output',
    candidates.length === 0
      ? `"${name}" has no output keel can read as ${what}`
      : `"${name}" has more than one output that could be ${what}: ${quoted(candidates.map((c) => c.name))}`,
    { location: { field: candidates[0]?.name ?? 'outputs' }, hint },
  );
}

function isFloat(value: OnnxValue): boolean {
  return value.type === 'float32' || value.type === 'float64';
}

/** [N], [N, 1], or a shape the runtime does not know: one value per row. */
function perRow(value: OnnxValue): boolean {
  return value.shape.length <= 1 || (value.shape.length === 2 && value.shape[1] === 1);
}

function columnOf(schema: Schema, name: string): ColumnSchema | undefined {
  return schema.columns.find((c) => c.name === name);
}

function quoted(names: readonly string[]): string {
  const shown = names.slice(0, 8).map((n) => `"${n}"`);
  return names.length > 8 ? `${shown.join(', ')} and ${names.length - 8} more` : shown.join(', ');
}
