/**
 * Train/test splits. Each returns row indices, sorted ascending within each
 * part, so a caller can take the rows from a frame (`splitFrame`) or from any
 * array that lines up with it (a target, a weight vector) without copying the
 * frame twice.
 *
 * `testSize` follows scikit-learn's `train_test_split`: a fraction in (0, 1)
 * asks for ceil(testSize · n) test rows, a whole number ≥ 1 asks for exactly
 * that many.
 */
import { SchemaError, UsageError } from '../core/errors.js';
import { Rng } from '../core/random.js';
import { type Column, countMissing } from './column.js';
import type { Frame } from './frame.js';

export interface Split {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

export interface SplitOptions {
  /** A fraction of the rows in (0, 1), or a row count ≥ 1. */
  readonly testSize: number;
  /** Seed for the shuffle; the same seed gives the same split. Default 0. */
  readonly seed?: number;
}

export interface TimeSplitOptions {
  /** A fraction of the rows in (0, 1), or a row count ≥ 1. */
  readonly testSize: number;
}

/** Rows drawn uniformly at random, without regard to their content. */
export function randomSplit(rowCount: number, options: SplitOptions): Split {
  if (!Number.isInteger(rowCount) || rowCount < 0) {
    throw new UsageError('split.row-count', `rowCount must be a whole number ≥ 0, got ${rowCount}`, {
      location: { field: 'rowCount' },
    });
  }
  const testCount = resolveTestCount(options.testSize, rowCount);
  const order = seededRng(options.seed).permutation(rowCount);
  return splitFromOrder(order, testCount);
}

/**
 * Each class of `target` keeps (as nearly as whole rows allow) its share of
 * the rows in both parts, so a rare class is not lost from the test set by
 * chance.
 */
export function stratifiedSplit(frame: Frame, target: string, options: SplitOptions): Split {
  const column = frame.column(target);
  refuseMissing(frame, column, 'target');
  const testCount = resolveTestCount(options.testSize, frame.rowCount);
  const rng = seededRng(options.seed);
  const classes = groupRows(column);
  const testCounts = allocateTestRows(
    classes.map((rows) => rows.length),
    testCount,
    rng,
  );
  const isTest = new Uint8Array(frame.rowCount);
  classes.forEach((rows, c) => {
    rng.shuffle(rows);
    for (let i = 0; i < testCounts[c]!; i++) isTest[rows[i]!] = 1;
  });
  return splitFromMask(isTest);
}

/**
 * The latest rows by `timeColumn` go to test, so a model is judged on a
 * period it has not seen, as it will be in production. Rows that share a time
 * stay on one side: they are the same moment, and splitting them would leak
 * that moment into training.
 */
export function timeSplit(frame: Frame, timeColumn: string, options: TimeSplitOptions): Split {
  const column = frame.column(timeColumn);
  if (column.storage !== 'number' || column.kind === 'boolean') {
    throw new SchemaError('split.not-time', `column "${timeColumn}" holds ${column.kind}, not times`, {
      location: { source: frame.source, column: timeColumn },
      hint: 'choose a datetime or numeric column to order the rows by',
    });
  }
  refuseMissing(frame, column, 'time');
  const testCount = resolveTestCount(options.testSize, frame.rowCount);
  const cutoff = timeCutoff(column.values, testCount);
  if (cutoff === undefined) {
    throw new UsageError('split.one-time', `every row has the same "${timeColumn}", so none is later`, {
      location: { source: frame.source, column: timeColumn },
      hint: 'a time split needs at least two distinct times',
    });
  }
  const isTest = new Uint8Array(frame.rowCount);
  column.values.forEach((time, row) => {
    if (cutoff.inclusive ? time >= cutoff.time : time > cutoff.time) isTest[row] = 1;
  });
  return splitFromMask(isTest);
}

/**
 * Whole groups (a customer, a patient, a session) go to one side, so the
 * model is tested on groups it has never seen. `testSize` counts rows, not
 * groups (unlike scikit-learn's GroupShuffleSplit): the share of data is what
 * users reason about, and groups can differ a lot in size.
 */
export function groupSplit(frame: Frame, groupColumn: string, options: SplitOptions): Split {
  const column = frame.column(groupColumn);
  refuseMissing(frame, column, 'group');
  const testCount = resolveTestCount(options.testSize, frame.rowCount);
  const groups = groupRows(column);
  if (groups.length < 2) {
    throw new UsageError('split.too-few-groups', `column "${groupColumn}" has only one group`, {
      location: { source: frame.source, column: groupColumn },
      hint: 'a group split needs at least two groups; use randomSplit instead',
    });
  }
  const chosen = chooseTestGroups(
    groups.map((rows) => rows.length),
    testCount,
    seededRng(options.seed),
  );
  const isTest = new Uint8Array(frame.rowCount);
  for (const g of chosen) for (const row of groups[g]!) isTest[row] = 1;
  return splitFromMask(isTest);
}

/** The two parts of `frame` as compact frames. */
export function splitFrame(frame: Frame, split: Split): { train: Frame; test: Frame } {
  return { train: frame.take(split.train), test: frame.take(split.test) };
}

/** The number of test rows `testSize` asks for, refusing one that leaves a side empty. */
export function resolveTestCount(testSize: number, rowCount: number): number {
  const badSize = (why: string): UsageError =>
    new UsageError('split.test-size', `testSize ${why}, got ${testSize}`, {
      location: { field: 'testSize' },
      hint: 'give a fraction in (0, 1) such as 0.2, or a whole number of rows ≥ 1',
    });
  if (typeof testSize !== 'number' || !Number.isFinite(testSize) || testSize <= 0) {
    throw badSize('must be a positive number');
  }
  if (testSize > 1 && !Number.isInteger(testSize)) throw badSize('above 1 must be a whole number of rows');
  if (rowCount < 2) {
    throw new UsageError('split.too-few-rows', `a split needs at least 2 rows, the data has ${rowCount}`);
  }
  // 0.07 · 100 is 7.000000000000001 in binary floating point; the user meant 7.
  const testCount = testSize >= 1 ? testSize : Math.ceil(roundNearInteger(testSize * rowCount));
  if (testCount >= rowCount) {
    throw new UsageError(
      'split.empty-train',
      `testSize ${testSize} puts all ${rowCount} rows in test and leaves training empty`,
      { location: { field: 'testSize' }, hint: `ask for fewer than ${rowCount} test rows` },
    );
  }
  return testCount;
}

function roundNearInteger(x: number): number {
  const nearest = Math.round(x);
  return Math.abs(x - nearest) < 1e-9 * Math.max(1, Math.abs(x)) ? nearest : x;
}

function seededRng(seed: number | undefined): Rng {
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new UsageError('split.seed', `seed must be a whole number, got ${seed}`, {
      location: { field: 'seed' },
    });
  }
  return new Rng(seed ?? 0);
}

function refuseMissing(frame: Frame, column: Column, role: string): void {
  const missing = countMissing(column);
  if (missing === 0) return;
  throw new SchemaError(
    `split.missing-${role}`,
    `${role} column "${column.name}" is missing in ${missing} of ${frame.rowCount} rows`,
    {
      location: { source: frame.source, column: column.name },
      hint: `drop those rows (or fill in the ${role}) before splitting`,
    },
  );
}

/** The rows of each distinct value of `column`, distinct values in first-seen order. */
function groupRows(column: Column): number[][] {
  const groupOf = new Map<number | string, number[]>();
  const n = column.storage === 'categorical' ? column.codes.length : column.values.length;
  for (let row = 0; row < n; row++) {
    const key = column.storage === 'categorical' ? column.codes[row]! : column.values[row]!;
    let rows = groupOf.get(key);
    if (rows === undefined) {
      rows = [];
      groupOf.set(key, rows);
    }
    rows.push(row);
  }
  return [...groupOf.values()];
}

/**
 * How many test rows each class gets. The exact quota of class i is
 * q_i = testCount · n_i / n; each class first gets floor(q_i), then the rows
 * still owed go one each to the classes with the largest remainders
 * q_i − floor(q_i) (Hamilton's largest-remainder method), ties broken by the
 * seeded shuffle rather than by class order. Without bounds this keeps every
 * class within one row of its quota. The bounds come first, though: a class
 * with ≥ 2 rows gets between 1 and n_i − 1 test rows, so both sides see it;
 * the rows this shifts are taken from, or given to, the classes furthest
 * from their quotas.
 */
function allocateTestRows(classSizes: readonly number[], testCount: number, rng: Rng): Int32Array {
  const total = sum(classSizes);
  const low = classSizes.map((size): number => (size >= 2 ? 1 : 0));
  const high = classSizes.map((size) => (size >= 2 ? size - 1 : size));
  const lowSum = sum(low);
  const highSum = sum(high);
  if (testCount < lowSum || testCount > highSum) {
    const [bound, side] = testCount < lowSum ? [lowSum, 'test'] : [total - highSum, 'training'];
    throw new UsageError(
      'split.stratify-impossible',
      `${testCount} test rows of ${total} cannot give the ${side} set one row of every class with 2+ rows`,
      { location: { field: 'testSize' }, hint: `the ${side} set needs at least ${bound} rows` },
    );
  }
  const quota = classSizes.map((size) => (testCount * size) / total);
  const counts = Int32Array.from(quota, (q, c) => Math.min(high[c]!, Math.max(low[c]!, Math.floor(q))));
  const order = rng.shuffle(classSizes.map((_, c) => c));
  let owed = testCount - sum(counts);
  while (owed !== 0) {
    const step = owed > 0 ? 1 : -1;
    // Most under-served classes first when adding, most over-served first when removing.
    const ranked = [...order].sort((a, b) => step * (quota[b]! - counts[b]! - (quota[a]! - counts[a]!)));
    for (const c of ranked) {
      if (owed === 0) break;
      const next = counts[c]! + step;
      if (next < low[c]! || next > high[c]!) continue;
      counts[c] = next;
      owed -= step;
    }
  }
  return counts;
}

/**
 * The earliest test time, and whether rows at exactly that time go to test.
 * Of the two ways to keep a tie together, the one whose test size is closer
 * to `testCount` wins (ties to training when equally close). Undefined when
 * every row has the same time.
 */
function timeCutoff(
  times: Float64Array,
  testCount: number,
): { time: number; inclusive: boolean } | undefined {
  const sorted = Float64Array.from(times).sort();
  const n = sorted.length;
  const time = sorted[n - testCount]!;
  let later = 0;
  let atOrLater = 0;
  for (const t of sorted) {
    if (t > time) later++;
    if (t >= time) atOrLater++;
  }
  const exclusiveWorks = later > 0;
  const inclusiveWorks = atOrLater < n;
  if (!exclusiveWorks && !inclusiveWorks) return undefined;
  const inclusive =
    !exclusiveWorks || (inclusiveWorks && Math.abs(atOrLater - testCount) < Math.abs(later - testCount));
  return { time, inclusive };
}

/**
 * The groups that go to test: groups in seeded random order are taken while
 * they fit within `testCount` rows, then the one remaining group that brings
 * the total closest to `testCount` is added if it helps. Neither side may end
 * empty, so at least one group goes to test and at least one stays out.
 */
function chooseTestGroups(groupSizes: readonly number[], testCount: number, rng: Rng): number[] {
  const total = sum(groupSizes);
  const chosen: number[] = [];
  const rest: number[] = [];
  let taken = 0;
  for (const g of rng.permutation(groupSizes.length)) {
    const size = groupSizes[g]!;
    if (taken + size <= testCount && taken + size < total) {
      chosen.push(g);
      taken += size;
    } else {
      rest.push(g);
    }
  }
  let best = -1;
  let bestDistance = chosen.length === 0 ? Number.POSITIVE_INFINITY : Math.abs(taken - testCount);
  rest.forEach((g, i) => {
    const size = groupSizes[g]!;
    const distance = Math.abs(taken + size - testCount);
    if (distance < bestDistance && rest.length > 1) {
      best = i;
      bestDistance = distance;
    }
  });
  if (best >= 0) chosen.push(rest[best]!);
  return chosen;
}

function splitFromOrder(order: Int32Array, testCount: number): Split {
  const test = order.slice(0, testCount).sort();
  const train = order.slice(testCount).sort();
  return { train, test };
}

function splitFromMask(isTest: Uint8Array): Split {
  let testCount = 0;
  for (const flag of isTest) testCount += flag;
  const train = new Int32Array(isTest.length - testCount);
  const test = new Int32Array(testCount);
  let t = 0;
  let r = 0;
  isTest.forEach((flag, row) => {
    if (flag === 1) test[t++] = row;
    else train[r++] = row;
  });
  return { train, test };
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}
