import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import type { Matrix } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import { loadModel, saveModel } from '../../src/estimator/persist.js';
import { rocAuc } from '../../src/evaluate/probabilistic.js';
import { type IsolationForestModel, isolationForest } from '../../src/models/anomaly/isolation-forest.js';
import { averagePathLength } from '../../src/models/anomaly/isolation-tree.js';
import { DATASETS } from '../helpers.js';
import { conformanceSuite } from './conformance.js';

interface Spread {
  mean: number;
  std: number;
  min: number;
  max: number;
  runs: number[];
}
interface DatasetOutcome {
  auc: Record<'default' | 'subsampled' | 'bootstrap', Spread>;
  flagged: Record<'auto' | '0.1', Spread>;
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/models/isolation_forest.json', import.meta.url), 'utf8'),
) as {
  averagePathLength: { n: number[]; c: number[] };
  constantRows: { rows: number; scores: number[] };
  breastCancer: DatasetOutcome & { positives: number };
  planted: DatasetOutcome & { X: number[][]; y: number[] };
};

conformanceSuite({ name: 'isolation forest', make: (seed) => isolationForest({ seed }), task: 'anomaly' });
conformanceSuite({
  name: 'isolation forest (contamination, subsampled, bootstrap)',
  make: (seed) =>
    isolationForest({
      seed,
      trees: 20,
      contamination: 0.1,
      maxSamples: 0.5,
      maxFeatures: 2,
      bootstrap: true,
    }),
  task: 'anomaly',
});

function matrixOf(rows: number[][]): Matrix {
  const cols = rows[0]!.length;
  return {
    data: Float64Array.from(rows.flat()),
    rows: rows.length,
    cols,
    columnNames: Array.from({ length: cols }, (_, j) => `x${j}`),
  };
}

async function breastCancer(): Promise<{ X: Matrix; anomaly: Float64Array }> {
  const frame = await readTable(join(DATASETS, 'breast_cancer.csv'));
  const target = frame.column('target');
  if (target.storage !== 'number') throw new Error('breast_cancer target is not numeric');
  return { X: frame.drop(['target']).toMatrix(), anomaly: target.values.map((v) => (v === 0 ? 1 : 0)) };
}

const planted = {
  X: matrixOf(fixture.planted.X),
  anomaly: Float64Array.from(fixture.planted.y),
};

/** Mean ROC AUC of −scoreSamples against the labels over seeds 0..9, as the fixture's sklearn runs. */
function meanAuc(X: Matrix, anomaly: Float64Array, params: Parameters<typeof isolationForest>[0]): number {
  let sum = 0;
  for (let seed = 0; seed < 10; seed++) {
    const model = isolationForest({ ...params, seed }).fit(X);
    sum += rocAuc(
      anomaly,
      model.scoreSamples(X).map((s) => -s),
    );
  }
  return sum / 10;
}

const VARIANTS = {
  default: {},
  subsampled: { maxSamples: 0.5, maxFeatures: 0.5 },
  bootstrap: { maxSamples: 128, bootstrap: true },
} as const;

/** Seed-averaged AUCs of keel and scikit-learn (10 seeds each) may differ by this much. */
const AUC_MARGIN = 0.02;

describe('isolation forest against scikit-learn', () => {
  it('uses the average path length c(n) of the paper, as scikit-learn does', () => {
    fixture.averagePathLength.n.forEach((n, k) => {
      expect(averagePathLength(n)).toBeCloseTo(fixture.averagePathLength.c[k]!, 12);
    });
  });

  it('scores rows that cannot be told apart at exactly −0.5', () => {
    const same = matrixOf(Array.from({ length: fixture.constantRows.rows }, () => [1, 2, 3]));
    const scores = isolationForest().fit(same).scoreSamples(same);
    for (const s of scores) expect(s).toBeCloseTo(fixture.constantRows.scores[0]!, 12);
  });

  it.each(Object.entries(VARIANTS))(
    'ranks malignant tumours as scikit-learn does (%s)',
    async (name, params) => {
      const { X, anomaly } = await breastCancer();
      expect(anomaly.reduce((a, b) => a + b, 0)).toBe(fixture.breastCancer.positives);
      const expected = fixture.breastCancer.auc[name as keyof typeof VARIANTS].mean;
      expect(Math.abs(meanAuc(X, anomaly, params) - expected)).toBeLessThan(AUC_MARGIN);
    },
  );

  it.each(Object.entries(VARIANTS))('finds planted outliers as scikit-learn does (%s)', (name, params) => {
    const expected = fixture.planted.auc[name as keyof typeof VARIANTS].mean;
    expect(Math.abs(meanAuc(planted.X, planted.anomaly, params) - expected)).toBeLessThan(AUC_MARGIN);
  });

  it('flags the contamination share of the training rows, as scikit-learn does', async () => {
    const { X } = await breastCancer();
    for (const [data, outcome] of [
      [X, fixture.breastCancer],
      [planted.X, fixture.planted],
    ] as const) {
      for (const seed of [0, 1, 2]) {
        const flagged = isolationForest({ contamination: 0.1, seed }).fit(data).predict(data);
        const count = flagged.reduce((a, b) => a + b, 0);
        for (const sklearnShare of outcome.flagged['0.1'].runs)
          expect(count).toBe(Math.round(sklearnShare * data.rows));
        expect(Math.abs(count / data.rows - 0.1)).toBeLessThan(1 / data.rows);
      }
    }
  });

  it('flags about as many rows as scikit-learn with the "auto" offset', async () => {
    const { X } = await breastCancer();
    for (const [data, outcome] of [
      [X, fixture.breastCancer],
      [planted.X, fixture.planted],
    ] as const) {
      let share = 0;
      for (let seed = 0; seed < 10; seed++) {
        const flagged = isolationForest({ seed }).fit(data).predict(data);
        share += flagged.reduce((a, b) => a + b, 0) / data.rows / 10;
      }
      expect(Math.abs(share - outcome.flagged.auto.mean)).toBeLessThan(0.015);
    }
  });
});

describe('isolation forest', () => {
  const model = isolationForest({ contamination: 0.05, seed: 3 }).fit(planted.X) as IsolationForestModel;

  it('decides by score − offset, and flags exactly the rows with a negative decision', () => {
    const scores = model.scoreSamples(planted.X);
    const decision = model.decisionFunction(planted.X);
    const labels = model.predict(planted.X);
    scores.forEach((s, i) => {
      expect(s).toBeLessThan(0);
      expect(s).toBeGreaterThanOrEqual(-1);
      expect(decision[i]).toBe(s - model.offset);
      expect(labels[i]).toBe(decision[i]! < 0 ? 1 : 0);
    });
  });

  it('sets the offset at the contamination percentile of the training scores (linear interpolation)', () => {
    const sorted = model.scoreSamples(planted.X).sort();
    const at = 0.05 * (sorted.length - 1);
    const low = sorted[Math.floor(at)]!;
    const high = sorted[Math.floor(at) + 1]!;
    expect(model.offset).toBeCloseTo(low + (at - Math.floor(at)) * (high - low), 14);
    expect(isolationForest().fit(planted.X).offset).toBe(-0.5);
  });

  it('keeps its scores through save and load, in a compact artifact', () => {
    const bytes = saveModel(model);
    const loaded = loadModel(bytes) as IsolationForestModel;
    expect(loaded.scoreSamples(planted.X)).toEqual(model.scoreSamples(planted.X));
    expect(loaded.offset).toBe(model.offset);
    const nodes = model.trees.feature.length;
    expect(model.treeCount).toBe(100);
    expect(model.sampleSize).toBe(256);
    // 100 trees of at most 2ψ − 1 nodes, at 20 bytes a node (plus the header).
    expect(nodes).toBeLessThanOrEqual(100 * 511);
    expect(bytes.length).toBeLessThan(nodes * 20 + 4096);
  });

  it('limits depth to ⌈log₂ ψ⌉ and stops at single rows', () => {
    const small = isolationForest({ maxSamples: 10, trees: 5 }).fit(planted.X) as IsolationForestModel;
    const { feature, right, size, treeStart } = small.trees;
    for (let t = 0; t < 5; t++) {
      const depthOf = new Map<number, number>([[treeStart[t]!, 0]]);
      for (let node = treeStart[t]!; node < treeStart[t + 1]!; node++) {
        const depth = depthOf.get(node)!;
        expect(depth).toBeLessThanOrEqual(4);
        if (feature[node]! < 0) continue;
        depthOf.set(node + 1, depth + 1);
        depthOf.set(right[node]!, depth + 1);
        expect(size[node + 1]! + size[right[node]!]!).toBe(size[node]!);
      }
      expect(size[treeStart[t]!]).toBe(10);
    }
  });

  it('scores the planted outliers above the blobs’ rows on average', () => {
    const scores = model.scoreSamples(planted.X);
    let outliers = 0;
    let inliers = 0;
    planted.anomaly.forEach((a, i) => {
      if (a === 1) outliers += scores[i]! / 24;
      else inliers += scores[i]! / 400;
    });
    expect(outliers).toBeLessThan(inliers - 0.1);
  });

  it.each([
    [{ contamination: 0.6 }, /contamination must be "auto" or a number in \(0, 0.5\], not 0.6/],
    [{ contamination: 0 }, /contamination/],
    [{ maxSamples: 2.5 }, /maxSamples must be "auto", a number in \(0, 1\] or a whole number ≥ 2, not 2.5/],
    [{ maxFeatures: 0 }, /maxFeatures/],
    [{ trees: 0 }, /trees must be a whole number ≥ 1/],
    [{ depth: 3 }, /isolation-forest has no parameter "depth"/],
  ])('refuses bad parameters (%o)', (params, message) => {
    expect(() => isolationForest(params as never)).toThrow(UsageError);
    expect(() => isolationForest(params as never)).toThrow(message);
  });

  it('refuses a sample too small to split, and more features than the data has', () => {
    const one = matrixOf([[1, 2]]);
    expect(() => isolationForest().fit(one)).toThrow(/at least 2 rows per tree/);
    expect(() => isolationForest({ maxFeatures: 9 }).fit(planted.X)).toThrow(/maxFeatures is 9/);
  });
});
