import {
  dot,
  LbfgsMemory,
  type LbfgsOptions,
  type LbfgsResult,
  maxAbs,
  type Objective,
  VALUE_NOISE,
} from './lbfgs.js';

/**
 * Orthant-wise limited-memory quasi-Newton (OWL-QN; Andrew & Gao, "Scalable
 * training of L1-regularized log-linear models", ICML 2007): minimises
 * F(x) = f(x) + Σᵢ λᵢ|xᵢ| for smooth f. Within one orthant F is smooth, so
 * L-BFGS applies there; the method
 *   - replaces the gradient by the pseudo-gradient ◇F (the steepest-descent
 *     direction's negative, which exists where |x| is not differentiable),
 *   - keeps only the components of the quasi-Newton direction that agree in
 *     sign with −◇F,
 *   - projects each trial point back onto the orthant it started in (a
 *     coordinate that would change sign becomes exactly 0), with a
 *     backtracking line search on that projected path,
 * and learns curvature from the gradients of f alone. `l1` holds λᵢ (0 for
 * coordinates without a penalty, such as intercepts).
 */
export function minimizeOwlqn(
  objective: Objective,
  l1: Float64Array,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const gradientTol = options.gradientTol ?? 1e-5;
  const maxIter = options.maxIter ?? 100;
  const n = x0.length;
  const memory = new LbfgsMemory(options.memory ?? 10, n);
  const state = new OwlqnState(objective, l1, x0);
  let iterations = 0;
  let converged = maxAbs(state.pseudo) <= gradientTol;
  while (!converged && iterations < maxIter) {
    memory.direction(state.pseudo, state.direction);
    state.alignDirection();
    const firstStep = memory.empty ? 1 / Math.sqrt(dot(state.pseudo, state.pseudo)) : 1;
    iterations++;
    if (!state.backtrack(firstStep)) break;
    memory.push(state.xNext, state.x, state.gNext, state.g);
    state.advance();
    converged = maxAbs(state.pseudo) <= gradientTol;
  }
  return {
    x: state.x,
    value: state.value,
    gradientMax: maxAbs(state.pseudo),
    iterations,
    evaluations: state.evaluations,
    converged,
  };
}

const ARMIJO = 1e-4;
const MAX_HALVINGS = 60;

/** The current and trial points, their smooth gradients, and the pseudo-gradient at the current one. */
class OwlqnState {
  x: Float64Array;
  g: Float64Array;
  xNext: Float64Array;
  gNext: Float64Array;
  readonly pseudo: Float64Array;
  readonly direction: Float64Array;
  /** The sign pattern ξ of the orthant the line search stays in. */
  private readonly orthant: Float64Array;
  /** F(x), penalty included. */
  value: number;
  private valueNext = 0;
  evaluations = 1;

  constructor(
    private readonly objective: Objective,
    private readonly l1: Float64Array,
    x0: Float64Array,
  ) {
    const n = x0.length;
    this.x = Float64Array.from(x0);
    this.g = new Float64Array(n);
    this.xNext = new Float64Array(n);
    this.gNext = new Float64Array(n);
    this.pseudo = new Float64Array(n);
    this.direction = new Float64Array(n);
    this.orthant = new Float64Array(n);
    this.value = objective(this.x, this.g) + this.penalty(this.x);
    this.updatePseudoGradient();
  }

  /**
   * Zeroes the penalised components of the direction that do not agree in
   * sign with −◇F (Andrew & Gao's p = π(d; −◇F)). Dropping only terms with
   * dᵢ◇Fᵢ ≥ 0 keeps d a descent direction; unpenalised components are left
   * as L-BFGS gives them.
   */
  alignDirection(): void {
    for (let i = 0; i < this.direction.length; i++) {
      if (this.l1[i]! > 0 && this.direction[i]! * this.pseudo[i]! >= 0) this.direction[i] = 0;
    }
  }

  /**
   * Halves the step until the projected point decreases F enough; false when
   * no step does. "Enough" is Armijo's condition on the projected step s, or,
   * once F changes only by rounding, its approximate form on the slope
   * (as in `WolfeLineSearch`): ∇F₊·s ≤ (2c₁ − 1)·◇F·s, with F smooth on the orthant.
   */
  backtrack(step: number): boolean {
    const noise = VALUE_NOISE * Math.abs(this.value);
    for (let halving = 0; halving < MAX_HALVINGS; halving++, step *= 0.5) {
      this.projectedPoint(step);
      this.valueNext = this.objective(this.xNext, this.gNext) + this.penalty(this.xNext);
      this.evaluations++;
      let decrease = 0;
      let slopeNext = 0;
      for (let i = 0; i < this.x.length; i++) {
        const s = this.xNext[i]! - this.x[i]!;
        decrease += this.pseudo[i]! * s;
        slopeNext += (this.gNext[i]! + this.l1[i]! * this.orthant[i]!) * s;
      }
      if (!(decrease < 0)) return false;
      if (this.valueNext <= this.value + ARMIJO * decrease) return true;
      if (this.valueNext <= this.value + noise && slopeNext <= (2 * ARMIJO - 1) * decrease) return true;
    }
    return false;
  }

  advance(): void {
    [this.x, this.xNext] = [this.xNext, this.x];
    [this.g, this.gNext] = [this.gNext, this.g];
    this.value = this.valueNext;
    this.updatePseudoGradient();
  }

  /** x + t·d, with coordinates that leave the orthant of x (or of −◇F where x is 0) set to 0. */
  private projectedPoint(step: number): void {
    const { x, xNext, direction, pseudo, l1, orthant } = this;
    for (let i = 0; i < x.length; i++) {
      const moved = x[i]! + step * direction[i]!;
      orthant[i] = x[i] !== 0 ? Math.sign(x[i]!) : -Math.sign(pseudo[i]!);
      xNext[i] = l1[i]! > 0 && moved * orthant[i]! <= 0 ? 0 : moved;
    }
  }

  /** ◇F: the one-sided derivative that descends, or 0 where neither side descends. */
  private updatePseudoGradient(): void {
    const { x, g, l1, pseudo } = this;
    for (let i = 0; i < x.length; i++) {
      const lambda = l1[i]!;
      if (x[i]! > 0) pseudo[i] = g[i]! + lambda;
      else if (x[i]! < 0) pseudo[i] = g[i]! - lambda;
      else if (g[i]! + lambda < 0) pseudo[i] = g[i]! + lambda;
      else if (g[i]! - lambda > 0) pseudo[i] = g[i]! - lambda;
      else pseudo[i] = 0;
    }
  }

  private penalty(x: Float64Array): number {
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += this.l1[i]! * Math.abs(x[i]!);
    return sum;
  }
}
