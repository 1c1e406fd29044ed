import { UsageError } from '../../core/errors.js';
import type { ColumnSchema } from '../../data/schema.js';
import type { Model } from '../../estimator/contract.js';
import { GbdtModel } from '../../models/boost/gbdt-model.js';
import { CoordinateDescentModel } from '../../models/linear/coordinate-descent.js';
import { LogisticRegressionModel } from '../../models/linear/logistic.js';
import { LinearRegressionModel } from '../../models/linear/ridge.js';
import { TreeModel } from '../../models/tree/tree-model.js';
import { PipelineModel } from '../../prep/pipeline.js';
import { GraphBuilder, ML_DOMAIN, ML_OPSET, OPSET } from './graph.js';
import { linearRegressionToGraph, logisticToGraph } from './linear.js';
import { DataType, encodeModel } from './onnx-proto.js';
import { type GraphColumn, type GraphColumns, transformerToGraph } from './prep.js';
import { gbdtToGraph, treeModelToGraph } from './trees.js';

/**
 * A fitted keel model — with its preprocessing, when it is a pipeline — as
 * an ONNX model (IR 8; opsets ai.onnx 17 and ai.onnx.ml 3), which any ONNX
 * runtime runs without keel.
 *
 * Inputs: one per raw column the model reads, shape [N, 1]: `tensor(double)`
 * for numbers (NaN = missing), `tensor(string)` for categories ('' = missing).
 * Outputs: `prediction` [N] (double) for regression; `label` [N] (string)
 * and `probabilities` [N, classes] (double, in the order of
 * `model.classes`) for classifiers.
 */
export interface OnnxExportOptions {
  /** The graph's name (default: the model's kind). */
  readonly name?: string;
  /** Stored in the file's metadata, e.g. `wine@3`. */
  readonly description?: string;
}

export const SUPPORTED_MODEL_KINDS = [
  'linear',
  'ridge',
  'lasso',
  'elasticnet',
  'logistic',
  'decision-tree-classifier',
  'decision-tree-regressor',
  'random-forest-classifier',
  'random-forest-regressor',
  'extra-trees-classifier',
  'extra-trees-regressor',
  'gbdt-classifier',
  'gbdt-regressor',
] as const;

const KEEL_VERSION = '0.1.0';

/** What an exported graph takes and gives, for a caller to print or check. */
export interface OnnxSignature {
  readonly inputs: readonly { readonly name: string; readonly type: 'double' | 'string' }[];
  readonly outputs: readonly { readonly name: string; readonly type: 'double' | 'string' }[];
}

export function exportOnnx(model: Model, options: OnnxExportOptions = {}): Uint8Array {
  return exportOnnxWithSignature(model, options).bytes;
}

export function exportOnnxWithSignature(
  model: Model,
  options: OnnxExportOptions = {},
): OnnxSignature & { readonly bytes: Uint8Array } {
  const g = new GraphBuilder();
  const inputs = graphInputs(g, model);
  let columns: GraphColumns = inputs.columns;
  const final = model instanceof PipelineModel ? model.model : model;
  if (model instanceof PipelineModel)
    for (const step of model.steps) columns = transformerToGraph(g, step, columns);
  modelToGraph(g, final, columns);
  const name = options.name ?? model.kind;
  const bytes = encodeModel({
    irVersion: 8,
    opsets: [
      { domain: '', version: OPSET },
      { domain: ML_DOMAIN, version: ML_OPSET },
    ],
    producerName: 'keel',
    producerVersion: KEEL_VERSION,
    doc: documentation(final, inputs.described),
    graph: g.graph(name),
    metadata: {
      'keel.kind': final.kind,
      'keel.task': final.task,
      'keel.inputs': JSON.stringify(inputs.described),
      ...(final.classes === undefined ? {} : { 'keel.classes': JSON.stringify(final.classes) }),
      ...(options.description === undefined ? {} : { 'keel.model': options.description }),
    },
  });
  return {
    bytes,
    inputs: inputs.described.map((i) => ({ name: i.name, type: i.type === 'number' ? 'double' : 'string' })),
    outputs:
      final.task === 'regression'
        ? [{ name: 'prediction', type: 'double' }]
        : [
            { name: 'label', type: 'string' },
            { name: 'probabilities', type: 'double' },
          ],
  };
}

function modelToGraph(g: GraphBuilder, model: Model, columns: GraphColumns): void {
  if (model instanceof LinearRegressionModel || model instanceof CoordinateDescentModel) {
    linearRegressionToGraph(g, model, columns);
  } else if (model instanceof LogisticRegressionModel) logisticToGraph(g, model, columns);
  else if (model instanceof TreeModel) treeModelToGraph(g, model, columns);
  else if (model instanceof GbdtModel) gbdtToGraph(g, model, columns);
  else {
    throw new UsageError('export.unsupported-model', `ONNX export does not support ${model.kind} models`, {
      location: { field: model.kind },
      hint: `ONNX export takes: ${SUPPORTED_MODEL_KINDS.join(', ')}`,
    });
  }
}

type InputKind = 'number' | 'category';

/** The raw columns the model reads first, each a graph input of shape [N, 1]. */
function graphInputs(
  g: GraphBuilder,
  model: Model,
): { columns: Map<string, GraphColumn>; described: { name: string; type: InputKind }[] } {
  const described = rawInputs(model);
  const columns = new Map<string, GraphColumn>();
  for (const { name, type } of described) {
    const value = g.input(name, type === 'number' ? DataType.DOUBLE : DataType.STRING, ['N', 1]);
    columns.set(name, type === 'number' ? { type, value } : { type, value, missingAs: null });
  }
  return { columns, described };
}

function rawInputs(model: Model): { name: string; type: InputKind }[] {
  if (!(model instanceof PipelineModel)) {
    const categorical = new Set(
      model instanceof GbdtModel ? model.features.filter((f) => f.levels !== null).map((f) => f.name) : [],
    );
    return model.inputNames.map((name) => ({ name, type: categorical.has(name) ? 'category' : 'number' }));
  }
  const read = new Set(model.steps[0]?.inputNames ?? model.model.inputNames);
  return model.schema.columns
    .filter((c) => read.has(c.name))
    .map((c) => ({ name: c.name, type: inputType(c) }));
}

/** Categories and text arrive as strings; numbers, booleans and dates (epoch ms) as doubles. */
function inputType(column: ColumnSchema): InputKind {
  if (column.kind === 'categorical' || column.kind === 'text') return 'category';
  if (column.kind === 'id' && column.min === undefined) return 'category';
  return 'number';
}

function documentation(model: Model, inputs: readonly { name: string; type: InputKind }[]): string {
  const outputs =
    model.task === 'regression'
      ? 'prediction [N] double'
      : `label [N] string (one of ${JSON.stringify(model.classes)}), probabilities [N, ${model.classes?.length}] double in that class order`;
  return [
    `keel ${model.kind} model (${model.task}).`,
    `Inputs, one per column, shape [N, 1]: ${inputs.map((i) => `${i.name} (${i.type === 'number' ? 'double, NaN = missing' : "string, '' = missing"})`).join(', ')}.`,
    `Outputs: ${outputs}.`,
  ].join('\n');
}
