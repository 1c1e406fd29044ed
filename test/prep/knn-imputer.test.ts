import { describe, expect, it } from 'vitest';
import { SchemaError } from '../../src/core/errors.js';
import { Frame } from '../../src/data/frame.js';
import { loadTransformer, saveModel } from '../../src/estimator/persist.js';
import { knnImputer } from '../../src/prep/knn-imputer.js';
import { expectOracleMatrix, oracleCase, sharedTable } from './more-fixture.js';

function numbers(columns: Record<string, number[]>): Frame {
  return new Frame(
    Object.entries(columns).map(([name, values]) => ({
      storage: 'number' as const,
      name,
      kind: 'numeric' as const,
      values: Float64Array.from(values),
    })),
    'train.csv',
  );
}

const NaN_ = Number.NaN;

describe('kNN imputer', () => {
  it('fills pima’s 652 missing cells as scikit-learn’s KNNImputer (1e-12), also after save and load', async () => {
    const c = oracleCase('knn-imputer');
    const frame = (await sharedTable(c.file!)).select(c.columns!);
    const fitted = knnImputer().fit(frame);
    expect(fitted.outputNames).toEqual(c.outputNames);
    expectOracleMatrix(fitted, frame, c.matrix, 1e-12);
  });

  // Rows (x, y): the row to fill is (NaN, 0); its distances to the training rows are |y| · √2.
  const train = numbers({ x: [10, 20, 30, 40, NaN_], y: [0, 1, 2, 3, 0.5] });

  it('averages the k nearest rows that have the value, and leaves complete rows alone', () => {
    const fitted = knnImputer({ k: 2 }).fit(train);
    const out = fitted.transform(numbers({ x: [NaN_, 5], y: [0, 7] })).toMatrix().data;
    // Row 5 (y = 0.5) is nearer than row 2 but has no x: the candidates are rows 1 and 2.
    expect(Array.from(out)).toEqual([15, 0, 5, 7]);
  });

  it('weights by inverse distance, and an exact match takes all the weight', () => {
    const fitted = knnImputer({ k: 2, weights: 'distance' }).fit(train);
    const between = fitted.transform(numbers({ x: [NaN_], y: [1.5] })).toMatrix().data[0]!;
    expect(between).toBeCloseTo((20 + 30) / 2, 12); // both 0.5 · √2 away
    const skewed = fitted.transform(numbers({ x: [NaN_], y: [1.25] })).toMatrix().data[0]!;
    expect(skewed).toBeCloseTo((20 / 0.25 + 30 / 0.75) / (1 / 0.25 + 1 / 0.75), 12);
    expect(fitted.transform(numbers({ x: [NaN_], y: [3] })).toMatrix().data[0]).toBe(40);
  });

  it('uses the training mean for a row with no coordinate in common, and adds indicators', () => {
    const fitted = knnImputer({ addIndicator: true }).fit(train);
    expect(fitted.outputNames).toEqual(['x', 'y', 'x__missing']);
    const out = fitted.transform(numbers({ x: [NaN_, 1], y: [NaN_, 2] }));
    expect(Array.from(out.toMatrix().data)).toEqual([25, 1.3, 1, 1, 2, 0]);
    const reloaded = loadTransformer(saveModel(fitted));
    expect(reloaded.transform(train).toMatrix()).toEqual(fitted.transform(train).toMatrix());
  });

  it('refuses a non-numeric column, naming it, and a k below 1', () => {
    const text = new Frame([{ storage: 'string', name: 'note', kind: 'text', values: ['a'] }]);
    expect(() => knnImputer().fit(text)).toThrow(SchemaError);
    expect(() => knnImputer().fit(text)).toThrow(/"note"/);
    expect(() => knnImputer({ k: 0 })).toThrow(/k must be/);
  });

  it('does not change its input', () => {
    const frame = numbers({ x: [1, NaN_, 3], y: [1, 2, 3] });
    knnImputer({ k: 1 }).fit(frame).transform(frame);
    expect(Number.isNaN((frame.column('x') as { values: Float64Array }).values[1])).toBe(true);
  });
});
