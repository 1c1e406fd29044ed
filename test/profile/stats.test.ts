import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { categoricalFromLabels, type NumberColumn } from '../../src/data/column.js';
import { quantileSorted } from '../../src/numeric/quantile.js';
import {
  histogramBinCount,
  moments,
  numericSummary,
  profileColumn,
  sortedPresent,
  sortWithRows,
} from '../../src/profile/stats.js';

function numbers(
  name: string,
  values: readonly number[],
  kind: NumberColumn['kind'] = 'numeric',
): NumberColumn {
  return { storage: 'number', name, kind, values: Float64Array.from(values) };
}

function expectClose(actual: number, expected: number, relative = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(Math.abs(expected), 1e-300));
}

// numpy.quantile / pandas Series.mean, std, skew of these values, computed by make_fixtures-style calls.
const SAMPLE = [3.1, -2.0, 7.5, 0.0, 4.4, 4.4, 12.25, -8.0, 1.5, 6.0, 2.2];

describe('quantileSorted', () => {
  it("matches numpy's linear method, including its interpolation from the nearer end", () => {
    const sorted = sortedPresent(Float64Array.from(SAMPLE));
    const expected = [-7.4, -5.0, 0.75, 3.1, 5.2, 9.875, 11.775000000000002];
    [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99].forEach((q, i) => {
      expect(quantileSorted(sorted, q)).toBe(expected[i]);
    });
  });

  it('returns the extremes at 0 and 1 and NaN when empty', () => {
    const sorted = sortedPresent(Float64Array.from(SAMPLE));
    expect(quantileSorted(sorted, 0)).toBe(-8);
    expect(quantileSorted(sorted, 1)).toBe(12.25);
    expect(quantileSorted(new Float64Array(0), 0.5)).toBeNaN();
  });
});

describe('moments', () => {
  it("matches pandas' mean, sample std and adjusted skewness", () => {
    const m = moments(Float64Array.from(SAMPLE));
    expectClose(m.mean, 2.8499999999999996);
    expectClose(m.std, 5.257233112579278);
    expectClose(m.skewness, -0.3763428532633848);
  });

  it('gives skewness 0 for a constant column and NaN below three values', () => {
    expect(moments(Float64Array.of(4, 4, 4, 4)).skewness).toBe(0);
    expect(moments(Float64Array.of(1, 2)).skewness).toBeNaN();
    expect(moments(Float64Array.of(1)).std).toBeNaN();
  });
});

describe('numericSummary', () => {
  it('counts zeros and outliers by Tukey fences and by |z| > 3', () => {
    const values = [...new Array<number>(20).fill(0), 10];
    const s = numericSummary(sortedPresent(Float64Array.from(values)));
    expect(s.zeros).toBe(20);
    expect(s.outliersIqr).toBe(1);
    expect(s.outliersZ).toBe(1); // z = (10 − 0.476) / 2.182 ≈ 4.36
    const mild = numericSummary(sortedPresent(Float64Array.of(1, 2, 3, 4, 100)));
    expect(mild.outliersIqr).toBe(1);
    expect(mild.outliersZ).toBe(0); // z ≈ 1.79
  });
});

describe('sorting', () => {
  it('drops NaN and orders -0 before +0, as the native sort does', () => {
    const sorted = sortedPresent(Float64Array.of(3, Number.NaN, 0, -0, -1));
    expect(Array.from(sorted)).toEqual([-1, -0, 0, 3]);
    expect(Object.is(sorted[1], -0)).toBe(true);
  });

  it('sortedPresent on large inputs (radix path) gives the native sort, bit for bit', () => {
    const rng = new Rng(11);
    const special = [
      0,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      5e-324,
      -5e-324,
      1e308,
      -1e-300,
    ];
    const values = Float64Array.from({ length: 50_000 }, (_, i) =>
      i % 10 === 0
        ? special[(i / 10) % special.length]!
        : i % 7 === 0
          ? Number.NaN
          : rng.normal() * 10 ** rng.int(12),
    );
    const expected = values.filter((v) => !Number.isNaN(v)).sort();
    const sorted = sortedPresent(values);
    expect(sorted.length).toBe(expected.length);
    expect(new Uint32Array(sorted.buffer, sorted.byteOffset, 2 * sorted.length)).toEqual(
      new Uint32Array(expected.buffer),
    );
    expect(values.some(Number.isNaN)).toBe(true);
  });

  it('sortWithRows is a stable argsort on large inputs (radix path)', () => {
    const rng = new Rng(7);
    // + 0 turns -0 into 0: the sort orders -0 before 0, though they compare equal.
    const values = Float64Array.from({ length: 20_000 }, () => Math.round(rng.normal() * 50) / 4 + 0);
    values[17] = Number.NaN;
    values[3] = Number.NEGATIVE_INFINITY;
    const { sorted, rows } = sortWithRows(values);
    expect(Array.from(sorted)).toEqual(Array.from(sortedPresent(values)));
    for (let i = 0; i < rows.length; i++) expect(values[rows[i]!]).toBe(sorted[i]);
    for (let i = 1; i < rows.length; i++)
      if (sorted[i] === sorted[i - 1]) expect(rows[i]!).toBeGreaterThan(rows[i - 1]!);
    expect(rows.includes(17)).toBe(false);
  });

  it('sortWithRows keeps ties in row order on small inputs', () => {
    const { sorted, rows } = sortWithRows(Float64Array.of(2, 1, 2, Number.NaN, 1));
    expect(Array.from(sorted)).toEqual([1, 1, 2, 2]);
    expect(Array.from(rows)).toEqual([1, 4, 0, 2]);
  });
});

describe('profileColumn', () => {
  it('summarises numbers with missing values', () => {
    const p = profileColumn(numbers('x', [...SAMPLE, Number.NaN, Number.NaN]));
    expect(p).toMatchObject({ name: 'x', kind: 'numeric', count: 11, missing: 2, distinct: 10 });
    expectClose(p.missingRate, 2 / 13);
    expect(p.numeric?.min).toBe(-8);
    expect(p.numeric?.max).toBe(12.25);
    expect(p.numeric?.quantiles.p50).toBe(3.1);
    expect(p.topValues).toEqual([{ value: '4.4', count: 2 }]);
  });

  it('draws one bar per value for integers with few distinct values', () => {
    const p = profileColumn(numbers('k', [3, 1, 3, 2, 3, Number.NaN], 'integer'));
    expect(p.histogram).toEqual({ labels: ['1', '2', '3'], counts: [1, 1, 3] });
    expect(p.topValues).toEqual([{ value: '3', count: 3 }]);
  });

  it('cuts continuous numbers into equal-width bins that hold every value', () => {
    const rng = new Rng(1);
    const values = Float64Array.from({ length: 1000 }, () => rng.normal());
    const p = profileColumn(numbers('z', Array.from(values)));
    const edges = p.histogram.edges!;
    const iqr = p.numeric!.quantiles.p75 - p.numeric!.quantiles.p25;
    const bins = histogramBinCount(1000, iqr, p.numeric!.max - p.numeric!.min);
    expect(p.histogram.counts.length).toBe(bins);
    expect(edges.length).toBe(bins + 1);
    expect(edges[0]).toBe(p.numeric!.min);
    expect(edges[bins]).toBe(p.numeric!.max);
    expect(p.histogram.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    let inFirst = 0;
    for (const v of values) if (v < edges[1]!) inFirst++;
    expect(p.histogram.counts[0]).toBe(inFirst);
  });

  it('puts each value in the last bin whose lower edge it reaches, ties on an edge going up', () => {
    const rng = new Rng(4);
    const values = Float64Array.from({ length: 3000 }, () => Math.round(rng.normal() * 200) / 16);
    const p = profileColumn(numbers('t', Array.from(values)));
    const edges = p.histogram.edges!;
    const expected = new Array<number>(edges.length - 1).fill(0);
    for (const v of values) {
      let bin = 0;
      while (bin < expected.length - 1 && v >= edges[bin + 1]!) bin++;
      expected[bin]!++;
    }
    expect(p.histogram.counts).toEqual(expected);
  });

  it('keeps every value of a column with an infinite extreme in its histogram', () => {
    const values = [
      Number.NEGATIVE_INFINITY,
      ...Array.from({ length: 40 }, (_, i) => i / 3),
      Number.POSITIVE_INFINITY,
    ];
    const p = profileColumn(numbers('inf', values));
    expect(p.histogram.counts.reduce((a, b) => a + b, 0)).toBe(values.length);
  });

  it('chooses bins as the larger of Sturges and Freedman–Diaconis, at most 30', () => {
    expect(histogramBinCount(100, 10, 10)).toBe(8); // Sturges ⌈log2 100⌉ + 1 = 8; FD ⌈10 / (20 · 100^(-1/3))⌉ = 3
    expect(histogramBinCount(1000, 2, 10)).toBe(25); // Sturges 11; FD ⌈10 / (4 · 0.1)⌉ = 25
    expect(histogramBinCount(1000, 1, 10)).toBe(30); // FD 50, capped at 30
    expect(histogramBinCount(1000, 0, 10)).toBe(11); // no spread between the quartiles: Sturges
  });

  it('formats datetimes as ISO strings in top values', () => {
    const day = Date.UTC(2024, 0, 2);
    const p = profileColumn(numbers('t', [day, day, day + 1000], 'datetime'));
    expect(p.topValues[0]).toEqual({ value: '2024-01-02T00:00:00.000Z', count: 2 });
  });

  it('summarises categories, ties in level order, with an "other" bar beyond 20 levels', () => {
    const labels = Array.from({ length: 30 }, (_, i) => `l${i}`);
    const rows = [...labels, 'l5', 'l5', 'l7', null];
    const p = profileColumn(categoricalFromLabels('c', rows));
    expect(p).toMatchObject({ count: 33, missing: 1, distinct: 30 });
    expect(p.topValues.slice(0, 3)).toEqual([
      { value: 'l5', count: 3 },
      { value: 'l7', count: 2 },
      { value: 'l0', count: 1 },
    ]);
    expect(p.topValues.length).toBe(10);
    expect(p.histogram.labels!.length).toBe(20);
    expect(p.histogram.labels![19]).toBe('other');
    expect(p.histogram.counts[19]).toBe(11);
  });

  it('summarises strings with null as missing', () => {
    const p = profileColumn({ storage: 'string', name: 's', kind: 'text', values: ['a', 'b', null, 'a'] });
    expect(p).toMatchObject({ count: 3, missing: 1, distinct: 2 });
    expect(p.topValues).toEqual([
      { value: 'a', count: 2 },
      { value: 'b', count: 1 },
    ]);
    expect(p.numeric).toBeUndefined();
  });
});
