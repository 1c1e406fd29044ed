import { ProtoWriter } from './protobuf.js';

/**
 * The ONNX messages keel writes, as plain objects, and their encoding. Field
 * numbers are those of onnx/onnx-ml.proto (IR version 8): ModelProto,
 * GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto with
 * its TypeProto, OperatorSetIdProto and StringStringEntryProto.
 */

/** TensorProto.DataType values. */
export const DataType = {
  FLOAT: 1,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  DOUBLE: 11,
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

export interface TensorProto {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data:
    | { readonly type: typeof DataType.DOUBLE; readonly values: ArrayLike<number> }
    | { readonly type: typeof DataType.FLOAT; readonly values: ArrayLike<number> }
    | { readonly type: typeof DataType.INT64; readonly values: ArrayLike<number> }
    | { readonly type: typeof DataType.STRING; readonly values: readonly string[] };
}

export type AttributeValue =
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'tensor'; readonly value: TensorProto }
  | { readonly type: 'floats'; readonly value: ArrayLike<number> }
  | { readonly type: 'ints'; readonly value: ArrayLike<number> }
  | { readonly type: 'strings'; readonly value: readonly string[] };

export interface AttributeProto {
  readonly name: string;
  readonly value: AttributeValue;
}

export interface NodeProto {
  readonly opType: string;
  /** '' (or absent) for ai.onnx; 'ai.onnx.ml' for the traditional-ML operators. */
  readonly domain?: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly AttributeProto[];
}

/** A tensor's element type and shape; a string dimension is symbolic (e.g. 'N', the row count). */
export interface ValueInfoProto {
  readonly name: string;
  readonly elemType: DataType;
  readonly shape: readonly (number | string)[];
  readonly doc?: string;
}

export interface GraphProto {
  readonly name: string;
  readonly nodes: readonly NodeProto[];
  readonly initializers: readonly TensorProto[];
  readonly inputs: readonly ValueInfoProto[];
  readonly outputs: readonly ValueInfoProto[];
  readonly doc?: string;
}

export interface OperatorSetId {
  readonly domain: string;
  readonly version: number;
}

export interface ModelProto {
  readonly irVersion: number;
  readonly opsets: readonly OperatorSetId[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly doc?: string;
  readonly graph: GraphProto;
  readonly metadata: Readonly<Record<string, string>>;
}

/** AttributeProto.AttributeType values. */
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7, strings: 8 } as const;

export function encodeModel(model: ModelProto): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, model.irVersion);
  w.string(2, model.producerName);
  w.string(3, model.producerVersion);
  if (model.doc !== undefined) w.string(6, model.doc);
  w.message(7, (g) => writeGraph(g, model.graph));
  for (const opset of model.opsets) {
    w.message(8, (o) => {
      o.string(1, opset.domain);
      o.int(2, opset.version);
    });
  }
  for (const [key, value] of Object.entries(model.metadata)) {
    w.message(14, (e) => {
      e.string(1, key);
      e.string(2, value);
    });
  }
  return w.finish();
}

function writeGraph(w: ProtoWriter, graph: GraphProto): void {
  for (const node of graph.nodes) w.message(1, (n) => writeNode(n, node));
  w.string(2, graph.name);
  for (const tensor of graph.initializers) w.message(5, (t) => writeTensor(t, tensor));
  if (graph.doc !== undefined) w.string(10, graph.doc);
  for (const input of graph.inputs) w.message(11, (v) => writeValueInfo(v, input));
  for (const output of graph.outputs) w.message(12, (v) => writeValueInfo(v, output));
}

function writeNode(w: ProtoWriter, node: NodeProto): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.name);
  w.string(4, node.opType);
  for (const attribute of node.attributes) w.message(5, (a) => writeAttribute(a, attribute));
  if (node.domain !== undefined && node.domain !== '') w.string(7, node.domain);
}

function writeAttribute(w: ProtoWriter, { name, value }: AttributeProto): void {
  w.string(1, name);
  w.int(20, ATTRIBUTE_TYPE[value.type]);
  switch (value.type) {
    case 'float':
      w.float(2, value.value);
      break;
    case 'int':
      w.int(3, value.value);
      break;
    case 'string':
      w.string(4, value.value);
      break;
    case 'tensor':
      w.message(5, (t) => writeTensor(t, value.value));
      break;
    case 'floats':
      w.packedFloats(7, value.value);
      break;
    case 'ints':
      w.packedInts(8, value.value);
      break;
    case 'strings':
      for (const s of value.value) w.string(9, s);
      break;
  }
}

function writeTensor(w: ProtoWriter, tensor: TensorProto): void {
  w.packedInts(1, tensor.dims);
  w.int(2, tensor.data.type);
  w.string(8, tensor.name);
  const { data } = tensor;
  if (data.type === DataType.STRING) {
    for (const s of data.values) w.string(6, s);
    return;
  }
  w.bytes(9, rawBytes(data.type, data.values));
}

/** Numbers as raw_data: little-endian, as TensorProto requires whatever the machine. */
function rawBytes(type: DataType, values: ArrayLike<number>): Uint8Array {
  const width = type === DataType.FLOAT ? 4 : 8;
  const bytes = new Uint8Array(values.length * width);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (type === DataType.DOUBLE) view.setFloat64(i * 8, v, true);
    else if (type === DataType.FLOAT) view.setFloat32(i * 4, v, true);
    else view.setBigInt64(i * 8, BigInt(v), true);
  }
  return bytes;
}

function writeValueInfo(w: ProtoWriter, info: ValueInfoProto): void {
  w.string(1, info.name);
  // TypeProto { tensor_type = 1: Tensor { elem_type = 1, shape = 2: TensorShapeProto { dim = 1 } } }
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, info.elemType);
      tensor.message(2, (shape) => {
        for (const d of info.shape) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
  if (info.doc !== undefined) w.string(3, info.doc);
}
