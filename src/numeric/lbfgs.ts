/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed.,
 * Algorithm 7.4 with the two-loop recursion of Algorithm 7.5) and a line
 * search for the strong Wolfe conditions (Algorithms 3.5 and 3.6). Smooth,
 * unconstrained problems: logistic regression, the MLP.
 *
 * The vectors are allocated once per call, not per iteration. The objective
 * writes its gradient into a buffer it is given, so it need not allocate either.
 */

/** Returns f(x) and writes ∇f(x) into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  /** Stop when the largest gradient component is at most this (default 1e-5). */
  readonly gradientTol?: number;
  /** Iterations (line searches), default 100. */
  readonly maxIter?: number;
  /** Correction pairs kept (m in Nocedal & Wright), default 10. */
  readonly memory?: number;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  /** Largest gradient (or, for OWL-QN, pseudo-gradient) component at `x`. */
  readonly gradientMax: number;
  readonly iterations: number;
  readonly evaluations: number;
  /** Whether the gradient test was met (not stopped by maxIter or a failed line search). */
  readonly converged: boolean;
}

/**
 * The last m steps s = x₊ − x and gradient changes y = ∇f₊ − ∇f, kept in a
 * ring; `direction` applies the implied inverse-Hessian approximation.
 */
export class LbfgsMemory {
  private readonly s: Float64Array[];
  private readonly y: Float64Array[];
  private readonly rho: Float64Array;
  private readonly alpha: Float64Array;
  private count = 0;
  private newest = -1;

  constructor(
    readonly size: number,
    readonly dimension: number,
  ) {
    this.s = Array.from({ length: size }, () => new Float64Array(dimension));
    this.y = Array.from({ length: size }, () => new Float64Array(dimension));
    this.rho = new Float64Array(size);
    this.alpha = new Float64Array(size);
  }

  /** Stores a pair; skips it when sᵀy ≤ 0, which would break positive definiteness. */
  push(xNew: Float64Array, xOld: Float64Array, gNew: Float64Array, gOld: Float64Array): boolean {
    const slot = (this.newest + 1) % this.size;
    const s = this.s[slot]!;
    const y = this.y[slot]!;
    let sy = 0;
    for (let i = 0; i < this.dimension; i++) {
      s[i] = xNew[i]! - xOld[i]!;
      y[i] = gNew[i]! - gOld[i]!;
      sy += s[i]! * y[i]!;
    }
    if (!(sy > 1e-300)) return false;
    this.rho[slot] = 1 / sy;
    this.newest = slot;
    this.count = Math.min(this.count + 1, this.size);
    return true;
  }

  get empty(): boolean {
    return this.count === 0;
  }

  /** Writes −H·g into `out` by the two-loop recursion, H₀ = γI with γ = sᵀy / yᵀy (N&W eq. 7.20). */
  direction(g: Float64Array, out: Float64Array): void {
    const n = this.dimension;
    for (let i = 0; i < n; i++) out[i] = -g[i]!;
    if (this.count === 0) return;
    for (let k = 0, slot = this.newest; k < this.count; k++, slot = (slot - 1 + this.size) % this.size) {
      const a = this.rho[slot]! * dot(this.s[slot]!, out);
      this.alpha[slot] = a;
      axpy(-a, this.y[slot]!, out);
    }
    const yNewest = this.y[this.newest]!;
    const gamma = 1 / (this.rho[this.newest]! * dot(yNewest, yNewest));
    for (let i = 0; i < n; i++) out[i]! *= gamma;
    let slot = (this.newest - this.count + 1 + this.size) % this.size;
    for (let k = 0; k < this.count; k++, slot = (slot + 1) % this.size) {
      const b = this.rho[slot]! * dot(this.y[slot]!, out);
      axpy(this.alpha[slot]! - b, this.s[slot]!, out);
    }
  }
}

export function minimizeLbfgs(
  objective: Objective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const gradientTol = options.gradientTol ?? 1e-5;
  const maxIter = options.maxIter ?? 100;
  const n = x0.length;
  const memory = new LbfgsMemory(options.memory ?? 10, n);
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let xNext = new Float64Array(n);
  let gNext = new Float64Array(n);
  const direction = new Float64Array(n);
  let value = objective(x, g);
  let evaluations = 1;
  let iterations = 0;
  let converged = maxAbs(g) <= gradientTol;
  const search = new WolfeLineSearch(objective, xNext, gNext);
  while (!converged && iterations < maxIter) {
    memory.direction(g, direction);
    let slope = dot(g, direction);
    if (!(slope < 0)) {
      // Rounding made the quasi-Newton step uphill: restart from steepest descent.
      for (let i = 0; i < n; i++) direction[i] = -g[i]!;
      slope = -dot(g, g);
    }
    // First step: unit length, as the curvature is still unknown; after that, the natural step 1.
    const firstStep = memory.empty ? 1 / Math.sqrt(-slope) : 1;
    const step = search.run(x, value, slope, direction, firstStep);
    evaluations += search.evaluations;
    iterations++;
    if (step === 0) break;
    memory.push(xNext, x, gNext, g);
    [x, xNext] = [xNext, x];
    [g, gNext] = [gNext, g];
    search.retarget(xNext, gNext);
    value = search.value;
    converged = maxAbs(g) <= gradientTol;
  }
  return { x, value, gradientMax: maxAbs(g), iterations, evaluations, converged };
}

const ARMIJO = 1e-4; // c₁: sufficient decrease
const CURVATURE = 0.9; // c₂: the usual value for quasi-Newton methods (N&W §3.1)
const MAX_TRIALS = 40;
/** Relative size of f below which changes are taken as rounding (see `WolfeLineSearch.decreases`). */
export const VALUE_NOISE = 1e-10;

/**
 * Finds a step t along d with f(x + t d) ≤ f(x) + c₁ t f'(0) and
 * |f'(t)| ≤ c₂ |f'(0)| (N&W Algorithm 3.5: bracket, then zoom, Algorithm 3.6,
 * with safeguarded cubic interpolation). The accepted point and its
 * gradient are left in the buffers it was given.
 */
class WolfeLineSearch {
  value = 0;
  evaluations = 0;
  private f0 = 0;
  private slope0 = 0;
  private noise = 0;

  constructor(
    private readonly objective: Objective,
    private xTrial: Float64Array,
    private gTrial: Float64Array,
  ) {}

  retarget(xTrial: Float64Array, gTrial: Float64Array): void {
    this.xTrial = xTrial;
    this.gTrial = gTrial;
  }

  /** Returns the accepted step, or 0 when none decreases f (the iterate is as good as rounding allows). */
  run(x: Float64Array, f0: number, slope0: number, d: Float64Array, t: number): number {
    this.evaluations = 0;
    this.f0 = f0;
    this.slope0 = slope0;
    this.noise = VALUE_NOISE * Math.abs(f0);
    let low: Point = { t: 0, f: f0, slope: slope0 };
    for (let trial = 0; trial < MAX_TRIALS; trial++) {
      const point = this.evaluate(x, d, t);
      if (!this.decreases(point) || (trial > 0 && point.f > low.f + this.noise)) {
        return this.zoom(x, d, low, point);
      }
      if (Math.abs(point.slope) <= -CURVATURE * slope0) return t;
      if (point.slope >= 0) return this.zoom(x, d, point, low);
      low = point;
      t *= 2;
    }
    return this.accept(x, d, low);
  }

  /**
   * The Armijo condition, or, where f has stopped changing beyond rounding,
   * Hager & Zhang's approximate form f'(t) ≤ (2c₁ − 1) f'(0) ("A new
   * conjugate gradient method with guaranteed descent and an efficient line
   * search", SIAM J. Optim. 2005), exact for quadratics. Without it the
   * search fails once the decrease is below rounding, long before the
   * gradient is small (about ‖g‖² / curvature ≈ 1e-16 |f|).
   */
  private decreases({ t, f, slope }: Point): boolean {
    if (!Number.isFinite(f)) return false;
    if (f <= this.f0 + ARMIJO * t * this.slope0) return true;
    return f <= this.f0 + this.noise && slope <= (2 * ARMIJO - 1) * this.slope0;
  }

  private zoom(x: Float64Array, d: Float64Array, low: Point, high: Point): number {
    for (let trial = 0; trial < MAX_TRIALS; trial++) {
      const t = interpolate(low, high);
      if (t === low.t || t === high.t) break; // the bracket has shrunk to rounding
      const point = this.evaluate(x, d, t);
      if (!this.decreases(point) || point.f > low.f + this.noise) {
        high = point;
        continue;
      }
      if (Math.abs(point.slope) <= -CURVATURE * this.slope0) return t;
      if (point.slope * (high.t - low.t) >= 0) high = low;
      low = point;
    }
    // No Wolfe point within the trials: settle for the best decrease seen, if any.
    return this.accept(x, d, low);
  }

  private accept(x: Float64Array, d: Float64Array, point: Point): number {
    if (point.t === 0) return 0;
    this.evaluate(x, d, point.t);
    return point.t;
  }

  private evaluate(x: Float64Array, d: Float64Array, t: number): Point {
    const { xTrial, gTrial } = this;
    for (let i = 0; i < x.length; i++) xTrial[i] = x[i]! + t * d[i]!;
    this.value = this.objective(xTrial, gTrial);
    this.evaluations++;
    return { t, f: this.value, slope: dot(gTrial, d) };
  }
}

interface Point {
  readonly t: number;
  readonly f: number;
  readonly slope: number;
}

/**
 * The minimiser of the cubic through two points with their slopes (N&W
 * eq. 3.59), kept at least 10% of the bracket away from either end so the
 * bracket keeps shrinking; bisection when the cubic has no minimiser.
 */
function interpolate(a: Point, b: Point): number {
  const lo = Math.min(a.t, b.t);
  const width = Math.abs(b.t - a.t);
  if (!Number.isFinite(b.f) || !Number.isFinite(b.slope)) return a.t + 0.5 * (b.t - a.t);
  const d1 = a.slope + b.slope - (3 * (a.f - b.f)) / (a.t - b.t);
  const discriminant = d1 * d1 - a.slope * b.slope;
  let t = a.t + 0.5 * (b.t - a.t);
  if (discriminant >= 0) {
    const d2 = Math.sign(b.t - a.t) * Math.sqrt(discriminant);
    const cubic = b.t - ((b.t - a.t) * (b.slope + d2 - d1)) / (b.slope - a.slope + 2 * d2);
    if (Number.isFinite(cubic)) t = cubic;
  }
  return Math.min(Math.max(t, lo + 0.1 * width), lo + 0.9 * width);
}

export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** y ← y + a·x */
function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i]! += a * x[i]!;
}

export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
