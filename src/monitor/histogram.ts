import { type Column, valueAt } from '../data/column.js';
import type { ColumnDrift } from '../drift/drift.js';
import type { CategoricalReference, FeatureReference, NumericReference } from '../drift/reference.js';
import { sortedPresent } from '../profile/stats.js';
import type { ColumnHistogram } from './monitor-report.js';

/** Bars per numeric histogram: enough to show a shape, few enough to read side by side. */
const NUMERIC_BINS = 12;
/** Categories drawn one by one; the rest are pooled as "(other)". */
const MAX_LEVELS = 20;
/** Share of values cut from each end when choosing the range, so one wild value does not squash the rest into a bar. */
const TAIL = 0.005;

/**
 * Reference against current for one column, as shares per bin. Numbers use
 * equal-width bins over both samples' range (tails clamped into the end
 * bins): equal widths show the distribution's shape, which the reference's
 * quantile bins would flatten. The reference side is its stored sample.
 */
export function columnHistogram(
  ref: FeatureReference,
  column: Column | undefined,
  drift: ColumnDrift | undefined,
): ColumnHistogram {
  const base = {
    column: ref.name,
    role: drift?.role ?? 'feature',
    drifted: drift?.drifted ?? false,
    test: drift?.test ?? null,
    statistic: drift?.statistic ?? null,
    threshold: drift?.threshold ?? null,
  };
  return ref.kind === 'numeric'
    ? { ...base, kind: 'numeric', ...numericBins(ref, column) }
    : { ...base, kind: 'categorical', ...categoricalBins(ref, column) };
}

function numericBins(ref: NumericReference, column: Column | undefined) {
  const current = column?.storage === 'number' ? sortedPresent(column.values) : new Float64Array(0);
  const reference = Float64Array.from(ref.sample);
  let lo = Math.min(tail(reference, TAIL), tail(current, TAIL));
  let hi = Math.max(tail(reference, 1 - TAIL), tail(current, 1 - TAIL));
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) [lo, hi] = [0, 1];
  const width = hi > lo ? (hi - lo) / NUMERIC_BINS : 1;
  const edges = Array.from({ length: NUMERIC_BINS + 1 }, (_, b) => lo + b * width);
  const shares = (values: Float64Array) => {
    const counts = new Array<number>(NUMERIC_BINS).fill(0);
    for (const v of values) counts[Math.min(NUMERIC_BINS - 1, Math.max(0, Math.floor((v - lo) / width)))]!++;
    return toShares(counts);
  };
  const bins = edges.slice(0, -1).map((from, b) => `[${short(from)}, ${short(edges[b + 1]!)})`);
  return { bins, edges, reference: shares(reference), current: shares(current) };
}

function categoricalBins(ref: CategoricalReference, column: Column | undefined) {
  const counts = new Map<string, number>();
  if (column !== undefined) {
    const n = column.storage === 'categorical' ? column.codes.length : column.values.length;
    for (let i = 0; i < n; i++) {
      const v = valueAt(column, i);
      if (v === null) continue;
      const label = String(v);
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
  }
  const newLevels = [...counts.keys()].filter((l) => !ref.levels.includes(l));
  newLevels.sort((a, b) => counts.get(b)! - counts.get(a)!);
  const levels = [...ref.levels, ...newLevels];
  const shown = levels.slice(0, MAX_LEVELS);
  const other = levels.slice(MAX_LEVELS);
  const refCount = (l: string) => ref.counts[ref.levels.indexOf(l)] ?? 0;
  const pool = (count: (l: string) => number) => [
    ...shown.map(count),
    ...(other.length > 0 ? [other.reduce((s, l) => s + count(l), 0)] : []),
  ];
  return {
    bins: other.length > 0 ? [...shown, '(other)'] : shown,
    reference: toShares(pool(refCount)),
    current: toShares(pool((l) => counts.get(l) ?? 0)),
  };
}

/** The q-quantile of sorted values; ±Infinity for none, which the other sample's bound then outweighs. */
function tail(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return q < 0.5 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function toShares(counts: readonly number[]): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

function short(x: number): string {
  return Number(x.toPrecision(3)).toString();
}
