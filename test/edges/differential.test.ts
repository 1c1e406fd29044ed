import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataError, UsageError } from '../../src/core/errors.js';
import { Frame } from '../../src/data/frame.js';
import type { Transformer } from '../../src/estimator/contract.js';
import { type Average, precisionRecallF1 } from '../../src/evaluate/classification.js';
import { rocAuc } from '../../src/evaluate/probabilistic.js';
import { explainedVariance, r2 } from '../../src/evaluate/regression.js';
import { simpleImputer } from '../../src/prep/impute.js';
import { powerTransformer } from '../../src/prep/power.js';
import { quantileTransformer } from '../../src/prep/quantile.js';
import { minMaxScaler, robustScaler, standardScaler } from '../../src/prep/scale.js';

/**
 * Issue 24's edges kept covered: small random inputs from the edge families
 * (constant, near-constant, huge, tiny, ties, single class), compared with
 * scikit-learn 1.2 through test/fixtures/edges/edges.json, which
 * make_edges.py writes with a fixed seed. Where scikit-learn's own rounding
 * fails at an edge, the fixture's expected answer is computed exactly from
 * the same definition and the case names that departure (see the script).
 */

type Num = number | null;
type Score = 'precision' | 'recall' | 'f1';

interface EdgeCase {
  readonly function: string;
  readonly family: string;
  readonly departure: string | null;
  readonly error?: string | null;
  readonly x?: Num[];
  readonly yTrue?: number[];
  readonly yPred?: number[];
  readonly yScore?: number[];
  readonly strategy?: 'mean' | 'median' | 'most_frequent';
  readonly expected: Num | Num[] | Record<string, number> | null;
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/edges/edges.json', import.meta.url), 'utf8'),
) as { cases: EdgeCase[] };

function casesOf(name: string): EdgeCase[] {
  const found = fixture.cases.filter((c) => c.function === name);
  if (found.length === 0) throw new Error(`no "${name}" cases in edges.json`);
  return found;
}

/** Relative to the larger of 1 and the expected value; null is NaN. */
function expectClose(actual: number, expected: Num, tolerance: number, label: string): void {
  if (expected === null) {
    expect(actual, label).toBeNaN();
    return;
  }
  const error = Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
  expect(error, `${label}: ${actual}, expected ${expected}`).toBeLessThanOrEqual(tolerance);
}

function label(c: EdgeCase, i: number): string {
  return `${c.function} #${i} (${c.family}${c.departure ? `, ${c.departure}` : ''})`;
}

const column = (x: readonly Num[]) =>
  new Frame([
    { storage: 'number', name: 'x', kind: 'numeric', values: Float64Array.from(x, (v) => v ?? Number.NaN) },
  ]);

function transformed(transformer: Transformer, x: readonly Num[]): number[] {
  const frame = column(x);
  const out = transformer.fit(frame).transform(frame);
  if (out.columns.length === 0) return [];
  const result = out.column('x');
  if (result.storage !== 'number') throw new Error('x is not numeric');
  return Array.from(result.values);
}

function expectColumn(actual: readonly number[], expected: readonly Num[], tolerance: number, at: string) {
  expect(actual.length, at).toBe(expected.length);
  actual.forEach((v, i) => {
    expectClose(v, expected[i]!, tolerance, `${at}, row ${i}`);
  });
}

/** A DataError naming the value, or a finite column of mean 0 and standard deviation 1. */
function expectRefusedOrStandardised(x: readonly Num[], at: string): void {
  let out: number[];
  try {
    out = transformed(powerTransformer(), x);
  } catch (error) {
    expect(error, at).toBeInstanceOf(DataError);
    expect((error as DataError).message, at).toMatch(/in column "x"/);
    return;
  }
  expect(out.every(Number.isFinite), `${at}: ${out}`).toBe(true);
  const mean = out.reduce((a, b) => a + b, 0) / out.length;
  const variance = out.reduce((a, b) => a + (b - mean) ** 2, 0) / out.length;
  expectClose(mean, 0, 1e-9, `${at}, mean`);
  expectClose(variance, 1, 1e-9, `${at}, variance`);
}

describe('the edges against scikit-learn (test/fixtures/edges/make_edges.py)', () => {
  it('R² and explained variance: constant, near-constant, huge, tiny and tied targets', () => {
    for (const [name, metric] of [
      ['r2', r2],
      ['explained_variance', explainedVariance],
    ] as const) {
      casesOf(name).forEach((c, i) => {
        expectClose(metric(c.yTrue!, c.yPred!), c.expected as Num, 1e-9, label(c, i));
      });
    }
  });

  it('precision, recall and F1 with zeroDivision 0 and 1: single class, ties, imbalance', () => {
    casesOf('precision_recall_f1').forEach((c, i) => {
      for (const [key, want] of Object.entries(c.expected as Record<string, number>)) {
        // Keys read "f1 macro 1": the metric, the average and zeroDivision.
        const [metric, average, zero] = key.split(' ') as [Score, Average, string];
        const scores = precisionRecallF1(c.yTrue!, c.yPred!, { average, zeroDivision: Number(zero) });
        expectClose(scores[metric], want, 1e-12, `${label(c, i)}, ${key}`);
      }
    });
  });

  it('ROC AUC: tied, constant, huge and tiny scores, and a single class (an error, as scikit-learn)', () => {
    casesOf('roc_auc').forEach((c, i) => {
      if (c.error) expect(() => rocAuc(c.yTrue!, c.yScore!), label(c, i)).toThrow(UsageError);
      else expectClose(rocAuc(c.yTrue!, c.yScore!), c.expected as Num, 1e-12, label(c, i));
    });
  });

  it('standard, min-max and robust scaling', () => {
    for (const [name, scaler] of [
      ['standard_scaler', standardScaler],
      ['min_max_scaler', minMaxScaler],
      ['robust_scaler', robustScaler],
    ] as const) {
      casesOf(name).forEach((c, i) => {
        expectColumn(transformed(scaler(), c.x!), c.expected as Num[], 1e-9, label(c, i));
      });
    }
  });

  it('the quantile transform to uniform output, also close to the ends', () => {
    casesOf('quantile_uniform').forEach((c, i) => {
      expectColumn(transformed(quantileTransformer(), c.x!), c.expected as Num[], 1e-9, label(c, i));
    });
  });

  it('Yeo–Johnson: constant, tied and huge columns (never a silent NaN where scikit-learn overflows)', () => {
    casesOf('yeo_johnson').forEach((c, i) => {
      if (c.departure === 'overflow') expectRefusedOrStandardised(c.x!, label(c, i));
      else expectColumn(transformed(powerTransformer(), c.x!), c.expected as Num[], 1e-6, label(c, i));
    });
  });

  it('mean, median and most frequent imputation, a column with no value dropped', () => {
    casesOf('simple_imputer').forEach((c, i) => {
      const out = transformed(simpleImputer({ strategy: c.strategy! }), c.x!);
      expectColumn(out, c.expected as Num[], 1e-12, `${label(c, i)}, ${c.strategy}`);
    });
  });
});
