import type { Rng } from '../../core/random.js';
import type { FitArena } from './arena.js';

/**
 * Histogram boosting never looks at a feature's raw values while growing a
 * tree: each value is replaced once, before the first tree, by the index of
 * the bin it falls in (at most 255 bins, so one byte). A split is then a
 * choice among at most 255 bin boundaries, and a node's statistics are a
 * 256-entry histogram instead of a sort.
 *
 * Numeric feature: bin b holds the values in (edges[b-1], edges[b]]; the edges
 * are the midpoints between distinct values when there are few of them, and
 * quantiles of a sample otherwise. Categorical feature: one bin per category
 * (the most frequent ones if there are more categories than bins; the rest
 * share the last bin). In both, missing values get the bin just past the
 * last: `binCount[f]`.
 */
export interface BinMapper {
  /** Non-missing bins per feature; the missing bin's index equals this count. */
  readonly binCount: Int32Array;
  /** 1 for a categorical feature. */
  readonly categorical: Uint8Array;
  /** Numeric features: the upper edge of each bin but the last (length binCount - 1). */
  readonly edges: readonly Float64Array[];
  /** Categorical features: the bin of each training category code. */
  readonly levelBins: readonly Int32Array[];
}

/** Features with more rows than this get their numeric edges from a sample (as scikit-learn: 200,000). */
export const EDGE_SAMPLE_ROWS = 200_000;

/** One feature's values for fitting bins: numbers (NaN missing) or category codes (-1 or NaN missing). */
export interface RawFeature {
  readonly values: Float64Array;
  readonly categorical: boolean;
  /** Categorical: how many categories the codes index. */
  readonly levels: number;
}

export function fitBins(features: readonly RawFeature[], maxBins: number, rng: Rng): BinMapper {
  const rows = features[0]?.values.length ?? 0;
  const sample = rows > EDGE_SAMPLE_ROWS ? sampleRows(rows, EDGE_SAMPLE_ROWS, rng) : null;
  const binCount = new Int32Array(features.length);
  const categorical = new Uint8Array(features.length);
  const edges: Float64Array[] = [];
  const levelBins: Int32Array[] = [];
  features.forEach((feature, f) => {
    if (feature.categorical) {
      const bins = categoryBins(feature, maxBins);
      categorical[f] = 1;
      levelBins.push(bins);
      edges.push(new Float64Array(0));
      binCount[f] = bins.reduce((max, b) => Math.max(max, b + 1), 0);
    } else {
      const e = numericEdges(feature.values, sample, maxBins);
      edges.push(e);
      levelBins.push(new Int32Array(0));
      binCount[f] = e.length + 1;
    }
  });
  return { binCount, categorical, edges, levelBins };
}

/** `count` distinct rows out of `rows`, in increasing order (so the sample reads memory forwards). */
function sampleRows(rows: number, count: number, rng: Rng): Int32Array {
  const index = Int32Array.from({ length: rows }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(rows - i);
    const t = index[i]!;
    index[i] = index[j]!;
    index[j] = t;
  }
  return index.subarray(0, count).sort();
}

function numericEdges(values: Float64Array, sample: Int32Array | null, maxBins: number): Float64Array {
  const size = sample === null ? values.length : sample.length;
  const sorted = new Float64Array(size);
  if (sample === null) sorted.set(values);
  else for (let i = 0; i < size; i++) sorted[i] = values[sample[i]!]!;
  sorted.sort(); // typed-array sort puts NaN last
  let present = size;
  while (present > 0 && Number.isNaN(sorted[present - 1]!)) present--;
  const distinct: number[] = [];
  for (let i = 0; i < present && distinct.length <= maxBins; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  }
  if (distinct.length <= maxBins) {
    return Float64Array.from(
      { length: Math.max(0, distinct.length - 1) },
      (_, i) => (distinct[i]! + distinct[i + 1]!) / 2,
    );
  }
  // Quantiles at 1/maxBins … (maxBins-1)/maxBins, each the midpoint of its two
  // neighbouring order statistics; heavy ties collapse some, hence the dedupe.
  const out: number[] = [];
  for (let q = 1; q < maxBins; q++) {
    const at = (q / maxBins) * (present - 1);
    const edge = (sorted[Math.floor(at)]! + sorted[Math.ceil(at)]!) / 2;
    if (out.length === 0 || edge > out[out.length - 1]!) out.push(edge);
  }
  return Float64Array.from(out);
}

/** Category code → bin: its own bin while they fit, else the most frequent keep theirs and the rest share one. */
function categoryBins(feature: RawFeature, maxBins: number): Int32Array {
  const bins = new Int32Array(feature.levels);
  if (feature.levels <= maxBins) {
    for (let c = 0; c < feature.levels; c++) bins[c] = c;
    return bins;
  }
  const counts = new Float64Array(feature.levels);
  for (const v of feature.values) if (v >= 0) counts[v]!++;
  const byCount = Array.from({ length: feature.levels }, (_, c) => c).sort(
    (a, b) => counts[b]! - counts[a]! || a - b,
  );
  const kept = byCount.slice(0, maxBins - 1).sort((a, b) => a - b);
  bins.fill(maxBins - 1);
  kept.forEach((c, b) => {
    bins[c] = b;
  });
  return bins;
}

/** The bin of one value of feature `f` (numbers: how many edges lie below it). */
export function binOf(mapper: BinMapper, f: number, value: number): number {
  if (Number.isNaN(value) || (value < 0 && mapper.categorical[f] === 1)) return mapper.binCount[f]!;
  if (mapper.categorical[f] === 1) {
    const bins = mapper.levelBins[f]!;
    return value < bins.length ? bins[value]! : mapper.binCount[f]!;
  }
  const edges = mapper.edges[f]!;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The values at some rows (by index), in their order. */
export function pickValues(values: Float64Array, rows: ArrayLike<number>): Float64Array {
  // A loop, not Float64Array.from(rows, map) (a call per value): that took 2 s
  // of a 200,000-row fit's hold-out split in a CPU profile on a loaded machine.
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

/**
 * The bins of some rows (by index) of the features, column-major: feature f's
 * bin for `rows[i]` is at `f * rows.length + i`. Early stopping's held-out rows
 * are binned once with the training rows' bins, then each tree is walked on
 * them as on the training rows.
 */
export function binRows(mapper: BinMapper, features: readonly RawFeature[], rows: Int32Array): Uint8Array {
  const m = rows.length;
  const out = new Uint8Array(features.length * m);
  features.forEach((feature, f) => {
    const values = feature.values;
    for (let i = 0; i < m; i++) out[f * m + i] = binOf(mapper, f, values[rows[i]!]!);
  });
  return out;
}

/**
 * Bins every value into the arena: the grouped layout of `GrowData` (four
 * features per 32-bit word, group-major; padding lanes hold 0) and column-major
 * (one byte per value, for partitioning). Numbers are mapped in the kernel
 * (a branch-free search, 4× faster than the same search in JavaScript); each
 * feature's values are staged in the arena's spare gradient buffer first.
 */
export function binGroups(mapper: BinMapper, features: readonly RawFeature[], arena: FitArena): void {
  const rows = features[0]?.values.length ?? 0;
  const { bins, columns, kernel, edges } = arena;
  bins.fill(0);
  features.forEach((feature, f) => {
    const values = feature.values;
    const base = (f >>> 2) * rows * 4 + (f & 3);
    if (mapper.categorical[f] === 1) {
      for (let i = 0; i < rows; i++)
        bins[base + i * 4] = columns[f * rows + i] = binOf(mapper, f, values[i]!);
      return;
    }
    edges.fill(Number.POSITIVE_INFINITY);
    edges.set(mapper.edges[f]!);
    const staged = arena.spareGH.subarray(0, rows);
    staged.set(values);
    const out = bins.byteOffset + base;
    kernel.binValues(
      staged.byteOffset,
      rows,
      edges.byteOffset,
      mapper.binCount[f]!,
      out,
      4,
      columns.byteOffset + f * rows,
    );
  });
}
