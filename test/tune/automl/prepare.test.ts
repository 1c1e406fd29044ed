import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import type { Column } from '../../../src/data/column.js';
import { Frame } from '../../../src/data/frame.js';
import { readTable } from '../../../src/data/read.js';
import { prepareAutoml } from '../../../src/tune/automl/prepare.js';
import { DATASETS } from '../../helpers.js';

let iris: Frame;
let pima: Frame;
let wine: Frame;

beforeAll(async () => {
  const read = (file: string) => readTable(`${DATASETS}${file}`);
  [iris, pima, wine] = await Promise.all([
    read('iris.csv'),
    read('pima_indians_diabetes2.csv'),
    read('wine.csv'),
  ]);
});

function numbers(name: string, values: ArrayLike<number>, kind: 'numeric' | 'integer' = 'numeric'): Column {
  return { storage: 'number', name, kind, values: Float64Array.from(values) };
}

describe('prepareAutoml', () => {
  it('infers a binary task, roc_auc and stratified shuffled folds on pima', () => {
    const prepared = prepareAutoml(pima, { target: 'diabetes' });
    expect(prepared.task).toBe('binary');
    expect(prepared.metric).toBe('roc_auc');
    expect(prepared.greaterIsBetter).toBe(true);
    expect(prepared.cv.kind).toBe('stratified');
    expect(prepared.cv.folds).toBe(5);
    expect(prepared.folds).toHaveLength(5);
    expect(prepared.cv.why).toMatch(/Stratified/);
    expect(prepared.features.names).not.toContain('diabetes');
    expect(prepared.notes.some((n) => n.includes('binary classification'))).toBe(true);
  });

  it('infers multiclass with log_loss on iris, and regression with rmse and k-fold on a numeric target', () => {
    const multiclass = prepareAutoml(iris, { target: 'target' });
    expect([multiclass.task, multiclass.metric, multiclass.greaterIsBetter]).toEqual([
      'multiclass',
      'log_loss',
      false,
    ]);
    const regression = prepareAutoml(wine, { target: 'alcohol' });
    expect([regression.task, regression.metric, regression.cv.kind]).toEqual(['regression', 'rmse', 'kfold']);
  });

  it('drops an ID column and an injected leaking column, each with a reason', () => {
    const n = pima.rowCount;
    const outcome = pima.column('diabetes');
    const codes = outcome.storage === 'categorical' ? outcome.codes : new Int32Array(n);
    const frame = pima
      .withColumn(
        numbers(
          'patient_id',
          Array.from({ length: n }, (_, i) => 1000 + i),
          'integer',
        ),
      )
      .withColumn(
        numbers(
          'lab_result',
          Array.from(codes, (c, i) => c * 10 + (i % 3) * 0.1),
        ),
      );
    const prepared = prepareAutoml(frame, { target: 'diabetes' });
    const reasons = Object.fromEntries(prepared.dropped.map((d) => [d.column, d.reason]));
    expect(reasons['patient_id']).toMatch(/^ID-like/);
    expect(reasons['lab_result']).toMatch(/^leaks the target/);
    expect(prepared.features.names).not.toContain('patient_id');
    expect(prepared.features.names).not.toContain('lab_result');
    expect(prepared.features.names).toContain('glucose');
  });

  it('leaves excluded columns out and drops rows without a target, saying so', () => {
    const column = iris.column('target');
    const values = Float64Array.from(column.storage === 'number' ? column.values : []);
    values[3] = Number.NaN;
    values[7] = Number.NaN;
    const frame = iris.withColumn(numbers('target', values, 'integer'));
    const prepared = prepareAutoml(frame, { target: 'target', exclude: ['sepal length (cm)'] });
    expect(prepared.target.values).toHaveLength(148);
    expect(prepared.rows).toHaveLength(148);
    expect(prepared.rows.includes(3)).toBe(false);
    expect(prepared.notes.some((n) => n.startsWith('2 rows without a value'))).toBe(true);
    expect(prepared.dropped).toContainEqual({ column: 'sepal length (cm)', reason: 'excluded by request' });
  });

  it('reduces the folds when the rarest class has fewer rows than folds', () => {
    const rows = Int32Array.from({ length: 103 }, (_, i) => i);
    const frame = iris.take(rows);
    const prepared = prepareAutoml(frame, { target: 'target', folds: 10 });
    expect(prepared.cv.folds).toBe(3);
    expect(prepared.notes.some((n) => n.includes('uses 3 folds, not 10'))).toBe(true);
  });

  it('sorts rows by a time column, uses forward-chaining folds, and keeps the column out of the features', () => {
    const n = iris.rowCount;
    const time = numbers(
      'day',
      Array.from({ length: n }, (_, i) => (i * 37) % n),
    );
    const prepared = prepareAutoml(iris.withColumn(time), { target: 'target', timeColumn: 'day', folds: 4 });
    expect(prepared.cv.kind).toBe('time');
    expect(prepared.features.names).not.toContain('day');
    expect(prepared.dropped.map((d) => d.column)).toContain('day');
    const days = Array.from(prepared.rows, (row) => (row * 37) % n);
    expect(days).toEqual([...days].sort((a, b) => a - b));
    for (const fold of prepared.folds) expect(Math.max(...fold.train)).toBeLessThan(Math.min(...fold.test));
  });

  it('keeps each group on one side of every fold with a group column', () => {
    const n = pima.rowCount;
    const group = numbers(
      'clinic',
      Array.from({ length: n }, (_, i) => i % 7),
      'integer',
    );
    const prepared = prepareAutoml(pima.withColumn(group), { target: 'diabetes', groupColumn: 'clinic' });
    expect(prepared.cv.kind).toBe('group');
    expect(prepared.features.names).not.toContain('clinic');
    for (const fold of prepared.folds) {
      const trainGroups = new Set(Array.from(fold.train, (r) => r % 7));
      for (const r of fold.test) expect(trainGroups.has(r % 7)).toBe(false);
    }
  });

  it('refuses a metric of another task, and a time column together with a group column', () => {
    expect(() => prepareAutoml(pima, { target: 'diabetes', metric: 'rmse' })).toThrow(UsageError);
    const frame = new Frame([
      ...pima.columns,
      numbers(
        't',
        Array.from({ length: pima.rowCount }, (_, i) => i),
      ),
    ]);
    expect(() => prepareAutoml(frame, { target: 'diabetes', timeColumn: 't', groupColumn: 'age' })).toThrow(
      /either a time column or a group column/,
    );
  });
});
