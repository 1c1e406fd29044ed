import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemaError } from '../../src/core/errors.js';
import { categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import { targetFromFrame } from '../../src/models/target.js';
import { DATASETS } from '../helpers.js';

const number = (name: string, values: number[], kind: 'numeric' | 'integer' = 'numeric') =>
  ({ storage: 'number', name, kind, values: Float64Array.from(values) }) as const;

describe('targetFromFrame', () => {
  it('takes a few integer values as classes (iris) and many numbers as a regression', async () => {
    const iris = targetFromFrame(await readTable(join(DATASETS, 'iris.csv')), 'target');
    expect(iris).toMatchObject({ task: 'multiclass', classes: ['0', '1', '2'] });
    const diabetes = targetFromFrame(await readTable(join(DATASETS, 'diabetes.csv')), 'target');
    expect(diabetes.task).toBe('regression');
  });

  it('encodes categorical labels as indices, in level order, dropping levels that never occur', () => {
    const column = categoricalFromLabels('y', ['pos', 'neg', 'pos'], ['neg', 'pos', 'unused']);
    const y = targetFromFrame(new Frame([column]), 'y');
    expect(y).toMatchObject({ task: 'binary', classes: ['neg', 'pos'] });
    expect(Array.from(y.values)).toEqual([1, 0, 1]);
  });

  it('sorts numeric class labels numerically', () => {
    const y = targetFromFrame(new Frame([number('y', [10, 2, 10, 2, 7], 'integer')]), 'y');
    expect(y.classes).toEqual(['2', '7', '10']);
    expect(Array.from(y.values)).toEqual([2, 0, 2, 0, 1]);
  });

  it('refuses a single class, missing values and text', () => {
    const single = new Frame([categoricalFromLabels('y', ['a', 'a', 'a'])]);
    expect(() => targetFromFrame(single, 'y')).toThrow(/single class, "a"/);
    const holed = new Frame([number('y', [1.5, Number.NaN, 2])]);
    expect(() => targetFromFrame(holed, 'y')).toThrow(/1 missing value/);
    const text = new Frame([{ storage: 'string', name: 'y', kind: 'text', values: ['a b', 'c d'] }]);
    expect(() => targetFromFrame(text, 'y')).toThrow(SchemaError);
    expect(() => targetFromFrame(new Frame([number('y', [1, 2])]), 'z')).toThrow(/no such column/);
  });

  it('refuses a regression on a categorical column when asked for one', () => {
    const frame = new Frame([categoricalFromLabels('y', ['a', 'b'])]);
    expect(() => targetFromFrame(frame, 'y', 'regression')).toThrow(/numeric target/);
  });
});
