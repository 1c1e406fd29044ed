import { SchemaError } from '../core/errors.js';
import { Rng } from '../core/random.js';
import type { Column, NumberColumn } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import {
  assembleCorrelations,
  correlatedNumeric,
  type OtherCorrelations,
  otherCorrelations,
  pearsonMatrix,
  type SortedLookup,
  sampleSpearman,
  targetMutualInformation,
} from './associations.js';
import { countDuplicateRows } from './duplicates.js';
import { collectFindings, type MixedTypeNote, type Task } from './findings.js';
import { profileColumn, type SortedValues, sortedPresent, sortWithRows } from './stats.js';
import type { ColumnProfile, Profile, TargetAssociation } from './types.js';

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

/** The rows of the sample, ascending, or undefined when the table is short enough to use whole. */
export function sampleRowsOf(rowCount: number): Int32Array | undefined {
  if (rowCount <= SAMPLE_ROWS) return undefined;
  return new Rng(SAMPLE_SEED).sampleIndices(rowCount, SAMPLE_ROWS);
}

/** Checks the options and draws the sample: what comes before the heavy work. */
export function prepareProfile(frame: Frame, options: ProfileOptions): Int32Array | undefined {
  checkColumns(frame, options);
  return sampleRowsOf(frame.rowCount);
}

/**
 * A number column's profile, from one sort of its present values. A short
 * table is its own sample, and the argsort made for the sample (`sampleOrder`)
 * serves here too.
 */
export function profileNumberColumn(column: NumberColumn, sampleOrder?: SortedValues): ColumnProfile {
  return profileColumn(column, sampleOrder?.sorted ?? sortedPresent(column.values));
}

/**
 * The ascending order, with rows, of every number column of the sample:
 * what ranks, quantile bins and time windows are read from.
 */
export function sampleOrdersOf(sample: Frame): Map<string, SortedValues> {
  const orders = new Map<string, SortedValues>();
  for (const column of sample.columns) {
    if (column.storage === 'number') orders.set(column.name, sortWithRows(column.values));
  }
  return orders;
}

/** What the finishing steps share. */
export interface ProfileContext {
  readonly frame: Frame;
  readonly sample: Frame;
  readonly sortedSample: SortedLookup;
  readonly options: ProfileOptions;
  readonly started: number;
  readonly step: () => void;
}

/** The target's task and mutual information, and the associations among categories (Cramér's V, η). */
export interface TargetSide {
  readonly task: Task | undefined;
  readonly targetAssociation: TargetAssociation[];
  readonly other: OtherCorrelations;
}

/** `TargetSide` from the sample; needs the target's profile only (for the task). Reports one step. */
export function targetSideOf(context: ProfileContext, targetProfile: ColumnProfile | undefined): TargetSide {
  const { frame, sample, sortedSample, options } = context;
  const { target } = options;
  const other = otherCorrelations(frame);
  const task =
    target === undefined || targetProfile === undefined
      ? undefined
      : inferTask(frame.column(target), targetProfile);
  const targetAssociation =
    target === undefined ? [] : targetMutualInformation(sample, target, task === 'regression', sortedSample);
  context.step();
  return { task, targetAssociation, other };
}

/** What threads may have computed meanwhile; anything not given is computed on this thread. */
export interface RowPasses {
  /** Pearson's matrix of `correlatedNumeric(frame)`, over every row. */
  readonly pearson?: number[][];
  /** Spearman's matrix of `correlatedNumeric(frame)`, on the sample. */
  readonly spearman?: number[][];
  readonly duplicateRows?: number;
}

/** The correlations, the duplicate count and the findings, then the whole profile. Reports two steps. */
export function completeProfile(
  context: ProfileContext,
  columnProfiles: readonly ColumnProfile[],
  side: TargetSide,
  passes: RowPasses = {},
): Profile {
  const { frame, sample, sortedSample, options, step } = context;
  const { target, timeColumn } = options;
  const correlations = assembleCorrelations(
    side.other,
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
    task: side.task,
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
    task: side.task,
    columnProfiles,
    correlations,
    targetAssociation: side.targetAssociation,
    duplicateRows,
    findings,
    seconds: (performance.now() - context.started) / 1000,
  };
}

/** Progress over the columns and the three table-wide steps. */
export function progressCounter(frame: Frame, options: ProfileOptions): () => void {
  const total = frame.columnCount + 3;
  let done = 0;
  return () => options.onProgress?.(++done, total);
}

/** The context of a profile whose sample rows are drawn: takes the sample and sorts its number columns. */
export function startProfile(
  frame: Frame,
  options: ProfileOptions,
  sampleRows: Int32Array | undefined,
  started: number,
  step: () => void,
): ProfileContext {
  const sample = sampleRows === undefined ? frame : frame.take(sampleRows);
  const orders = sampleOrdersOf(sample);
  return { frame, sample, sortedSample: (name) => orders.get(name), options, started, step };
}

/**
 * Statistics, associations and data-quality findings for a whole table, on
 * the calling thread. `profileFrameAsync` gives the same profile, spreading
 * the work over worker threads on large tables.
 */
export function profileFrame(frame: Frame, options: ProfileOptions = {}): Profile {
  const started = performance.now();
  const sampleRows = prepareProfile(frame, options);
  const context = startProfile(frame, options, sampleRows, started, progressCounter(frame, options));
  const ownSample = sampleRows === undefined;
  const columnProfiles = frame.columns.map((column) => {
    const profile =
      column.storage === 'number'
        ? profileNumberColumn(column, ownSample ? context.sortedSample(column.name) : undefined)
        : profileColumn(column);
    context.step();
    return profile;
  });
  const target = options.target === undefined ? -1 : frame.names.indexOf(options.target);
  return completeProfile(context, columnProfiles, targetSideOf(context, columnProfiles[target]));
}
