import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import type { Target } from '../../src/estimator/contract.js';
import { bernoulliNb, gaussianNb, multinomialNb } from '../../src/models/bayes/naive-bayes.js';
import { targetFromFrame } from '../../src/models/target.js';
import { DATASETS } from '../helpers.js';
import { conformanceSuite } from './conformance.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/models/distance_models.json', import.meta.url), 'utf8'),
) as {
  naiveBayes: {
    gaussian: { file: string; proba: number[][]; predictions: number[] };
    multinomial: { X: number[][]; y: number[]; train: number; alpha: number; proba: number[][] };
    bernoulli: { file: string; train: number; test: [number, number]; binarize: number; proba: number[][] };
  };
};

for (const task of ['binary', 'multiclass'] as const) {
  conformanceSuite({ name: `gaussian-nb (${task})`, make: () => gaussianNb(), task });
  conformanceSuite({
    name: `multinomial-nb (${task})`,
    make: () => multinomialNb(),
    task,
    nonNegative: true,
  });
  conformanceSuite({ name: `bernoulli-nb (${task})`, make: () => bernoulliNb(), task });
}

function rowsOf(X: Matrix, from: number, to: number, keep: (i: number) => boolean = () => true): Matrix {
  const rows = [...Array(to - from).keys()].map((i) => i + from).filter(keep);
  const data = Float64Array.from(rows.flatMap((i) => [...X.data.subarray(i * X.cols, (i + 1) * X.cols)]));
  return { data, rows: rows.length, cols: X.cols, columnNames: X.columnNames };
}

function targetRows(y: Target, rows: number[]): Target {
  return { ...y, values: Float64Array.from(rows, (i) => y.values[i]!) };
}

function expectProba(actual: Float64Array, expected: number[][], tolerance: number): void {
  expect(actual.length).toBe(expected.flat().length);
  expected.flat().forEach((p, s) => {
    expect(Math.abs(actual[s]! - p)).toBeLessThan(tolerance);
  });
}

async function datasetMatrix(file: string) {
  const frame = await readTable(join(DATASETS, file));
  const y = targetFromFrame(frame, 'target');
  return { X: frame.toMatrix(frame.names.filter((n) => n !== 'target')), y };
}

describe('naive Bayes against scikit-learn', () => {
  it('gaussian: iris probabilities to 1e-10', async () => {
    const { X, y } = await datasetMatrix(fixture.naiveBayes.gaussian.file);
    const all = [...Array(X.rows).keys()];
    const train = rowsOf(X, 0, X.rows, (i) => i % 4 !== 0);
    const test = rowsOf(X, 0, X.rows, (i) => i % 4 === 0);
    const model = gaussianNb().fit(
      train,
      targetRows(
        y,
        all.filter((i) => i % 4 !== 0),
      ),
    );
    expectProba(model.predictProba(test), fixture.naiveBayes.gaussian.proba, 1e-10);
    expect([...model.predict(test)].map((c) => Number(y.classes[c]))).toEqual(
      fixture.naiveBayes.gaussian.predictions,
    );
  });

  it('multinomial: probabilities on a count matrix to 1e-10', () => {
    const c = fixture.naiveBayes.multinomial;
    const cols = c.X[0]!.length;
    const X = {
      data: Float64Array.from(c.X.flat()),
      rows: c.X.length,
      cols,
      columnNames: Array.from({ length: cols }, (_, j) => `w${j}`),
    };
    const y: Target = {
      name: 'y',
      task: 'multiclass',
      values: Float64Array.from(c.y.slice(0, c.train)),
      classes: ['0', '1', '2'],
    };
    const model = multinomialNb({ alpha: c.alpha }).fit(rowsOf(X, 0, c.train), y);
    expectProba(model.predictProba(rowsOf(X, c.train, X.rows)), c.proba, 1e-10);
  });

  it('bernoulli: binarized digits probabilities to 1e-10', async () => {
    const c = fixture.naiveBayes.bernoulli;
    const { X, y } = await datasetMatrix(c.file);
    const model = bernoulliNb({ binarize: c.binarize }).fit(
      rowsOf(X, 0, c.train),
      targetRows(y, [...Array(c.train).keys()]),
    );
    expectProba(model.predictProba(rowsOf(X, c.test[0], c.test[1])), c.proba, 1e-10);
  });

  it('refuses negative counts for multinomial-nb, naming the row and column', () => {
    const X = { data: Float64Array.from([1, 2, 3, -1]), rows: 2, cols: 2, columnNames: ['a', 'b'] };
    const y: Target = { name: 'y', task: 'binary', values: Float64Array.from([0, 1]), classes: ['n', 'y'] };
    expect(() => multinomialNb().fit(X, y)).toThrow(/negative value in row 2/);
  });
});
