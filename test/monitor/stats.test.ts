/**
 * The drift statistics against scipy 1.10 (test/fixtures/monitor/drift_stats.json,
 * written by make_drift_stats.py beside it). Inputs store NaN as null; the
 * oracle dropped them, and so do the functions under test.
 *
 * Tolerance: relative 1e-9 (absolute below 1e-300). The loosest agreement
 * seen is the KS tail at n ≥ 100,000 (about 3e-10: Smirnov's sum of ~n terms,
 * taken in logarithms here and in double-double in scipy); exact KS p-values,
 * chi-squared, Wasserstein, Jensen–Shannon and PSI agree to 1e-12 or better.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import {
  binCounts,
  chiSquareDrift,
  chiSquareSurvival,
  chiSquareTest,
  jensenShannonDistance,
  kolmogorovSmirnovSurvival,
  ksTwoSample,
  normalizedWasserstein,
  populationStd,
  psi,
  quantileBinEdges,
  wassersteinDistance,
} from '../../src/drift/stats.js';
import { sortedPresent } from '../../src/profile/stats.js';

type Values = (number | null)[];

interface Oracle {
  ks: {
    name: string;
    a: Values;
    b: Values;
    statistic: number;
    pvalue: number;
    asympStatistic?: number;
    asympPvalue?: number;
  }[];
  kstwo: { n: number; d: number; sf: number }[];
  chisquare: { name: string; observed: number[]; expected: number[]; statistic: number; pvalue: number }[];
  chi2Sf: { df: number; x: number; sf: number }[];
  chi2Drift: { name: string; reference: number[]; current: number[]; statistic: number; pvalue: number }[];
  wasserstein: { name: string; a: Values; b: Values; distance: number; normalised: number }[];
  jensenShannon: { name: string; p: number[]; q: number[]; distance: number }[];
  psi: {
    name: string;
    bins: number;
    a: Values;
    b: Values;
    edges: number[];
    referenceCounts: number[];
    currentCounts: number[];
    psi: number;
  }[];
}

const ORACLE = JSON.parse(
  readFileSync(new URL('../fixtures/monitor/drift_stats.json', import.meta.url), 'utf8'),
) as Oracle;

function array(values: Values): Float64Array {
  return Float64Array.from(values, (v) => (v === null ? Number.NaN : v));
}

function expectClose(actual: number, expected: number, what: string, rel = 1e-9): void {
  const scale = Math.max(Math.abs(expected), 1e-300);
  const error = Math.abs(actual - expected) / scale;
  expect(error <= rel, `${what}: ${actual} vs scipy ${expected} (relative error ${error})`).toBe(true);
}

describe('two-sample Kolmogorov–Smirnov against scipy.stats.ks_2samp', () => {
  for (const c of ORACLE.ks) {
    it(`matches statistic and p-value on ${c.name} (method auto)`, () => {
      const result = ksTwoSample(array(c.a), array(c.b));
      expect(result.method).toBe(Math.max(c.a.length, c.b.length) <= 10_000 ? 'exact' : 'asymp');
      expectClose(result.statistic, c.statistic, 'statistic');
      expectClose(result.pValue, c.pvalue, 'p-value');
    });
    if (c.asympPvalue !== undefined) {
      it(`matches on ${c.name} with method 'asymp'`, () => {
        const result = ksTwoSample(array(c.a), array(c.b), 'asymp');
        expectClose(result.statistic, c.asympStatistic!, 'statistic');
        expectClose(result.pValue, c.asympPvalue!, 'p-value');
      });
    }
  }

  it('does not depend on the order of the samples', () => {
    const c = ORACLE.ks.find((k) => k.name === '50 vs 80')!;
    const ab = ksTwoSample(array(c.a), array(c.b));
    const ba = ksTwoSample(array(c.b), array(c.a));
    expect(ba.statistic).toBe(ab.statistic);
    expectClose(ba.pValue, ab.pValue, 'swapped p-value', 1e-12);
  });

  it('refuses a sample with no present values', () => {
    expect(() => ksTwoSample(Float64Array.of(Number.NaN), Float64Array.of(1))).toThrow(UsageError);
  });
});

describe('one-sample two-sided KS distribution against scipy.stats.kstwo.sf', () => {
  it(`matches on ${ORACLE.kstwo.length} points across every branch`, () => {
    for (const c of ORACLE.kstwo) {
      expectClose(kolmogorovSmirnovSurvival(c.d, c.n), c.sf, `kstwo.sf(${c.d}, ${c.n})`);
    }
  });
});

describe('chi-squared against scipy', () => {
  for (const c of ORACLE.chisquare) {
    it(`chisquare matches on ${c.name}`, () => {
      const result = chiSquareTest(c.observed, c.expected);
      expectClose(result.statistic, c.statistic, 'statistic');
      expectClose(result.pValue, c.pvalue, 'p-value');
      expect(result.df).toBe(c.observed.length - 1);
    });
  }

  it(`chi2.sf matches on ${ORACLE.chi2Sf.length} points`, () => {
    for (const c of ORACLE.chi2Sf) {
      expectClose(chiSquareSurvival(c.x, c.df), c.sf, `chi2.sf(${c.x}, ${c.df})`);
    }
  });

  for (const c of ORACLE.chi2Drift) {
    it(`the drift form matches on ${c.name}`, () => {
      const result = chiSquareDrift(c.reference, c.current);
      expectClose(result.statistic, c.statistic, 'statistic');
      expectClose(result.pValue, c.pvalue, 'p-value');
    });
  }

  it('follows scipy where an expected count is 0: infinite statistic, p = 0', () => {
    const result = chiSquareTest([5, 5], [10, 0]);
    expect(result.statistic).toBe(Number.POSITIVE_INFINITY);
    expect(result.pValue).toBe(0);
  });

  it('one new value among a thousand does not make the drift form reject', () => {
    const reference = [500, 300, 200, 0];
    expect(chiSquareDrift(reference, [500, 300, 199, 1]).pValue).toBeGreaterThan(0.05);
    expect(chiSquareDrift(reference, [450, 270, 180, 100]).pValue).toBeLessThan(1e-10);
  });

  it('refuses expected counts with another total', () => {
    expect(() => chiSquareTest([1, 2], [1, 1])).toThrow(/sum to 3/);
  });
});

describe('Wasserstein distance against scipy.stats.wasserstein_distance', () => {
  for (const c of ORACLE.wasserstein) {
    it(`matches on ${c.name}, plain and normalised by the reference std`, () => {
      const a = array(c.a);
      const distance = wassersteinDistance(a, array(c.b));
      expectClose(distance, c.distance, 'distance');
      const std = populationStd(sortedPresent(a));
      expectClose(normalizedWasserstein(distance, std), c.normalised, 'normalised');
    });
  }
});

describe('Jensen–Shannon distance against scipy.spatial.distance.jensenshannon', () => {
  for (const c of ORACLE.jensenShannon) {
    it(`matches on ${c.name}`, () => {
      expectClose(jensenShannonDistance(c.p, c.q), c.distance, 'distance');
    });
  }
});

describe('PSI over the reference quantile bins against numpy', () => {
  for (const c of ORACLE.psi) {
    it(`matches edges, counts and PSI on ${c.name}`, () => {
      const reference = sortedPresent(array(c.a));
      const current = sortedPresent(array(c.b));
      const edges = quantileBinEdges(reference, c.bins);
      expect(edges).toEqual(c.edges);
      expect(Array.from(binCounts(reference, edges))).toEqual(c.referenceCounts);
      expect(Array.from(binCounts(current, edges))).toEqual(c.currentCounts);
      expectClose(psi(binCounts(reference, edges), binCounts(current, edges)), c.psi, 'psi');
    });
  }
});
