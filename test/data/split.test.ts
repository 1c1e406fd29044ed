import { describe, expect, it } from 'vitest';
import { type KeelError, SchemaError, UsageError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { type Column, categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import {
  groupSplit,
  randomSplit,
  type Split,
  splitFrame,
  stratifiedSplit,
  timeSplit,
} from '../../src/data/split.js';

function numbers(name: string, values: ArrayLike<number>, kind: 'numeric' | 'datetime' = 'numeric'): Column {
  return { storage: 'number', name, kind, values: Float64Array.from(values) };
}

function texts(name: string, values: (string | null)[]): Column {
  return { storage: 'string', name, kind: 'id', values };
}

/** 150 rows in shuffled order, three classes of 50 (like iris), plus a row index column. */
function irisLike(): Frame {
  const labels = Array.from({ length: 150 }, (_, i) => ['setosa', 'versicolor', 'virginica'][i % 3]!);
  new Rng(7).shuffle(labels);
  return new Frame([
    numbers(
      'row',
      Array.from({ length: 150 }, (_, i) => i),
    ),
    categoricalFromLabels('species', labels),
  ]);
}

function expectPartition(split: Split, rowCount: number): void {
  const all = [...split.train, ...split.test].sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: rowCount }, (_, i) => i));
  for (const part of [split.train, split.test]) {
    for (let i = 1; i < part.length; i++) expect(part[i]!).toBeGreaterThan(part[i - 1]!);
  }
}

function expectError(act: () => unknown, type: typeof KeelError, field?: string): KeelError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    if (field !== undefined) expect((error as KeelError).location.field).toBe(field);
    return error as KeelError;
  }
  throw new Error('expected an error');
}

describe('randomSplit', () => {
  it('takes ceil(testSize · n) test rows for a fraction and the exact count for a whole number', () => {
    expect(randomSplit(10, { testSize: 0.25, seed: 1 }).test.length).toBe(3);
    expect(randomSplit(100, { testSize: 0.07, seed: 1 }).test.length).toBe(7);
    expect(randomSplit(10, { testSize: 4, seed: 1 }).test.length).toBe(4);
    expect(randomSplit(10, { testSize: 1, seed: 1 }).test.length).toBe(1);
  });

  it('returns disjoint, sorted parts that cover every row', () => {
    const split = randomSplit(1000, { testSize: 0.2, seed: 3 });
    expect(split.test.length).toBe(200);
    expectPartition(split, 1000);
  });

  it('gives the same split for the same seed and a different one for another seed', () => {
    const a = randomSplit(500, { testSize: 0.3, seed: 42 });
    const b = randomSplit(500, { testSize: 0.3, seed: 42 });
    const c = randomSplit(500, { testSize: 0.3, seed: 43 });
    expect(b.test).toEqual(a.test);
    expect(c.test).not.toEqual(a.test);
  });

  it('does not just take the last rows', () => {
    const { test } = randomSplit(1000, { testSize: 0.5, seed: 5 });
    const early = test.filter((row) => row < 500).length;
    expect(early).toBeGreaterThan(200);
    expect(early).toBeLessThan(300);
  });

  it.each([
    [0, 'testSize'],
    [-0.1, 'testSize'],
    [Number.NaN, 'testSize'],
    [2.5, 'testSize'],
    [10, 'testSize'],
    [0.999999, 'testSize'],
  ])('refuses testSize %s, which is out of range or leaves training empty', (testSize, field) => {
    expectError(() => randomSplit(10, { testSize }), UsageError, field);
  });

  it('refuses a seed that is not a whole number', () => {
    expectError(() => randomSplit(10, { testSize: 0.2, seed: 1.5 }), UsageError, 'seed');
  });

  it('refuses a bad row count and fewer than two rows', () => {
    expectError(() => randomSplit(-1, { testSize: 0.2 }), UsageError, 'rowCount');
    const error = expectError(() => randomSplit(1, { testSize: 0.5 }), UsageError);
    expect(error.code).toBe('split.too-few-rows');
  });
});

describe('stratifiedSplit', () => {
  it('keeps each class within one row of its share on iris-like data', () => {
    const frame = irisLike();
    for (const seed of [0, 1, 2]) {
      const split = stratifiedSplit(frame, 'species', { testSize: 0.2, seed });
      expectPartition(split, 150);
      expect(split.test.length).toBe(30);
      const perClass = countCodes(frame.column('species'), split.test);
      for (const count of perClass) expect(Math.abs(count - 10)).toBeLessThan(1);
    }
  });

  it('keeps an imbalanced split within one row per class of the exact quota', () => {
    const labels = [...Array(70).fill('a'), ...Array(25).fill('b'), ...Array(5).fill('c')];
    const frame = new Frame([categoricalFromLabels('y', labels)]);
    const split = stratifiedSplit(frame, 'y', { testSize: 0.33, seed: 9 });
    expect(split.test.length).toBe(33);
    const perClass = countCodes(frame.column('y'), split.test);
    [70, 25, 5].forEach((size, c) => {
      expect(Math.abs(perClass[c]! - (33 * size) / 100)).toBeLessThan(1);
    });
  });

  it('puts a row of every class with two or more rows on each side, even a tiny class', () => {
    const labels = [...Array(96).fill('common'), 'rare', 'rare', 'single', ...Array(1).fill('common')];
    const frame = new Frame([texts('y', labels)]);
    const split = stratifiedSplit(frame, 'y', { testSize: 0.1, seed: 0 });
    const rareRows = labels.flatMap((label, row) => (label === 'rare' ? [row] : []));
    expect(rareRows.filter((row) => split.test.includes(row))).toHaveLength(1);
    expect(rareRows.filter((row) => split.train.includes(row))).toHaveLength(1);
    expectPartition(split, labels.length);
  });

  it('stratifies a numeric target by its distinct values', () => {
    const y = Array.from({ length: 40 }, (_, i) => (i < 30 ? 0 : 1));
    const split = stratifiedSplit(new Frame([numbers('y', y)]), 'y', { testSize: 0.2, seed: 4 });
    expect(split.test.filter((row) => y[row] === 1)).toHaveLength(2);
    expect(split.test.filter((row) => y[row] === 0)).toHaveLength(6);
  });

  it('is deterministic under a seed and varies across seeds', () => {
    const frame = irisLike();
    const a = stratifiedSplit(frame, 'species', { testSize: 0.2, seed: 11 });
    const b = stratifiedSplit(frame, 'species', { testSize: 0.2, seed: 11 });
    const c = stratifiedSplit(frame, 'species', { testSize: 0.2, seed: 12 });
    expect(b.test).toEqual(a.test);
    expect(c.test).not.toEqual(a.test);
  });

  it('names the target column and the number of rows when the target is missing', () => {
    const frame = new Frame([categoricalFromLabels('label', ['a', null, 'b', 'a', null, 'b'])], 'train.csv');
    const error = expectError(() => stratifiedSplit(frame, 'label', { testSize: 0.5 }), SchemaError);
    expect(error.location).toMatchObject({ source: 'train.csv', column: 'label' });
    expect(error.message).toContain('"label"');
    expect(error.message).toContain('2 of 6 rows');
  });

  it('refuses a test set too small to hold one row of every class', () => {
    const frame = irisLike();
    const error = expectError(
      () => stratifiedSplit(frame, 'species', { testSize: 2 }),
      UsageError,
      'testSize',
    );
    expect(error.code).toBe('split.stratify-impossible');
  });

  it('refuses a training set too small to hold one row of every class', () => {
    const frame = irisLike();
    expectError(() => stratifiedSplit(frame, 'species', { testSize: 148 }), UsageError, 'testSize');
  });

  it('names the closest column when the target does not exist', () => {
    const error = expectError(() => stratifiedSplit(irisLike(), 'specie', { testSize: 0.2 }), SchemaError);
    expect(error.hint).toContain('"species"');
  });
});

describe('timeSplit', () => {
  it('puts every row later than the training rows in test', () => {
    const times = Array.from({ length: 100 }, (_, i) => Date.UTC(2024, 0, 1) + ((i * 37) % 100) * 86_400_000);
    const frame = new Frame([numbers('when', times, 'datetime')]);
    const split = timeSplit(frame, 'when', { testSize: 0.2 });
    expectPartition(split, 100);
    expect(split.test.length).toBe(20);
    const latestTrain = Math.max(...[...split.train].map((row) => times[row]!));
    for (const row of split.test) expect(times[row]!).toBeGreaterThan(latestTrain);
  });

  it('keeps rows with the same time on one side', () => {
    const times = [1, 2, 3, 4, 5, 5, 5, 6, 7, 8];
    const split = timeSplit(new Frame([numbers('t', times)]), 't', { testSize: 4 });
    // Cutting at four rows would split the 5s: 3 latest rows or 6 are the choices, 3 is closer.
    expect([...split.test]).toEqual([7, 8, 9]);
    const wide = timeSplit(new Frame([numbers('t', times)]), 't', { testSize: 5 });
    expect([...wide.test]).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('refuses a column where every row has the same time', () => {
    const error = expectError(
      () => timeSplit(new Frame([numbers('t', [3, 3, 3])]), 't', { testSize: 1 }),
      UsageError,
    );
    expect(error.location.column).toBe('t');
  });

  it('names the column and the count when times are missing', () => {
    const frame = new Frame([numbers('t', [1, Number.NaN, 3, 4])]);
    const error = expectError(() => timeSplit(frame, 't', { testSize: 1 }), SchemaError);
    expect(error.location.column).toBe('t');
    expect(error.message).toContain('1 of 4 rows');
  });

  it('refuses a column that does not hold times', () => {
    const frame = new Frame([texts('t', ['a', 'b', 'c'])]);
    const error = expectError(() => timeSplit(frame, 't', { testSize: 1 }), SchemaError);
    expect(error.code).toBe('split.not-time');
  });

  it('refuses a testSize out of range', () => {
    expectError(
      () => timeSplit(new Frame([numbers('t', [1, 2, 3])]), 't', { testSize: 3 }),
      UsageError,
      'testSize',
    );
  });
});

describe('groupSplit', () => {
  /** 60 customers with 1 to 10 rows each, rows interleaved. */
  function customers(): { frame: Frame; groupOf: string[] } {
    const rng = new Rng(3);
    const groupOf: string[] = [];
    for (let g = 0; g < 60; g++) for (let k = 0, n = 1 + rng.int(10); k < n; k++) groupOf.push(`c${g}`);
    rng.shuffle(groupOf);
    return { frame: new Frame([texts('customer', groupOf)]), groupOf };
  }

  it('never puts one group on both sides', () => {
    const { frame, groupOf } = customers();
    for (const seed of [0, 1, 2, 3]) {
      const split = groupSplit(frame, 'customer', { testSize: 0.25, seed });
      expectPartition(split, frame.rowCount);
      const testGroups = new Set([...split.test].map((row) => groupOf[row]));
      for (const row of split.train) expect(testGroups.has(groupOf[row]!)).toBe(false);
    }
  });

  it('keeps the test share close to testSize', () => {
    const { frame } = customers();
    for (const seed of [0, 1, 2, 3]) {
      const split = groupSplit(frame, 'customer', { testSize: 0.25, seed });
      expect(Math.abs(split.test.length / frame.rowCount - 0.25)).toBeLessThan(0.03);
    }
  });

  it('is deterministic under a seed and varies across seeds', () => {
    const { frame } = customers();
    const a = groupSplit(frame, 'customer', { testSize: 0.3, seed: 8 });
    expect(groupSplit(frame, 'customer', { testSize: 0.3, seed: 8 }).test).toEqual(a.test);
    expect(groupSplit(frame, 'customer', { testSize: 0.3, seed: 9 }).test).not.toEqual(a.test);
  });

  it('leaves neither side empty when every group is larger than the test size', () => {
    const groups = [...Array(5).fill('a'), ...Array(6).fill('b'), ...Array(7).fill('c')];
    const split = groupSplit(new Frame([texts('g', groups)]), 'g', { testSize: 0.1, seed: 0 });
    expect(split.test.length).toBe(5);
    expect(split.train.length).toBe(13);
  });

  it('refuses a single group, and names missing groups', () => {
    const one = new Frame([texts('g', ['a', 'a', 'a'])]);
    expect(expectError(() => groupSplit(one, 'g', { testSize: 1 }), UsageError).code).toBe(
      'split.too-few-groups',
    );
    const gaps = new Frame([texts('g', ['a', null, 'b', null, null])]);
    const error = expectError(() => groupSplit(gaps, 'g', { testSize: 1 }), SchemaError);
    expect(error.message).toContain('3 of 5 rows');
    expect(error.location.column).toBe('g');
  });
});

describe('splitFrame', () => {
  it('takes the rows of each part from the frame', () => {
    const frame = irisLike();
    const split = randomSplit(frame.rowCount, { testSize: 0.2, seed: 1 });
    const { train, test } = splitFrame(frame, split);
    expect(train.rowCount).toBe(120);
    expect(test.rowCount).toBe(30);
    const rowColumn = test.column('row');
    expect(rowColumn.storage === 'number' && [...rowColumn.values]).toEqual([...split.test]);
  });
});

function countCodes(column: Column, rows: Int32Array): number[] {
  if (column.storage !== 'categorical') throw new Error('expected a categorical column');
  const counts = column.levels.map(() => 0);
  for (const row of rows) counts[column.codes[row]!]!++;
  return counts;
}
