/**
 * Adam (Kingma & Ba 2015, Algorithm 1): per-parameter steps scaled by running
 * estimates of the gradient's first and second moments, with the bias
 * correction folded into the step size, αₜ = α·√(1 − β₂ᵗ) / (1 − β₁ᵗ), as in
 * the paper's section 2 (and scikit-learn).
 */
export interface AdamSettings {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

export class Adam {
  private readonly firstMoment: Float64Array;
  private readonly secondMoment: Float64Array;
  private steps = 0;

  constructor(
    size: number,
    private readonly settings: AdamSettings,
  ) {
    this.firstMoment = new Float64Array(size);
    this.secondMoment = new Float64Array(size);
  }

  /**
   * One update of `parameters` from the data gradient plus an L2 term, l2·w,
   * on the parameters inside `penalised` ranges (the weights, not the
   * biases). Returns Σw² over those ranges before the update, which the
   * caller needs for the penalised loss; computing it here saves a pass.
   */
  step(
    parameters: Float64Array,
    gradient: Float64Array,
    penalised: readonly (readonly [number, number])[],
    l2: number,
  ): number {
    this.steps++;
    const { learningRate, beta1, beta2 } = this.settings;
    const rate = (learningRate * Math.sqrt(1 - beta2 ** this.steps)) / (1 - beta1 ** this.steps);
    let squares = 0;
    let next = 0;
    for (const [start, end] of penalised) {
      this.update(parameters, gradient, next, start, 0, rate);
      squares += this.update(parameters, gradient, start, end, l2, rate);
      next = end;
    }
    this.update(parameters, gradient, next, parameters.length, 0, rate);
    return squares;
  }

  /** Updates parameters[start … end) with penalty l2; returns their Σw² before the update. */
  private update(
    parameters: Float64Array,
    gradient: Float64Array,
    start: number,
    end: number,
    l2: number,
    rate: number,
  ): number {
    const { beta1, beta2, epsilon } = this.settings;
    const m = this.firstMoment;
    const v = this.secondMoment;
    const keep1 = 1 - beta1;
    const keep2 = 1 - beta2;
    let squares = 0;
    for (let i = start; i < end; i++) {
      const w = parameters[i]!;
      squares += w * w;
      const g = gradient[i]! + l2 * w;
      const mi = beta1 * m[i]! + keep1 * g;
      const vi = beta2 * v[i]! + keep2 * g * g;
      m[i] = mi;
      v[i] = vi;
      parameters[i] = w - (rate * mi) / (Math.sqrt(vi) + epsilon);
    }
    return squares;
  }
}
