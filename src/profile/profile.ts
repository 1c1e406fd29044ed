import type { Column, NumberColumn } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import { SchemaError } from '../errors.js';
import { Rng } from '../random.js';
import {
  assembleCorrelations,
  correlatedNumeric,
  otherCorrelations,
  pearsonMatrix,
  sampleSpearman,
  targetMutualInformation,
} from './associations.js';
import { countDuplicateRows } from './duplicates.js';
import { collectFindings, type MixedTypeNote, type Task } from './findings.js';
import { profileColumn, type SortedValues, sortedPresent, sortWithRows } from './stats.js';
import type { ColumnProfile, Profile } from './types.js';

export interface ProfileOptions {
  /** The column a model will predict; enables task detection, MI, imbalance and leakage checks. */
  readonly target?: string;
  /** A datetime (or numeric time) column; enables the shift check between early and late rows. */
  readonly timeColumn?: string;
  /** Columns whose raw values had more than one type, as the reader reported them. */
  readonly mixedTypes?: readonly MixedTypeNote[];
  /** Called after each column and each table-wide step. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Worker threads for `profileFrameAsync` (default: one per core on large tables; 1 for none). */
  readonly threads?: number;
}

/**
 * Tables longer than this are sampled (without replacement, seed SAMPLE_SEED)
 * for Spearman, mutual information, leakage and time-shift checks; counts,
 * moments, quantiles, Pearson, η, Cramér's V and duplicates use every row.
 */
export const SAMPLE_ROWS = 200_000;
export const SAMPLE_SEED = 20_240_601;

/** Classification when the target has two values, is categorical or boolean, or is an integer with ≤ 20 values. */
export function inferTask(target: Column, profile: ColumnProfile): Task {
  if (profile.distinct === 2) return 'binary';
  if (target.storage !== 'number' || target.kind === 'boolean') return 'multiclass';
  if (target.kind === 'integer' && profile.distinct <= 20) return 'multiclass';
  return 'regression';
}

function checkColumns(frame: Frame, options: ProfileOptions): void {
  if (options.target !== undefined) frame.column(options.target);
  if (options.timeColumn === undefined) return;
  const time = frame.column(options.timeColumn);
  if (time.storage !== 'number') {
    throw new SchemaError('profile.time-column', `time column "${time.name}" holds ${time.kind}, not times`, {
      location: { source: frame.source, column: time.name },
      hint: 'name a datetime or numeric column, or parse this one as dates when reading',
    });
  }
}

/** What the costly per-column pass gives for a number column: its profile and its sample's ascending order. */
export interface NumberColumnResult {
  readonly profile: ColumnProfile;
  readonly sampleOrder: SortedValues;
}

/**
 * A number column's profile from one sort of its values and its sample's
 * order from one argsort; with no sample (a short table) the one argsort
 * serves both. The same function runs on the main thread and in workers.
 */
export function profileNumberColumn(
  column: NumberColumn,
  sampleRows: Int32Array | undefined,
): NumberColumnResult {
  if (sampleRows === undefined) {
    const sampleOrder = sortWithRows(column.values);
    return { profile: profileColumn(column, sampleOrder.sorted), sampleOrder };
  }
  const sampled = new Float64Array(sampleRows.length);
  for (let i = 0; i < sampleRows.length; i++) sampled[i] = column.values[sampleRows[i]!]!;
  return { profile: profileColumn(column, sortedPresent(column.values)), sampleOrder: sortWithRows(sampled) };
}

/** The first `present` entries of a sample-order slot (which threads fill in shared memory). */
export function orderIn(slot: SortedValues, present: number): SortedValues {
  return { sorted: slot.sorted.subarray(0, present), rows: slot.rows.subarray(0, present) };
}

/** The rows of the sample, ascending, or undefined when the table is short enough to use whole. */
export function sampleRowsOf(rowCount: number): Int32Array | undefined {
  if (rowCount <= SAMPLE_ROWS) return undefined;
  return new Rng(SAMPLE_SEED).permutation(rowCount).subarray(0, SAMPLE_ROWS).sort();
}

/** Checks the options and draws the sample: what comes before the heavy work. */
export function prepareProfile(frame: Frame, options: ProfileOptions): Int32Array | undefined {
  checkColumns(frame, options);
  return sampleRowsOf(frame.rowCount);
}

/** What threads may have computed meanwhile; anything not given is computed on this thread. */
export interface RowPasses {
  /** Pearson's matrix of `correlatedNumeric(frame)`, over every row. */
  readonly pearson?: number[][];
  /** Spearman's matrix of `correlatedNumeric(frame)`, on the sample. */
  readonly spearman?: number[][];
  readonly duplicateRows?: number;
}

/** Completes a profile once the passes over every row (and Spearman's over the sample) are done. */
export type CompleteProfile = (passes?: RowPasses) => Profile;

/**
 * The work after the per-column pass that needs only the sample and the
 * column profiles (Cramér's V, η, task, mutual information); the rest waits
 * for the Pearson and Spearman matrices and the duplicate count, so that
 * threads can compute them meanwhile. `step` reports progress for the three
 * table-wide steps.
 */
export function finishProfile(
  frame: Frame,
  sampleRows: Int32Array | undefined,
  numberColumns: readonly (NumberColumnResult | undefined)[],
  options: ProfileOptions,
  started: number,
  step: () => void,
): CompleteProfile {
  const { target, timeColumn } = options;
  const sample = sampleRows === undefined ? frame : frame.take(sampleRows);
  const sampleSorted = new Map<string, SortedValues>();
  const columnProfiles = frame.columns.map((column, i) => {
    const result = numberColumns[i];
    if (result === undefined) return profileColumn(column);
    sampleSorted.set(column.name, result.sampleOrder);
    return result.profile;
  });
  const sortedSample = (name: string): SortedValues | undefined => sampleSorted.get(name);

  const other = otherCorrelations(frame);
  const targetIndex = target === undefined ? -1 : frame.names.indexOf(target);
  const task =
    target === undefined ? undefined : inferTask(frame.column(target), columnProfiles[targetIndex]!);
  const targetAssociation =
    target === undefined ? [] : targetMutualInformation(sample, target, task === 'regression', sortedSample);
  step();
  return (passes = {}) => {
    const correlations = assembleCorrelations(
      other,
      passes.pearson ?? pearsonMatrix(correlatedNumeric(frame).map((c) => c.values)),
      passes.spearman ?? sampleSpearman(frame, sample, sortedSample),
    );
    step();
    const duplicateRows = passes.duplicateRows ?? countDuplicateRows(frame);
    const findings = collectFindings({
      frame,
      sample,
      profiles: columnProfiles,
      correlations,
      duplicateRows,
      target,
      task,
      timeColumn,
      mixedTypes: options.mixedTypes,
      sortedSample,
    });
    step();
    return {
      source: frame.source,
      rows: frame.rowCount,
      columns: frame.columnCount,
      target,
      timeColumn,
      task,
      columnProfiles,
      correlations,
      targetAssociation,
      duplicateRows,
      findings,
      seconds: (performance.now() - started) / 1000,
    };
  };
}

/** Progress over the columns and the three table-wide steps. */
export function progressCounter(frame: Frame, options: ProfileOptions): () => void {
  const total = frame.columnCount + 3;
  let done = 0;
  return () => options.onProgress?.(++done, total);
}

/**
 * Statistics, associations and data-quality findings for a whole table, on
 * the calling thread. `profileFrameAsync` gives the same profile, spreading
 * the work over worker threads on large tables.
 */
export function profileFrame(frame: Frame, options: ProfileOptions = {}): Profile {
  const started = performance.now();
  const sampleRows = prepareProfile(frame, options);
  const step = progressCounter(frame, options);
  // Each number column is sorted once, and its sample once with rows.
  const numberColumns = frame.columns.map((column) => {
    if (column.storage !== 'number') {
      step();
      return undefined;
    }
    const result = profileNumberColumn(column, sampleRows);
    step();
    return result;
  });
  return finishProfile(frame, sampleRows, numberColumns, options, started, step)();
}
