import type { Column, NumberColumn } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import { quantileSorted } from '../numeric/quantile.js';
import { countDistinctSorted, lowerBound, type SortedValues, sortedPresent, sortWithRows } from './stats.js';
import type { Correlations, TargetAssociation } from './types.js';

/** A column as integer codes 0..levels-1, with -1 for missing. */
export interface Codes {
  readonly codes: Int32Array;
  readonly levels: number;
}

/**
 * Numeric columns with more than this many distinct values are cut into this
 * many equal-frequency (quantile) bins before mutual information is computed;
 * with fewer, each value is its own bin.
 */
export const MI_BINS = 10;

/** A number column's sorted values (and rows) by name, when the caller has them already. */
export type SortedLookup = (name: string) => SortedValues | undefined;

/** Pearson's r over the rows where both values are present (two passes: means, then centred sums). */
export function pearson(x: Float64Array, y: Float64Array): number {
  let n = 0;
  let sumX = 0;
  let sumY = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (!Number.isNaN(a) && !Number.isNaN(b)) {
      n++;
      sumX += a;
      sumY += b;
    }
  }
  if (n < 2) return Number.NaN;
  const meanX = sumX / n;
  const meanY = sumY / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (!Number.isNaN(a) && !Number.isNaN(b)) {
      const dx = a - meanX;
      const dy = b - meanY;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
  }
  return correlationFromSums(sxy, sxx, syy);
}

function correlationFromSums(sxy: number, sxx: number, syy: number): number {
  const denominator = Math.sqrt(sxx * syy);
  if (!(denominator > 0)) return Number.NaN;
  return Math.max(-1, Math.min(1, sxy / denominator));
}

/** A column's Pearson ingredients, in row order; plain data, so it can cross to a worker thread. */
export interface CentredColumn {
  readonly mean: number;
  readonly present: number;
  /** Σ (x − mean) and Σ (x − mean)² over the present values. */
  readonly sum: number;
  readonly sumSquares: number;
  readonly missingRows: Int32Array;
}

export function centre(values: Float64Array): CentredColumn {
  const missing: number[] = [];
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) missing.push(i);
    else total += v;
  }
  const present = values.length - missing.length;
  const mean = total / present;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - mean;
    if (Number.isNaN(d)) continue;
    sum += d;
    sumSquares += d * d;
  }
  return { mean, present, sum, sumSquares, missingRows: Int32Array.from(missing) };
}

/**
 * Pearson's r over the rows where both are present, from sums over all
 * present values: the rows where the other column is missing are taken out
 * of x's sums (and vice versa), then r = C_xy / √(C_xx C_yy) with
 * C_xy = S_xy − S_x S_y / n. Values are centred on their own column mean,
 * so the correction is small and loses no precision. Per pair (i, j > i),
 * at [i · k + j]: S_xy, n, S_x, S_xx (x = column i) and S_y, S_yy.
 */
interface PairSums {
  readonly cross: Float64Array;
  readonly n: Float64Array;
  readonly sx: Float64Array;
  readonly sxx: Float64Array;
  readonly sy: Float64Array;
  readonly syy: Float64Array;
}

function pairCorrelation(sums: PairSums, p: number): number {
  const { cross, n, sx, sxx, sy, syy } = sums;
  if (n[p]! < 2) return Number.NaN;
  return correlationFromSums(
    cross[p]! - (sx[p]! * sy[p]!) / n[p]!,
    sxx[p]! - (sx[p]! * sx[p]!) / n[p]!,
    syy[p]! - (sy[p]! * sy[p]!) / n[p]!,
  );
}

/** Rows per block of the blocked cross-product: 30 columns × 2048 rows stay in L2 cache. */
const BLOCK_ROWS = 2048;

/**
 * The `PairSums` of every pair (i, j > i) with i in `firstColumns`, block by
 * block: each block's values are centred once (missing as 0, which adds
 * nothing), then every pair's products are summed from cache, and the rows
 * of the block where one of the pair is missing are taken out of the
 * other's sums while the block is still in cache. Each sum sees its terms in
 * row order, as a pass per pair would. The last block is padded with zeros.
 */
function centredPairSums(
  columns: readonly Float64Array[],
  centred: readonly CentredColumn[],
  firstColumns: readonly number[],
): PairSums {
  const k = columns.length;
  const n = k === 0 ? 0 : columns[0]!.length;
  const sums = startPairSums(centred, firstColumns);
  const block = new Float64Array(k * BLOCK_ROWS);
  const views = columns.map((_, j) => block.subarray(j * BLOCK_ROWS, (j + 1) * BLOCK_ROWS));
  // Each column's missing rows in the current block: missingRows[from[j] .. to[j]).
  const from = new Int32Array(k);
  const to = new Int32Array(k);
  // Only columns that take part in some pair are centred.
  const first = Math.min(k, ...firstColumns);
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const length = Math.min(BLOCK_ROWS, n - start);
    for (let j = first; j < k; j++) {
      const view = views[j]!;
      const values = columns[j]!;
      const mean = centred[j]!.mean;
      for (let r = 0; r < length; r++) {
        const d = values[start + r]! - mean;
        view[r] = Number.isNaN(d) ? 0 : d;
      }
      view.fill(0, length);
      const missing = centred[j]!.missingRows;
      from[j] = to[j]!;
      while (to[j]! < missing.length && missing[to[j]!]! < start + length) to[j]!++;
    }
    for (const i of firstColumns) {
      for (let j = i + 1; j < k; j++) {
        const p = i * k + j;
        sums.cross[p]! += dot(views[i]!, views[j]!);
        if (to[j]! > from[j]!) {
          takeOutX(sums, p, columns[i]!, centred[i]!.mean, centred[j]!.missingRows, from[j]!, to[j]!);
        }
        if (to[i]! > from[i]!) {
          takeOutY(sums, p, columns[j]!, centred[j]!.mean, centred[i]!.missingRows, from[i]!, to[i]!);
        }
      }
    }
  }
  return sums;
}

function startPairSums(centred: readonly CentredColumn[], firstColumns: readonly number[]): PairSums {
  const k = centred.length;
  const sums: PairSums = {
    cross: new Float64Array(k * k),
    n: new Float64Array(k * k),
    sx: new Float64Array(k * k),
    sxx: new Float64Array(k * k),
    sy: new Float64Array(k * k),
    syy: new Float64Array(k * k),
  };
  for (const i of firstColumns) {
    for (let j = i + 1; j < k; j++) {
      const p = i * k + j;
      sums.n[p] = centred[i]!.present;
      sums.sx[p] = centred[i]!.sum;
      sums.sxx[p] = centred[i]!.sumSquares;
      sums.sy[p] = centred[j]!.sum;
      sums.syy[p] = centred[j]!.sumSquares;
    }
  }
  return sums;
}

/** Takes x's values at the rows where y is missing out of x's sums (and the count). */
function takeOutX(
  sums: PairSums,
  p: number,
  x: Float64Array,
  mean: number,
  rows: Int32Array,
  from: number,
  to: number,
): void {
  let n = sums.n[p]!;
  let sx = sums.sx[p]!;
  let sxx = sums.sxx[p]!;
  for (let m = from; m < to; m++) {
    const d = x[rows[m]!]! - mean;
    if (Number.isNaN(d)) continue;
    n--;
    sx -= d;
    sxx -= d * d;
  }
  sums.n[p] = n;
  sums.sx[p] = sx;
  sums.sxx[p] = sxx;
}

/** Takes y's values at the rows where x is missing out of y's sums. */
function takeOutY(
  sums: PairSums,
  p: number,
  y: Float64Array,
  mean: number,
  rows: Int32Array,
  from: number,
  to: number,
): void {
  let sy = sums.sy[p]!;
  let syy = sums.syy[p]!;
  for (let m = from; m < to; m++) {
    const d = y[rows[m]!]! - mean;
    if (Number.isNaN(d)) continue;
    sy -= d;
    syy -= d * d;
  }
  sums.sy[p] = sy;
  sums.syy[p] = syy;
}

/** Four running sums, so consecutive additions do not wait on each other. */
function dot(x: Float64Array, y: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let r = 0; r < x.length; r += 4) {
    s0 += x[r]! * y[r]!;
    s1 += x[r + 1]! * y[r + 1]!;
    s2 += x[r + 2]! * y[r + 2]!;
    s3 += x[r + 3]! * y[r + 3]!;
  }
  return s0 + s1 + s2 + s3;
}

function squareMatrix(k: number): number[][] {
  return Array.from({ length: k }, () => new Array<number>(k).fill(Number.NaN));
}

/**
 * Pearson's r of the pairs (i, j > i) with i in `firstColumns`, at [i · k + j],
 * and the diagonal at [i · k + i] (1, or NaN for a constant column); NaN
 * elsewhere. Pairs are independent, so the matrix can be split by first
 * column across threads and put together with `matrixFromPairs`.
 */
export function pearsonPairs(
  columns: readonly Float64Array[],
  centred: readonly CentredColumn[],
  firstColumns: readonly number[],
): Float64Array {
  const k = columns.length;
  const r = new Float64Array(k * k).fill(Number.NaN);
  if (firstColumns.length === 0) return r;
  const sums = centredPairSums(columns, centred, firstColumns);
  for (const i of firstColumns) {
    r[i * k + i] = centred[i]!.sumSquares > 0 ? 1 : Number.NaN;
    for (let j = i + 1; j < k; j++) r[i * k + j] = pairCorrelation(sums, i * k + j);
  }
  return r;
}

/** The symmetric k × k matrix from the diagonal and upper triangle of `pairs`. */
export function matrixFromPairs(pairs: Float64Array, k: number): number[][] {
  const r = squareMatrix(k);
  for (let i = 0; i < k; i++) {
    r[i]![i] = pairs[i * k + i]!;
    for (let j = i + 1; j < k; j++) {
      r[i]![j] = pairs[i * k + j]!;
      r[j]![i] = pairs[i * k + j]!;
    }
  }
  return r;
}

/** Every column index, as `firstColumns` for the whole matrix. */
function allColumns(k: number): number[] {
  return Array.from({ length: k }, (_, i) => i);
}

/**
 * Pearson correlations of every pair, over pairwise-complete rows (as
 * pandas' `DataFrame.corr`). The diagonal is 1, or NaN for a constant column.
 */
export function pearsonMatrix(columns: readonly Float64Array[]): number[][] {
  const k = columns.length;
  return matrixFromPairs(pearsonPairs(columns, columns.map(centre), allColumns(k)), k);
}

/**
 * 1-based ranks, ties getting the average of the ranks they span (scipy's
 * `rankdata(method='average')`); NaN stays NaN. Ties occupy positions
 * first..last of the ascending order and all get (first + last) / 2 + 1.
 */
export function averageRanks(
  values: Float64Array,
  sorted: SortedValues = sortWithRows(values),
): Float64Array {
  const ranks = new Float64Array(values.length).fill(Number.NaN);
  const { sorted: ascending, rows } = sorted;
  let first = 0;
  for (let i = 1; i <= ascending.length; i++) {
    if (i < ascending.length && ascending[i] === ascending[first]) continue;
    const rank = (first + i - 1) / 2 + 1;
    for (let j = first; j < i; j++) ranks[rows[j]!] = rank;
    first = i;
  }
  return ranks;
}

/** The rows where both values are present, as two compact arrays. */
function pairedPresent(x: Float64Array, y: Float64Array): [Float64Array, Float64Array] {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]) && !Number.isNaN(y[i])) n++;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let at = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (!Number.isNaN(a) && !Number.isNaN(b)) {
      xs[at] = a;
      ys[at++] = b;
    }
  }
  return [xs, ys];
}

/** Spearman's ρ: Pearson's r of the average ranks, ranked within the pairwise-complete rows. */
export function spearman(x: Float64Array, y: Float64Array): number {
  const [xs, ys] = pairedPresent(x, y);
  return pearson(averageRanks(xs), averageRanks(ys));
}

function presentCount(values: Float64Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) n++;
  return n;
}

function bothPresentCount(x: Uint8Array, y: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < x.length; i++) n += x[i]! & y[i]!;
  return n;
}

/**
 * Average ranks of a column among only the rows where `otherPresent` is set,
 * read off the column's ascending order without sorting again: a tie group
 * of m kept rows after r kept rows takes ranks r + 1 … r + m, mean r + (m + 1) / 2.
 */
function ranksWhereBothPresent(
  order: SortedValues,
  otherPresent: Uint8Array,
  ranks: Float64Array,
): Float64Array {
  ranks.fill(Number.NaN);
  const { sorted, rows } = order;
  const m = sorted.length;
  let before = 0;
  let first = 0;
  while (first < m) {
    if (first + 1 === m || sorted[first + 1] !== sorted[first]) {
      // A value of its own, the usual case: rank before + (1 + 1) / 2 when kept.
      const row = rows[first]!;
      if (otherPresent[row]) ranks[row] = ++before;
      first++;
      continue;
    }
    let end = first + 2;
    while (end < m && sorted[end] === sorted[first]) end++;
    let kept = 0;
    for (let k = first; k < end; k++) kept += otherPresent[rows[k]!]!;
    const rank = before + (kept + 1) / 2;
    for (let k = first; k < end; k++) if (otherPresent[rows[k]!]) ranks[rows[k]!] = rank;
    before += kept;
    first = end;
  }
  return ranks;
}

function presence(values: Float64Array): Uint8Array {
  const present = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) present[i] = Number.isNaN(values[i]) ? 0 : 1;
  return present;
}

/**
 * Spearman's ρ of the pairs (i, j > i) with i in `firstColumns` and the
 * diagonal, laid out as `pearsonPairs`: Pearson's r of the average ranks,
 * each column ranked once from its ascending order. A pair is re-ranked on
 * its common rows (from those orders, in linear time) only when one column
 * is missing where the other is present.
 */
export function spearmanPairs(
  columns: readonly Float64Array[],
  orders: readonly SortedValues[],
  firstColumns: readonly number[],
): Float64Array {
  const ranks = columns.map((values, i) => averageRanks(values, orders[i]));
  const rho = pearsonPairs(ranks, ranks.map(centre), firstColumns);
  const k = columns.length;
  const n = columns[0]?.length ?? 0;
  const present = columns.map(presentCount);
  const masks = columns.map(presence);
  const [xRanks, yRanks] = [new Float64Array(n), new Float64Array(n)];
  for (const i of firstColumns) {
    for (let j = i + 1; j < k; j++) {
      if (present[i] === n && present[j] === n) continue;
      const both = bothPresentCount(masks[i]!, masks[j]!);
      if (both === present[i] && both === present[j]) continue;
      rho[i * k + j] = pearson(
        ranksWhereBothPresent(orders[i]!, masks[j]!, xRanks),
        ranksWhereBothPresent(orders[j]!, masks[i]!, yRanks),
      );
    }
  }
  return rho;
}

/** Spearman correlations of every pair over pairwise-complete rows; `sorted` may supply each column's order. */
export function spearmanMatrix(
  columns: readonly Float64Array[],
  sorted: readonly (SortedValues | undefined)[] = [],
): number[][] {
  const orders = columns.map((values, i) => sorted[i] ?? sortWithRows(values));
  return matrixFromPairs(spearmanPairs(columns, orders, allColumns(columns.length)), columns.length);
}

interface Contingency {
  readonly table: Float64Array; // row-major, a.levels × b.levels
  readonly rowSums: Float64Array;
  readonly colSums: Float64Array;
  readonly n: number;
}

/** Counts of each (a, b) code pair over the rows where both are present. */
export function contingency(a: Codes, b: Codes): Contingency {
  const table = new Float64Array(a.levels * b.levels);
  const rowSums = new Float64Array(a.levels);
  const colSums = new Float64Array(b.levels);
  let n = 0;
  for (let i = 0; i < a.codes.length; i++) {
    const r = a.codes[i]!;
    const c = b.codes[i]!;
    if (r < 0 || c < 0) continue;
    table[r * b.levels + c]!++;
    rowSums[r]!++;
    colSums[c]!++;
    n++;
  }
  return { table, rowSums, colSums, n };
}

function nonZero(values: Float64Array): number {
  let k = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > 0) k++;
  return k;
}

/**
 * Cramér's V without bias correction: √(χ² / (n (min(r, c) − 1))), with
 * χ² = Σ (O − E)² / E over the levels that occur (E = row sum · column sum / n).
 * NaN when either column has fewer than two levels present.
 */
export function cramersV(a: Codes, b: Codes): number {
  const { table, rowSums, colSums, n } = contingency(a, b);
  const k = Math.min(nonZero(rowSums), nonZero(colSums));
  if (k < 2) return Number.NaN;
  let chi2 = 0;
  for (let r = 0; r < a.levels; r++) {
    if (rowSums[r] === 0) continue;
    for (let c = 0; c < b.levels; c++) {
      if (colSums[c] === 0) continue;
      const expected = (rowSums[r]! * colSums[c]!) / n;
      const d = table[r * b.levels + c]! - expected;
      chi2 += (d * d) / expected;
    }
  }
  return Math.min(1, Math.sqrt(chi2 / (n * (k - 1))));
}

/**
 * The correlation ratio η = √(SS_between / SS_total): how much of a numeric
 * column's variance the groups of a categorical column explain. NaN when the
 * numeric values are constant.
 */
export function correlationRatio(groups: Codes, values: Float64Array): number {
  const sums = new Float64Array(groups.levels);
  const counts = new Float64Array(groups.levels);
  let n = 0;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const g = groups.codes[i]!;
    const v = values[i]!;
    if (g < 0 || Number.isNaN(v)) continue;
    sums[g]! += v;
    counts[g]!++;
    total += v;
    n++;
  }
  const mean = total / n;
  let ssTotal = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (groups.codes[i]! >= 0 && !Number.isNaN(v)) ssTotal += (v - mean) * (v - mean);
  }
  let ssBetween = 0;
  for (let g = 0; g < groups.levels; g++) {
    if (counts[g]! > 0) ssBetween += counts[g]! * (sums[g]! / counts[g]! - mean) ** 2;
  }
  if (!(ssTotal > 0)) return Number.NaN;
  return Math.min(1, Math.sqrt(ssBetween / ssTotal));
}

/**
 * Mutual information in nats, the plug-in estimate from the contingency table:
 * I = Σ (n_xy / n) ln(n · n_xy / (n_x · n_y)), over rows where both are present.
 * This is scikit-learn's `mutual_info_score` on discrete labels, not its
 * k-nearest-neighbour estimator for continuous data; with many bins on few
 * rows it is biased upwards by about (r − 1)(c − 1) / (2n).
 */
export function mutualInformation(a: Codes, b: Codes): number {
  const { table, rowSums, colSums, n } = contingency(a, b);
  let mi = 0;
  for (let r = 0; r < a.levels; r++) {
    for (let c = 0; c < b.levels; c++) {
      const count = table[r * b.levels + c]!;
      if (count > 0) mi += (count / n) * Math.log((n * count) / (rowSums[r]! * colSums[c]!));
    }
  }
  return Math.max(0, mi);
}

/** Missing values (-1) as one more level, for when missingness itself may carry information. */
export function withMissingLevel(codes: Codes): Codes {
  let hasMissing = false;
  for (let i = 0; i < codes.codes.length; i++) if (codes.codes[i]! < 0) hasMissing = true;
  if (!hasMissing) return codes;
  const out = codes.codes.map((c) => (c < 0 ? codes.levels : c));
  return { codes: out, levels: codes.levels + 1 };
}

/**
 * The edges of `bins` equal-frequency bins, duplicates dropped: numpy's
 * linear quantiles at i · (1 / bins) (as `np.linspace` spaces them), as
 * pandas' `qcut(x, bins, duplicates='drop')` computes them.
 */
export function quantileEdges(sorted: Float64Array, bins: number): number[] {
  const step = 1 / bins;
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) {
    const edge = quantileSorted(sorted, i === bins ? 1 : i * step);
    if (edges.length === 0 || edge !== edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}

/**
 * Bin i holds (edges[i], edges[i + 1]], the first bin also its lower edge
 * (pandas' `cut` with right=True, include_lowest=True); values beyond the
 * outer edges fall into the outer bins.
 */
export function binByEdges(values: Float64Array, edges: readonly number[]): Codes {
  const levels = Math.max(1, edges.length - 1);
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    codes[i] = Number.isNaN(v) ? -1 : Math.min(levels - 1, Math.max(0, lowerBound(edges, v) - 1));
  }
  return { codes, levels };
}

function distinctValues(sorted: Float64Array): Float64Array {
  const out = new Float64Array(countDistinctSorted(sorted));
  let at = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) out[at++] = sorted[i]!;
  return out;
}

function numberCodes(column: NumberColumn, maxBins: number, sorted: Float64Array, rows?: Int32Array): Codes {
  if (countDistinctSorted(sorted) > maxBins) {
    const edges = quantileEdges(sorted, maxBins);
    if (rows === undefined) return binByEdges(column.values, edges);
    const levels = Math.max(1, edges.length - 1);
    return { codes: lowerBoundCodes(sorted, rows, column.values.length, edges, -1, levels - 1), levels };
  }
  const distinct = distinctValues(sorted);
  if (rows !== undefined) {
    return {
      codes: lowerBoundCodes(sorted, rows, column.values.length, distinct, 0, distinct.length),
      levels: distinct.length,
    };
  }
  const codes = new Int32Array(column.values.length);
  column.values.forEach((v, i) => {
    codes[i] = Number.isNaN(v) ? -1 : lowerBound(distinct, v);
  });
  return { codes, levels: distinct.length };
}

/**
 * min(maxCode, max(0, lowerBound(bounds, v) + shift)) for every present value,
 * read off the ascending order in one walk instead of a binary search per
 * row (whose unpredictable branches dominate on a large sample); rows
 * without a value get -1.
 */
function lowerBoundCodes(
  sorted: Float64Array,
  rows: Int32Array,
  length: number,
  bounds: ArrayLike<number>,
  shift: number,
  maxCode: number,
): Int32Array {
  const codes = new Int32Array(length).fill(-1);
  let below = 0;
  for (let k = 0; k < sorted.length; k++) {
    const v = sorted[k]!;
    while (below < bounds.length && bounds[below]! < v) below++;
    codes[rows[k]!] = Math.min(maxCode, Math.max(0, below + shift));
  }
  return codes;
}

function stringCodes(values: readonly (string | null)[]): Codes {
  const index = new Map<string, number>();
  const codes = new Int32Array(values.length);
  values.forEach((value, i) => {
    if (value === null) {
      codes[i] = -1;
      return;
    }
    let code = index.get(value);
    if (code === undefined) {
      code = index.size;
      index.set(value, code);
    }
    codes[i] = code;
  });
  return { codes, levels: index.size };
}

/**
 * A column as codes: categories as they are, strings by value, numbers one
 * code per distinct value when there are at most `maxBins` of them, else
 * `maxBins` quantile bins (pass Infinity for one code per distinct value).
 * A number column's ascending order, when the caller has it, saves a sort
 * and a search per row.
 */
export function discretize(column: Column, maxBins: number, order?: SortedValues): Codes {
  switch (column.storage) {
    case 'categorical':
      return { codes: column.codes, levels: column.levels.length };
    case 'string':
      return stringCodes(column.values);
    case 'number':
      if (order === undefined) return numberCodes(column, maxBins, sortedPresent(column.values));
      return numberCodes(column, maxBins, order.sorted, order.rows);
  }
}

/** Columns that enter the Pearson/Spearman matrices: number-stored, not IDs. */
export function correlatedNumeric(frame: Frame): NumberColumn[] {
  return frame.columns.filter((c): c is NumberColumn => c.storage === 'number' && c.kind !== 'id');
}

/** Columns that enter the Cramér's V matrix: categories and booleans. */
export function correlatedCategorical(frame: Frame): Column[] {
  return frame.columns.filter((c) => c.storage === 'categorical' || c.kind === 'boolean');
}

/** The association matrices other than Pearson's and Spearman's, which threads may compute. */
export type OtherCorrelations = Omit<Correlations, 'pearson' | 'spearman'>;

/** The names of the matrices' columns, Cramér's V and η (on every row of `frame`). */
export function otherCorrelations(frame: Frame): OtherCorrelations {
  const numeric = correlatedNumeric(frame);
  const categorical = correlatedCategorical(frame);
  const codes = categorical.map((c) => discretize(c, Number.POSITIVE_INFINITY));
  return {
    numeric: numeric.map((c) => c.name),
    categorical: categorical.map((c) => c.name),
    cramersV: codes.map((a) => codes.map((b) => cramersV(a, b))),
    correlationRatio: codes.map((g) => numeric.map((c) => correlationRatio(g, c.values))),
  };
}

/** Spearman's matrix of `correlatedNumeric(frame)` on the sample, whose sorted values `sortedSample` may supply. */
export function sampleSpearman(
  frame: Frame,
  sample: Frame,
  sortedSample: SortedLookup = () => undefined,
): number[][] {
  const sampled = correlatedNumeric(frame).map((c) => sample.column(c.name) as NumberColumn);
  return spearmanMatrix(
    sampled.map((c) => c.values),
    sampled.map((c) => sortedSample(c.name)),
  );
}

/** All matrices, in the order a profile lists them. */
export function assembleCorrelations(
  other: OtherCorrelations,
  pearson: number[][],
  spearman: number[][],
): Correlations {
  const { numeric, categorical, cramersV, correlationRatio } = other;
  return { numeric, pearson, spearman, categorical, cramersV, correlationRatio };
}

/**
 * All association matrices. Pearson and η use every row of `frame`;
 * Spearman uses `sample` (the caller's row sample of large tables).
 */
export function correlationsOf(
  frame: Frame,
  sample: Frame,
  sortedSample: SortedLookup = () => undefined,
): Correlations {
  const pearson = pearsonMatrix(correlatedNumeric(frame).map((c) => c.values));
  return assembleCorrelations(otherCorrelations(frame), pearson, sampleSpearman(frame, sample, sortedSample));
}

/**
 * Mutual information of every other column with the target, highest first.
 * Rows with a missing target are left out; a missing feature value counts as
 * a level of its own. A regression target is cut into MI_BINS quantile bins.
 */
export function targetMutualInformation(
  sample: Frame,
  target: string,
  regression: boolean,
  sortedSample: SortedLookup = () => undefined,
): TargetAssociation[] {
  const targetColumn = sample.column(target);
  const y = discretize(targetColumn, regression ? MI_BINS : Number.POSITIVE_INFINITY, sortedSample(target));
  return sample.columns
    .filter((c) => c.name !== target)
    .map((c) => ({
      column: c.name,
      mutualInformation: mutualInformation(withMissingLevel(discretize(c, MI_BINS, sortedSample(c.name))), y),
    }))
    .sort((a, b) => b.mutualInformation - a.mutualInformation);
}
