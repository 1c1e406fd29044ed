import type { Rng } from '../../core/random.js';
import {
  type Activation,
  activate,
  glorotBound,
  link,
  type OutputLink,
  scaleByDerivative,
} from './activations.js';
import { multiplyTransposed, transpose } from './gemm.js';

/**
 * A fully connected feed-forward network: its shape, its parameters in one
 * flat vector, and the forward and backward passes over a block of rows.
 *
 * Layer l maps fanIn = sizes[l] units to fanOut = sizes[l + 1] units with a
 * row-major fanOut × fanIn weight matrix (row j holds the weights into unit
 * j: the transpose of scikit-learn's coefs_, so that the forward pass is a
 * product of contiguous rows) and fanOut biases. All of them live in one Float64Array, [W0, b0, W1, b1, …],
 * so the optimiser updates every parameter in one pass; `weights[l]` and
 * `biases[l]` are views into it.
 */
export interface Architecture {
  /** Units per layer: inputs first, then the hidden layers, then the outputs. */
  readonly sizes: readonly number[];
  readonly activation: Activation;
  readonly output: OutputLink;
}

export class Network {
  readonly layers: number;
  readonly weights: Float64Array[] = [];
  readonly biases: Float64Array[] = [];
  /** Start and end of each layer's weights in `parameters` (biases are not penalised). */
  readonly weightRanges: (readonly [number, number])[] = [];

  constructor(
    readonly architecture: Architecture,
    readonly parameters: Float64Array,
  ) {
    const { sizes } = architecture;
    this.layers = sizes.length - 1;
    let offset = 0;
    for (let l = 0; l < this.layers; l++) {
      const weightCount = sizes[l]! * sizes[l + 1]!;
      this.weightRanges.push([offset, offset + weightCount]);
      this.weights.push(parameters.subarray(offset, offset + weightCount));
      offset += weightCount;
      this.biases.push(parameters.subarray(offset, offset + sizes[l + 1]!));
      offset += sizes[l + 1]!;
    }
    if (offset !== parameters.length) throw new RangeError('parameter vector does not fit the architecture');
  }

  get inputs(): number {
    return this.architecture.sizes[0]!;
  }

  get outputs(): number {
    return this.architecture.sizes[this.layers]!;
  }
}

export function parameterCount(sizes: readonly number[]): number {
  let count = 0;
  for (let l = 0; l + 1 < sizes.length; l++) count += (sizes[l]! + 1) * sizes[l + 1]!;
  return count;
}

/** A network with Glorot-uniform weights and biases, drawn layer by layer from `rng`. */
export function initialNetwork(architecture: Architecture, rng: Rng): Network {
  const { sizes, activation } = architecture;
  const parameters = new Float64Array(parameterCount(sizes));
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const bound = glorotBound(activation, sizes[l]!, sizes[l + 1]!);
    const end = offset + (sizes[l]! + 1) * sizes[l + 1]!;
    for (; offset < end; offset++) parameters[offset] = (2 * rng.next() - 1) * bound;
  }
  return new Network(architecture, parameters);
}

/**
 * Buffers for one block of up to `capacity` rows: every layer's outputs and
 * errors, and (for training) scratch space for the transposed operands of
 * back-propagation. Allocated once per fit (or per prediction) and reused by
 * every batch, so the passes allocate nothing.
 */
export class Workspace {
  /** outputs[l] holds layer l + 1's activations (the input block is passed separately). */
  readonly outputs: Float64Array[];
  /** errors[l] holds ∂loss/∂(pre-activation) of layer l + 1, for the same rows. */
  readonly errors: Float64Array[];
  readonly transposedInputs: Float64Array;
  readonly transposedErrors: Float64Array;
  readonly transposedWeights: Float64Array;

  constructor(
    architecture: Architecture,
    readonly capacity: number,
    training = false,
  ) {
    const { sizes } = architecture;
    const widths = sizes.slice(1);
    this.outputs = widths.map((w) => new Float64Array(capacity * w));
    this.errors = widths.map((w) => new Float64Array(capacity * w));
    const widest = training ? Math.max(...sizes) : 0;
    let largestLayer = 0;
    for (let l = 0; training && l + 1 < sizes.length; l++)
      largestLayer = Math.max(largestLayer, sizes[l]! * sizes[l + 1]!);
    this.transposedInputs = new Float64Array(capacity * widest);
    this.transposedErrors = new Float64Array(capacity * widest);
    this.transposedWeights = new Float64Array(largestLayer);
  }
}

/** Runs `rows` rows of `input` (row-major, network.inputs wide) through the network; returns the output block. */
export function forward(network: Network, input: Float64Array, rows: number, work: Workspace): Float64Array {
  const { sizes, activation, output } = network.architecture;
  let current = input;
  for (let l = 0; l < network.layers; l++) {
    const out = work.outputs[l]!;
    const fanOut = sizes[l + 1]!;
    multiplyTransposed(current, network.weights[l]!, out, rows, fanOut, sizes[l]!, network.biases[l]!);
    if (l + 1 < network.layers) activate(activation, out, rows * fanOut);
    else link(output, out, rows, fanOut);
    current = out;
  }
  return current;
}

/**
 * Back-propagation (Rumelhart, Hinton & Williams 1986) for the block that
 * `forward` just ran, whose output errors (the loss gradient with respect to
 * the output scores, averaged over the block) are already in the last
 * `work.errors`. Writes the gradient of the data term into `gradient`, laid
 * out as the parameters; the L2 term is the optimiser's (see Adam.step).
 *
 * With E the errors of layer l (rows × fanOut) and A its input (rows ×
 * fanIn): ∂W = Eᵀ·A, ∂b = the column sums of E, and the errors one layer
 * down are (E·W) ⊙ f′(A).
 */
export function backward(
  network: Network,
  input: Float64Array,
  rows: number,
  work: Workspace,
  gradient: Network,
): void {
  const { sizes, activation } = network.architecture;
  const { transposedInputs: inputsT, transposedErrors: errorsT, transposedWeights: weightsT } = work;
  for (let l = network.layers - 1; l >= 0; l--) {
    const fanIn = sizes[l]!;
    const fanOut = sizes[l + 1]!;
    const below = l === 0 ? input : work.outputs[l - 1]!;
    transpose(work.errors[l]!, rows, fanOut, errorsT);
    transpose(below, rows, fanIn, inputsT);
    multiplyTransposed(errorsT, inputsT, gradient.weights[l]!, fanOut, fanIn, rows, null);
    sumRows(errorsT, fanOut, rows, gradient.biases[l]!);
    if (l === 0) continue;
    const belowErrors = work.errors[l - 1]!;
    transpose(network.weights[l]!, fanOut, fanIn, weightsT);
    multiplyTransposed(work.errors[l]!, weightsT, belowErrors, rows, fanIn, fanOut, null);
    scaleByDerivative(activation, below, belowErrors, rows * fanIn);
  }
}

/** out[r] = the sum of row r of a rows × cols block. */
function sumRows(values: Float64Array, rows: number, cols: number, out: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const start = r * cols;
    let sum = 0;
    for (let c = start; c < start + cols; c++) sum += values[c]!;
    out[r] = sum;
  }
}
