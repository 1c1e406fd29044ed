/**
 * The reference profile: what a model's training data (and its predictions
 * on it) looked like, kept with the model version so that drift can be
 * measured later without the training file. Plain JSON: numbers, strings
 * and arrays only.
 *
 * Per numeric feature: summary statistics, quantile bins with their counts
 * (for PSI and histograms) and a seeded stratified sample of the present
 * values, ascending (for Kolmogorov–Smirnov and Wasserstein, which need
 * values, not bins). Per categorical feature: the count of every level. Numbers with at
 * most FEW_VALUES distinct values (and booleans) are profiled as categories,
 * as Evidently treats them: a KS test or a Wasserstein distance on three
 * values says little that category shares do not say better.
 *
 * Size: a numeric feature costs its sample (DEFAULT_SAMPLE_SIZE values) plus
 * a few dozen numbers, a categorical one its levels. Measured as JSON: 50
 * numeric columns of full-precision random doubles, 799 kB (16 kB a column);
 * the diamonds table (7 numeric columns with few digits, 3 categorical), 35 kB.
 */

import { UsageError } from '../core/errors.js';
import { Rng } from '../core/random.js';
import type { Column, ColumnKind, NumberColumn } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import { countDistinctSorted, sortedPresent } from '../profile/stats.js';
import { binCounts, populationStd, quantileBinEdges } from './stats.js';

export const REFERENCE_FORMAT = 'keel.reference-profile';
export const REFERENCE_VERSION = 1;
/** Values kept per numeric column: the whole reference up to this size, so the default KS path (≤ 1,000 rows) sees all of it. */
export const DEFAULT_SAMPLE_SIZE = 1000;
/** Quantile bins per numeric column (deciles, the usual PSI binning). */
export const DEFAULT_BINS = 10;
/** Numbers with at most this many distinct values are compared as categories. */
export const FEW_VALUES = 5;
/** The name of the prediction among a profile's outputs. */
export const PREDICTION = 'prediction';

/** The column a class's predicted probability is profiled under. */
export function probabilityName(label: string): string {
  return `probability:${label}`;
}

interface ReferenceBase {
  readonly name: string;
  /** The column's kind in the reference frame. */
  readonly columnKind: ColumnKind;
  /** Rows, missing included. */
  readonly rows: number;
  readonly missing: number;
  readonly missingRate: number;
  /** Present values. */
  readonly count: number;
}

export interface NumericReference extends ReferenceBase {
  readonly kind: 'numeric';
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Population standard deviation (ddof = 0), the unit of the normalised Wasserstein distance. */
  readonly std: number;
  /** Quantile bin edges, ascending, repeats dropped: bin b is [edges[b], edges[b+1]), the outer bins open. */
  readonly edges: number[];
  /** Present reference values per bin. */
  readonly counts: number[];
  /** Present values, ascending: all of them, or a seeded stratified sample of `sampleSize` (one per slice of ranks). */
  readonly sample: number[];
}

export interface CategoricalReference extends ReferenceBase {
  readonly kind: 'categorical';
  /** Levels seen in the reference (count > 0), in the column's level order. */
  readonly levels: string[];
  readonly counts: number[];
  /** True when the column holds numbers compared as categories; its levels are `String(value)`. */
  readonly fromNumbers: boolean;
}

export type FeatureReference = NumericReference | CategoricalReference;

export interface SkippedColumn {
  readonly name: string;
  readonly columnKind: ColumnKind;
  readonly reason: string;
}

export interface ReferenceProfile {
  readonly format: typeof REFERENCE_FORMAT;
  readonly version: typeof REFERENCE_VERSION;
  readonly rows: number;
  readonly sampleSize: number;
  readonly bins: number;
  readonly seed: number;
  readonly features: FeatureReference[];
  /** Columns present in the reference but not compared (text, IDs, datetimes). */
  readonly skipped: SkippedColumn[];
  /** The prediction and, for classifiers, the predicted probabilities. */
  readonly outputs: FeatureReference[];
  /** Class labels, when the model is a classifier. */
  readonly classes?: string[];
  readonly target?: FeatureReference;
}

/** A model's outputs on a frame, as keel models return them. */
export interface OutputValues {
  /** Regression: the predicted values. Classification: class indices into `classes`. */
  readonly predictions?: Float64Array;
  /** Row-major n × classes.length probabilities (`predictProba`). */
  readonly probabilities?: Float64Array;
  readonly classes?: readonly string[];
}

export interface ReferenceOptions extends OutputValues {
  /** The target: a column of the frame (left out of the features) or a separate column. */
  readonly target?: string | Column;
  /** Values kept per numeric column; default DEFAULT_SAMPLE_SIZE. */
  readonly sampleSize?: number;
  /** Quantile bins per numeric column; default DEFAULT_BINS. */
  readonly bins?: number;
  /** Seed of the sample; default 0. */
  readonly seed?: number;
}

/**
 * The reference profile a model version stores (`ModelVersionRecord.reference`),
 * or undefined when it holds none or something else (a version registered
 * by hand, or by a keel whose profile format this one does not read).
 */
export function storedReference(stored: unknown): ReferenceProfile | undefined {
  const profile = stored as Partial<ReferenceProfile> | null | undefined;
  if (
    profile?.format === REFERENCE_FORMAT &&
    profile.version === REFERENCE_VERSION &&
    Array.isArray(profile.features) &&
    Array.isArray(profile.outputs)
  ) {
    return profile as ReferenceProfile;
  }
  return undefined;
}

/** Profiles a model's training (or validation) data as the baseline for drift. */
export function referenceProfile(frame: Frame, options: ReferenceOptions = {}): ReferenceProfile {
  const sampleSize = positiveInteger(options.sampleSize ?? DEFAULT_SAMPLE_SIZE, 'sampleSize');
  const bins = positiveInteger(options.bins ?? DEFAULT_BINS, 'bins');
  const seed = options.seed ?? 0;
  const rng = new Rng(seed);
  const targetName = typeof options.target === 'string' ? options.target : undefined;
  const target = typeof options.target === 'string' ? frame.column(options.target) : options.target;
  const features: FeatureReference[] = [];
  const skipped: SkippedColumn[] = [];
  for (const column of frame.columns) {
    if (column.name === targetName) continue;
    const reason = skipReason(column);
    if (reason === undefined) features.push(profileFeature(column, sampleSize, bins, rng.fork()));
    else skipped.push({ name: column.name, columnKind: column.kind, reason });
  }
  const outputs = outputColumns(frame.rowCount, options).map((c) =>
    profileFeature(c, sampleSize, bins, rng.fork()),
  );
  const profile: ReferenceProfile = {
    format: REFERENCE_FORMAT,
    version: REFERENCE_VERSION,
    rows: frame.rowCount,
    sampleSize,
    bins,
    seed,
    features,
    skipped,
    outputs,
  };
  const classes = options.classes === undefined ? {} : { classes: [...options.classes] };
  if (target === undefined) return { ...profile, ...classes };
  checkLength(target, frame.rowCount, 'target');
  return { ...profile, ...classes, target: profileFeature(target, sampleSize, bins, rng.fork()) };
}

function positiveInteger(value: number, field: string): number {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new UsageError('monitor.bad-option', `${field} must be a positive integer, got ${value}`, {
      location: { field },
    });
  }
  return value;
}

/** Why a column is not compared, or undefined when it is. */
export function skipReason(column: Column): string | undefined {
  if (column.storage === 'string')
    return `${column.kind} column: every value is new, so it has no distribution to compare`;
  if (column.kind === 'id') return 'identifier column: one value per row, no distribution to compare';
  if (column.kind === 'datetime')
    return 'datetime column: time always moves forward; compare features derived from it';
  return undefined;
}

function checkLength(column: Column, rows: number, field: string): void {
  const length = column.storage === 'categorical' ? column.codes.length : column.values.length;
  if (length !== rows) {
    throw new UsageError('monitor.length-mismatch', `${field} has ${length} values for ${rows} rows`, {
      location: { field },
    });
  }
}

/** Profiles one comparable column (numeric or categorical storage). */
export function profileFeature(column: Column, sampleSize: number, bins: number, rng: Rng): FeatureReference {
  if (column.storage === 'categorical') {
    const counts = new Float64Array(column.levels.length);
    let missing = 0;
    for (const code of column.codes) {
      if (code < 0) missing++;
      else counts[code]!++;
    }
    const seen = column.levels.flatMap((level, code) =>
      counts[code]! > 0 ? [{ level, count: counts[code]! }] : [],
    );
    return categorical(column, seen, missing, false);
  }
  if (column.storage === 'string') throw new Error(`cannot profile text column "${column.name}"`);
  const sorted = sortedPresent(column.values);
  const missing = column.values.length - sorted.length;
  // An all-missing column lands here too (no distinct values), so no NaN statistics reach the JSON.
  if (column.kind === 'boolean' || countDistinctSorted(sorted) <= FEW_VALUES) {
    return categorical(column, valueRuns(sorted), missing, true);
  }
  return numeric(column, sorted, sampleSize, bins, rng);
}

function base(column: Column, rows: number, missing: number) {
  return {
    name: column.name,
    columnKind: column.kind,
    rows,
    missing,
    missingRate: rows === 0 ? 0 : missing / rows,
    count: rows - missing,
  };
}

function categorical(
  column: Column,
  seen: readonly { level: string; count: number }[],
  missing: number,
  fromNumbers: boolean,
): CategoricalReference {
  const rows = seen.reduce((sum, s) => sum + s.count, missing);
  return {
    ...base(column, rows, missing),
    kind: 'categorical',
    levels: seen.map((s) => s.level),
    counts: seen.map((s) => s.count),
    fromNumbers,
  };
}

/** Each distinct value of ascending numbers as a level `String(value)`, with its count. */
function valueRuns(sorted: Float64Array): { level: string; count: number }[] {
  const runs: { level: string; count: number }[] = [];
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[start]) continue;
    runs.push({ level: String(sorted[start]), count: i - start });
    start = i;
  }
  return runs;
}

function numeric(
  column: NumberColumn,
  sorted: Float64Array,
  sampleSize: number,
  bins: number,
  rng: Rng,
): NumericReference {
  const n = sorted.length;
  const edges = quantileBinEdges(sorted, bins);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return {
    ...base(column, column.values.length, column.values.length - n),
    kind: 'numeric',
    min: sorted[0]!,
    max: sorted[n - 1]!,
    mean: sum / n,
    std: populationStd(sorted),
    edges,
    counts: Array.from(binCounts(sorted, edges)),
    sample: sampleSorted(sorted, sampleSize, rng),
  };
}

/**
 * k of the ascending values, still ascending: one drawn at random from each
 * of k equal slices of the ranks (a stratified sample). Its empirical CDF
 * stays within 1/k of the full reference's, so the Wasserstein distance to a
 * window is nearly the distance to the whole reference: a simple random
 * sample of 1,000 carries sampling noise of its own, about as large as a
 * 1,000-row window's, and on diamonds pushed the normalised distance of
 * same-distribution windows up to 0.14, past the 0.1 threshold. For KS on a
 * reference larger than k the stratified sample makes the test slightly
 * conservative (it deviates from the reference less than a random sample
 * would); a reference of at most k values is kept whole.
 */
function sampleSorted(sorted: Float64Array, k: number, rng: Rng): number[] {
  const n = sorted.length;
  if (n <= k) return Array.from(sorted);
  const sample = new Array<number>(k);
  for (let i = 0; i < k; i++) {
    const start = Math.floor((i * n) / k);
    const end = Math.floor(((i + 1) * n) / k);
    sample[i] = sorted[start + rng.int(end - start)]!;
  }
  return sample;
}

/** The outputs as columns named as a profile stores them: `prediction`, `probability:<class>`. */
export function outputColumns(rows: number, outputs: OutputValues): Column[] {
  const { predictions, probabilities, classes } = outputs;
  const columns: Column[] = [];
  if (predictions !== undefined) {
    if (predictions.length !== rows) {
      throw new UsageError('monitor.length-mismatch', `${predictions.length} predictions for ${rows} rows`, {
        location: { field: 'predictions' },
      });
    }
    columns.push(predictionColumn(predictions, classes));
  }
  if (probabilities !== undefined) columns.push(...probabilityColumns(rows, probabilities, classes));
  return columns;
}

function predictionColumn(predictions: Float64Array, classes: readonly string[] | undefined): Column {
  if (classes === undefined)
    return { storage: 'number', name: PREDICTION, kind: 'numeric', values: predictions };
  const codes = new Int32Array(predictions.length);
  for (let i = 0; i < codes.length; i++) {
    const p = predictions[i]!;
    codes[i] = Number.isInteger(p) && p >= 0 && p < classes.length ? p : -1;
  }
  return { storage: 'categorical', name: PREDICTION, kind: 'categorical', codes, levels: [...classes] };
}

/** One column per class; a binary classifier's only the positive (second) class, the other being its complement. */
function probabilityColumns(
  rows: number,
  probabilities: Float64Array,
  classes: readonly string[] | undefined,
): Column[] {
  const k = classes?.length ?? 0;
  if (classes === undefined || k < 2 || probabilities.length !== rows * k) {
    throw new UsageError(
      'monitor.probabilities-shape',
      `probabilities hold ${probabilities.length} values; expected rows × classes = ${rows} × ${k}`,
      {
        location: { field: 'probabilities' },
        hint: 'pass the classes, and predictProba output as it is (row-major)',
      },
    );
  }
  const wanted = k === 2 ? [1] : classes.map((_, c) => c);
  return wanted.map((c) => {
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) values[i] = probabilities[i * k + c]!;
    return { storage: 'number', name: probabilityName(classes[c]!), kind: 'numeric', values };
  });
}
