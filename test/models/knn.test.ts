import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { readTable } from '../../src/data/read.js';
import { KdTree } from '../../src/models/neighbors/kd-tree.js';
import { knn } from '../../src/models/neighbors/knn.js';
import { bruteForceNeighbours, type Metric, reducedDistance } from '../../src/models/neighbors/search.js';
import { targetFromFrame } from '../../src/models/target.js';
import { DATASETS } from '../helpers.js';
import { conformanceSuite } from './conformance.js';

interface KnnCase {
  name: string;
  file: string;
  columns: string[];
  params: { n_neighbors: number; weights?: 'uniform' | 'distance'; metric?: Metric };
  predictions: number[];
  proba?: number[][];
  tied: boolean[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/models/distance_models.json', import.meta.url), 'utf8'),
) as { knn: KnnCase[]; wineScaling: { mean: number[]; scale: number[] } };

conformanceSuite({ name: 'knn (classifier)', make: () => knn(), task: 'binary', fitsEveryTask: true });
conformanceSuite({
  name: 'knn (multiclass, distance, manhattan)',
  make: () => knn({ k: 7, weights: 'distance', metric: 'manhattan' }),
  task: 'multiclass',
  fitsEveryTask: true,
});
conformanceSuite({
  name: 'knn (regressor)',
  make: () => knn({ weights: 'distance' }),
  task: 'regression',
  fitsEveryTask: true,
});

/** The fixture's split: every fourth row (from row 0) is a test row. */
async function splitCase(c: KnnCase) {
  const frame = await readTable(join(DATASETS, c.file));
  const task = c.file === 'diabetes.csv' ? 'regression' : undefined;
  const y = targetFromFrame(frame, 'target', task);
  const X = frame.toMatrix(c.columns);
  if (c.file === 'wine.csv') {
    const { mean, scale } = fixture.wineScaling;
    for (let i = 0; i < X.data.length; i++) {
      const j = i % X.cols;
      X.data[i] = (X.data[i]! - mean[j]!) / scale[j]!;
    }
  }
  const testRows = [...Array(X.rows).keys()].filter((i) => i % 4 === 0);
  const trainRows = [...Array(X.rows).keys()].filter((i) => i % 4 !== 0);
  const take = (rows: number[]) => ({
    data: Float64Array.from(rows.flatMap((i) => [...X.data.subarray(i * X.cols, (i + 1) * X.cols)])),
    rows: rows.length,
    cols: X.cols,
    columnNames: X.columnNames,
  });
  const target = { ...y, values: Float64Array.from(trainRows, (i) => y.values[i]!) };
  return { train: take(trainRows), test: take(testRows), target };
}

describe('knn against scikit-learn (brute force) on a fixed split', () => {
  for (const c of fixture.knn) {
    it(`matches ${c.name} on every row without a tie at the k-th distance`, async () => {
      const { train, test, target } = await splitCase(c);
      const model = knn({
        k: c.params.n_neighbors,
        weights: c.params.weights ?? 'uniform',
        metric: c.params.metric ?? 'euclidean',
      }).fit(train, target);
      const predictions = model.predict(test);
      const proba = model.predictProba?.(test);
      const k = target.classes.length;
      let compared = 0;
      for (let i = 0; i < test.rows; i++) {
        if (c.tied[i]) continue;
        compared++;
        if (c.proba === undefined) {
          expect(Math.abs(predictions[i]! - c.predictions[i]!)).toBeLessThan(
            1e-9 * Math.abs(c.predictions[i]!),
          );
          continue;
        }
        expect(target.classes[predictions[i]!]).toBe(String(c.predictions[i]));
        for (let j = 0; j < k; j++) expect(Math.abs(proba![i * k + j]! - c.proba[i]![j]!)).toBeLessThan(1e-9);
      }
      expect(compared).toBeGreaterThanOrEqual(test.rows / 2);
    });
  }
});

describe('the k-d tree', () => {
  function points(rows: number, cols: number, seed: number, grid: boolean) {
    const rng = new Rng(seed);
    // A coarse grid makes many exact ties in distance, which both searches must break the same way.
    const data = Float64Array.from({ length: rows * cols }, () => (grid ? rng.int(5) : rng.normal() * 3));
    return { data, rows, cols };
  }

  for (const metric of ['euclidean', 'manhattan'] as const) {
    for (const grid of [false, true]) {
      it(`finds the same neighbours as brute force (${metric}, ${grid ? 'with ties' : 'continuous'})`, () => {
        const train = points(700, 3, 1, grid);
        const query = points(150, 3, 2, grid);
        for (const k of [1, 6, 40]) {
          const tree = new KdTree(train).query(query, k, metric);
          const brute = bruteForceNeighbours(train, query, k, metric);
          expect(tree.indices).toEqual(brute.indices);
          expect(tree.distances).toEqual(brute.distances);
        }
      });
    }
  }

  it('finds the same rows within a radius as a scan of all rows, boundary included', () => {
    const train = points(500, 2, 3, true);
    const tree = new KdTree(train);
    for (const metric of ['euclidean', 'manhattan'] as const) {
      for (let q = 0; q < 50; q++) {
        const found: number[] = [];
        tree.forEachWithin(train, q, 2, metric, (row) => found.push(row));
        const expected = [...Array(train.rows).keys()].filter(
          (t) => reducedDistance(train.data, q, train.data, t, train.cols, metric === 'euclidean') <= 2,
        );
        expect(found.sort((a, b) => a - b)).toEqual(expected);
      }
    }
  });

  it('keeps the lower training row when distances tie', () => {
    const train = { data: Float64Array.from([1, -1, 1, 0]), rows: 4, cols: 1 };
    const query = { data: Float64Array.from([0]), rows: 1, cols: 1 };
    expect([...bruteForceNeighbours(train, query, 3, 'euclidean').indices]).toEqual([3, 0, 1]);
  });
});

describe('knn parameters', () => {
  it('refuses k larger than the training rows, and unknown choices', () => {
    const X = { data: Float64Array.from([0, 1, 2]), rows: 3, cols: 1, columnNames: ['x'] };
    const y = { name: 'y', task: 'regression' as const, values: Float64Array.from([0, 1, 2]), classes: [] };
    expect(() => knn({ k: 4 }).fit(X, y)).toThrow(/k is 4, but there are 3 rows/);
    expect(() => knn({ metric: 'cosine' as never })).toThrow(/metric must be/);
    expect(() => knn({ k: 0 })).toThrow(/k must be/);
  });
});
