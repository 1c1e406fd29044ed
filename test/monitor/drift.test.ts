import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { type Column, categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import { type ColumnDrift, type DriftReport, detectDrift, type QualityIssue } from '../../src/drift/drift.js';
import { referenceProfile } from '../../src/drift/reference.js';
import {
  ksTwoSample,
  normalizedWasserstein,
  populationStd,
  wassersteinDistance,
} from '../../src/drift/stats.js';

function numbers(name: string, values: ArrayLike<number>): Column {
  return { storage: 'number', name, kind: 'numeric', values: Float64Array.from(values) };
}

function normals(n: number, rng: Rng, shift = 0, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => shift + scale * rng.normal());
}

function labels(n: number, rng: Rng, shares: readonly number[], names = ['a', 'b', 'c']): (string | null)[] {
  return Array.from({ length: n }, () => {
    let u = rng.next();
    for (let k = 0; k < shares.length; k++) {
      u -= shares[k]!;
      if (u < 0) return names[k]!;
    }
    return names[shares.length - 1]!;
  });
}

function table(n: number, seed: number, shift = 0, shares = [0.5, 0.3, 0.2]): Frame {
  const rng = new Rng(seed);
  return new Frame([
    numbers('num', normals(n, rng, shift)),
    numbers('other', normals(n, rng, 10, 2)),
    categoricalFromLabels('cat', labels(n, rng, shares)),
  ]);
}

function byColumn(report: DriftReport, name: string): ColumnDrift {
  const found = report.features.find((f) => f.column === name);
  if (found === undefined) throw new Error(`no result for ${name}`);
  return found;
}

function issues(report: DriftReport, check: QualityIssue['check']): QualityIssue[] {
  return report.quality.filter((q) => q.check === check);
}

describe('detectDrift picks the test as Evidently does', () => {
  it('uses KS and chi-squared for a reference of at most 1,000 rows', () => {
    const reference = table(800, 1);
    const current = table(600, 2, 0.5, [0.3, 0.3, 0.4]);
    const report = detectDrift(referenceProfile(reference), current);
    const num = byColumn(report, 'num');
    const ks = ksTwoSample(
      (reference.column('num') as { values: Float64Array }).values,
      (current.column('num') as { values: Float64Array }).values,
    );
    expect(num).toMatchObject({
      test: 'ks',
      threshold: 0.05,
      drifted: true,
      referenceCount: 800,
      currentCount: 600,
    });
    expect(num.statistic).toBe(ks.statistic);
    expect(num.pValue).toBe(ks.pValue);
    expect(byColumn(report, 'cat')).toMatchObject({ test: 'chi2', drifted: true });
    expect(byColumn(report, 'other')).toMatchObject({ test: 'ks', drifted: false });
    expect(byColumn(report, 'num').message).toMatch(
      /^"num" drifted: Kolmogorov–Smirnov p < 0\.0001 \(threshold 0\.05\)/,
    );
  });

  it('uses normalised Wasserstein and Jensen–Shannon above 1,000 rows', () => {
    const reference = table(5000, 3);
    const current = table(2000, 4, 0.3, [0.2, 0.3, 0.5]);
    const report = detectDrift(referenceProfile(reference), current);
    const num = byColumn(report, 'num');
    expect(num).toMatchObject({ test: 'wasserstein', threshold: 0.1, pValue: null, drifted: true });
    // The stored stratified sample gives nearly the full reference's distance.
    const values = (frame: Frame) => (frame.column('num') as { values: Float64Array }).values;
    const std = populationStd(values(reference));
    const full = normalizedWasserstein(wassersteinDistance(values(reference), values(current)), std);
    expect(Math.abs(num.statistic! - full)).toBeLessThan(0.005);
    expect(byColumn(report, 'cat')).toMatchObject({ test: 'jensenshannon', drifted: true });
    expect(byColumn(report, 'other')).toMatchObject({ test: 'wasserstein', drifted: false });
    expect(num.message).toMatch(/reference standard deviations on average/);
  });

  it('takes a test and threshold per column, and the reference size limit', () => {
    const reference = referenceProfile(table(5000, 5));
    const current = table(1000, 6, 0.15);
    const report = detectDrift(reference, current, {
      tests: {
        num: { test: 'psi', threshold: 0.01 },
        other: { test: 'ks' },
        cat: { test: 'chi2', threshold: 0.5 },
      },
    });
    expect(byColumn(report, 'num')).toMatchObject({ test: 'psi', threshold: 0.01, drifted: true });
    expect(byColumn(report, 'other')).toMatchObject({ test: 'ks', referenceCount: 1000 });
    expect(byColumn(report, 'cat')).toMatchObject({ test: 'chi2', threshold: 0.5 });
    const bigSmall = detectDrift(reference, current, { smallReference: 10_000 });
    expect(byColumn(bigSmall, 'num').test).toBe('ks');
    const binned = detectDrift(reference, current, { tests: { num: { test: 'jensenshannon' } } });
    expect(byColumn(binned, 'num').message).toMatch(/quantile bins/);
  });

  it('refuses a numeric-only test on a category, an unknown test, and a test for an unknown column', () => {
    const reference = referenceProfile(table(100, 7));
    const current = table(100, 8);
    expect(() => detectDrift(reference, current, { tests: { cat: { test: 'ks' } } })).toThrow(UsageError);
    expect(() => detectDrift(reference, current, { tests: { num: { test: 'nope' as 'ks' } } })).toThrow(
      /unknown drift test/,
    );
    expect(() => detectDrift(reference, current, { tests: { nmu: { test: 'psi' } } })).toThrow(
      expect.objectContaining({
        message: 'no such column in the reference',
        hint: expect.stringMatching(/num, other, cat/),
      }),
    );
  });
});

describe('detectDrift decides for the dataset', () => {
  const reference = referenceProfile(table(3000, 9));

  it('drifts when the drifted share reaches the limit', () => {
    const current = table(1000, 10, 1);
    const report = detectDrift(reference, current);
    expect(report.dataset).toMatchObject({ testedFeatures: 3, driftedFeatures: ['num'], drifted: false });
    expect(report.dataset.share).toBeCloseTo(1 / 3, 15);
    expect(detectDrift(reference, current, { driftShare: 0.3 }).dataset.drifted).toBe(true);
    expect(report.dataset.message).toMatch(/^No dataset drift: 1 of 3 features drifted/);
  });

  it('drifts when one of the top-k important features drifts', () => {
    const current = table(1000, 11, 1);
    const importances = { num: 0.5, other: 0.9, cat: 0.1 };
    const top1 = detectDrift(reference, current, { importances, topFeatures: 1 });
    expect(top1.dataset).toMatchObject({ drifted: false, topFeatures: ['other'], driftedTopFeatures: [] });
    const top2 = detectDrift(reference, current, { importances, topFeatures: 2 });
    expect(top2.dataset).toMatchObject({ drifted: true, driftedTopFeatures: ['num'] });
    expect(top2.drifted).toBe(true);
    expect(byColumn(top2, 'num').importance).toBe(0.5);
  });
});

describe('detectDrift checks the quality of the window', () => {
  const rng = new Rng(12);
  const reference = referenceProfile(table(3000, 13));

  it('lists new categories with their counts, commonest first', () => {
    const current = new Frame([
      numbers('num', normals(1000, rng)),
      numbers('other', normals(1000, rng, 10, 2)),
      categoricalFromLabels(
        'cat',
        labels(1000, rng, [0.4, 0.2, 0.2, 0.15, 0.05], ['a', 'b', 'c', 'new', 'rare']),
      ),
    ]);
    const [issue] = issues(detectDrift(reference, current), 'new-categories');
    expect(issue).toMatchObject({ column: 'cat' });
    if (issue?.check !== 'new-categories') return;
    expect(issue.categories.map((c) => c.value)).toEqual(['new', 'rare']);
    expect(issue.count).toBe(issue.categories[0]!.count + issue.categories[1]!.count);
    expect(issue.message).toMatch(/^"cat" has values the reference never had: "new" \(\d+\), "rare" \(\d+\)/);
  });

  it('reports a jump in the missing rate and values outside the reference range', () => {
    const num = normals(1000, rng);
    for (let i = 0; i < 200; i++) num[i] = Number.NaN;
    const other = normals(1000, rng, 10, 2);
    for (let i = 0; i < 30; i++) other[i] = 1000 + i;
    const current = new Frame([
      numbers('num', num),
      numbers('other', other),
      categoricalFromLabels('cat', labels(1000, rng, [0.5, 0.3, 0.2])),
    ]);
    const report = detectDrift(reference, current);
    expect(issues(report, 'missing-rate')).toMatchObject([{ column: 'num', reference: 0, current: 0.2 }]);
    expect(issues(report, 'out-of-range')).toMatchObject([
      { column: 'other', below: 0, above: 30, share: 0.03 },
    ]);
    expect(byColumn(report, 'num').currentCount).toBe(800);
    expect(detectDrift(reference, current, { missingRateJump: 0.25, outOfRangeShare: 0.05 }).quality).toEqual(
      [],
    );
  });

  it('reports missing columns, wrong kinds and unexpected columns, and tests what it can', () => {
    const current = new Frame([
      categoricalFromLabels('num', labels(500, rng, [0.5, 0.5], ['x', 'y'])),
      numbers('extra', normals(500, rng)),
      numbers(
        'cat',
        Array.from({ length: 500 }, (_, i) => i % 3),
      ),
    ]);
    const report = detectDrift(reference, current);
    const schema = issues(report, 'schema').map((q) =>
      q.check === 'schema' ? `${q.column}:${q.problem}` : '',
    );
    expect(schema.sort()).toEqual(['cat:kind', 'extra:unexpected', 'num:kind', 'other:missing']);
    expect(byColumn(report, 'num')).toMatchObject({ test: null, drifted: false });
    expect(byColumn(report, 'num').message).toMatch(
      /holds categorical values where the reference had numeric ones/,
    );
    expect(byColumn(report, 'other').message).toBe('"other" was not tested: it is not in the current data.');
    // Numbers read as category labels: 0, 1, 2 are all new values.
    expect(byColumn(report, 'cat')).toMatchObject({ test: 'jensenshannon', drifted: true });
  });

  it('converts categories whose labels are numbers, and skips a column that is all missing', () => {
    const current = new Frame([
      categoricalFromLabels(
        'num',
        Array.from({ length: 300 }, (_, i) => String((i % 7) / 7 - 0.5)),
      ),
      numbers('other', new Array(300).fill(Number.NaN)),
      categoricalFromLabels('cat', labels(300, rng, [0.5, 0.3, 0.2])),
    ]);
    const report = detectDrift(reference, current);
    expect(byColumn(report, 'num')).toMatchObject({ test: 'wasserstein', currentCount: 300 });
    expect(byColumn(report, 'other').message).toBe('"other" was not tested: every current value is missing.');
    expect(report.dataset.testedFeatures).toBe(2);
  });

  it('refuses an empty window', () => {
    expect(() => detectDrift(reference, table(0, 1))).toThrow(/no rows/);
  });
});

describe('detectDrift compares the model outputs and the target', () => {
  it('tests class predictions, probabilities and the target like features', () => {
    const rng = new Rng(14);
    const n = 2000;
    const classes = ['no', 'yes'];
    const outputs = (share: number) => {
      const probabilities = new Float64Array(2 * n);
      const predictions = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const p = Math.min(1, Math.max(0, share + 0.2 * rng.normal()));
        probabilities[2 * i] = 1 - p;
        probabilities[2 * i + 1] = p;
        predictions[i] = p >= 0.5 ? 1 : 0;
      }
      return { predictions, probabilities };
    };
    const frame = table(n, 15).withColumn(numbers('y', normals(n, rng)));
    const reference = referenceProfile(frame, { ...outputs(0.3), classes, target: 'y' });
    const same = detectDrift(reference, table(1000, 16).withColumn(numbers('y', normals(1000, rng))), {
      ...sliceOutputs(outputs(0.3), 1000),
      target: 'y',
    });
    expect(same.outputs.map((o) => [o.column, o.test, o.drifted])).toEqual([
      ['prediction', 'jensenshannon', false],
      ['probability:yes', 'wasserstein', false],
    ]);
    expect(same.target).toMatchObject({ column: 'y', role: 'target', drifted: false });
    expect(same.drifted).toBe(false);
    const moved = detectDrift(reference, table(1000, 17), sliceOutputs(outputs(0.6), 1000));
    expect(moved.outputs.every((o) => o.drifted)).toBe(true);
    expect(moved.drifted).toBe(true);
    expect(moved.dataset.drifted).toBe(false);
  });

  it('gives a report that is plain JSON', () => {
    const reference = referenceProfile(table(1500, 18));
    const report = detectDrift(reference, table(700, 19, 0.4));
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

function sliceOutputs(outputs: { predictions: Float64Array; probabilities: Float64Array }, rows: number) {
  return {
    predictions: outputs.predictions.slice(0, rows),
    probabilities: outputs.probabilities.slice(0, 2 * rows),
  };
}
