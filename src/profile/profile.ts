import type { Column, NumberColumn } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import { SchemaError } from '../errors.js';
import { Rng } from '../random.js';
import { correlationsOf, targetMutualInformation } from './associations.js';
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

function sampleOf(frame: Frame): Frame {
  if (frame.rowCount <= SAMPLE_ROWS) return frame;
  const rows = new Rng(SAMPLE_SEED).permutation(frame.rowCount).subarray(0, SAMPLE_ROWS).sort();
  return frame.take(rows);
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

/** Statistics, associations and data-quality findings for a whole table. */
export function profileFrame(frame: Frame, options: ProfileOptions = {}): Profile {
  const started = performance.now();
  checkColumns(frame, options);
  const { target, timeColumn } = options;
  const total = frame.columnCount + 3;
  let done = 0;
  const step = (): void => options.onProgress?.(++done, total);

  const sample = sampleOf(frame);
  // Each number column is sorted once (with its rows, when the sample is the
  // whole table); the sample's sorted values serve ranks and bins.
  const sampleSorted = new Map<string, SortedValues>();
  const columnProfiles = frame.columns.map((column) => {
    let sorted: Float64Array | undefined;
    if (column.storage === 'number') {
      const sampleColumn = sample.column(column.name) as NumberColumn;
      const withRows = sortWithRows(sampleColumn.values);
      sampleSorted.set(column.name, withRows);
      sorted = sample === frame ? withRows.sorted : sortedPresent(column.values);
    }
    const profile = profileColumn(column, sorted);
    step();
    return profile;
  });
  const sortedSample = (name: string): SortedValues | undefined => sampleSorted.get(name);

  const correlations = correlationsOf(frame, sample, sortedSample);
  step();
  const targetIndex = target === undefined ? -1 : frame.names.indexOf(target);
  const task =
    target === undefined ? undefined : inferTask(frame.column(target), columnProfiles[targetIndex]!);
  const targetAssociation =
    target === undefined ? [] : targetMutualInformation(sample, target, task === 'regression', sortedSample);
  step();
  const duplicateRows = countDuplicateRows(frame);
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
}
