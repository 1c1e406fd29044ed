import type { OutputLink } from './activations.js';

/**
 * The data term of the training loss and its gradient with respect to the
 * output scores. Each output link is paired with its canonical loss, so the
 * gradient is prediction − target in every case:
 *
 * - softmax:  cross-entropy, −log p_y (targets are class indices),
 * - logistic: binary cross-entropy of the second class (targets 0 or 1),
 * - identity: half the squared error, ½ (p − y)².
 *
 * Probabilities are clipped to [ε, 1 − ε] inside the logarithms (ε = 2⁻⁵²),
 * as scikit-learn does, so a confident mistake costs a large finite loss.
 */
const EPS = 2 ** -52;

/**
 * Writes (prediction − target) / rows into `errors` for `rows` rows and
 * returns the summed (not averaged) loss of those rows.
 */
export function outputErrors(
  output: OutputLink,
  predictions: Float64Array,
  targets: Float64Array,
  rows: number,
  width: number,
  errors: Float64Array,
): number {
  const scale = 1 / rows;
  let loss = 0;
  if (output === 'softmax') {
    for (let i = 0; i < rows; i++) {
      const start = i * width;
      const y = start + targets[i]!;
      for (let j = start; j < start + width; j++) errors[j] = predictions[j]! * scale;
      errors[y]! -= scale;
      loss -= Math.log(clip(predictions[y]!));
    }
  } else if (output === 'logistic') {
    for (let i = 0; i < rows; i++) {
      const p = predictions[i]!;
      const y = targets[i]!;
      errors[i] = (p - y) * scale;
      loss -= y === 1 ? Math.log(clip(p)) : Math.log(clip(1 - p));
    }
  } else {
    for (let i = 0; i < rows; i++) {
      const residual = predictions[i]! - targets[i]!;
      errors[i] = residual * scale;
      loss += 0.5 * residual * residual;
    }
  }
  return loss;
}

function clip(p: number): number {
  return Math.min(Math.max(p, EPS), 1 - EPS);
}
