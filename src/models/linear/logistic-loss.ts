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
    let lossSum: number;
    if (this.outputs === 1) {
      lossSum = binaryLossAndGradient(
        this.X,
        theta,
        this.y,
        this.weight,
        this.fitIntercept,
        this.totalWeight,
        gradient,
      );
    } else {
      computeScores(this.X, theta, this.outputs, this.fitIntercept, this.scores);
      lossSum = multinomialLossAndSlopes(this.scores, this.y, this.weight, this.outputs);
      accumulateGradient(this.X, this.scores, this.outputs, this.fitIntercept, this.totalWeight, gradient);
    }
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

/**
 * Two classes, in one pass over the rows: Σ wᵢ·(log(1 + e^z) − y·z), with
 * the gradient (1/Σw)·Σᵢ wᵢ·(σ(zᵢ) − yᵢ)·(xᵢ, 1) written into `gradient`.
 * Each row is read once, for its score and its gradient term, while it is in
 * cache; four rows go together, so that their four dot products (each summed
 * in column order) overlap instead of waiting on one another. Every sum adds
 * the same terms in the same order as a row-at-a-time loop.
 */
function binaryLossAndGradient(
  X: Matrix,
  theta: Float64Array,
  y: Float64Array,
  weight: Float64Array | undefined,
  fitIntercept: boolean,
  totalWeight: number,
  gradient: Float64Array,
): number {
  const { data, rows, cols } = X;
  const intercept = fitIntercept ? theta[cols]! : 0;
  gradient.fill(0);
  let lossSum = 0;
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const r0 = i * cols;
    const r1 = r0 + cols;
    const r2 = r1 + cols;
    const r3 = r2 + cols;
    let z0 = intercept;
    let z1 = intercept;
    let z2 = intercept;
    let z3 = intercept;
    for (let j = 0; j < cols; j++) {
      const t = theta[j]!;
      z0 += data[r0 + j]! * t;
      z1 += data[r1 + j]! * t;
      z2 += data[r2 + j]! * t;
      z3 += data[r3 + j]! * t;
    }
    const w0 = weight === undefined ? 1 : weight[i]!;
    const w1 = weight === undefined ? 1 : weight[i + 1]!;
    const w2 = weight === undefined ? 1 : weight[i + 2]!;
    const w3 = weight === undefined ? 1 : weight[i + 3]!;
    const e0 = Math.exp(-Math.abs(z0));
    lossSum += w0 * (softplusOf(z0, e0) - y[i]! * z0);
    const e1 = Math.exp(-Math.abs(z1));
    lossSum += w1 * (softplusOf(z1, e1) - y[i + 1]! * z1);
    const e2 = Math.exp(-Math.abs(z2));
    lossSum += w2 * (softplusOf(z2, e2) - y[i + 2]! * z2);
    const e3 = Math.exp(-Math.abs(z3));
    lossSum += w3 * (softplusOf(z3, e3) - y[i + 3]! * z3);
    const s0 = (w0 * (sigmoidOf(z0, e0) - y[i]!)) / totalWeight;
    const s1 = (w1 * (sigmoidOf(z1, e1) - y[i + 1]!)) / totalWeight;
    const s2 = (w2 * (sigmoidOf(z2, e2) - y[i + 2]!)) / totalWeight;
    const s3 = (w3 * (sigmoidOf(z3, e3) - y[i + 3]!)) / totalWeight;
    for (let j = 0; j < cols; j++) {
      let g = gradient[j]!;
      g += s0 * data[r0 + j]!;
      g += s1 * data[r1 + j]!;
      g += s2 * data[r2 + j]!;
      g += s3 * data[r3 + j]!;
      gradient[j] = g;
    }
    if (fitIntercept) {
      let g = gradient[cols]!;
      g += s0;
      g += s1;
      g += s2;
      g += s3;
      gradient[cols] = g;
    }
  }
  for (; i < rows; i++) {
    const row = i * cols;
    let z = intercept;
    for (let j = 0; j < cols; j++) z += data[row + j]! * theta[j]!;
    const w = weight === undefined ? 1 : weight[i]!;
    const e = Math.exp(-Math.abs(z));
    lossSum += w * (softplusOf(z, e) - y[i]! * z);
    const slope = (w * (sigmoidOf(z, e) - y[i]!)) / totalWeight;
    for (let j = 0; j < cols; j++) gradient[j]! += slope * data[row + j]!;
    if (fitIntercept) gradient[cols]! += slope;
  }
  return lossSum;
}

/** `softplus(z)` from e = exp(−|z|), which σ(z) needs too: one exponential for both, the same values. */
function softplusOf(z: number, e: number): number {
  return z > 0 ? z + Math.log1p(e) : Math.log1p(e);
}

/** `sigmoid(z)` from e = exp(−|z|). */
function sigmoidOf(z: number, e: number): number {
  return z >= 0 ? 1 / (1 + e) : e / (1 + e);
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
