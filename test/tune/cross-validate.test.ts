import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { readTable } from '../../src/data/read.js';
import { linearRegression, ridge } from '../../src/models/linear/ridge.js';
import { targetFromFrame } from '../../src/models/target.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { standardScaler } from '../../src/prep/scale.js';
import { crossValidate } from '../../src/tune/cross-validate.js';
import { kFold } from '../../src/tune/splitters.js';
import { DATASETS } from '../helpers.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/tune/cv.json', import.meta.url), 'utf8')) as {
  cases: { name: string; file: string; target: string; r2: number[]; rmse: number[]; mae: number[] }[];
};

describe('crossValidate', () => {
  for (const c of fixture.cases.filter((c) => !c.name.startsWith('train:'))) {
    it(`scores every fold as scikit-learn's cross_validate does: ${c.name}`, async () => {
      const frame = await readTable(join(DATASETS, c.file));
      const target = targetFromFrame(frame, c.target, 'regression');
      const estimator = c.name.endsWith('ridge')
        ? ridge({ alpha: 1 })
        : pipeline([standardScaler()], linearRegression());
      const result = crossValidate(estimator, frame, target, {
        cv: kFold({ k: 5 }),
        metrics: ['r2', 'rmse', 'mae'],
      });
      for (const metric of ['r2', 'rmse', 'mae'] as const) {
        result.metrics[metric]!.folds.forEach((score, f) => {
          expect(score).toBeCloseTo(c[metric][f]!, 9);
        });
      }
      const r2 = c.r2.reduce((a, b) => a + b, 0) / 5;
      expect(result.metrics['r2']!.mean).toBeCloseTo(r2, 9);
      expect(result.folds).toHaveLength(5);
      expect(result.predictions.every(Number.isFinite)).toBe(true);
    });
  }

  it('refuses more folds than rows, and a metric of another task', async () => {
    const frame = await readTable(join(DATASETS, 'diabetes.csv'));
    const target = targetFromFrame(frame, 'target');
    const few = frame.head(3);
    expect(() =>
      crossValidate(
        ridge(),
        few,
        { ...target, values: target.values.subarray(0, 3) },
        { cv: kFold({ k: 5 }) },
      ),
    ).toThrow(UsageError);
    expect(() =>
      crossValidate(ridge(), frame, target, { cv: kFold({ k: 5 }), metrics: ['roc_auc'] }),
    ).toThrow(/"roc_auc" is for binary, and this is regression/);
  });
});
