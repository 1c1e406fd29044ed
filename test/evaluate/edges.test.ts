import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { accuracy, f1, precision, precisionRecallF1, recall } from '../../src/evaluate/classification.js';
import { logLoss, rocAuc } from '../../src/evaluate/probabilistic.js';
import { explainedVariance, r2 } from '../../src/evaluate/regression.js';
import { expectUsageError } from './oracle.js';

/** Numbers at the edges (issue 24): a metric never gives a confident wrong number. */

const tenth = (n: number) => Array<number>(n).fill(0.1);
const zeros = (n: number) => Array<number>(n).fill(0);

describe('R² and explained variance on a constant target', () => {
  it('decide "constant" from the values, not a rounded mean (scikit-learn: 0 and 1)', () => {
    for (let n = 2; n <= 40; n++) {
      // The residuals are not all 0, and y has no spread: R² is 0 by convention.
      expect(r2(tenth(n), zeros(n)), `R², n = ${n}`).toBe(0);
      // The residuals are all 0.1, so their variance is 0: explained variance 1.
      expect(explainedVariance(tenth(n), zeros(n)), `explained variance, n = ${n}`).toBe(1);
      expect(r2(tenth(n), tenth(n))).toBe(1);
    }
  });

  it('count only rows of weight > 0 when deciding that y is constant', () => {
    const yTrue = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 5];
    const weights = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0];
    expect(r2(yTrue, zeros(10), { sampleWeight: weights })).toBe(0);
    expect(explainedVariance(yTrue, zeros(10), { sampleWeight: weights })).toBe(1);
  });

  it('keep a genuine spread of the last bits, measured without the rounding of the mean', () => {
    const a = 0.1;
    const b = 0.1 + 2 ** -56; // the next double above 0.1
    const yTrue = [...tenth(9), b];
    // Exactly: mean = a + (b − a)/10, Σ(y − ȳ)² = 0.9 (b − a)², and ŷ = y except one row off by (b − a).
    const yPred = [...tenth(8), b, b];
    const expected = 1 - (b - a) ** 2 / (0.9 * (b - a) ** 2);
    expect(r2(yTrue, yPred)).toBeCloseTo(expected, 12);
  });

  it('stay finite on values whose squares overflow', () => {
    expect(r2([1e300, -1e300, 0], [1e300, -1e300, 1e299])).toBeCloseTo(1 - 1e-2 / 2, 12);
    expect(explainedVariance([1e300, -1e300, 0], [1e300, -1e300, 0])).toBe(1);
    expect(explainedVariance([1e300, -1e300, 0], [0, 0, 0])).toBe(0);
  });
});

describe('messages name what is wrong with the input', () => {
  it('calls raw text text, not a missing value', () => {
    const text = ['a', 'b'] as unknown as number[];
    for (const act of [
      () => accuracy(text, [0, 1]),
      () => r2(text, [0, 1]),
      () => logLoss(text, [0.2, 0.8]),
    ]) {
      const error = expectUsageError(act, UsageError, 'yTrue', /yTrue\[0\] is the text "a", not a number/);
      expect(error.code).toBe('metric.not-number');
      expect(error.hint).not.toMatch(/missing/);
      expect(error.hint).toMatch(/0\.\.k-1/);
    }
    expectUsageError(() => accuracy([0, 1], [0, null] as unknown as number[]), UsageError, 'yPred', /null/);
  });

  it('names the class a zero weight leaves without rows in a one-vs-rest ROC AUC', () => {
    const yTrue = [0, 1, 2, 0, 1, 2];
    const yScore = Array.from({ length: 6 }, () => [0.2, 0.3, 0.5]).flat();
    const error = expectUsageError(
      () => rocAuc(yTrue, yScore, { sampleWeight: [0, 1, 1, 0, 1, 1] }),
      UsageError,
      'sampleWeight',
      /ROC AUC of class 0 is undefined: every row of class 0 has sampleWeight 0/,
    );
    expect(error.message).not.toMatch(/class 1/);
    expectUsageError(
      () => rocAuc(yTrue, yScore, { sampleWeight: [1, 0, 0, 1, 0, 0] }),
      UsageError,
      'yTrue',
      /class 0 is undefined: every row with sampleWeight > 0 is of class 0/,
    );
  });
});

describe('zeroDivision: the score of a 0/0 in precision, recall and F1', () => {
  it('is 0 by default, as before, and 1 or NaN when asked', () => {
    // Class 1 occurs but is never predicted: precision is 0/0, recall 0/1.
    const [yTrue, yPred] = [
      [0, 0, 1],
      [0, 0, 0],
    ];
    expect(precision(yTrue, yPred)).toBe(0);
    expect(precision(yTrue, yPred, { zeroDivision: 1 })).toBe(1);
    expect(precision(yTrue, yPred, { zeroDivision: Number.NaN })).toBeNaN();
    for (const zeroDivision of [0, 1, Number.NaN]) {
      expect(recall(yTrue, yPred, { zeroDivision })).toBe(0);
      expect(f1(yTrue, yPred, { zeroDivision })).toBe(0);
    }
    // Class 1 never occurs but is predicted: recall is 0/0.
    expect(recall([0, 0], [0, 1], { zeroDivision: 1 })).toBe(1);
    expect(f1([0, 0], [0, 1], { zeroDivision: 1 })).toBe(0);
    // Class 1 neither occurs nor is predicted: all three are 0/0.
    expect(precisionRecallF1([0, 0], [0, 0], { zeroDivision: 1 })).toEqual({
      precision: 1,
      recall: 1,
      f1: 1,
    });
  });

  it('leaves undefined classes out of a macro mean when NaN (scikit-learn 1.3+)', () => {
    const [yTrue, yPred] = [
      [0, 1, 2],
      [0, 1, 1],
    ];
    expect(precision(yTrue, yPred, { average: 'macro' })).toBeCloseTo(0.5, 15);
    expect(precision(yTrue, yPred, { average: 'macro', zeroDivision: 1 })).toBeCloseTo(2.5 / 3, 15);
    expect(precision(yTrue, yPred, { average: 'macro', zeroDivision: Number.NaN })).toBeCloseTo(0.75, 15);
    expect(f1(yTrue, yPred, { average: 'weighted', zeroDivision: Number.NaN })).toBeCloseTo(5 / 9, 15);
  });

  it('refuses anything but 0, 1 and NaN, naming the option', () => {
    for (const bad of [2, 0.5, 'warn']) {
      expectUsageError(
        () => f1([0, 1], [0, 1], { zeroDivision: bad as number }),
        UsageError,
        'zeroDivision',
        /must be 0, 1 or NaN/,
      );
    }
  });
});

describe('R² on values whose squares underflow', () => {
  it('compares the spreads, not two zeros', () => {
    expect(r2([0, 1e-300], [0, 2e-300])).toBeCloseTo(-1, 12);
    expect(explainedVariance([0, 1e-300, 2e-300], [0, 1e-300, 1e-300])).toBeCloseTo(2 / 3, 12);
  });
});
