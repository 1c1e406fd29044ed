import type { Frame, Matrix } from '../data/frame.js';
import type { Model } from '../estimator/contract.js';
import { completeInput } from '../models/input.js';

/**
 * Linear attributions: for a raw score s = b + Σ βⱼxⱼ, feature j contributes
 * βⱼ(xⱼ − μⱼ) and the baseline is b + Σ βⱼμⱼ, μ the training means of the
 * model's inputs. These are the exact Shapley values of a linear model when
 * features are treated as independent (Lundberg & Lee 2017, "linear SHAP").
 */
export interface LinearScores {
  /** Row-major outputs × inputs. */
  readonly coef: Float64Array;
  /** One per output. */
  readonly intercept: Float64Array;
  /** The training mean of each input. */
  readonly means: Float64Array;
}

/**
 * The training means a model carries, when it does: a model exposing
 * `inputMeans` (one per input column, as fitted) is explained against them.
 */
export function storedInputMeans(model: Model): Float64Array | null {
  const means = (model as { inputMeans?: unknown }).inputMeans;
  return means instanceof Float64Array && means.length === model.inputNames.length ? means : null;
}

export function linearContributions(
  linear: LinearScores,
  model: Model,
  X: Matrix | Frame,
  pick: (row: number) => number,
): { baselines: Float64Array; phi: Float64Array; rows: number } {
  const { data, rows, cols } = completeInput(X, model.inputNames, model.kind);
  const { coef, intercept, means } = linear;
  const baselineOf = Array.from(intercept, (b, o) => {
    let sum = b;
    for (let j = 0; j < cols; j++) sum += coef[o * cols + j]! * means[j]!;
    return sum;
  });
  const phi = new Float64Array(rows * cols);
  const baselines = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const o = pick(i);
    baselines[i] = baselineOf[o]!;
    for (let j = 0; j < cols; j++)
      phi[i * cols + j] = coef[o * cols + j]! * (data[i * cols + j]! - means[j]!);
  }
  return { baselines, phi, rows };
}
