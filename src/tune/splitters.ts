/**
 * Cross-validation splitters. A splitter is a spec (k, seed, …); `split`
 * checks the data against it at once and then yields folds lazily, each a
 * train and a test set of row indices, sorted ascending.
 *
 * Without shuffling, folds are exactly scikit-learn 1.2's (KFold,
 * StratifiedKFold, GroupKFold, TimeSeriesSplit). With shuffling they come
 * from keel's seeded `Rng`, so they are reproducible under a seed but not
 * equal to numpy's.
 */

import { UsageError } from '../core/errors.js';
import { Rng } from '../core/random.js';
import { resolveTestCount, type Split } from '../data/split.js';

export type Fold = Split;

/** What a splitter splits: a row count, and the labels or groups it needs. */
export interface SplitInput {
  /** Number of rows; defaults to the length of `labels` or `groups`. */
  readonly rowCount?: number;
  /** Class of each row, for `stratifiedKFold`. */
  readonly labels?: ArrayLike<number>;
  /** Group id of each row (a patient, a customer), for `groupKFold`. */
  readonly groups?: ArrayLike<number>;
}

export interface Splitter {
  /** How many folds `split` yields. */
  readonly foldCount: number;
  split(input: SplitInput): IterableIterator<Fold>;
}

export interface KFoldOptions {
  /** Number of folds, ≥ 2. */
  readonly k: number;
  /** Shuffle rows before cutting them into folds. Default false. */
  readonly shuffle?: boolean;
  /** Seed for the shuffle. Default 0. */
  readonly seed?: number;
}

/**
 * k consecutive folds (after an optional shuffle); the first n mod k folds
 * hold one row more than the rest, as scikit-learn's `KFold`.
 */
export function kFold(options: KFoldOptions): Splitter {
  const k = checkFoldCount(options.k, 'k');
  const seed = checkSeed(options.seed);
  return {
    foldCount: k,
    split(input) {
      const n = rowCountOf(input);
      checkEnough(k, n, 'rows', k);
      const order = options.shuffle ? new Rng(seed).permutation(n) : identity(n);
      return foldsFromAssignment(consecutiveFolds(order, k), k);
    },
  };
}

/**
 * Folds that keep each class's share of rows (scikit-learn's
 * `StratifiedKFold`): rows sorted by class are dealt to folds round-robin to
 * decide how many of each class each fold gets, then each class's rows, in
 * data order, fill fold 0 first, then fold 1, … (with `shuffle`, that
 * sequence of fold numbers is shuffled within the class).
 *
 * Unlike scikit-learn, which only warns, a class with fewer than k rows is an
 * error: some test folds would lack it, and per-fold scores such as ROC AUC
 * would be undefined or misleading there.
 */
export function stratifiedKFold(options: KFoldOptions): Splitter {
  const k = checkFoldCount(options.k, 'k');
  const seed = checkSeed(options.seed);
  return {
    foldCount: k,
    split(input) {
      const labels = requireKeys(input, 'labels', 'stratifiedKFold');
      checkEnough(k, labels.length, 'rows', k);
      const { idOf, keys, sizes } = denseIds(labels, 'firstSeen');
      checkClassSizes(keys, sizes, k);
      const rng = options.shuffle ? new Rng(seed) : undefined;
      return foldsFromAssignment(stratifiedAssignment(idOf, sizes, k, rng), k);
    },
  };
}

export interface GroupKFoldOptions {
  /** Number of folds, ≥ 2 and ≤ the number of groups. */
  readonly k: number;
}

/**
 * Folds of whole groups, balanced by rows (scikit-learn's `GroupKFold`):
 * groups from largest to smallest each go to the fold with the fewest rows
 * so far (the first such fold on a tie). Groups of equal size are taken in
 * descending order of group id, which is numpy's order when it sorts the
 * sizes stably; numpy's sort is stable only up to 16 groups, so with more
 * groups and tied sizes scikit-learn's folds can differ from these.
 */
export function groupKFold(options: GroupKFoldOptions): Splitter {
  const k = checkFoldCount(options.k, 'k');
  return {
    foldCount: k,
    split(input) {
      const groups = requireKeys(input, 'groups', 'groupKFold');
      const { idOf, sizes } = denseIds(groups, 'sorted');
      checkEnough(k, sizes.length, 'groups', k);
      const byDescendingSize = [...sizes.keys()].sort((a, b) => sizes[b]! - sizes[a]! || b - a);
      const rowsInFold = new Float64Array(k);
      const foldOfGroup = new Int32Array(sizes.length);
      for (const g of byDescendingSize) {
        const lightest = rowsInFold.indexOf(Math.min(...rowsInFold));
        rowsInFold[lightest] = rowsInFold[lightest]! + sizes[g]!;
        foldOfGroup[g] = lightest;
      }
      return foldsFromAssignment(
        idOf.map((g) => foldOfGroup[g]!),
        k,
      );
    },
  };
}

export interface RepeatedKFoldOptions {
  readonly k: number;
  /** How many times to reshuffle and split; ≥ 1. */
  readonly repeats: number;
  readonly seed?: number;
}

/** k-fold with shuffling, `repeats` times over, each with a fresh shuffle from one seeded stream. */
export function repeatedKFold(options: RepeatedKFoldOptions): Splitter {
  const k = checkFoldCount(options.k, 'k');
  const repeats = checkWholeAtLeast(options.repeats, 1, 'repeats');
  const seed = checkSeed(options.seed);
  return {
    foldCount: k * repeats,
    split(input) {
      const n = rowCountOf(input);
      checkEnough(k, n, 'rows', k);
      const rng = new Rng(seed);
      const assignments = Array.from({ length: repeats }, () => consecutiveFolds(rng.permutation(n), k));
      return (function* () {
        for (const assignment of assignments) yield* foldsFromAssignment(assignment, k);
      })();
    },
  };
}

export interface ShuffleSplitOptions {
  /** Number of independent random splits; ≥ 1. */
  readonly splits: number;
  /** A fraction of the rows in (0, 1), or a row count ≥ 1 (as `randomSplit`). */
  readonly testSize: number;
  readonly seed?: number;
}

/** Independent random train/test splits (scikit-learn's `ShuffleSplit`); test sets may overlap. */
export function shuffleSplit(options: ShuffleSplitOptions): Splitter {
  const splits = checkWholeAtLeast(options.splits, 1, 'splits');
  const seed = checkSeed(options.seed);
  return {
    foldCount: splits,
    split(input) {
      const n = rowCountOf(input);
      const testCount = resolveTestCount(options.testSize, n);
      const rng = new Rng(seed);
      return (function* () {
        for (let s = 0; s < splits; s++) {
          const order = rng.permutation(n);
          yield { train: order.slice(testCount).sort(), test: order.slice(0, testCount).sort() };
        }
      })();
    },
  };
}

export interface TimeSeriesSplitOptions {
  /** Number of folds, ≥ 2. */
  readonly k: number;
  /** Rows in each test fold: a fraction of all rows or a count. Default ⌊n / (k + 1)⌋. */
  readonly testSize?: number;
  /** Rows left out between the end of training and the start of test. Default 0. */
  readonly gap?: number;
}

/**
 * Forward-chaining folds over rows in time order (scikit-learn's
 * `TimeSeriesSplit`): the last k blocks of `testSize` rows are the test
 * folds, and each trains on every row before its block, less `gap` rows.
 */
export function timeSeriesSplit(options: TimeSeriesSplitOptions): Splitter {
  const k = checkFoldCount(options.k, 'k');
  const gap = checkWholeAtLeast(options.gap ?? 0, 0, 'gap');
  return {
    foldCount: k,
    split(input) {
      const n = rowCountOf(input);
      // The first training block comes before the first test fold, so k folds need k + 1 rows.
      checkEnough(k + 1, n, 'rows', k);
      const testCount =
        options.testSize === undefined ? Math.floor(n / (k + 1)) : resolveTestCount(options.testSize, n);
      const firstTrainEnd = n - gap - k * testCount;
      if (firstTrainEnd <= 0) {
        throw new UsageError(
          'cv.too-many-folds',
          `${k} test folds of ${testCount} rows and a gap of ${gap} leave no training rows of ${n}`,
          { location: { field: 'k' }, hint: 'lower k, testSize or gap' },
        );
      }
      return (function* () {
        for (let f = 0; f < k; f++) {
          const testStart = n - (k - f) * testCount;
          yield { train: range(0, testStart - gap), test: range(testStart, testStart + testCount) };
        }
      })();
    },
  };
}

/** Fold number of each row when the rows in `order` are cut into k consecutive folds. */
function consecutiveFolds(order: Int32Array, k: number): Int32Array {
  const n = order.length;
  const foldOf = new Int32Array(n);
  let position = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    for (let i = 0; i < size; i++) foldOf[order[position++]!] = f;
  }
  return foldOf;
}

/**
 * Fold number of each row for stratified k-fold. Fold f's quota of class c
 * is how many of the positions f, f + k, f + 2k, … of the class-sorted
 * labels fall in class c's block.
 */
function stratifiedAssignment(
  idOf: Int32Array,
  sizes: Int32Array,
  k: number,
  rng: Rng | undefined,
): Int32Array {
  const classCount = sizes.length;
  const quota = new Int32Array(k * classCount);
  let position = 0;
  sizes.forEach((size, c) => {
    for (let i = 0; i < size; i++, position++) {
      const at = (position % k) * classCount + c;
      quota[at] = quota[at]! + 1;
    }
  });
  const foldSequences = Array.from(sizes, (_, c) => {
    const sequence: number[] = [];
    for (let f = 0; f < k; f++) for (let q = 0; q < quota[f * classCount + c]!; q++) sequence.push(f);
    return rng === undefined ? sequence : rng.shuffle(sequence);
  });
  const taken = new Int32Array(classCount);
  return idOf.map((c) => {
    taken[c] = taken[c]! + 1;
    return foldSequences[c]![taken[c]! - 1]!;
  });
}

/** The smallest class must have a row for every fold (see `stratifiedKFold`). */
function checkClassSizes(keys: readonly number[], sizes: Int32Array, k: number): void {
  const smallest = sizes.indexOf(Math.min(...sizes));
  const size = sizes[smallest]!;
  if (size >= k) return;
  throw new UsageError(
    'cv.class-too-small',
    `class ${keys[smallest]} has ${size} rows, fewer than k = ${k} folds`,
    {
      location: { field: 'k' },
      hint:
        size >= 2
          ? `lower k to ${size} or fewer, or merge or drop the rare class`
          : 'a class with one row cannot be in both training and test: merge or drop it',
    },
  );
}

/** Yields fold f's complement as train and fold f as test, for f = 0..k-1. */
function* foldsFromAssignment(foldOf: Int32Array, k: number): Generator<Fold> {
  for (let f = 0; f < k; f++) {
    const test: number[] = [];
    const train: number[] = [];
    foldOf.forEach((fold, row) => {
      (fold === f ? test : train).push(row);
    });
    yield { train: Int32Array.from(train), test: Int32Array.from(test) };
  }
}

/**
 * Dense ids 0..m-1 for the distinct values of `keys`, numbered in first-seen
 * order (StratifiedKFold's class order) or ascending order (np.unique, as
 * GroupKFold uses).
 */
function denseIds(
  keys: ArrayLike<number>,
  order: 'firstSeen' | 'sorted',
): { idOf: Int32Array; keys: number[]; sizes: Int32Array } {
  const seen = new Map<number, number>();
  for (let i = 0; i < keys.length; i++) if (!seen.has(keys[i]!)) seen.set(keys[i]!, seen.size);
  const distinct = [...seen.keys()];
  if (order === 'sorted') {
    distinct.sort((a, b) => a - b);
    distinct.forEach((key, id) => {
      seen.set(key, id);
    });
  }
  const idOf = Int32Array.from(keys as ArrayLike<number>, (key) => seen.get(key)!);
  const sizes = new Int32Array(distinct.length);
  for (const id of idOf) sizes[id] = sizes[id]! + 1;
  return { idOf, keys: distinct, sizes };
}

function rowCountOf(input: SplitInput): number {
  const n = input.rowCount ?? input.labels?.length ?? input.groups?.length;
  if (n === undefined || !Number.isInteger(n) || n < 0) {
    throw new UsageError('cv.row-count', `rowCount must be a whole number ≥ 0, got ${n}`, {
      location: { field: 'rowCount' },
      hint: 'pass the number of rows, or the labels or groups to split by',
    });
  }
  for (const name of ['labels', 'groups'] as const) {
    const keys = input[name];
    if (keys === undefined || keys.length === n) continue;
    throw new UsageError('cv.length-mismatch', `rowCount is ${n} but ${name} has ${keys.length} values`, {
      location: { field: name },
      hint: `pass one ${name === 'labels' ? 'label' : 'group id'} per row`,
    });
  }
  return n;
}

/** The labels or groups a splitter needs, checked to be present, one per row, and finite. */
function requireKeys(input: SplitInput, name: 'labels' | 'groups', splitter: string): ArrayLike<number> {
  const keys = input[name];
  if (keys === undefined) {
    throw new UsageError('cv.missing-input', `${splitter} needs ${name}`, {
      location: { field: name },
      hint:
        name === 'labels'
          ? 'pass the class of each row as labels'
          : 'pass the group id of each row as groups',
    });
  }
  rowCountOf(input);
  for (let i = 0; i < keys.length; i++) {
    if (Number.isFinite(keys[i])) continue;
    throw new UsageError('cv.not-finite', `${name}[${i}] is ${keys[i]}`, {
      location: { field: name },
      hint: `drop or fill rows with a missing ${name === 'labels' ? 'label' : 'group'} before splitting`,
    });
  }
  return keys;
}

/** k folds need k rows or groups, time-series folds k + 1 rows: `needed` says how many. */
function checkEnough(needed: number, available: number, what: 'rows' | 'groups', k: number): void {
  if (needed <= available) return;
  const largestK = available - (needed - k);
  throw new UsageError(
    'cv.too-many-folds',
    `k = ${k} needs at least ${needed} ${what}, the data has ${available}`,
    {
      location: { field: 'k' },
      hint:
        largestK >= 2
          ? `use k ≤ ${largestK}`
          : `${available} ${what} are too few to cross-validate; hold out a test set instead`,
    },
  );
}

function checkFoldCount(k: number, field: string): number {
  return checkWholeAtLeast(k, 2, field);
}

const OPTION_HINTS: Record<string, string> = {
  k: '5 or 10 folds are the usual choice',
  repeats: 'repeat k-fold 3 to 10 times to steady the estimate',
  splits: 'ask for at least one split',
  gap: 'gap counts rows left out between training and test; 0 leaves none out',
};

function checkWholeAtLeast(value: number, least: number, field: string): number {
  if (Number.isSafeInteger(value) && value >= least) return value;
  throw new UsageError('cv.option', `${field} must be a whole number ≥ ${least}, got ${value}`, {
    location: { field },
    hint: OPTION_HINTS[field],
  });
}

function checkSeed(seed: number | undefined): number {
  if (seed === undefined) return 0;
  if (Number.isSafeInteger(seed)) return seed;
  throw new UsageError('cv.seed', `seed must be a whole number, got ${seed}`, {
    location: { field: 'seed' },
    hint: 'any whole number will do; the same seed gives the same folds',
  });
}

function identity(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

function range(start: number, end: number): Int32Array {
  return Int32Array.from({ length: end - start }, (_, i) => start + i);
}
