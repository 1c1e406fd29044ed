import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { minimizeLbfgs, type Objective } from '../../src/numeric/lbfgs.js';
import { minimizeOwlqn } from '../../src/numeric/owlqn.js';

/** Rosenbrock's valley in n dimensions: minimum 0 at (1, …, 1), a standard hard case for line searches. */
const rosenbrock: Objective = (x, g) => {
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1]! - x[i]! * x[i]!;
    const b = 1 - x[i]!;
    f += 100 * a * a + b * b;
    g[i]! += -400 * a * x[i]! - 2 * b;
    g[i + 1]! += 200 * a;
  }
  return f;
};

/** ½xᵀAx − bᵀx for a random, ill-conditioned SPD A = QᵀDQ, with its minimiser A⁻¹b known by construction. */
function quadratic(n: number, seed: number): { objective: Objective; minimiser: Float64Array } {
  const rng = new Rng(seed);
  const M = Float64Array.from({ length: n * n }, () => rng.normal());
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sum = i === j ? 1e-2 : 0; // smallest eigenvalue ≥ 0.01: condition number in the thousands
      for (let k = 0; k < n; k++) sum += M[k * n + i]! * M[k * n + j]!;
      A[i * n + j] = sum;
    }
  const minimiser = Float64Array.from({ length: n }, () => rng.normal());
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i]! += A[i * n + j]! * minimiser[j]!;
  const objective: Objective = (x, g) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let ax = 0;
      for (let j = 0; j < n; j++) ax += A[i * n + j]! * x[j]!;
      g[i] = ax - b[i]!;
      f += 0.5 * x[i]! * ax - b[i]! * x[i]!;
    }
    return f;
  };
  return { objective, minimiser };
}

describe('L-BFGS', () => {
  it('finds the minimum of the Rosenbrock function from the classic start (−1.2, 1)', () => {
    const result = minimizeLbfgs(rosenbrock, Float64Array.from([-1.2, 1]), {
      gradientTol: 1e-10,
      maxIter: 500,
    });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 9);
    expect(result.x[1]).toBeCloseTo(1, 9);
    expect(result.value).toBeLessThan(1e-18);
    expect(result.iterations).toBeLessThan(60);
  });

  it('finds the minimum of a 10-dimensional Rosenbrock function', () => {
    const start = Float64Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    const result = minimizeLbfgs(rosenbrock, start, { gradientTol: 1e-9, maxIter: 1000 });
    expect(result.converged).toBe(true);
    for (const xi of result.x) expect(Math.abs(xi - 1)).toBeLessThan(1e-8);
  });

  it('reaches the known minimiser of an ill-conditioned quadratic', () => {
    const { objective, minimiser } = quadratic(30, 4);
    const result = minimizeLbfgs(objective, new Float64Array(30), { gradientTol: 1e-10, maxIter: 2000 });
    expect(result.converged).toBe(true);
    for (let i = 0; i < 30; i++) expect(Math.abs(result.x[i]! - minimiser[i]!)).toBeLessThan(1e-7);
  });

  it('stops at maxIter and says it did not converge', () => {
    const result = minimizeLbfgs(rosenbrock, Float64Array.from([-1.2, 1]), {
      gradientTol: 1e-12,
      maxIter: 3,
    });
    expect(result.iterations).toBe(3);
    expect(result.converged).toBe(false);
  });

  it('returns the start when it is already a minimum', () => {
    const result = minimizeLbfgs(rosenbrock, Float64Array.from([1, 1]));
    expect(result.iterations).toBe(0);
    expect(Array.from(result.x)).toEqual([1, 1]);
  });

  it('does not change the start vector', () => {
    const start = Float64Array.from([-1.2, 1]);
    minimizeLbfgs(rosenbrock, start);
    expect(Array.from(start)).toEqual([-1.2, 1]);
  });
});

describe('OWL-QN', () => {
  it('soft-thresholds a separable quadratic: argmin ½‖x − a‖² + λ‖x‖₁ = sign(a)·max(|a| − λ, 0)', () => {
    const a = Float64Array.from([3, -0.5, 0.2, -2, 1]);
    const half: Objective = (x, g) => {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        g[i] = x[i]! - a[i]!;
        f += 0.5 * g[i]! ** 2;
      }
      return f;
    };
    const result = minimizeOwlqn(half, new Float64Array(5).fill(0.6), new Float64Array(5), {
      gradientTol: 1e-12,
    });
    expect(result.converged).toBe(true);
    const expected = [2.4, 0, 0, -1.4, 0.4];
    for (let i = 0; i < 5; i++) expect(result.x[i]).toBeCloseTo(expected[i]!, 10);
    expect(result.x[1]).toBe(0); // exactly zero, not merely small
  });

  it('meets the optimality conditions of an L1-penalised ill-conditioned quadratic', () => {
    const n = 20;
    const { objective } = quadratic(n, 9);
    const lambda = new Float64Array(n).fill(2);
    lambda[0] = 0; // an unpenalised coordinate, like an intercept
    const result = minimizeOwlqn(objective, lambda, new Float64Array(n), {
      gradientTol: 1e-10,
      maxIter: 5000,
    });
    expect(result.converged).toBe(true);
    const g = new Float64Array(n);
    objective(result.x, g);
    let zeros = 0;
    for (let i = 0; i < n; i++) {
      const xi = result.x[i]!;
      if (xi === 0) zeros++;
      // KKT: ∇f + λ·sign(x) = 0 where x ≠ 0, |∇f| ≤ λ where x = 0.
      if (xi !== 0) expect(Math.abs(g[i]! + lambda[i]! * Math.sign(xi))).toBeLessThan(1e-9);
      else expect(Math.abs(g[i]!)).toBeLessThanOrEqual(lambda[i]! + 1e-9);
    }
    expect(zeros).toBeGreaterThan(0);
  });

  it('is plain L-BFGS when nothing is penalised', () => {
    const result = minimizeOwlqn(rosenbrock, new Float64Array(2), Float64Array.from([-1.2, 1]), {
      gradientTol: 1e-10,
      maxIter: 500,
    });
    expect(result.x[0]).toBeCloseTo(1, 8);
    expect(result.x[1]).toBeCloseTo(1, 8);
  });
});
