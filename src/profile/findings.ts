import type { Column } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import {
  type Codes,
  contingency,
  discretize,
  MI_BINS,
  type SortedLookup,
  withMissingLevel,
} from './associations.js';
import { duplicateColumnGroups } from './duplicates.js';
import { sortedPresent } from './stats.js';
import type { ColumnProfile, Correlations, Finding, Severity } from './types.js';

export type Task = 'binary' | 'multiclass' | 'regression';

/** A column whose raw values had more than one type, as the reader saw them. */
export interface MixedTypeNote {
  readonly column: string;
  readonly message: string;
}

export interface FindingInputs {
  readonly frame: Frame;
  /** The rows the costlier checks (leakage, time shift) look at; `frame` itself when small. */
  readonly sample: Frame;
  readonly profiles: readonly ColumnProfile[];
  readonly correlations: Correlations;
  readonly duplicateRows: number;
  readonly target?: string | undefined;
  readonly task?: Task | undefined;
  readonly timeColumn?: string | undefined;
  readonly mixedTypes?: readonly MixedTypeNote[] | undefined;
  /** Sorted values of the sample's number columns, so they are not sorted again. */
  readonly sortedSample?: SortedLookup;
}

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2, info: 3 };

/** Heuristic checks (ID-like, high cardinality) need enough rows to mean anything. */
const MIN_ROWS_FOR_HEURISTICS = 20;
/** A feature this accurate on its own (or this correlated, for regression) is a leakage suspect. */
export const LEAKAGE_THRESHOLD = 0.98;
/** PSI rule of thumb (Siddiqi, 2006): < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 major shift. */
export const PSI_MODERATE = 0.1;
export const PSI_MAJOR = 0.25;
/** Share of rows in each time window compared for shift. */
const TIME_WINDOW = 0.3;

function percent(share: number): string {
  if (share > 0 && share < 0.001) return '<0.1%';
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}

function finding(
  kind: Finding['kind'],
  severity: Severity,
  columns: readonly string[],
  value: number,
  message: string,
): Finding {
  return { kind, severity, columns, value, message };
}

export function missingFindings(profiles: readonly ColumnProfile[], target?: string): Finding[] {
  return profiles
    .filter((p) => p.name !== target && p.missingRate >= 0.05)
    .map((p) => {
      const severity: Severity = p.missingRate >= 0.5 ? 'high' : p.missingRate >= 0.2 ? 'medium' : 'low';
      return finding(
        'high-missing',
        severity,
        [p.name],
        p.missingRate,
        `"${p.name}" is missing in ${percent(p.missingRate)} of rows, so it must be imputed or dropped, and if the gaps are not random the imputed values can bias a model.`,
      );
    });
}

export function targetMissingFindings(profiles: readonly ColumnProfile[], target?: string): Finding[] {
  const p = profiles.find((q) => q.name === target);
  if (p === undefined || p.missing === 0) return [];
  return [
    finding(
      'target-missing',
      'high',
      [p.name],
      p.missing,
      `The target "${p.name}" is missing in ${p.missing} rows (${percent(p.missingRate)}); those rows cannot be used for training and must be dropped, not imputed.`,
    ),
  ];
}

/** Count of the most frequent present value (top values list only repeated values). */
function modeCount(p: ColumnProfile): number {
  return p.topValues[0]?.count ?? Math.min(1, p.count);
}

export function constantFindings(profiles: readonly ColumnProfile[]): Finding[] {
  const out: Finding[] = [];
  for (const p of profiles) {
    if (p.distinct <= 1) {
      out.push(
        finding(
          'constant',
          'medium',
          [p.name],
          p.distinct,
          p.count === 0
            ? `"${p.name}" has no values at all, so it carries no information and should be dropped.`
            : `"${p.name}" has the same value in every row, so it carries no information and should be dropped.`,
        ),
      );
      continue;
    }
    const share = modeCount(p) / p.count;
    if (share >= 0.99) {
      out.push(
        finding(
          'quasi-constant',
          'low',
          [p.name],
          share,
          `"${p.name}" has the value "${p.topValues[0]!.value}" in ${percent(share)} of rows, so it carries little information and its rare values can make a model overfit.`,
        ),
      );
    }
  }
  return out;
}

/** Columns that look like keys: declared IDs, or all-distinct whole numbers, labels or text. */
export function idLikeColumns(
  profiles: readonly ColumnProfile[],
  rows: number,
  exclude: readonly (string | undefined)[],
): ColumnProfile[] {
  return profiles.filter((p) => {
    if (exclude.includes(p.name)) return false;
    if (p.kind === 'id') return true;
    const keyKind = p.kind === 'integer' || p.kind === 'categorical' || p.kind === 'text';
    return keyKind && rows >= MIN_ROWS_FOR_HEURISTICS && p.distinct === p.count && p.count >= 0.9 * rows;
  });
}

export function idFindings(idLike: readonly ColumnProfile[]): Finding[] {
  return idLike.map((p) =>
    finding(
      'id-like',
      'medium',
      [p.name],
      p.distinct,
      `"${p.name}" has a different value in every row (${p.distinct} distinct), like a key; a model can memorise it but learns nothing that carries over to new rows, so leave it out of the features.`,
    ),
  );
}

export function highCardinalityFindings(
  profiles: readonly ColumnProfile[],
  idLike: ReadonlySet<string>,
): Finding[] {
  return profiles
    .filter((p) => p.kind === 'categorical' || p.kind === 'text')
    .filter((p) => !idLike.has(p.name))
    .filter((p) => p.distinct > 50 || (p.count >= MIN_ROWS_FOR_HEURISTICS && p.distinct > 0.5 * p.count))
    .map((p) =>
      finding(
        'high-cardinality',
        'medium',
        [p.name],
        p.distinct,
        `"${p.name}" has ${p.distinct} distinct values, too many for one-hot encoding, so group rare values or use target or hashing encoding instead.`,
      ),
    );
}

export function mixedTypeFindings(notes: readonly MixedTypeNote[]): Finding[] {
  return notes.map((note) =>
    finding(
      'mixed-types',
      'medium',
      [note.column],
      1,
      `"${note.column}" mixes value types (${note.message}), so some values were not read as intended; check and clean them before training.`,
    ),
  );
}

/**
 * Outliers worth a note: at least 5% of values outside Tukey's fences or 1%
 * beyond 3 standard deviations. A normal distribution gives 0.7% and 0.27%;
 * the fences are set wider because the quartiles of a small sample wobble.
 */
export function outlierFindings(profiles: readonly ColumnProfile[]): Finding[] {
  return profiles
    .filter((p) => (p.kind === 'numeric' || p.kind === 'integer') && p.numeric !== undefined && p.count > 0)
    .filter((p) => p.numeric!.outliersIqr / p.count >= 0.05 || p.numeric!.outliersZ / p.count >= 0.01)
    .map((p) => {
      const { outliersIqr, outliersZ } = p.numeric!;
      return finding(
        'outliers',
        'low',
        [p.name],
        outliersIqr,
        `"${p.name}" has ${outliersIqr} values outside 1.5 IQR of the quartiles and ${outliersZ} more than 3 standard deviations from the mean, which can pull a linear model or a scaler; check whether they are errors or real extremes.`,
      );
    });
}

export function duplicateRowFindings(duplicateRows: number, rows: number): Finding[] {
  if (duplicateRows === 0) return [];
  const share = duplicateRows / rows;
  return [
    finding(
      'duplicate-rows',
      share >= 0.05 ? 'medium' : 'low',
      [],
      duplicateRows,
      `${duplicateRows} rows (${percent(share)}) repeat an earlier row exactly, which over-weights them in training and can leak between training and test splits.`,
    ),
  ];
}

export function duplicateColumnFindings(groups: readonly (readonly string[])[]): Finding[] {
  return groups.map((names) =>
    finding(
      'duplicate-columns',
      'low',
      names,
      names.length - 1,
      `Columns ${names.map((n) => `"${n}"`).join(', ')} hold identical values in every row, so keep only one of them.`,
    ),
  );
}

/** Class counts of a classification target (missing left out). */
export function classCounts(target: Column): number[] {
  const codes = discretize(target, Number.POSITIVE_INFINITY);
  const counts = new Array<number>(codes.levels).fill(0);
  for (const code of codes.codes) if (code >= 0) counts[code]!++;
  return counts.filter((c) => c > 0);
}

/**
 * Imbalance relative to a balanced split: the minority share is compared with
 * 0.4/k (medium) and 0.1/k (high) for k classes, which for two classes is the
 * usual 20% and 5%.
 */
export function classImbalanceFindings(target: Column, task: Task | undefined): Finding[] {
  if (task !== 'binary' && task !== 'multiclass') return [];
  const counts = classCounts(target);
  const total = counts.reduce((a, b) => a + b, 0);
  if (counts.length < 2) return [];
  const minority = Math.min(...counts) / total;
  const k = counts.length;
  const severity: Severity | undefined =
    minority < 0.1 / k ? 'high' : minority < 0.4 / k ? 'medium' : undefined;
  if (severity === undefined) return [];
  return [
    finding(
      'class-imbalance',
      severity,
      [target.name],
      minority,
      `The rarest class of "${target.name}" is only ${percent(minority)} of rows, so accuracy is misleading and a model may ignore that class; use stratified splits, class weights and metrics such as balanced accuracy or PR-AUC.`,
    ),
  ];
}

/**
 * How well one feature alone predicts a class: the accuracy of predicting the
 * majority class within each of the feature's groups (missing is a group).
 */
export function groupAccuracy(feature: Codes, target: Codes): number {
  const { table, n } = contingency(withMissingLevel(feature), target);
  if (n === 0) return Number.NaN;
  let correct = 0;
  const classes = target.levels;
  for (let start = 0; start < table.length; start += classes) {
    let best = 0;
    for (let c = 0; c < classes; c++) best = Math.max(best, table[start + c]!);
    correct += best;
  }
  return correct / n;
}

interface LeakageScore {
  readonly column: string;
  readonly score: number;
  readonly baseline: number;
}

/**
 * Classification leakage score: `groupAccuracy` with numbers cut into
 * min(100, n/10) quantile bins (groups of ≥ 10 rows, so a feature cannot look
 * perfect by having one row per group; a threshold split loses at most one
 * bin). Categories with more levels than that are skipped for the same reason.
 */
export function classificationLeakage(
  sample: Frame,
  target: string,
  exclude: ReadonlySet<string>,
  sortedSample: SortedLookup = () => undefined,
): LeakageScore[] {
  const y = discretize(sample.column(target), Number.POSITIVE_INFINITY);
  const counts = classCounts(sample.column(target));
  const present = counts.reduce((a, b) => a + b, 0);
  const baseline = Math.max(...counts) / present;
  const bins = Math.max(2, Math.min(100, Math.floor(present / 10)));
  const scores: LeakageScore[] = [];
  for (const column of sample.columns) {
    if (column.name === target || exclude.has(column.name)) continue;
    const x = discretize(column, bins, sortedSample(column.name));
    if (x.levels > bins) continue;
    scores.push({ column: column.name, score: groupAccuracy(x, y), baseline });
  }
  return scores;
}

/**
 * Regression leakage score: the strongest of |Pearson|, |Spearman| (catches
 * monotone transforms of the target) and η for categories.
 */
export function regressionLeakage(correlations: Correlations, target: string): LeakageScore[] {
  const t = correlations.numeric.indexOf(target);
  if (t < 0) return [];
  const scores = new Map<string, number>();
  const keep = (name: string, value: number): void => {
    if (name !== target && !Number.isNaN(value))
      scores.set(name, Math.max(scores.get(name) ?? 0, Math.abs(value)));
  };
  correlations.numeric.forEach((name, j) => {
    keep(name, correlations.pearson[t]![j]!);
    keep(name, correlations.spearman[t]![j]!);
  });
  correlations.categorical.forEach((name, i) => {
    keep(name, correlations.correlationRatio[i]![t]!);
  });
  return [...scores].map(([column, score]) => ({ column, score, baseline: 0 }));
}

/**
 * A suspect scores ≥ 0.98 and, for classification, also removes at least 90%
 * of the errors of always predicting the majority class (so a 99%-majority
 * target does not make every feature a suspect).
 */
export function leakageFindings(inputs: FindingInputs, idLike: ReadonlySet<string>): Finding[] {
  const { target, task } = inputs;
  if (target === undefined || task === undefined) return [];
  const exclude = new Set([...idLike, ...(inputs.timeColumn === undefined ? [] : [inputs.timeColumn])]);
  const scores =
    task === 'regression'
      ? regressionLeakage(inputs.correlations, target).filter((s) => !exclude.has(s.column))
      : classificationLeakage(inputs.sample, target, exclude, inputs.sortedSample);
  return scores
    .filter((s) => s.score >= LEAKAGE_THRESHOLD && (s.score - s.baseline) / (1 - s.baseline) >= 0.9)
    .map((s) =>
      finding(
        'target-leakage',
        'high',
        [s.column],
        s.score,
        task === 'regression'
          ? `"${s.column}" alone tracks the target "${target}" almost exactly (correlation ${s.score.toFixed(3)}), which usually means it is derived from the target or recorded after it and will not be available when predicting.`
          : `"${s.column}" alone predicts the target "${target}" with ${percent(s.score)} accuracy (always guessing the commonest class gives ${percent(s.baseline)}), which usually means it is derived from the target or recorded after it and will not be available when predicting.`,
      ),
    );
}

/**
 * Population stability index between two code distributions:
 * PSI = Σ (q − p) ln(q / p), shares floored at 1e-4 so an empty bin stays finite.
 */
export function populationStabilityIndex(reference: Float64Array, current: Float64Array): number {
  const totalRef = reference.reduce((a, b) => a + b, 0);
  const totalCur = current.reduce((a, b) => a + b, 0);
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const p = Math.max(1e-4, reference[i]! / totalRef);
    const q = Math.max(1e-4, current[i]! / totalCur);
    psi += (q - p) * Math.log(q / p);
  }
  return psi;
}

/** Row masks of the earliest and latest 30% of rows by time (missing times in neither). */
function timeWindows(time: Float64Array): { early: Uint8Array; late: Uint8Array } | undefined {
  const sorted = sortedPresent(time);
  const width = Math.ceil(TIME_WINDOW * sorted.length);
  if (width < 10) return undefined;
  const earlyEnd = sorted[width - 1]!;
  const lateStart = sorted[sorted.length - width]!;
  if (!(earlyEnd < lateStart)) return undefined;
  const early = new Uint8Array(time.length);
  const late = new Uint8Array(time.length);
  for (let i = 0; i < time.length; i++) {
    early[i] = time[i]! <= earlyEnd ? 1 : 0;
    late[i] = time[i]! >= lateStart ? 1 : 0;
  }
  return { early, late };
}

/**
 * PSI of each feature between the earliest and latest 30% of rows by time.
 * Numbers are cut into MI_BINS quantile bins of the whole sample; missing is
 * a bin of its own; free text and IDs are skipped (every value is new).
 */
export function timeShiftScores(
  sample: Frame,
  timeColumn: string,
  sortedSample: SortedLookup = () => undefined,
): { column: string; psi: number }[] {
  const time = sample.column(timeColumn);
  if (time.storage !== 'number') return [];
  const windows = timeWindows(time.values);
  if (windows === undefined) return [];
  const scores: { column: string; psi: number }[] = [];
  for (const column of sample.columns) {
    if (column.name === timeColumn || column.storage === 'string' || column.kind === 'id') continue;
    const codes = withMissingLevel(discretize(column, MI_BINS, sortedSample(column.name)));
    const early = new Float64Array(codes.levels);
    const late = new Float64Array(codes.levels);
    codes.codes.forEach((code, i) => {
      if (windows.early[i]) early[code]!++;
      if (windows.late[i]) late[code]!++;
    });
    scores.push({ column: column.name, psi: populationStabilityIndex(early, late) });
  }
  return scores;
}

export function timeShiftFindings(
  sample: Frame,
  timeColumn: string | undefined,
  sortedSample?: SortedLookup,
): Finding[] {
  if (timeColumn === undefined) return [];
  return timeShiftScores(sample, timeColumn, sortedSample)
    .filter((s) => s.psi >= PSI_MODERATE)
    .map((s) =>
      finding(
        'time-shift',
        s.psi >= PSI_MAJOR ? 'medium' : 'low',
        [s.column],
        s.psi,
        `The distribution of "${s.column}" differs between the earliest and latest 30% of rows by "${timeColumn}" (PSI ${s.psi.toFixed(2)}), so a model trained on the past may meet different data in the future; validate on a time-ordered split.`,
      ),
    );
}

/** All findings, most severe first (ties keep the order the checks ran in). */
export function collectFindings(inputs: FindingInputs): Finding[] {
  const { frame, profiles, target, timeColumn } = inputs;
  const idLike = idLikeColumns(profiles, frame.rowCount, [target, timeColumn]);
  const idNames = new Set(idLike.map((p) => p.name));
  const targetColumn = target === undefined ? undefined : frame.column(target);
  const findings = [
    ...targetMissingFindings(profiles, target),
    ...leakageFindings(inputs, idNames),
    ...(targetColumn === undefined ? [] : classImbalanceFindings(targetColumn, inputs.task)),
    ...missingFindings(profiles, target),
    ...mixedTypeFindings(inputs.mixedTypes ?? []),
    ...idFindings(idLike),
    ...constantFindings(profiles),
    ...highCardinalityFindings(profiles, idNames),
    ...duplicateRowFindings(inputs.duplicateRows, frame.rowCount),
    ...duplicateColumnFindings(duplicateColumnGroups(frame, profiles)),
    ...timeShiftFindings(inputs.sample, timeColumn, inputs.sortedSample),
    ...outlierFindings(profiles),
  ];
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
