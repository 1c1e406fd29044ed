/**
 * A current column read through the reference's kind, so that the drift test
 * and the data-quality checks see the same values: numbers sorted with the
 * missing ones dropped, or counts per reference level with new values after them.
 */
import type { Column } from '../data/column.js';
import { sortedPresent } from '../profile/stats.js';
import type { CategoricalReference, FeatureReference } from './reference.js';

/** A current column seen through the reference's kind. */
export type CurrentValues =
  | { readonly kind: 'numeric'; readonly sorted: Float64Array; readonly rows: number }
  | {
      readonly kind: 'categorical';
      /** Counts per reference level, then per new value (in `newLevels` order). */
      readonly counts: Float64Array;
      readonly newLevels: string[];
      readonly rows: number;
      readonly present: number;
    };

export function currentValues(ref: FeatureReference, column: Column): CurrentValues | undefined {
  if (ref.kind === 'numeric') {
    const numbers = asNumbers(column);
    return numbers === undefined
      ? undefined
      : { kind: 'numeric', sorted: sortedPresent(numbers), rows: numbers.length };
  }
  return categoryCounts(ref, column);
}

/** Number storage as it is; categories whose labels all read as numbers, converted. */
function asNumbers(column: Column): Float64Array | undefined {
  if (column.storage === 'number') return column.values;
  if (column.storage === 'string') return undefined;
  const parsed = column.levels.map((level) => (level.trim() === '' ? Number.NaN : Number(level)));
  if (parsed.some((v) => Number.isNaN(v))) return undefined;
  return Float64Array.from(column.codes, (code) => (code < 0 ? Number.NaN : parsed[code]!));
}

/** Current counts over the reference's levels, new values after them, from any storage by label. */
function categoryCounts(ref: CategoricalReference, column: Column): CurrentValues {
  const index = new Map(ref.levels.map((level, i) => [level, i]));
  const newLevels: string[] = [];
  const slotOf = (label: string): number => {
    let slot = index.get(label);
    if (slot === undefined) {
      slot = ref.levels.length + newLevels.length;
      index.set(label, slot);
      newLevels.push(label);
    }
    return slot;
  };
  const slots: number[] = [];
  let rows = 0;
  if (column.storage === 'categorical') {
    const codeSlots = column.levels.map(() => -1);
    rows = column.codes.length;
    for (const code of column.codes) {
      if (code < 0) continue;
      if (codeSlots[code] === -1) codeSlots[code] = slotOf(column.levels[code]!);
      slots.push(codeSlots[code]!);
    }
  } else {
    rows = column.values.length;
    for (const v of column.values) {
      if (v === null || (typeof v === 'number' && Number.isNaN(v))) continue;
      slots.push(slotOf(String(v)));
    }
  }
  const counts = new Float64Array(ref.levels.length + newLevels.length);
  for (const slot of slots) counts[slot]!++;
  return { kind: 'categorical', counts, newLevels, rows, present: slots.length };
}
