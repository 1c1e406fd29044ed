import { describe, expect, it } from 'vitest';
import { Frame } from '../../src/data/frame.js';
import { loadTransformer, saveModel } from '../../src/estimator/persist.js';
import { outlierClipper } from '../../src/prep/clip.js';
import { polynomialFeatures } from '../../src/prep/polynomial.js';
import { powerTransformer } from '../../src/prep/power.js';
import { quantileTransformer } from '../../src/prep/quantile.js';
import { expectOracleMatrix, oracleCase, sharedTable } from './more-fixture.js';

function numbers(name: string, values: number[]): Frame {
  return new Frame(
    [{ storage: 'number', name, kind: 'numeric', values: Float64Array.from(values) }],
    'train.csv',
  );
}

describe('quantile transformer', () => {
  for (const [name, make] of [
    ['quantile-uniform', () => quantileTransformer()],
    ['quantile-normal', () => quantileTransformer({ quantiles: 100, output: 'normal' })],
  ] as const) {
    it(`${name}: pima as scikit-learn’s QuantileTransformer (1e-9), also after save and load`, async () => {
      const c = oracleCase(name);
      const frame = (await sharedTable(c.file!)).select(c.columns!);
      const fitted = make().fit(frame);
      expect(fitted.outputNames).toEqual(c.outputNames);
      expectOracleMatrix(fitted, frame, c.matrix, 1e-9);
    });
  }

  it('maps values beyond the training range to the ends and keeps missing values missing', () => {
    const fitted = quantileTransformer().fit(numbers('x', [1, 2, 3, 4, 5]));
    const out = fitted.transform(numbers('x', [-10, 3, 99, Number.NaN])).toMatrix().data;
    expect(Array.from(out)).toEqual([0, 0.5, 1, Number.NaN]);
  });

  it('refuses a text column, naming it', () => {
    const frame = new Frame([{ storage: 'string', name: 'note', kind: 'text', values: ['a'] }]);
    expect(() => quantileTransformer().fit(frame)).toThrow(/"note" is text/);
  });
});

describe('power transformer (Yeo–Johnson)', () => {
  for (const [name, standardize] of [
    ['power-yeo-johnson', true],
    ['power-unstandardized', false],
  ] as const) {
    it(`${name}: λ (1e-6) and outputs (1e-6) as scikit-learn’s PowerTransformer on pima`, async () => {
      const c = oracleCase(name);
      const frame = (await sharedTable(c.file!)).select(c.columns!);
      const fitted = powerTransformer({ standardize }).fit(frame);
      fitted.lambdas.forEach((lambda, j) => {
        expect(Math.abs(lambda - c.lambdas![j]!)).toBeLessThan(1e-6);
      });
      expectOracleMatrix(fitted, frame, c.matrix, 1e-6);
    });
  }

  it('refuses a method it does not have', () => {
    expect(() => powerTransformer({ method: 'box-cox' as never })).toThrow(/yeo-johnson/);
  });
});

describe('outlier clipper', () => {
  // 0 … 9 and one outlier: Q1 = 2.5, Q3 = 7.5 (numpy's linear quantiles of 11 values), IQR = 5.
  const train = numbers('x', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100]);

  it('clips to Tukey’s fences learned on the training rows, and keeps missing values', () => {
    const fitted = outlierClipper().fit(train);
    expect(Array.from(fitted.lows)).toEqual([2.5 - 7.5]);
    expect(Array.from(fitted.highs)).toEqual([7.5 + 7.5]);
    const out = fitted.transform(numbers('x', [-50, 3, 100, Number.NaN])).toMatrix().data;
    expect(Array.from(out)).toEqual([-5, 3, 15, Number.NaN]);
    const reloaded = loadTransformer(saveModel(fitted));
    expect(reloaded.transform(train).toMatrix()).toEqual(fitted.transform(train).toMatrix());
  });

  it('winsorises to the chosen quantiles', () => {
    const fitted = outlierClipper({ method: 'quantile', lower: 0.1, upper: 0.9 }).fit(train);
    // Virtual indices 1 and 9 of the 11 sorted values.
    expect([fitted.lows[0], fitted.highs[0]]).toEqual([1, 9]);
  });

  it('refuses bad bounds and non-numeric columns, naming them', () => {
    expect(() => outlierClipper({ lower: 0.9, upper: 0.1 })).toThrow(/upper/);
    const text = new Frame([{ storage: 'string', name: 'note', kind: 'text', values: ['a'] }]);
    expect(() => outlierClipper().fit(text)).toThrow(/"note" is text/);
  });
});

describe('polynomial features', () => {
  for (const [name, params] of [
    ['poly-2', {}],
    ['poly-3-bias', { degree: 3, includeBias: true }],
    ['poly-interaction', { degree: 3, interactionOnly: true }],
  ] as const) {
    it(`${name}: scikit-learn’s columns, order and values (1e-12), named a*b and a^2`, async () => {
      const c = oracleCase(name);
      const frame = (await sharedTable(c.file!)).select(c.columns!);
      const fitted = polynomialFeatures(params).fit(frame);
      expect(fitted.outputNames).toEqual(c.outputNames.map((n) => n.replaceAll(' ', '*')));
      expectOracleMatrix(fitted, frame, c.matrix, 1e-12);
    });
  }
});
