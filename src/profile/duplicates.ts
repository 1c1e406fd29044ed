import { type Column, valueAt } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import { sortedPresent } from './stats.js';
import type { ColumnProfile } from './types.js';

const NAN_WORD = 0x7ff80000;
const NULL_WORD = 0x6e756c6c;

/** One round of MurmurHash3's 32-bit body (Appleby), with a lane's own constants. */
function mixWord(h: number, word: number, c1: number, c2: number): number {
  let k = Math.imul(word, c1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, c2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's finaliser: spreads every input bit over the output. */
function finalise(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return finalise(h ^ s.length);
}

/**
 * What a column feeds the row hash: a number column its values as they are
 * (read as their two bit halves, every NaN alike and -0 equal to 0); other
 * columns one 32-bit word per row (a category's label hash, so equal labels
 * match across columns, or a string's hash), as if its high half were 0.
 */
export type HashSource = Float64Array | Uint32Array;

export function hashSource(column: Column): HashSource {
  if (column.storage === 'number') return column.values;
  if (column.storage === 'categorical') {
    const levelHashes = column.levels.map(hashString);
    return Uint32Array.from(column.codes, (code) => (code < 0 ? NULL_WORD : levelHashes[code]!));
  }
  return Uint32Array.from(column.values, (s) => (s === null ? NULL_WORD : hashString(s)));
}

const LANE_A = [0xcc9e2d51, 0x1b873593] as const;
const LANE_B = [0x85ebca6b, 0xc2b2ae35] as const;

/** Two hash lanes as one 53-bit integer key, exact in a double. */
function key53(a: number, b: number): number {
  return (finalise(a) >>> 11) * 4294967296 + finalise(b);
}

/** Rows hashed together, so that the two lanes of a block stay in the L1 cache across columns. */
const HASH_BLOCK_ROWS = 1024;

function mixNumbers(a: Int32Array, b: Int32Array, values: Float64Array, start: number, length: number): void {
  const words = new Uint32Array(values.buffer, values.byteOffset + 8 * start, 2 * length);
  for (let i = 0; i < length; i++) {
    const v = values[start + i]!;
    let lo = words[2 * i]!;
    let hi = words[2 * i + 1]!;
    if (v === 0 || Number.isNaN(v)) {
      lo = 0;
      hi = v === 0 ? 0 : NAN_WORD;
    }
    a[i] = mixWord(mixWord(a[i]!, lo, LANE_A[0], LANE_A[1]), hi, LANE_A[0], LANE_A[1]);
    b[i] = mixWord(mixWord(b[i]!, lo, LANE_B[0], LANE_B[1]), hi, LANE_B[0], LANE_B[1]);
  }
}

function mixWords(a: Int32Array, b: Int32Array, words: Uint32Array, start: number, length: number): void {
  for (let i = 0; i < length; i++) {
    const lo = words[start + i]!;
    a[i] = mixWord(mixWord(a[i]!, lo, LANE_A[0], LANE_A[1]), 0, LANE_A[0], LANE_A[1]);
    b[i] = mixWord(mixWord(b[i]!, lo, LANE_B[0], LANE_B[1]), 0, LANE_B[0], LANE_B[1]);
  }
}

/**
 * The 53-bit hash of each row in [start, end), written to `keys[0 .. end - start)`:
 * two MurmurHash3 lanes fed every column's words in column order, so no row
 * string is ever built.
 */
export function rowKeys(
  sources: readonly HashSource[],
  start: number,
  end: number,
  keys: Float64Array,
): void {
  const a = new Int32Array(HASH_BLOCK_ROWS);
  const b = new Int32Array(HASH_BLOCK_ROWS);
  for (let from = start; from < end; from += HASH_BLOCK_ROWS) {
    const length = Math.min(HASH_BLOCK_ROWS, end - from);
    a.fill(0x3c6ef372);
    b.fill(0x1b873593);
    for (const source of sources) {
      if (source instanceof Float64Array) mixNumbers(a, b, source, from, length);
      else mixWords(a, b, source, from, length);
    }
    for (let i = 0; i < length; i++) keys[from - start + i] = key53(a[i]!, b[i]!);
  }
}

/** Keys equal to an earlier key: the count less the number of distinct keys. */
export function repeatedKeys(keys: Float64Array): number {
  const sorted = sortedPresent(keys);
  let repeated = 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) repeated++;
  return repeated;
}

/**
 * Rows that repeat an earlier row: n minus the number of distinct row hashes.
 * Two different rows collide with probability about n² / 2^54 (under 1e-4
 * for a million rows), so the count is exact in practice.
 */
export function countDuplicateRows(frame: Frame): number {
  const rows = frame.rowCount;
  if (rows === 0 || frame.columnCount === 0) return 0;
  const keys = new Float64Array(rows);
  rowKeys(frame.columns.map(hashSource), 0, rows, keys);
  return repeatedKeys(keys);
}

/**
 * Identical columns have identical profiles, so columns are grouped by a
 * signature of their statistics first and compared value by value only
 * within a group.
 */
function profileSignature(column: Column, profile: ColumnProfile): string {
  const { count, distinct, numeric, topValues } = profile;
  const moments = numeric === undefined ? [] : [numeric.mean, numeric.std, numeric.min, numeric.max];
  // The counts of the top values, not their labels: ties may be listed in a different order.
  return JSON.stringify([column.storage, count, distinct, moments, topValues.map((v) => v.count)]);
}

function sameValues(x: Column, y: Column): boolean {
  if (x.storage === 'number' && y.storage === 'number') {
    for (let i = 0; i < x.values.length; i++) {
      const a = x.values[i]!;
      const b = y.values[i]!;
      if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) return false;
    }
    return true;
  }
  const n = x.storage === 'categorical' ? x.codes.length : x.values.length;
  for (let i = 0; i < n; i++) if (valueAt(x, i) !== valueAt(y, i)) return false;
  return true;
}

/**
 * Groups of columns holding identical values (in the same storage). Constant
 * columns are left to the constant-column check.
 */
export function duplicateColumnGroups(frame: Frame, profiles: readonly ColumnProfile[]): string[][] {
  const byFingerprint = new Map<string, Column[]>();
  frame.columns.forEach((column, i) => {
    if (profiles[i]!.distinct <= 1) return;
    const key = profileSignature(column, profiles[i]!);
    byFingerprint.set(key, [...(byFingerprint.get(key) ?? []), column]);
  });
  const groups: string[][] = [];
  for (const candidates of byFingerprint.values()) {
    let rest = candidates;
    while (rest.length > 1) {
      const [first, ...others] = rest as [Column, ...Column[]];
      const same = others.filter((c) => sameValues(first, c));
      if (same.length > 0) groups.push([first.name, ...same.map((c) => c.name)]);
      rest = others.filter((c) => !same.includes(c));
    }
  }
  return groups;
}
