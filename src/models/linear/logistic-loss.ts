import type { Matrix } from '../../data/frame.js';

/**
 * The objective logistic regression minimises, as scikit-learn's
 * LogisticRegression states it,
 *
 *   C·Σᵢ wᵢ·ℓ(yᵢ, zᵢ) + ½‖B‖²   (l2)     C·Σᵢ wᵢ·ℓ(yᵢ, zᵢ) + ‖B‖₁   (l1),
 *
 * with scores zᵢ = B·xᵢ + b and the intercepts b unpenalised, divided by
 * C·Σw so that its size does not grow with the data or C:
 *
 *   f(θ) = (1/Σw)·Σᵢ wᵢ·ℓ(yᵢ, zᵢ) + ‖B‖² / (2·C·Σw).
 *
 * Binary: one score per row and ℓ = log(1 + eᶻ) − y·z. Multinomial (k ≥ 3
 * classes): k scores and ℓ = log Σ_c e^{z_c} − z_y. θ holds B row by row
 * (one row of p coefficients per score), then the intercepts.
 */
export class LogisticLoss {
  /** Scores per row: 1 for two classes, k for more. */
  readonly outputs: number;
  readonly dimension: number;
  private readonly totalWeight: number;
  /** Per-row scores, then reused for ∂ℓ/∂z. */
  private readonly scores: Float64Array;

  constructor(
    private readonly X: Matrix,
    /** Class index per row. */
    private readonly y: Float64Array,
    private readonly weight: Float64Array | undefined,
    classes: number,
    /** 1 / (C·Σw) for the l2 penalty, 0 for none (and for l1, which the optimiser adds). */
    readonly l2Strength: number,
    readonly fitIntercept: boolean,
  ) {
    this.outputs = classes === 2 ? 1 : classes;
    this.dimension = this.outputs * (X.cols + (fitIntercept ? 1 : 0));
    this.totalWeight = weight === undefined ? X.rows : weight.reduce((s, w) => s + w, 0);
    this.scores = new Float64Array(X.rows * this.outputs);
  }

  /** The l1 strength per entry of θ that makes f + Σλ|θ| the l1 objective: 1/(C·Σw) on B, 0 on b. */
  l1Strengths(C: number): Float64Array {
    const strengths = new Float64Array(this.dimension);
    strengths.fill(1 / (C * this.totalWeight), 0, this.outputs * this.X.cols);
    return strengths;
  }

  /** f(θ), with ∇f written into `gradient` (an `Objective` for the optimisers). */
  readonly evaluate = (theta: Float64Array, gradient: Float64Array): number => {
    computeScores(this.X, theta, this.outputs, this.fitIntercept, this.scores);
    const lossSum =
      this.outputs === 1
        ? binaryLossAndSlopes(this.scores, this.y, this.weight)
        : multinomialLossAndSlopes(this.scores, this.y, this.weight, this.outputs);
    accumulateGradient(this.X, this.scores, this.outputs, this.fitIntercept, this.totalWeight, gradient);
    let penalty = 0;
    const coefCount = this.outputs * this.X.cols;
    for (let i = 0; i < coefCount; i++) {
      penalty += theta[i]! * theta[i]!;
      gradient[i]! += this.l2Strength * theta[i]!;
    }
    return lossSum / this.totalWeight + 0.5 * this.l2Strength * penalty;
  };
}

/** zᵢ_c = B_c·xᵢ + b_c for every row and score, into `out` (row-major n × outputs). */
export function computeScores(
  X: Matrix,
  theta: Float64Array,
  outputs: number,
  fitIntercept: boolean,
  out: Float64Array,
): void {
  const { data, rows, cols } = X;
  const interceptAt = outputs * cols;
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let c = 0; c < outputs; c++) {
      const coef = c * cols;
      let z = fitIntercept ? theta[interceptAt + c]! : 0;
      for (let j = 0; j < cols; j++) z += data[row + j]! * theta[coef + j]!;
      out[i * outputs + c] = z;
    }
  }
}

/** Σ wᵢ·(log(1 + e^z) − y·z); replaces each score by wᵢ·(σ(z) − y), its derivative. */
function binaryLossAndSlopes(
  scores: Float64Array,
  y: Float64Array,
  weight: Float64Array | undefined,
): number {
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const z = scores[i]!;
    const w = weight === undefined ? 1 : weight[i]!;
    sum += w * (softplus(z) - y[i]! * z);
    scores[i] = w * (sigmoid(z) - y[i]!);
  }
  return sum;
}

/** Σ wᵢ·(log Σ e^{z_c} − z_y); replaces the scores by wᵢ·(softmax(z)_c − [c = y]). */
function multinomialLossAndSlopes(
  scores: Float64Array,
  y: Float64Array,
  weight: Float64Array | undefined,
  outputs: number,
): number {
  let sum = 0;
  const rows = scores.length / outputs;
  for (let i = 0; i < rows; i++) {
    const start = i * outputs;
    const w = weight === undefined ? 1 : weight[i]!;
    const label = y[i]!;
    toLogProbabilities(scores, start, outputs);
    sum -= w * scores[start + label]!;
    for (let c = 0; c < outputs; c++) {
      scores[start + c] = w * (Math.exp(scores[start + c]!) - (c === label ? 1 : 0));
    }
  }
  return sum;
}

/**
 * Replaces scores[start … start + length) by log-probabilities,
 * z_c − log Σ e^z, shifting by the largest score so that nothing overflows.
 */
export function toLogProbabilities(scores: Float64Array, start: number, length: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = start; c < start + length; c++) max = Math.max(max, scores[c]!);
  let sum = 0;
  for (let c = start; c < start + length; c++) sum += Math.exp(scores[c]! - max);
  const logSumExp = max + Math.log(sum);
  for (let c = start; c < start + length; c++) scores[c] = scores[c]! - logSumExp;
}

/** ∇ of the mean loss: (1/Σw)·Σᵢ slopeᵢ_c·xᵢ for B, (1/Σw)·Σᵢ slopeᵢ_c for b. */
function accumulateGradient(
  X: Matrix,
  slopes: Float64Array,
  outputs: number,
  fitIntercept: boolean,
  totalWeight: number,
  gradient: Float64Array,
): void {
  const { data, rows, cols } = X;
  gradient.fill(0);
  const interceptAt = outputs * cols;
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let c = 0; c < outputs; c++) {
      const slope = slopes[i * outputs + c]! / totalWeight;
      if (slope === 0) continue;
      const coef = c * cols;
      for (let j = 0; j < cols; j++) gradient[coef + j]! += slope * data[row + j]!;
      if (fitIntercept) gradient[interceptAt + c]! += slope;
    }
  }
}

/** log(1 + e^z) without overflow or loss of precision at either end. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** 1 / (1 + e^−z), evaluated on the side that does not overflow. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
