import { describe, expect, it } from 'vitest';
import { SchemaError, UsageError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import type { Estimator, Target } from '../../src/estimator/contract.js';
import { loadTransformer, saveModel } from '../../src/estimator/persist.js';
import { linearRegression } from '../../src/models/linear/ridge.js';
import { chainTransformers } from '../../src/prep/chain.js';
import { columnTransformer } from '../../src/prep/column-transformer.js';
import { ordinalEncoder } from '../../src/prep/ordinal.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { targetEncoder } from '../../src/prep/target-encoder.js';
import { expectOracleMatrix, oracleCase, sharedTable } from './more-fixture.js';

describe('ordinal encoder', () => {
  it('codes diamonds’ categories as scikit-learn’s OrdinalEncoder does, also after save and load', async () => {
    const c = oracleCase('ordinal');
    const frame = (await sharedTable(c.file!)).select(c.columns!);
    const fitted = ordinalEncoder().fit(frame);
    expect(fitted.outputNames).toEqual(c.outputNames);
    expectOracleMatrix(fitted, frame, c.matrix, 0);
  });

  it('keeps missing values missing and names an unseen category by row and column', () => {
    const train = new Frame([categoricalFromLabels('c', ['b', 'a', null, 'b'])]);
    const other = new Frame([categoricalFromLabels('c', [null, 'b', 'zebra'])], 'new.csv');
    const fitted = ordinalEncoder().fit(train);
    expect(() => fitted.transform(other)).toThrow(SchemaError);
    try {
      fitted.transform(other);
    } catch (error) {
      expect((error as SchemaError).message).toBe('row 3 has "zebra", which training never saw');
      expect((error as SchemaError).location).toMatchObject({ source: 'new.csv', column: 'c' });
    }
    const lenient = ordinalEncoder({ handleUnknown: 'use_encoded_value', unknownValue: -1 }).fit(train);
    expect(Array.from(lenient.transform(other).toMatrix().data)).toEqual([Number.NaN, 1, -1]);
  });

  it('refuses a numeric column, naming it', () => {
    const frame = new Frame([{ storage: 'number', name: 'x', kind: 'numeric', values: Float64Array.of(1) }]);
    expect(() => ordinalEncoder().fit(frame)).toThrow(/"x" is numeric/);
  });
});

function categories(name: string, labels: (string | null)[]): Frame {
  return new Frame([categoricalFromLabels(name, labels)], 'train.csv');
}

function regression(values: number[]): Target {
  return { name: 'y', task: 'regression', values: Float64Array.from(values), classes: [] };
}

describe('target encoder', () => {
  const frame = categories('c', ['a', 'a', 'a', 'b', 'b', null]);
  const y = regression([1, 2, 3, 10, 20, 4]);
  // Overall mean 40/6, population variance τ² = (sum of squares 530)/6 − (40/6)².
  const mean = 40 / 6;
  const tau2 = 530 / 6 - mean * mean;

  it('shrinks each category’s mean towards the overall mean by m / (n + m)', () => {
    const fitted = targetEncoder({ smoothing: 2 }).fit(frame, y);
    const got = Array.from(fitted.transform(frame).toMatrix().data);
    const a = (6 + 2 * mean) / (3 + 2);
    const b = (30 + 2 * mean) / (2 + 2);
    const missing = (4 + 2 * mean) / (1 + 2);
    [a, a, a, b, b, missing].forEach((want, i) => {
      expect(got[i]).toBeCloseTo(want, 14);
    });
    const unseen = categories('c', ['zebra']);
    expect(fitted.transform(unseen).toMatrix().data[0]).toBeCloseTo(mean, 14);
  });

  it('"auto" weighs a category by n τ² / (n τ² + σ²), its variance against the overall one', () => {
    const fitted = targetEncoder().fit(frame, y);
    const got = fitted.transform(frame).toMatrix().data;
    const weight = (n: number, within: number) => (n * tau2) / (n * tau2 + within);
    const a = weight(3, 2 / 3) * 2 + (1 - weight(3, 2 / 3)) * mean;
    const b = weight(2, 25) * 15 + (1 - weight(2, 25)) * mean;
    expect(got[0]).toBeCloseTo(a, 12);
    expect(got[3]).toBeCloseTo(b, 12);
    expect(got[5]).toBeCloseTo(4, 12); // one row: no spread within, full weight on its own mean
  });

  it('encodes the share of each class for multiclass targets, one column per class', () => {
    const y3: Target = {
      name: 'y',
      task: 'multiclass',
      values: Float64Array.of(0, 1, 2, 2, 2, 0),
      classes: ['x', 'y', 'z'],
    };
    const fitted = targetEncoder({ smoothing: 0 }).fit(frame, y3);
    expect(fitted.outputNames).toEqual(['c:x', 'c:y', 'c:z']);
    expect(Array.from(fitted.transform(frame.head(1)).toMatrix().data)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    const reloaded = loadTransformer(saveModel(fitted));
    expect(reloaded.transform(frame).toMatrix()).toEqual(fitted.transform(frame).toMatrix());
  });

  it('cross-fitting keeps an ID-like column with a random target from looking predictive', () => {
    const rng = new Rng(7);
    const n = 2000;
    const ids = Array.from({ length: n }, (_, i) => `id${i % 1000}`); // two rows per ID
    const target: Target = {
      name: 'y',
      task: 'binary',
      values: Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0)),
      classes: ['no', 'yes'],
    };
    const train = categories('id', ids);
    const encoder = targetEncoder({ smoothing: 1, seed: 3 });
    const inSample = encoder.fit(train, target).transform(train).column('id');
    const { output } = encoder.fitTransform!(train, target);
    const outOfFold = output.column('id');
    if (inSample.storage !== 'number' || outOfFold.storage !== 'number') throw new Error('numbers expected');
    expect(correlation(inSample.values, target.values)).toBeGreaterThan(0.5);
    expect(Math.abs(correlation(outOfFold.values, target.values))).toBeLessThan(0.1);
  });

  it('a pipeline fits the next step on the out-of-fold encodings', () => {
    let seen: Frame | undefined;
    const recorder: Estimator = {
      kind: 'recorder',
      params: {},
      acceptsMissing: true,
      fit(X) {
        seen = X as Frame;
        return linearRegression().fit(X, y);
      },
    };
    const encoder = targetEncoder({ smoothing: 1, folds: 3, seed: 5 });
    pipeline([chainTransformers([encoder])], recorder).fit(frame, y);
    expect(seen!.toMatrix()).toEqual(encoder.fitTransform!(frame, y).output.toMatrix());
    expect(seen!.toMatrix()).not.toEqual(encoder.fit(frame, y).transform(frame).toMatrix());
  });

  it('a column transformer hands on the out-of-fold encodings too', () => {
    let seen: Frame | undefined;
    const recorder: Estimator = {
      kind: 'recorder',
      params: {},
      acceptsMissing: true,
      fit(X) {
        seen = X as Frame;
        return linearRegression().fit(X, y);
      },
    };
    const encoder = targetEncoder({ smoothing: 1, folds: 3, seed: 5 });
    const routed = columnTransformer([{ name: 'te', transformer: encoder, columns: frame.names }]);
    pipeline([routed], recorder).fit(frame, y);
    expect(seen!.toMatrix()).toEqual(encoder.fitTransform!(frame, y).output.toMatrix());
  });

  it('asks for a target when fitted without one', () => {
    expect(() => targetEncoder().fit(frame)).toThrow(UsageError);
  });
});

function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}
