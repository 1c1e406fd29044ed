import { sigmoid } from '../linear/logistic-loss.js';

/**
 * The nonlinearities of a multilayer perceptron, applied in place to a block
 * of rows. Hidden layers use one of three activations; the output layer uses
 * the link that matches the loss (softmax with cross-entropy, logistic with
 * binary cross-entropy, identity with squared error), which makes the output
 * error simply prediction − target.
 */
export type Activation = 'relu' | 'tanh' | 'logistic';
export type OutputLink = 'softmax' | 'logistic' | 'identity';

export const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'logistic'];

export function activate(activation: Activation, values: Float64Array, length: number): void {
  if (activation === 'relu') {
    // ½(v + |v|) is max(v, 0) exactly, without a branch: about half the
    // units are off, at random, and a mispredicted branch per unit costs
    // more than the arithmetic.
    for (let i = 0; i < length; i++) {
      const v = values[i]!;
      values[i] = 0.5 * (v + Math.abs(v));
    }
  } else if (activation === 'tanh') {
    for (let i = 0; i < length; i++) values[i] = Math.tanh(values[i]!);
  } else {
    for (let i = 0; i < length; i++) values[i] = sigmoid(values[i]!);
  }
}

/**
 * Multiplies back-propagated errors by the activation's derivative, written
 * in terms of the activation's output a: ReLU′ = [a > 0], tanh′ = 1 − a²,
 * σ′ = a(1 − a).
 */
export function scaleByDerivative(
  activation: Activation,
  outputs: Float64Array,
  errors: Float64Array,
  length: number,
): void {
  if (activation === 'relu') {
    // For a ≥ 0, ⌈a / (a + 10⁻³⁰⁰)⌉ is exactly [a > 0]: branch-free, as above.
    for (let i = 0; i < length; i++) {
      const a = outputs[i]!;
      errors[i]! *= Math.ceil(a / (a + 1e-300));
    }
  } else if (activation === 'tanh') {
    for (let i = 0; i < length; i++) {
      const a = outputs[i]!;
      errors[i]! *= 1 - a * a;
    }
  } else if (activation === 'logistic') {
    for (let i = 0; i < length; i++) {
      const a = outputs[i]!;
      errors[i]! *= a * (1 - a);
    }
  }
}

/** Applies the output link to `rows` rows of `width` scores each. */
export function link(kind: OutputLink, values: Float64Array, rows: number, width: number): void {
  if (kind === 'logistic') {
    for (let i = 0; i < rows * width; i++) values[i] = sigmoid(values[i]!);
  } else if (kind === 'softmax') {
    for (let start = 0; start < rows * width; start += width) softmaxInPlace(values, start, width);
  }
}

/** Softmax of values[start … start + width), shifted by the maximum so exp never overflows. */
function softmaxInPlace(values: Float64Array, start: number, width: number): void {
  const end = start + width;
  let max = values[start]!;
  for (let j = start + 1; j < end; j++) if (values[j]! > max) max = values[j]!;
  let sum = 0;
  for (let j = start; j < end; j++) {
    const e = Math.exp(values[j]! - max);
    values[j] = e;
    sum += e;
  }
  const inverse = 1 / sum;
  for (let j = start; j < end; j++) values[j]! *= inverse;
}

/**
 * Glorot & Bengio (2010)'s uniform initialisation bound, √(6 / (fan in + fan
 * out)); for logistic units the 6 becomes 2, as scikit-learn does, since σ′
 * is at most 1/4 rather than 1.
 */
export function glorotBound(activation: Activation, fanIn: number, fanOut: number): number {
  const factor = activation === 'logistic' ? 2 : 6;
  return Math.sqrt(factor / (fanIn + fanOut));
}
