import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemaError } from '../../src/core/errors.js';
import { categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import { writeParquet } from '../../src/data/write.js';
import { classIndexOf, targetFromFrame } from '../../src/models/target.js';
import { DATASETS, tempDir, writeFixture } from '../helpers.js';

const dir = tempDir('keel-target-');

/** The target `y` of a one-column CSV holding `labels`. */
async function csvTarget(name: string, labels: readonly string[]) {
  return targetFromFrame(await readTable(writeFixture(dir, name, `y\n${labels.join('\n')}\n`)), 'y');
}

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

  it.each([
    ['yes/no', ['yes', 'no', 'yes', 'yes'], ['no', 'yes'], [1, 0, 1, 1]],
    ['true/false', ['true', 'false', 'false', 'true'], ['false', 'true'], [1, 0, 0, 1]],
    ['t/f', ['t', 'f', 't', 't'], ['f', 't'], [1, 0, 1, 1]],
    ['Y/N', ['N', 'Y', 'Y', 'N'], ['N', 'Y'], [0, 1, 1, 0]],
    [
      'TRUE/FALSE in its commonest spelling',
      ['TRUE', 'FALSE', 'true', 'TRUE'],
      ['FALSE', 'TRUE'],
      [1, 0, 1, 1],
    ],
    ['0/1 (integers, as before)', ['1', '0', '0', '1'], ['0', '1'], [1, 0, 0, 1]],
    ['1/2', ['2', '1', '2', '2'], ['1', '2'], [1, 0, 1, 1]],
    ['text', ['good', 'bad', 'good', 'good'], ['bad', 'good'], [1, 0, 1, 1]],
  ])(
    'keeps the labels of a %s target as written, sorted as scikit-learn sorts them',
    async (name, labels, classes, codes) => {
      const y = await csvTarget(`${name.replaceAll(/\W/g, '-')}.csv`, labels);
      expect(y).toMatchObject({ task: 'binary', classes });
      expect(Array.from(y.values)).toEqual(codes);
    },
  );

  it('names a single yes class by its word, not as "1"', async () => {
    await expect(csvTarget('one.csv', ['yes', 'yes', 'yes'])).rejects.toThrow(/single class, "yes"/);
  });

  it('labels a typed boolean (Parquet) false/true', async () => {
    const path = join(dir, 'flags.parquet');
    const values = Float64Array.from([1, 0, 1]);
    await writeParquet(new Frame([{ storage: 'number', name: 'y', kind: 'boolean', values }]), path);
    const y = targetFromFrame(await readTable(path), 'y');
    expect(y).toMatchObject({ classes: ['false', 'true'] });
    expect(Array.from(y.values)).toEqual([1, 0, 1]);
  });

  it('refuses a regression on a categorical column when asked for one', () => {
    const frame = new Frame([categoricalFromLabels('y', ['a', 'b'])]);
    expect(() => targetFromFrame(frame, 'y', 'regression')).toThrow(/numeric target/);
  });
});

describe('classIndexOf', () => {
  it('finds a label among the classes as written', () => {
    expect(classIndexOf('yes', ['no', 'yes'])).toBe(1);
    expect(classIndexOf('Yes', ['no', 'yes'])).toBeUndefined();
    expect(classIndexOf('maybe', ['no', 'yes'])).toBeUndefined();
  });

  it('finds yes/no words among the "0"/"1" classes of models trained before targets kept their words', () => {
    expect(
      ['no', 'yes', 'False', 'TRUE', 'f', 't', '0', '1'].map((l) => classIndexOf(l, ['0', '1'])),
    ).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    expect(classIndexOf('maybe', ['0', '1'])).toBeUndefined();
    expect(classIndexOf('yes', ['0', '1', '2'])).toBeUndefined();
  });
});
