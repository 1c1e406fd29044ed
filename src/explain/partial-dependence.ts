import { UsageError } from '../core/errors.js';
import { checkNumber } from '../core/params.js';
import { Rng } from '../core/random.js';
import type { CategoricalColumn, Column, NumberColumn } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import type { Model } from '../estimator/contract.js';
import { mquantile } from '../numeric/quantile.js';

/**
 * Partial dependence (Friedman 2001, "Greedy function approximation", §8.2)
 * and individual conditional expectation curves (Goldstein et al. 2015): set
 * one column to each value of a grid in every row, predict, and average
 * (PDP) or keep each row's curve (ICE). The PDP shows the model's average
 * response to the column; ICE curves that cross or fan out show that the
 * response depends on the other columns (an interaction the average hides).
 * Computed by brute force, as scikit-learn's method='brute', so it works for
 * any model; the grid follows scikit-learn's, so the two can be compared.
 */
export type PdKind = 'average' | 'individual' | 'both';

export interface PartialDependenceOptions {
  /** Grid points for a numeric column with at least this many distinct values (default 50). */
  readonly gridResolution?: number;
  /** The grid spans these quantiles (default [0.05, 0.95]), so a few extreme rows do not stretch it. */
  readonly percentiles?: readonly [number, number];
  readonly kind?: PdKind;
  /** Rows averaged over: a seeded sample when the frame has more (default 2000). */
  readonly maxRows?: number;
  /** ICE curves drawn (default 100): more rows than that make an unreadable plot. */
  readonly iceRows?: number;
  /** Classifiers: the class whose probability is shown; default the positive class (index 1) for two classes, every class for more. */
  readonly classIndex?: number;
  readonly seed?: number;
}

/** Numeric columns: the values set; categorical columns: the levels that occur, in level order. */
export type PdGrid =
  | { readonly kind: 'numeric'; readonly values: Float64Array }
  | { readonly kind: 'categorical'; readonly levels: readonly string[] };

export interface PdCurve {
  /** 'prediction' for a regression, else the label of the class whose probability this is. */
  readonly output: string;
  /** The mean response at each grid point ('average' and 'both'). */
  readonly average?: Float64Array;
  /** ICE: row-major `iceRows.length × grid size` responses ('individual' and 'both'). */
  readonly individual?: Float64Array;
}

export interface PartialDependence {
  readonly column: string;
  readonly grid: PdGrid;
  readonly scale: 'predicted value' | 'probability';
  /** Rows averaged over (0 for kind 'individual'). */
  readonly averagedRows: number;
  /** The frame's rows the ICE curves belong to, in order (empty for kind 'average'). */
  readonly iceRows: Int32Array;
  readonly curves: readonly PdCurve[];
}

/** Rows per predict call: big enough to amortise a pipeline's per-call work, small enough to bound memory. */
const BATCH_ROWS = 1 << 16;

export function partialDependence(
  model: Model,
  frame: Frame,
  columnName: string,
  options: PartialDependenceOptions = {},
): PartialDependence {
  const kind = options.kind ?? 'average';
  const maxRows = options.maxRows ?? 2000;
  const iceCount = options.iceRows ?? 100;
  checkOptions(kind, maxRows, iceCount);
  const column = frame.column(columnName);
  const grid = gridFor(column, options.gridResolution ?? 50, options.percentiles ?? [0.05, 0.95]);
  const response = responseOf(model, options.classIndex);
  const { evaluated, averaged, ice } = chooseRows(frame.rowCount, kind, maxRows, iceCount, options.seed ?? 0);
  const sample = frame.take(evaluated);
  const points = gridPoints(grid, column);
  const predictions = predictOnGrid(model, sample, points, response.outputs);
  const position = new Map(Array.from(evaluated, (row, i) => [row, i]));
  const curves = response.labels.map((output, k) => ({
    output,
    ...(kind === 'individual'
      ? {}
      : { average: averageRows(predictions[k]!, averaged, position, points.size) }),
    ...(kind === 'average' ? {} : { individual: pickRows(predictions[k]!, ice, position, points.size) }),
  }));
  return {
    column: columnName,
    grid,
    scale: response.scale,
    averagedRows: averaged.length,
    iceRows: ice,
    curves,
  };
}

function checkOptions(kind: PdKind, maxRows: number, iceRows: number): void {
  if (!['average', 'individual', 'both'].includes(kind)) {
    throw new UsageError('usage.bad-param', `partial dependence: kind must be average, individual or both`, {
      location: { field: 'kind' },
    });
  }
  checkNumber('partial dependence', 'maxRows', maxRows, 1, Number.POSITIVE_INFINITY, maxRows !== Infinity);
  checkNumber('partial dependence', 'iceRows', iceRows, 1, Number.POSITIVE_INFINITY, iceRows !== Infinity);
}

/**
 * scikit-learn's grid (`_grid_from_X`): a numeric column's distinct values
 * when it has fewer than `resolution`, else `resolution` evenly spaced points
 * between two quantiles; a categorical column's levels. Missing values are
 * not grid points: "set every row to missing" is not a value the column takes.
 */
export function gridFor(column: Column, resolution: number, percentiles: readonly [number, number]): PdGrid {
  checkNumber('partial dependence', 'gridResolution', resolution, 2, Number.POSITIVE_INFINITY, true);
  const [low, high] = percentiles;
  if (!(low >= 0 && high <= 1 && low < high)) {
    throw new UsageError('usage.bad-param', `partial dependence: percentiles must rise within [0, 1]`, {
      location: { field: 'percentiles' },
      hint: 'e.g. [0.05, 0.95]',
    });
  }
  if (column.storage === 'categorical') return { kind: 'categorical', levels: occurringLevels(column) };
  if (column.storage === 'string') {
    throw new UsageError('usage.not-numeric', `partial dependence needs a numeric or categorical column`, {
      location: { column: column.name },
      hint: `"${column.name}" holds ${column.kind}; pick a column the model reads as numbers or categories`,
    });
  }
  const sorted = column.values.filter((v) => !Number.isNaN(v)).sort();
  const distinct = sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
  if (distinct.length === 0) {
    throw new UsageError('usage.all-missing', 'every value of the column is missing', {
      location: { column: column.name },
    });
  }
  if (distinct.length < resolution) return { kind: 'numeric', values: distinct };
  const start = mquantile(sorted, low);
  const stop = mquantile(sorted, high);
  // numpy's allclose: scikit-learn refuses a grid whose ends coincide.
  if (Math.abs(start - stop) <= 1e-8 + 1e-5 * Math.abs(stop)) {
    throw new UsageError('usage.bad-param', 'the grid percentiles fall on the same value', {
      location: { column: column.name },
      hint: 'most rows share one value: choose percentiles further apart, e.g. [0, 1]',
    });
  }
  return { kind: 'numeric', values: linspace(start, stop, resolution) };
}

function occurringLevels(column: CategoricalColumn): string[] {
  const seen = new Uint8Array(column.levels.length);
  for (const code of column.codes) if (code >= 0) seen[code] = 1;
  return column.levels.filter((_, code) => seen[code] === 1);
}

/** numpy's linspace: start + i·step, the last point exactly `stop`. */
function linspace(start: number, stop: number, count: number): Float64Array {
  const step = (stop - start) / (count - 1);
  const values = Float64Array.from({ length: count }, (_, i) => i * step + start);
  values[count - 1] = stop;
  return values;
}

interface Response {
  /** Columns of predictProba to read, or null for predict's value. */
  readonly outputs: readonly number[] | null;
  readonly labels: readonly string[];
  readonly scale: PartialDependence['scale'];
}

function responseOf(model: Model, classIndex: number | undefined): Response {
  if (model.task === 'regression') return { outputs: null, labels: ['prediction'], scale: 'predicted value' };
  const classes = model.classes ?? [];
  if ((model.task !== 'binary' && model.task !== 'multiclass') || model.predictProba === undefined) {
    throw new UsageError(
      'usage.cannot-explain',
      `partial dependence needs a regressor or a classifier with probabilities`,
      {
        hint: `a ${model.kind} model (${model.task}) gives neither`,
      },
    );
  }
  if (classIndex !== undefined) {
    checkNumber('partial dependence', 'classIndex', classIndex, 0, classes.length - 1, true);
  }
  const outputs =
    classIndex !== undefined ? [classIndex] : model.task === 'binary' ? [1] : classes.map((_, c) => c);
  return { outputs, labels: outputs.map((c) => classes[c]!), scale: 'probability' };
}

/**
 * The rows to predict on: those averaged over (every row when there are few
 * enough, as scikit-learn does, else a seeded sample) and the ICE rows (a
 * seeded sample, drawn from the same shuffle, so it lies within the averaged rows).
 */
function chooseRows(
  n: number,
  kind: PdKind,
  maxRows: number,
  iceRows: number,
  seed: number,
): { evaluated: Int32Array; averaged: Int32Array; ice: Int32Array } {
  const shuffled = new Rng(seed).permutation(n);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const averaged =
    kind === 'individual' ? new Int32Array(0) : n <= maxRows ? all : shuffled.slice(0, maxRows).sort();
  const ice = kind === 'average' ? new Int32Array(0) : shuffled.slice(0, Math.min(n, iceRows)).sort();
  const evaluated = Int32Array.from(new Set([...averaged, ...ice])).sort();
  return { evaluated, averaged, ice };
}

interface GridPoints {
  readonly size: number;
  /** The column with every one of `rows` rows set to grid point g, for each g of [from, from + count). */
  blocks(from: number, count: number, rows: number): Column;
}

function gridPoints(grid: PdGrid, column: Column): GridPoints {
  if (grid.kind === 'categorical') {
    const categorical = column as CategoricalColumn;
    const codes = grid.levels.map((level) => categorical.levels.indexOf(level));
    return {
      size: codes.length,
      blocks: (from, count, rows) => ({
        ...categorical,
        codes: fillBlocks(Int32Array, codes, from, count, rows),
      }),
    };
  }
  const numeric = column as NumberColumn;
  return {
    size: grid.values.length,
    blocks: (from, count, rows) => ({
      ...numeric,
      values: fillBlocks(Float64Array, grid.values, from, count, rows),
    }),
  };
}

function fillBlocks<A extends Float64Array | Int32Array>(
  make: new (length: number) => A,
  points: ArrayLike<number>,
  from: number,
  count: number,
  rows: number,
): A {
  const out = new make(count * rows);
  for (let b = 0; b < count; b++) out.fill(points[from + b]!, b * rows, (b + 1) * rows);
  return out;
}

/**
 * Each output's responses, row-major `sample rows × grid size`. Grid points
 * go through the model in batches of whole copies of the sample (one frame
 * holding the sample once per grid point), not row by row: a pipeline's
 * transforms and a model's setup then run a few times, not once per point.
 */
function predictOnGrid(
  model: Model,
  sample: Frame,
  points: GridPoints,
  outputs: readonly number[] | null,
): Float64Array[] {
  const m = sample.rowCount;
  const size = points.size;
  const results = Array.from({ length: outputs?.length ?? 1 }, () => new Float64Array(m * size));
  const perBatch = Math.max(1, Math.floor(BATCH_ROWS / Math.max(1, m)));
  let tiled: Frame | undefined;
  for (let from = 0; from < size; from += perBatch) {
    const count = Math.min(perBatch, size - from);
    if (tiled === undefined || tiled.rowCount !== count * m) tiled = sample.take(tileIndex(m, count));
    const batch = tiled.withColumn(points.blocks(from, count, m));
    const width = outputs === null ? 1 : model.classes!.length;
    const predicted = outputs === null ? model.predict(batch) : model.predictProba!(batch);
    results.forEach((result, k) => {
      const offset = outputs === null ? 0 : outputs[k]!;
      for (let b = 0; b < count; b++) {
        for (let i = 0; i < m; i++) result[i * size + from + b] = predicted[(b * m + i) * width + offset]!;
      }
    });
  }
  return results;
}

function tileIndex(rows: number, copies: number): Int32Array {
  const index = new Int32Array(rows * copies);
  for (let b = 0; b < copies; b++) for (let i = 0; i < rows; i++) index[b * rows + i] = i;
  return index;
}

function averageRows(
  responses: Float64Array,
  rows: Int32Array,
  position: ReadonlyMap<number, number>,
  size: number,
): Float64Array {
  const average = new Float64Array(size);
  for (const row of rows) {
    const at = position.get(row)! * size;
    for (let g = 0; g < size; g++) average[g]! += responses[at + g]!;
  }
  return average.map((s) => s / rows.length);
}

function pickRows(
  responses: Float64Array,
  rows: Int32Array,
  position: ReadonlyMap<number, number>,
  size: number,
): Float64Array {
  const picked = new Float64Array(rows.length * size);
  rows.forEach((row, r) => {
    const at = position.get(row)! * size;
    picked.set(responses.subarray(at, at + size), r * size);
  });
  return picked;
}
