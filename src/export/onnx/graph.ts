import {
  type AttributeProto,
  type AttributeValue,
  DataType,
  type GraphProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './onnx-proto.js';

/** The operator sets keel's graphs use: ai.onnx 17 and ai.onnx.ml 3 (ONNX 1.12, IR version 8). */
export const OPSET = 17;
export const ML_OPSET = 3;
export const ML_DOMAIN = 'ai.onnx.ml';

export type Attributes = Readonly<Record<string, AttributeValue>>;

/**
 * Builds a graph node by node: every value gets a fresh name, constants
 * become initializers, and `op` returns its output names so a converter
 * reads as the computation it describes.
 */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly used = new Set<string>();

  /** A name no other value has, readable in a graph viewer. */
  fresh(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_.=:-]/g, '_') || 'value';
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  input(name: string, elemType: DataType, shape: readonly (number | string)[]): string {
    if (this.used.has(name)) throw new Error(`onnx graph: input name "${name}" is taken`);
    this.used.add(name);
    this.inputs.push({ name, elemType, shape });
    return name;
  }

  /** Names `value` as a graph output (through an Identity node, so any value can be one). */
  output(
    name: string,
    value: string,
    elemType: DataType,
    shape: readonly (number | string)[],
    doc?: string,
  ): void {
    if (this.used.has(name)) throw new Error(`onnx graph: output name "${name}" is taken`);
    this.used.add(name);
    this.nodes.push({
      opType: 'Identity',
      name: `${name}_out`,
      inputs: [value],
      outputs: [name],
      attributes: [],
    });
    this.outputs.push({ name, elemType, shape, ...(doc === undefined ? {} : { doc }) });
  }

  doubles(hint: string, values: ArrayLike<number>, dims: readonly number[] = [values.length]): string {
    return this.constant(hint, dims, { type: DataType.DOUBLE, values });
  }

  int64s(hint: string, values: ArrayLike<number>, dims: readonly number[] = [values.length]): string {
    return this.constant(hint, dims, { type: DataType.INT64, values });
  }

  /** A node with one output (use `opMany` for several). */
  op(opType: string, inputs: readonly string[], attributes: Attributes = {}, domain = ''): string {
    return this.opMany(opType, inputs, 1, attributes, domain)[0]!;
  }

  opMany(
    opType: string,
    inputs: readonly string[],
    outputCount: number,
    attributes: Attributes = {},
    domain = '',
  ): string[] {
    const outputs = Array.from({ length: outputCount }, () => this.fresh(opType));
    const attrs: AttributeProto[] = Object.entries(attributes).map(([name, value]) => ({ name, value }));
    this.nodes.push({
      opType,
      domain,
      name: this.fresh(`${opType}_node`),
      inputs,
      outputs,
      attributes: attrs,
    });
    return outputs;
  }

  graph(name: string, doc?: string): GraphProto {
    return {
      name,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.inputs,
      outputs: this.outputs,
      ...(doc === undefined ? {} : { doc }),
    };
  }

  private constant(hint: string, dims: readonly number[], data: TensorProto['data']): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dims, data });
    return name;
  }
}

export const attr = {
  int: (value: number): AttributeValue => ({ type: 'int', value }),
  float: (value: number): AttributeValue => ({ type: 'float', value }),
  string: (value: string): AttributeValue => ({ type: 'string', value }),
  ints: (value: ArrayLike<number>): AttributeValue => ({ type: 'ints', value }),
  floats: (value: ArrayLike<number>): AttributeValue => ({ type: 'floats', value }),
  strings: (value: readonly string[]): AttributeValue => ({ type: 'strings', value }),
  doubles: (name: string, values: ArrayLike<number>): AttributeValue => ({
    type: 'tensor',
    value: { name, dims: [values.length], data: { type: DataType.DOUBLE, values } },
  }),
};
