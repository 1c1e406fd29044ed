import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { silhouetteScore } from '../../src/evaluate/clustering.js';
import { expectClose, expectUsageError, ORACLE } from './oracle.js';

describe('silhouette against scikit-learn', () => {
  for (const c of ORACLE.clustering) {
    it(`matches on ${c.name}`, () => {
      const points = { data: Float64Array.from(c.points), rows: c.labels.length, cols: c.cols };
      expectClose(silhouetteScore(points, c.labels), c.silhouette, 'silhouette');
    });
  }

  it('does not depend on how clusters are numbered', () => {
    const c = ORACLE.clustering[0]!;
    const points = { data: Float64Array.from(c.points), rows: c.labels.length, cols: c.cols };
    const renamed = c.labels.map((label) => 10 - 7 * label);
    expect(silhouetteScore(points, renamed)).toBeCloseTo(c.silhouette, 12);
  });
});

describe('silhouette refuses bad input', () => {
  const points = { data: Float64Array.from([0, 0, 1, 1, 5, 5]), rows: 3, cols: 2 };

  it('refuses one cluster, and one cluster per point', () => {
    expectUsageError(() => silhouetteScore(points, [0, 0, 0]), UsageError, 'labels', /got 1 for 3 points/);
    expectUsageError(() => silhouetteScore(points, [0, 1, 2]), UsageError, 'labels', /got 3 for 3 points/);
  });

  it('refuses labels that do not match the rows, NaN points and no points', () => {
    expectUsageError(
      () => silhouetteScore(points, [0, 1]),
      UsageError,
      'labels',
      /points has 3 values but labels has 2/,
    );
    const withNaN = { ...points, data: Float64Array.from([0, 0, Number.NaN, 1, 5, 5]) };
    expectUsageError(() => silhouetteScore(withNaN, [0, 0, 1]), UsageError, 'points', /points\[2\]/);
    expectUsageError(
      () => silhouetteScore({ data: new Float64Array(0), rows: 0, cols: 2 }, []),
      UsageError,
      'labels',
    );
  });
});
