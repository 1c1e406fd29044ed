import { describe, expect, it } from 'vitest';
import { categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import { SchemaError } from '../../src/errors.js';
import { ordinalEncoder } from '../../src/prep/ordinal.js';
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
