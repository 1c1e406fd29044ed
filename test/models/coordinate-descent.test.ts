import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/read.js';
import { elasticNet, lasso } from '../../src/models/linear/coordinate-descent.js';
import { targetFromFrame } from '../../src/models/target.js';
import { DATASETS } from '../helpers.js';
import { conformanceSuite, syntheticData } from './conformance.js';

interface CoordinateDescentCase {
  name: string;
  kind: 'lasso' | 'elasticnet';
  file: string;
  target: string;
  columns: string[];
  params: { alpha: number; l1_ratio?: number; fit_intercept?: boolean };
  weight: number[] | null;
  coef: number[];
  intercept: number;
  nIter: number;
  dualGap: number;
  converged: boolean;
  predictions: number[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/models/linear_family.json', import.meta.url), 'utf8'),
) as { cases: CoordinateDescentCase[] };
const cases = fixture.cases.filter((c) => c.kind === 'lasso' || c.kind === 'elasticnet');

conformanceSuite({ name: 'lasso', make: () => lasso({ alpha: 0.05 }), task: 'regression' });
conformanceSuite({ name: 'elasticnet', make: () => elasticNet({ alpha: 0.05 }), task: 'regression' });

function estimatorFor(c: CoordinateDescentCase) {
  const common = { alpha: c.params.alpha, fitIntercept: c.params.fit_intercept ?? true };
  return c.kind === 'lasso' ? lasso(common) : elasticNet({ ...common, l1Ratio: c.params.l1_ratio ?? 0.5 });
}

/** The largest difference relative to the largest expected magnitude (coefficients that are exactly 0 included). */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  let error = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    error = Math.max(error, Math.abs(actual[i]! - expected[i]!));
  }
  return error / Math.max(scale, 1e-300);
}

describe('lasso and elastic net against scikit-learn 1.2', () => {
  for (const c of cases) {
    it(`matches ${c.name}: same sweeps, coefficients and predictions to 1e-12`, async () => {
      const frame = await readTable(join(DATASETS, c.file));
      const y = targetFromFrame(frame, c.target, 'regression');
      const X = frame.toMatrix(c.columns);
      const sampleWeight = c.weight === null ? undefined : Float64Array.from(c.weight);
      const model = estimatorFor(c).fit(X, y, { sampleWeight });
      expect(model.diagnostics.iterations).toBe(c.nIter);
      expect(model.diagnostics.converged).toBe(c.converged);
      expect(relativeError(model.coef, c.coef)).toBeLessThan(1e-12);
      expect(Math.abs(model.intercept - c.intercept) / Math.max(1, Math.abs(c.intercept))).toBeLessThan(
        1e-12,
      );
      expect(relativeError(model.predict(X), c.predictions)).toBeLessThan(1e-12);
      // Exact zeros stay exact: the soft threshold, not a small number.
      c.coef.forEach((coef, j) => {
        if (coef === 0) expect(model.coef[j]).toBe(0);
      });
    });
  }
});

describe('coordinate descent', () => {
  const { X, y } = syntheticData('regression', 200, 6, 5);

  it('drops every feature once alpha reaches max |xⱼ·(y − ȳ)| / n', () => {
    const n = X.rows;
    const yMean = y!.values.reduce((s, v) => s + v, 0) / n;
    let alphaMax = 0;
    for (let j = 0; j < X.cols; j++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += X.data[i * X.cols + j]! / n;
      let correlation = 0;
      for (let i = 0; i < n; i++) correlation += (X.data[i * X.cols + j]! - mean) * (y!.values[i]! - yMean);
      alphaMax = Math.max(alphaMax, Math.abs(correlation) / n);
    }
    expect(Array.from(lasso({ alpha: alphaMax * 1.0001 }).fit(X, y).coef).every((c) => c === 0)).toBe(true);
    expect(Array.from(lasso({ alpha: alphaMax * 0.99 }).fit(X, y).coef).some((c) => c !== 0)).toBe(true);
  });

  it('is ridge at l1Ratio 0: it reaches the stationary point of the L2-penalised least squares', () => {
    const model = elasticNet({ alpha: 0.3, l1Ratio: 0, maxIter: 300 }).fit(X, y);
    // Without an L1 term the gap test never passes (as in scikit-learn): every sweep runs.
    expect(model.diagnostics).toMatchObject({ iterations: 300, converged: false });
    const n = X.rows;
    const p = X.cols;
    const residual = model.predict(X).map((v, i) => y!.values[i]! - v);
    for (let j = 0; j < p; j++) {
      let gradient = 0;
      for (let i = 0; i < n; i++) gradient += X.data[i * p + j]! * residual[i]!;
      expect(Math.abs(gradient / n - 0.3 * model.coef[j]!)).toBeLessThan(1e-10);
    }
  });

  it('treats weights as relative: doubling every weight changes nothing', () => {
    const weight = Float64Array.from({ length: X.rows }, (_, i) => 0.5 + (i % 3));
    const a = lasso({ alpha: 0.1 }).fit(X, y, { sampleWeight: weight });
    const b = lasso({ alpha: 0.1 }).fit(X, y, { sampleWeight: weight.map((w) => 2 * w) });
    expect(relativeError(b.coef, a.coef)).toBeLessThan(1e-12);
  });

  it('reports when maxIter ends the fit before the duality gap is small', () => {
    const model = lasso({ alpha: 0.001, maxIter: 1, tol: 1e-12 }).fit(X, y);
    expect(model.diagnostics).toMatchObject({ iterations: 1, converged: false });
  });

  it('refuses bad parameters, naming them', () => {
    expect(() => elasticNet({ l1Ratio: 1.5 })).toThrow(/l1Ratio must be between 0 and 1/);
    expect(() => lasso({ alpha: -1 })).toThrow(/alpha must be ≥ 0/);
    expect(() => lasso({ maxIter: 2.5 })).toThrow(/maxIter must be a whole number/);
    expect(() => lasso({ l1Ratio: 0.5 } as never)).toThrow(/lasso has no parameter "l1Ratio"/);
    expect(() => lasso({ selection: 'random' } as never)).toThrow(/selection must be "cyclic"/);
  });
});
