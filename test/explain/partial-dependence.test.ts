import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { type CategoricalColumn, categoricalFromLabels, type NumberColumn } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import type { Model } from '../../src/estimator/contract.js';
import { gridFor, partialDependence } from '../../src/explain/partial-dependence.js';
import { gbdtRegressor } from '../../src/models/boost/gbdt.js';
import { logistic } from '../../src/models/linear/logistic.js';
import { linearRegression, ridge } from '../../src/models/linear/ridge.js';
import { targetFromFrame } from '../../src/models/target.js';
import { columnTransformer } from '../../src/prep/column-transformer.js';
import { oneHotEncoder } from '../../src/prep/one-hot.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { standardScaler } from '../../src/prep/scale.js';
import { DATASETS } from '../helpers.js';

interface PdCase {
  name: string;
  file: string;
  head?: number;
  target: string;
  columns?: string[];
  model: 'linear' | 'scaled-logistic' | 'logistic' | 'onehot-ridge';
  column: string;
  gridResolution: number;
  percentiles: [number, number];
  grid: (number | string)[];
  /** Per output, one value per grid point. */
  average: number[][];
  /** Per output, the first rows' ICE curves, row-major. */
  individual: number[][];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/explain/inspection.json', import.meta.url), 'utf8'),
) as { partialDependence: PdCase[] };

const TIGHT = { tol: 1e-10, maxIter: 10000 };
const tables: Record<string, Frame> = {};

beforeAll(async () => {
  for (const file of new Set(fixture.partialDependence.map((c) => c.file))) {
    tables[file] = await readTable(join(DATASETS, file));
  }
});

/** The fixture's data and keel's version of its model, fitted on the same rows. */
function fitCase(c: PdCase): { X: Frame; model: Model } {
  const table = c.head === undefined ? tables[c.file]! : tables[c.file]!.head(c.head);
  const X = c.columns === undefined ? table.drop([c.target]) : table.select(c.columns);
  switch (c.model) {
    case 'linear':
      return { X, model: linearRegression().fit(X, targetFromFrame(table, c.target, 'regression')) };
    case 'scaled-logistic':
      return {
        X,
        model: pipeline([standardScaler()], logistic(TIGHT)).fit(X, targetFromFrame(table, c.target)),
      };
    case 'logistic':
      return { X, model: logistic(TIGHT).fit(X, targetFromFrame(table, c.target)) };
    case 'onehot-ridge': {
      const encode = columnTransformer(
        [{ name: 'onehot', transformer: oneHotEncoder(), columns: ['cut', 'color'] }],
        {
          remainder: 'passthrough',
        },
      );
      const target = targetFromFrame(table, c.target, 'regression');
      return { X, model: pipeline([encode], ridge({ alpha: 1 })).fit(X, target) };
    }
  }
}

/** Largest |a − b| / max(1, |b|). */
function relativeGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

/**
 * Measured: least squares and ridge within 2.5e-14 of scikit-learn, logistic regression on breast cancer
 * 6.3e-13, on iris 2.0e-8 (scikit-learn's newton-cg stops at tol 1e-6 there; tighter stalls).
 */
const AGREEMENT: Record<PdCase['model'], number> = {
  linear: 1e-12,
  'onehot-ridge': 1e-12,
  'scaled-logistic': 1e-10,
  logistic: 1e-7,
};

describe("partial dependence against scikit-learn's partial_dependence(method='brute')", () => {
  for (const c of fixture.partialDependence) {
    it(`${c.name}: the same grid, averages and first ICE curves`, () => {
      const { X, model } = fitCase(c);
      const pd = partialDependence(model, X, c.column, {
        gridResolution: c.gridResolution,
        percentiles: c.percentiles,
        kind: 'both',
        maxRows: Number.POSITIVE_INFINITY,
        iceRows: Number.POSITIVE_INFINITY,
      });
      expect(pd.averagedRows).toBe(X.rowCount);
      expect(pd.iceRows.length).toBe(X.rowCount);
      // scikit-learn sorts categories; keel keeps the column's level order: compare through the labels.
      const order =
        pd.grid.kind === 'categorical'
          ? c.grid.map((label) => (pd.grid as { levels: readonly string[] }).levels.indexOf(label as string))
          : c.grid.map((_, g) => g);
      if (pd.grid.kind === 'categorical') expect([...pd.grid.levels].sort()).toEqual(c.grid);
      else expect([...pd.grid.values]).toEqual(c.grid);
      const size = order.length;
      expect(pd.curves.length).toBe(c.average.length);
      pd.curves.forEach((curve, k) => {
        const average = order.map((g) => curve.average![g]!);
        expect(relativeGap(average, c.average[k]!)).toBeLessThan(AGREEMENT[c.model]);
        const rows = c.individual[k]!.length / size;
        const ice = Array.from({ length: rows * size }, (_, at) => {
          const [i, g] = [Math.floor(at / size), at % size];
          return curve.individual![i * size + order[g]!]!;
        });
        expect(relativeGap(ice, c.individual[k]!)).toBeLessThan(AGREEMENT[c.model]);
      });
    });
  }

  it('shows the positive class for two classes and every class for more, unless a class is given', () => {
    const iris = fixture.partialDependence.find((c) => c.model === 'logistic')!;
    const { X, model } = fitCase(iris);
    expect(partialDependence(model, X, iris.column).curves.map((c) => c.output)).toEqual(['0', '1', '2']);
    const one = partialDependence(model, X, iris.column, { classIndex: 2 });
    expect(one.curves.map((c) => c.output)).toEqual(['2']);
    expect(one.scale).toBe('probability');
    const cancer = fitCase(fixture.partialDependence.find((c) => c.model === 'scaled-logistic')!);
    expect(partialDependence(cancer.model, cancer.X, 'mean radius').curves.map((c) => c.output)).toEqual([
      '1',
    ]);
    expect(() => partialDependence(model, X, iris.column, { classIndex: 3 })).toThrow(/classIndex/);
  });
});

describe('partial dependence is the average of predictions with the column set, computed in batches', () => {
  let X: Frame;
  let model: Model;

  beforeAll(async () => {
    // Diamonds with missing carats and colours: gradient boosting reads categories and gaps as they are.
    const table = (await readTable(join(DATASETS, 'diamonds.csv'))).head(2000);
    const carat = table.column('carat') as NumberColumn;
    const color = table.column('color') as CategoricalColumn;
    const gappy = table
      .withColumn({ ...carat, values: carat.values.map((v, i) => (i % 7 === 0 ? Number.NaN : v)) })
      .withColumn(
        categoricalFromLabels(
          'color',
          Array.from(color.codes, (code, i) => (i % 11 === 0 ? null : color.levels[code]!)),
        ),
      );
    X = gappy.drop(['price']);
    model = gbdtRegressor({ trees: 30, threads: 1 }).fit(X, targetFromFrame(gappy, 'price', 'regression'));
  });

  /** The model's predictions on `rows` with the column set to one value, by plain assignment. */
  function predictSet(rows: Frame, column: string, value: number): Float64Array {
    const original = rows.column(column);
    const set =
      original.storage === 'categorical'
        ? { ...original, codes: new Int32Array(rows.rowCount).fill(value) }
        : { ...(original as NumberColumn), values: new Float64Array(rows.rowCount).fill(value) };
    return model.predict(rows.withColumn(set));
  }

  it('over 2000 rows × 50 grid points (two batches), to 1e-12 of point-by-point averages', () => {
    const pd = partialDependence(model, X, 'carat', { kind: 'average' });
    expect(pd.grid.kind).toBe('numeric');
    const values = (pd.grid as { values: Float64Array }).values;
    expect(values.length).toBe(50);
    values.forEach((v, g) => {
      const brute = predictSet(X, 'carat', v).reduce((s, p) => s + p, 0) / X.rowCount;
      expect(Math.abs(pd.curves[0]!.average![g]! - brute)).toBeLessThan(1e-12 * Math.abs(brute));
    });
    expect(pd.curves[0]!.individual).toBeUndefined();
  });

  it('over the levels that occur, for a categorical column, with ICE curves of a seeded sample', () => {
    const pd = partialDependence(model, X, 'color', { kind: 'both', maxRows: 300, iceRows: 40, seed: 3 });
    const color = X.column('color') as CategoricalColumn;
    expect(pd.grid).toEqual({ kind: 'categorical', levels: color.levels });
    expect(pd.averagedRows).toBe(300);
    expect(pd.iceRows.length).toBe(40);
    expect(new Set(pd.iceRows).size).toBe(40);
    const sample = X.take(pd.iceRows);
    color.levels.forEach((_, code) => {
      const brute = predictSet(sample, 'color', code);
      for (let i = 0; i < 40; i++) {
        expect(pd.curves[0]!.individual![i * color.levels.length + code]).toBe(brute[i]);
      }
    });
    expect(
      partialDependence(model, X, 'color', { kind: 'both', maxRows: 300, iceRows: 40, seed: 3 }),
    ).toEqual(pd);
  });

  it('draws only ICE curves for kind individual (100 rows by default)', () => {
    const pd = partialDependence(model, X, 'depth', { kind: 'individual', gridResolution: 10 });
    expect(pd.averagedRows).toBe(0);
    expect(pd.curves[0]!.average).toBeUndefined();
    expect(pd.curves[0]!.individual!.length).toBe(100 * 10);
  });
});

describe("the grid follows scikit-learn's rules", () => {
  const column = (values: number[]): NumberColumn => ({
    storage: 'number',
    name: 'x',
    kind: 'numeric',
    values: Float64Array.from(values),
  });

  it('uses the distinct values, sorted and without missing ones, when there are fewer than gridResolution', () => {
    expect(gridFor(column([3, 1, Number.NaN, 3, 2]), 5, [0.05, 0.95])).toEqual({
      kind: 'numeric',
      values: Float64Array.of(1, 2, 3),
    });
  });

  it("spaces gridResolution points between scipy's mquantiles (alphap = betap = 0.4)", () => {
    // 0..99: aleph = 100·0.05 + 0.4 + 0.05·0.2 = 5.41, so the 5% point is 4 + 0.41 = 4.41; the 95% point 94.59.
    const grid = gridFor(column(Array.from({ length: 100 }, (_, i) => i)), 3, [0.05, 0.95]);
    const values = grid.kind === 'numeric' ? [...grid.values] : [];
    for (const [g, expected] of [4.41, 49.5, 94.59].entries()) expect(values[g]).toBeCloseTo(expected, 12);
  });

  it('refuses a text column, percentiles out of order and a grid of one point, naming them', () => {
    const frame = new Frame([{ storage: 'string', name: 'note', kind: 'text', values: ['a', 'b'] }]);
    const stub = { task: 'regression', predict: () => new Float64Array(2) } as unknown as Model;
    expect(() => partialDependence(stub, frame, 'note')).toThrow(UsageError);
    expect(() => gridFor(column([1, 2]), 50, [0.9, 0.1])).toThrow(/percentiles/);
    expect(() => gridFor(column([1, 2]), 1, [0.05, 0.95])).toThrow(/gridResolution/);
    const constant = column([...new Array(60).fill(5), ...Array.from({ length: 3 }, (_, i) => i)]);
    expect(() => gridFor(constant, 4, [0.1, 0.9])).toThrow(/same value/);
  });
});
