import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import {
  explainedVariance,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  r2,
  rootMeanSquaredError,
  sumSquaredError,
} from '../../src/evaluate/regression.js';
import { expectClose, expectUsageError, ORACLE, weightsOf } from './oracle.js';

const REGRESSION = {
  mae: meanAbsoluteError,
  mse: meanSquaredError,
  rmse: rootMeanSquaredError,
  sse: sumSquaredError,
  r2,
  mape: meanAbsolutePercentageError,
  median_ae: medianAbsoluteError,
  explained_variance: explainedVariance,
} as const;

describe('regression metrics against scikit-learn', () => {
  for (const c of ORACLE.regression) {
    it(`match on ${c.name}`, () => {
      for (const [name, metric] of Object.entries(REGRESSION)) {
        expectClose(metric(c.yTrue, c.yPred, weightsOf(c)), c.metrics[name]!, name);
      }
    });
  }

  it('take the lower middle error as the weighted median, but the mean of the middle two unweighted', () => {
    const even = ORACLE.regression.find((c) => c.name === 'even_count')!;
    const unit = ORACLE.regression.find((c) => c.name === 'even_count_unit_weights')!;
    expect(even.metrics['median_ae']).not.toBe(unit.metrics['median_ae']);
  });
});

describe('regression metrics refuse bad input', () => {
  it('names both lengths when they differ', () => {
    expectUsageError(
      () => meanSquaredError([1, 2, 3], [1, 2]),
      UsageError,
      'yPred',
      /yTrue has 3 values but yPred has 2/,
    );
  });

  it('refuses empty input and NaN', () => {
    expectUsageError(() => meanAbsoluteError([], []), UsageError, 'yTrue', /empty/);
    expectUsageError(() => r2([1, Number.NaN], [1, 2]), UsageError, 'yTrue', /yTrue\[1\] is NaN/);
    expectUsageError(() => medianAbsoluteError([1, 2], [1, Number.POSITIVE_INFINITY]), UsageError, 'yPred');
  });

  it('refuses R² of one row, where scikit-learn returns NaN', () => {
    expectUsageError(() => r2([1], [2]), UsageError, 'yTrue', /at least 2 rows/);
  });

  it('refuses bad weights', () => {
    expectUsageError(
      () => meanAbsoluteError([1, 2], [1, 2], { sampleWeight: [1, -2] }),
      UsageError,
      'sampleWeight',
    );
  });
});
