import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../src/data/frame.js';
import { dbscan } from '../../src/models/cluster/dbscan.js';
import { kmeans } from '../../src/models/cluster/kmeans.js';
import { conformanceSuite } from './conformance.js';

interface KmeansCase {
  X: number[][];
  truth: number[];
  k: number;
  inertia: number;
  labels: number[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/models/distance_models.json', import.meta.url), 'utf8'),
) as {
  cluster: {
    kmeans: KmeansCase[];
    dbscan: { X: number[][]; runs: { eps: number; minSamples: number; labels: number[] }[] };
  };
};

conformanceSuite({ name: 'kmeans', make: (seed) => kmeans({ k: 3, seed }), task: 'clustering' });
conformanceSuite({
  name: 'kmeans (3 inits)',
  make: (seed) => kmeans({ k: 4, nInit: 3, seed }),
  task: 'clustering',
});
conformanceSuite({ name: 'dbscan', make: () => dbscan({ eps: 1.5, minSamples: 4 }), task: 'clustering' });

function matrixOf(rows: number[][]): Matrix {
  const cols = rows[0]!.length;
  return {
    data: Float64Array.from(rows.flat()),
    rows: rows.length,
    cols,
    columnNames: Array.from({ length: cols }, (_, j) => `x${j}`),
  };
}

/** Hubert & Arabie's adjusted Rand index: 1 for the same partition, whatever the numbering. */
function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const pairs = (n: number) => (n * (n - 1)) / 2;
  const table = new Map<string, number>();
  const rowsA = new Map<number, number>();
  const rowsB = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const key = `${a[i]},${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rowsA.set(a[i]!, (rowsA.get(a[i]!) ?? 0) + 1);
    rowsB.set(b[i]!, (rowsB.get(b[i]!) ?? 0) + 1);
  }
  const sum = (m: Map<unknown, number>) => [...m.values()].reduce((s, n) => s + pairs(n), 0);
  const index = sum(table);
  const expected = (sum(rowsA) * sum(rowsB)) / pairs(a.length);
  const maximum = (sum(rowsA) + sum(rowsB)) / 2;
  return (index - expected) / (maximum - expected);
}

describe('k-means against scikit-learn (best of 10 inits)', () => {
  for (const c of fixture.cluster.kmeans) {
    it(`reaches sklearn's inertia (to 1e-9) and its partition on ${c.k} blobs in ${c.X[0]!.length}-D`, () => {
      const X = matrixOf(c.X);
      const model = kmeans({ k: c.k, nInit: 10, seed: 1 }).fit(X);
      expect(Math.abs(model.inertia - c.inertia) / c.inertia).toBeLessThan(1e-9);
      const labels = model.predict(X);
      expect(adjustedRandIndex(labels, c.labels)).toBeGreaterThan(0.99);
      expect(adjustedRandIndex(labels, c.truth)).toBeGreaterThan(0.9);
    });
  }

  it('keeps the lowest inertia over several inits, and transforms to distances', () => {
    const c = fixture.cluster.kmeans[1]!;
    const X = matrixOf(c.X);
    const single = kmeans({ k: c.k, seed: 3 }).fit(X);
    const several = kmeans({ k: c.k, seed: 3, nInit: 5 }).fit(X);
    expect(several.inertia).toBeLessThanOrEqual(single.inertia);
    const distances = several.transform(X);
    const labels = several.predict(X);
    let inertia = 0;
    for (let i = 0; i < X.rows; i++) inertia += distances.data[i * c.k + labels[i]!]! ** 2;
    expect(Math.abs(inertia - several.inertia) / several.inertia).toBeLessThan(1e-12);
  });

  it('refuses more clusters than rows', () => {
    expect(() => kmeans({ k: 5 }).fit(matrixOf([[0], [1]]))).toThrow(/k is 5, but there are 2 rows/);
  });
});

describe('dbscan against scikit-learn', () => {
  const X = matrixOf(fixture.cluster.dbscan.X);
  for (const run of fixture.cluster.dbscan.runs) {
    it(`labels blobs and noise exactly as sklearn does (eps ${run.eps}, minSamples ${run.minSamples})`, () => {
      const model = dbscan({ eps: run.eps, minSamples: run.minSamples }).fit(X);
      expect([...model.labels]).toEqual(run.labels);
    });
  }

  it('gives the same labels from all-pairs neighbourhoods (under 64 rows) as from the k-d tree', () => {
    const run = fixture.cluster.dbscan.runs[0]!;
    // 60 rows go to all pairs; the same 60 plus a far-away copy (120) go to the tree, and number their clusters first.
    const few = { ...X, data: X.data.subarray(0, 60 * X.cols), rows: 60 };
    const twice = {
      ...X,
      data: Float64Array.from([...few.data, ...few.data.map((x) => x + 1e3)]),
      rows: 120,
    };
    const brute = dbscan({ eps: run.eps, minSamples: 2 }).fit(few).labels;
    const tree = dbscan({ eps: run.eps, minSamples: 2 }).fit(twice).labels;
    expect([...tree.subarray(0, 60)]).toEqual([...brute]);
  });

  it('predicts the training rows’ clusters for core rows, and noise far from every core row', () => {
    const run = fixture.cluster.dbscan.runs[0]!;
    const model = dbscan({ eps: run.eps, minSamples: run.minSamples }).fit(X);
    const predicted = model.predict(X);
    const far = matrixOf([[1e6, 1e6]]);
    expect(model.predict(far)[0]).toBe(-1);
    let agree = 0;
    for (let i = 0; i < X.rows; i++) agree += predicted[i] === model.labels[i] ? 1 : 0;
    expect(agree / X.rows).toBeGreaterThan(0.98);
  });
});
