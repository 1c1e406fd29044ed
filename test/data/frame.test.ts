import { describe, expect, it } from 'vitest';
import { SchemaError } from '../../src/core/errors.js';
import { type Column, categoricalFromLabels, valueAt } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';

const x: Column = {
  storage: 'number',
  name: 'x',
  kind: 'numeric',
  values: Float64Array.of(1.5, Number.NaN, 3, 4),
};
const c = categoricalFromLabels('c', ['b', 'a', null, 'b']);
const t: Column = { storage: 'string', name: 't', kind: 'text', values: ['p q', null, 'r', 's'] };
const frame = new Frame([x, c, t], 'mem.csv');

describe('Frame', () => {
  it('selects, drops and adds columns without touching the original', () => {
    expect(frame.select(['t', 'x']).names).toEqual(['t', 'x']);
    expect(frame.drop(['c']).names).toEqual(['x', 't']);
    const y: Column = { ...x, name: 'y' };
    expect(frame.withColumn(y).names).toEqual(['x', 'c', 't', 'y']);
    expect(frame.withColumn({ ...x, values: Float64Array.of(0, 0, 0, 0) }).names).toEqual(['x', 'c', 't']);
    expect(frame.names).toEqual(['x', 'c', 't']);
  });

  it('takes rows as a compact copy, in the given order, repeats allowed', () => {
    const taken = frame.take([3, 0, 0]);
    expect(taken.rowCount).toBe(3);
    expect([0, 1, 2].map((r) => valueAt(taken.column('c'), r))).toEqual(['b', 'b', 'b']);
    expect(Array.from((taken.column('x') as { values: Float64Array }).values)).toEqual([4, 1.5, 1.5]);
    expect(frame.head(2).rowCount).toBe(2);
    expect(() => frame.take([4])).toThrow(RangeError);
  });

  it('builds a row-major matrix with codes for categories and NaN for missing', () => {
    const m = frame.toMatrix(['x', 'c']);
    expect(m).toMatchObject({ rows: 4, cols: 2, columnNames: ['x', 'c'] });
    expect(Array.from(m.data)).toEqual([1.5, 0, Number.NaN, 1, 3, Number.NaN, 4, 0]);
    expect(() => frame.toMatrix(['t'])).toThrow(SchemaError);
  });

  it('names the closest column when asked for one that does not exist', () => {
    try {
      frame.column('X');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SchemaError);
      expect((error as SchemaError).hint).toContain('did you mean "x"?');
      expect((error as SchemaError).location).toEqual({ source: 'mem.csv', column: 'X' });
    }
  });

  it('refuses duplicate names and columns of different lengths', () => {
    expect(() => new Frame([x, x])).toThrow(/two columns are named "x"/);
    expect(() => new Frame([x, { ...x, name: 'z', values: new Float64Array(2) }])).toThrow(
      /has 2 values, expected 4/,
    );
  });

  it('counts missing values per column', () => {
    expect(frame.missingCounts()).toEqual({ x: 1, c: 1, t: 1 });
  });
});
