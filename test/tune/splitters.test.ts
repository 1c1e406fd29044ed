import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import {
  type Fold,
  groupKFold,
  kFold,
  repeatedKFold,
  shuffleSplit,
  stratifiedKFold,
  timeSeriesSplit,
} from '../../src/tune/splitters.js';
import { type ExpectedFold, expectUsageError, ORACLE } from '../evaluate/oracle.js';

const FOLDS = ORACLE.folds;

function plain(folds: Iterable<Fold>): ExpectedFold[] {
  return [...folds].map((fold) => ({ train: [...fold.train], test: [...fold.test] }));
}

/** Each fold's train and test are disjoint and sorted, and the test folds together cover every row once. */
function expectPartitions(folds: Fold[], rowCount: number): void {
  const seen = new Int32Array(rowCount);
  for (const { train, test } of folds) {
    expect(train.length + test.length).toBe(rowCount);
    const inTest = new Set(test);
    for (const row of train) expect(inTest.has(row)).toBe(false);
    for (const part of [train, test])
      for (let i = 1; i < part.length; i++) expect(part[i]!).toBeGreaterThan(part[i - 1]!);
    for (const row of test) seen[row]!++;
  }
  expect([...seen].every((count) => count === 1)).toBe(true);
}

describe('splitters without shuffling equal scikit-learn exactly', () => {
  for (const c of FOLDS.kFold) {
    it(`KFold(${c.k}) on ${c.n} rows`, () => {
      expect(plain(kFold({ k: c.k }).split({ rowCount: c.n }))).toEqual(c.folds);
    });
  }

  for (const c of FOLDS.stratifiedKFold) {
    it(`StratifiedKFold(${c.k}) on ${c.name}`, () => {
      expect(plain(stratifiedKFold({ k: c.k }).split({ labels: c.labels }))).toEqual(c.folds);
    });
  }

  for (const c of FOLDS.groupKFold) {
    it(`GroupKFold(${c.k}) on ${c.name}`, () => {
      expect(plain(groupKFold({ k: c.k }).split({ groups: c.groups }))).toEqual(c.folds);
    });
  }

  for (const c of FOLDS.timeSeriesSplit) {
    it(`TimeSeriesSplit(${c.k}, testSize ${c.testSize}, gap ${c.gap}) on ${c.n} rows`, () => {
      const splitter = timeSeriesSplit({ k: c.k, testSize: c.testSize, gap: c.gap });
      expect(plain(splitter.split({ rowCount: c.n }))).toEqual(c.folds);
    });
  }
});

describe('shuffled splitters', () => {
  const labels = FOLDS.stratifiedKFold.find((c) => c.name === 'random_four_class')!.labels;

  it('k-fold: partitions the rows into folds of ⌊n/k⌋ or ⌈n/k⌉, the same for the same seed', () => {
    const folds = [...kFold({ k: 4, shuffle: true, seed: 7 }).split({ rowCount: 23 })];
    expectPartitions(folds, 23);
    expect(folds.map((f) => f.test.length)).toEqual([6, 6, 6, 5]);
    expect(plain(kFold({ k: 4, shuffle: true, seed: 7 }).split({ rowCount: 23 }))).toEqual(plain(folds));
    expect(plain(kFold({ k: 4, shuffle: true, seed: 8 }).split({ rowCount: 23 }))).not.toEqual(plain(folds));
    expect(plain(folds)).not.toEqual(plain(kFold({ k: 4 }).split({ rowCount: 23 })));
  });

  it('stratified k-fold: keeps every class within one row of its share in each test fold', () => {
    const k = 5;
    const folds = [...stratifiedKFold({ k, shuffle: true, seed: 3 }).split({ labels })];
    expectPartitions(folds, labels.length);
    for (const label of new Set(labels)) {
      const members = labels.filter((l) => l === label).length;
      for (const { test } of folds) {
        const inFold = [...test].filter((row) => labels[row] === label).length;
        expect(Math.abs(inFold - members / k)).toBeLessThan(1);
      }
    }
    // Shuffling moves rows between folds but not the per-class counts scikit-learn allocates.
    const unshuffled = FOLDS.stratifiedKFold.find((c) => c.name === 'random_four_class')!.folds;
    expect(folds.map((f) => f.test.length)).toEqual(unshuffled.map((f) => f.test.length));
    expect(plain(stratifiedKFold({ k, shuffle: true, seed: 3 }).split({ labels }))).toEqual(plain(folds));
  });

  it('repeated k-fold: each repeat partitions the rows, and repeats differ', () => {
    const splitter = repeatedKFold({ k: 3, repeats: 4, seed: 11 });
    const folds = [...splitter.split({ rowCount: 20 })];
    expect(folds.length).toBe(splitter.foldCount);
    for (let r = 0; r < 4; r++) expectPartitions(folds.slice(3 * r, 3 * r + 3), 20);
    expect(plain(folds.slice(0, 3))).not.toEqual(plain(folds.slice(3, 6)));
    expect(plain(repeatedKFold({ k: 3, repeats: 4, seed: 11 }).split({ rowCount: 20 }))).toEqual(
      plain(folds),
    );
  });

  it('shuffle split: test sizes follow testSize as a fraction (rounded up) or a count', () => {
    const folds = [...shuffleSplit({ splits: 5, testSize: 0.25, seed: 2 }).split({ rowCount: 30 })];
    expect(folds.length).toBe(5);
    for (const { train, test } of folds) {
      expect(test.length).toBe(8);
      expect(train.length).toBe(22);
      expect(new Set([...train, ...test]).size).toBe(30);
    }
    expect(new Set(folds.map((f) => f.test.join())).size).toBe(5);
    const counted = [...shuffleSplit({ splits: 2, testSize: 4 }).split({ rowCount: 30 })];
    expect(counted.map((f) => f.test.length)).toEqual([4, 4]);
  });

  it('yields folds lazily but checks the input at once', () => {
    const splitter = kFold({ k: 5 });
    expect(() => splitter.split({ rowCount: 3 })).toThrow(UsageError);
  });
});

describe('splitters refuse what cannot be split', () => {
  it('refuses more folds than rows, naming k', () => {
    const error = expectUsageError(() => kFold({ k: 5 }).split({ rowCount: 4 }), UsageError, 'k', /4/);
    expect(error.hint).toContain('k ≤ 4');
    expectUsageError(() => repeatedKFold({ k: 5, repeats: 2 }).split({ rowCount: 3 }), UsageError, 'k');
    expectUsageError(
      () => timeSeriesSplit({ k: 5 }).split({ rowCount: 5 }),
      UsageError,
      'k',
      /at least 6 rows/,
    );
  });

  it('refuses more folds than groups', () => {
    const groups = [1, 1, 2, 2, 3, 3];
    expectUsageError(
      () => groupKFold({ k: 4 }).split({ groups }),
      UsageError,
      'k',
      /4 groups, the data has 3/,
    );
  });

  it('refuses a class with fewer rows than folds (scikit-learn only warns)', () => {
    const labels = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2];
    const error = expectUsageError(
      () => stratifiedKFold({ k: 3 }).split({ labels }),
      UsageError,
      'k',
      /class 2 has 2 rows/,
    );
    expect(error.hint).toContain('lower k to 2');
    const single = expectUsageError(
      () => stratifiedKFold({ k: 2 }).split({ labels: [0, 0, 1] }),
      UsageError,
      'k',
    );
    expect(single.hint).toContain('merge or drop it');
  });

  it('refuses a time-series split with no room for training', () => {
    expectUsageError(
      () => timeSeriesSplit({ k: 3, testSize: 3, gap: 2 }).split({ rowCount: 11 }),
      UsageError,
      'k',
      /gap of 2/,
    );
    expectUsageError(
      () => timeSeriesSplit({ k: 3, testSize: 0 }).split({ rowCount: 11 }),
      UsageError,
      'testSize',
    );
  });

  it('refuses k below 2, fractional options and bad seeds', () => {
    expectUsageError(() => kFold({ k: 1 }), UsageError, 'k');
    expectUsageError(() => kFold({ k: 2.5 }), UsageError, 'k');
    expectUsageError(() => repeatedKFold({ k: 3, repeats: 0 }), UsageError, 'repeats');
    expectUsageError(() => shuffleSplit({ splits: 0, testSize: 0.2 }), UsageError, 'splits');
    expectUsageError(() => timeSeriesSplit({ k: 3, gap: -1 }), UsageError, 'gap');
    expectUsageError(() => kFold({ k: 3, shuffle: true, seed: 0.5 }), UsageError, 'seed');
  });

  it('refuses missing, mismatched or NaN labels and groups', () => {
    expectUsageError(() => stratifiedKFold({ k: 2 }).split({ rowCount: 4 }), UsageError, 'labels');
    expectUsageError(() => groupKFold({ k: 2 }).split({ rowCount: 4 }), UsageError, 'groups');
    expectUsageError(
      () => stratifiedKFold({ k: 2 }).split({ rowCount: 5, labels: [0, 0, 1, 1] }),
      UsageError,
      'labels',
      /5.*4/,
    );
    expectUsageError(
      () => groupKFold({ k: 2 }).split({ groups: [1, Number.NaN, 2, 2] }),
      UsageError,
      'groups',
      /groups\[1\]/,
    );
    expectUsageError(() => kFold({ k: 2 }).split({}), UsageError, 'rowCount');
  });

  it('refuses a test size that leaves training empty', () => {
    expectUsageError(
      () => shuffleSplit({ splits: 2, testSize: 10 }).split({ rowCount: 10 }),
      UsageError,
      'testSize',
    );
  });
});
