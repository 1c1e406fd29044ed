import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import type { Target } from '../../src/estimator/contract.js';
import { type LogisticParams, logistic } from '../../src/models/linear/logistic.js';
import { LogisticLoss } from '../../src/models/linear/logistic-loss.js';
import { targetFromFrame } from '../../src/models/target.js';
import { DATASETS } from '../helpers.js';
import { conformanceSuite, syntheticData } from './conformance.js';

interface LogisticCase {
  name: string;
  file: string;
  columns: string[];
  mean: number[];
  scale: number[];
  penalty: 'l2' | 'l1' | 'none';
  C: number;
  coef: number[][];
  intercept: number[];
  kkt: number;
  lbfgsCoef: number[][] | null;
  predictions: number[];
  proba: number[][];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/models/linear_family.json', import.meta.url), 'utf8'),
) as { cases: LogisticCase[] };
const cases = fixture.cases.filter((c) => 'penalty' in c);

for (const penalty of ['l2', 'l1', 'none'] as const) {
  for (const task of ['binary', 'multiclass'] as const) {
    conformanceSuite({ name: `logistic ${penalty} ${task}`, make: () => logistic({ penalty }), task });
  }
}

/** The fixture's data: the columns, standardised with the scaler scikit-learn fitted. */
async function standardised(c: LogisticCase): Promise<{ X: Matrix; y: Target }> {
  const frame = await readTable(join(DATASETS, c.file));
  const y = targetFromFrame(frame, 'target');
  const raw = frame.toMatrix(c.columns);
  const data = raw.data.map((v, i) => (v - c.mean[i % raw.cols]!) / c.scale[i % raw.cols]!);
  return { X: { ...raw, data }, y };
}

/** The largest difference relative to the largest expected magnitude. */
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

function largestDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let error = 0;
  for (let i = 0; i < expected.length; i++) error = Math.max(error, Math.abs(actual[i]! - expected[i]!));
  return error;
}

/**
 * Against the oracle's optimum (newton-cg for l2 and none, saga for l1), at
 * tol 1e-10. keel reaches 3e-8 on coefficients, 1.2e-7 on intercepts and
 * 3e-9 on probabilities at worst (wine, C = 10), where the oracle itself is
 * only good to about that (`kkt` 1e-7).
 */
const COEF_TOLERANCE = 3e-7;
const PROBA_TOLERANCE = 1e-8;
const TIGHT: Partial<LogisticParams> = { tol: 1e-10, maxIter: 10000 };
/** saga stops at max_iter far from the optimum on some problems; those are checked by optimality instead. */
const oracleConverged = (c: LogisticCase) => c.kkt < 1e-6;

describe('logistic regression against scikit-learn 1.2', () => {
  for (const c of cases.filter(oracleConverged)) {
    it(`reaches the optimum of ${c.name}: coefficients to ${COEF_TOLERANCE}, probabilities to ${PROBA_TOLERANCE}`, async () => {
      const { X, y } = await standardised(c);
      const model = logistic({ penalty: c.penalty, C: c.C, ...TIGHT }).fit(X, y);
      expect(model.diagnostics.converged).toBe(true);
      expect(relativeError(model.coef, c.coef.flat())).toBeLessThan(COEF_TOLERANCE);
      expect(relativeError(model.intercept, c.intercept)).toBeLessThan(COEF_TOLERANCE);
      expect(largestDifference(model.predictProba(X), c.proba.flat())).toBeLessThan(PROBA_TOLERANCE);
      expect(Array.from(model.predict(X))).toEqual(c.predictions);
      if (c.penalty === 'l1') {
        // The same zeros: exactly 0, not small.
        expect(Array.from(model.coef, (v) => v === 0)).toEqual(c.coef.flat().map((v) => v === 0));
      }
    });
  }

  for (const c of cases.filter((c) => !oracleConverged(c))) {
    it(`does better than saga stopped at max_iter on ${c.name}: a lower objective, optimality to 1e-8`, async () => {
      const { X, y } = await standardised(c);
      const model = logistic({ penalty: c.penalty, C: c.C, ...TIGHT }).fit(X, y);
      const ours = l1Optimality(X, y, c.C, model.coef, model.intercept);
      const saga = l1Optimality(X, y, c.C, Float64Array.from(c.coef.flat()), Float64Array.from(c.intercept));
      expect(ours.objective).toBeLessThan(saga.objective);
      expect(ours.violation).toBeLessThan(1e-8);
      expect(saga.violation).toBeGreaterThan(1e-4);
    });
  }

  it("agrees with scikit-learn's own lbfgs only as far as that stops early (its ftol), to 3e-4", async () => {
    for (const c of cases.filter((c) => c.lbfgsCoef !== null)) {
      const { X, y } = await standardised(c);
      const model = logistic({ penalty: c.penalty, C: c.C, ...TIGHT }).fit(X, y);
      expect(relativeError(model.coef, c.lbfgsCoef!.flat())).toBeLessThan(3e-4);
    }
  });

  it('is within 2e-4 of the optimum at the default tol and maxIter, unless it says it stopped short', async () => {
    for (const c of cases.filter(oracleConverged)) {
      const { X, y } = await standardised(c);
      const model = logistic({ penalty: c.penalty, C: c.C }).fit(X, y);
      // OWL-QN takes more iterations than L-BFGS: on iris at C = 1, 117 of the default 100.
      if (!model.diagnostics.converged)
        expect([c.penalty, model.diagnostics.iterations]).toEqual(['l1', 100]);
      else expect(relativeError(model.coef, c.coef.flat())).toBeLessThan(2e-4);
    }
  });
});

/**
 * scikit-learn's l1 objective C·Σℓ + ‖B‖₁ at (B, b) and its largest
 * violation of the optimality conditions, on that scale: C·∂Σℓ/∂β + sign β = 0
 * where β ≠ 0, |C·∂Σℓ/∂β| ≤ 1 where β = 0, and ∂Σℓ/∂b = 0.
 */
function l1Optimality(X: Matrix, y: Target, C: number, coef: Float64Array, intercept: Float64Array) {
  const loss = new LogisticLoss(X, y.values, undefined, y.classes.length, 0, true);
  const theta = new Float64Array(loss.dimension);
  theta.set(coef);
  theta.set(intercept, coef.length);
  const gradient = new Float64Array(loss.dimension);
  const scale = C * X.rows; // from the mean loss to C·Σℓ
  let objective = loss.evaluate(theta, gradient) * scale;
  let violation = 0;
  for (let i = 0; i < theta.length; i++) {
    const g = gradient[i]! * scale;
    const penalised = i < coef.length;
    if (penalised) objective += Math.abs(theta[i]!);
    if (!penalised || theta[i] !== 0) {
      violation = Math.max(violation, Math.abs(g + (penalised ? Math.sign(theta[i]!) : 0)));
    } else {
      violation = Math.max(violation, Math.abs(g) - 1);
    }
  }
  return { objective, violation };
}

describe('logistic regression', () => {
  const { X, y } = syntheticData('binary', 300, 4, 11);

  it('has the same optimum with integer weights as with repeated rows', () => {
    const weight = Float64Array.from({ length: X.rows }, (_, i) => 1 + (i % 3));
    const repeated: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < X.rows; i++) {
      for (let r = 0; r < weight[i]!; r++) {
        repeated.push(...X.data.subarray(i * X.cols, (i + 1) * X.cols));
        labels.push(y!.values[i]!);
      }
    }
    const expanded = { ...X, rows: labels.length, data: Float64Array.from(repeated) };
    const a = logistic(TIGHT).fit(X, y, { sampleWeight: weight });
    const b = logistic(TIGHT).fit(expanded, { ...y!, values: Float64Array.from(labels) });
    expect(relativeError(a.coef, b.coef)).toBeLessThan(1e-8);
  });

  it('stores one row of coefficients for two classes and one per class for more', () => {
    expect(logistic().fit(X, y).coef.length).toBe(X.cols);
    const three = syntheticData('multiclass', 300, 4, 11);
    const model = logistic().fit(three.X, three.y);
    expect(model.coef.length).toBe(3 * X.cols);
    expect(model.intercept.length).toBe(3);
  });

  it('shrinks the coefficients as C falls', () => {
    const norm = (C: number) =>
      logistic({ C })
        .fit(X, y)
        .coef.reduce((s, v) => s + v * v, 0);
    expect(norm(0.01)).toBeLessThan(norm(1));
  });

  it('leaves the intercept at zero without fitIntercept', () => {
    const model = logistic({ fitIntercept: false }).fit(X, y);
    expect(Array.from(model.intercept)).toEqual([0]);
  });

  it('says it did not converge when maxIter stops it', () => {
    const model = logistic({ maxIter: 1, tol: 1e-12 }).fit(X, y);
    expect(model.diagnostics).toMatchObject({ iterations: 1, converged: false });
  });

  it('refuses bad parameters, naming them', () => {
    expect(() => logistic({ C: 0 })).toThrow(/C must be/);
    expect(() => logistic({ penalty: 'elasticnet' } as never)).toThrow(
      /penalty must be "l2", "l1" or "none"/,
    );
    expect(() => logistic({ solver: 'lbfgs' } as never)).toThrow(/logistic has no parameter "solver"/);
  });
});
