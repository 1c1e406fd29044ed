import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/read.js';
import { pca } from '../../src/models/decomposition/pca.js';
import { DATASETS } from '../helpers.js';
import { conformanceSuite } from './conformance.js';

interface PcaCase {
  name: string;
  file: string;
  columns: string[];
  components: number;
  whiten: boolean;
  componentsMatrix: number[][];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  transformFirst20: number[][];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/models/distance_models.json', import.meta.url), 'utf8'),
) as { pca: PcaCase[]; wineScaling: { mean: number[]; scale: number[] } };

conformanceSuite({ name: 'pca', make: () => pca({ components: 2 }), task: 'transform' });
conformanceSuite({
  name: 'pca (whitened, 90% of variance)',
  make: () => pca({ components: 0.9, whiten: true }),
  task: 'transform',
});

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(tolerance * Math.max(1, Math.abs(expected[i]!)));
  }
}

describe('pca against scikit-learn (full SVD)', () => {
  for (const c of fixture.pca) {
    it(`matches ${c.name}: components to 1e-8, variances and scores`, async () => {
      const frame = await readTable(join(DATASETS, c.file));
      const X = frame.toMatrix(c.columns);
      if (c.file === 'wine.csv') {
        const { mean, scale } = fixture.wineScaling;
        X.data.forEach((x, i) => {
          X.data[i] = (x - mean[i % X.cols]!) / scale[i % X.cols]!;
        });
      }
      const model = pca({ components: c.components, whiten: c.whiten }).fit(X);
      expectClose(model.components, c.componentsMatrix.flat(), 1e-8);
      expectClose(model.explainedVariance, c.explainedVariance, 1e-10);
      expectClose(model.explainedVarianceRatio, c.explainedVarianceRatio, 1e-10);
      const first20 = { ...X, data: X.data.subarray(0, 20 * X.cols), rows: 20 };
      expectClose(model.transform(first20).data, c.transformFirst20.flat(), 1e-8);
    });
  }

  it('refuses more components than the data has, and a malformed count', () => {
    const X = { data: Float64Array.from([1, 2, 3, 4, 5, 7]), rows: 3, cols: 2, columnNames: ['a', 'b'] };
    expect(() => pca({ components: 3 }).fit(X)).toThrow(/at most 2 exist/);
    expect(() => pca({ components: 1.5 })).toThrow(/components must be/);
  });
});
