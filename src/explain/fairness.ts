import { UsageError } from '../core/errors.js';
import { checkNumber } from '../core/params.js';
import { type Column, numberLabel } from '../data/column.js';
import type { SupervisedTask } from '../estimator/contract.js';

/**
 * A fairness audit: how a model's predictions and errors differ between the
 * groups of a sensitive column (sex, age band, ethnicity). The summary
 * numbers are fairlearn's (Bird et al. 2020): demographic parity difference
 * (max − min selection rate), equalised odds difference (the larger of the
 * max − min true positive rate and false positive rate gaps; Hardt, Price &
 * Srebro 2016) and the disparate impact ratio (min / max selection rate),
 * which the four-fifths rule of US employment guidance (29 CFR 1607.4 D)
 * reads as adverse impact when below 0.8.
 *
 * Groups with fewer rows than `minGroupSize` are listed but left out of the
 * comparisons: a rate from a dozen rows moves by several points with one row,
 * so a gap involving it says more about chance than about the model.
 *
 * More than two classes: each class (or the one given as `positiveClass`) is
 * audited one-vs-rest — "selected" means predicted as that class — and the
 * warnings name the class. There is no single agreed multiclass definition;
 * one-vs-rest per class keeps every number a rate a reader already knows.
 */
export interface FairnessInput {
  /** Each row's group: a column, or plain values; missing values form the group "(missing)". */
  readonly sensitive: Column | readonly (string | number | boolean | null | undefined)[];
  /** The sensitive column's name, for the report (default: the column's own name, else "group"). */
  readonly column?: string;
  /** Class indices (classification) or values (regression). */
  readonly yTrue: ArrayLike<number>;
  readonly yPred: ArrayLike<number>;
  /** Optional probabilities: row-major rows × classes (as `predictProba`), or one per row for the positive class. */
  readonly proba?: ArrayLike<number>;
  readonly task: SupervisedTask;
  /** Class labels by index, for the report and the warnings. */
  readonly classes?: readonly string[];
  /** The favourable class's index: default 1 for two classes; for more, every class is audited. */
  readonly positiveClass?: number;
  /** Warn when a parity or equalised-odds difference exceeds this (default 0.1). */
  readonly threshold?: number;
  /** Smaller groups are reported but not compared (default 30). */
  readonly minGroupSize?: number;
}

export const MISSING_GROUP = '(missing)';

interface GroupBase {
  readonly group: string;
  readonly count: number;
  /** Share of all rows. */
  readonly share: number;
  /** Fewer rows than `minGroupSize`: shown, left out of the comparisons. */
  readonly tooSmall: boolean;
}

/** One class's rates within a group; NaN where a rate is undefined (e.g. TPR of a group without positives). */
export interface ClassRates {
  readonly class: string;
  /** Share of the group predicted as the class. */
  readonly selectionRate: number;
  /** Share of the group that truly is the class. */
  readonly baseRate: number;
  readonly truePositiveRate: number;
  readonly falsePositiveRate: number;
  readonly precision: number;
  /** Mean predicted probability of the class, when probabilities were given. */
  readonly meanProbability?: number;
}

export interface ClassificationGroup extends GroupBase {
  readonly accuracy: number;
  /** One per audited class, in the order of `ClassificationAudit.disparities`. */
  readonly rates: readonly ClassRates[];
}

export interface RegressionGroup extends GroupBase {
  readonly mae: number;
  readonly rmse: number;
  readonly meanPrediction: number;
  readonly meanTarget: number;
}

/** Gaps between the compared groups for one class; NaN when fewer than two groups are compared. */
export interface Disparity {
  readonly class: string;
  readonly demographicParityDifference: number;
  readonly equalisedOddsDifference: number;
  readonly disparateImpactRatio: number;
}

interface AuditBase {
  /** The sensitive column audited. */
  readonly column: string;
  readonly threshold: number;
  readonly minGroupSize: number;
  /** Groups large enough to compare. */
  readonly comparedGroups: number;
  /** Plain-language findings; empty when nothing crosses a line. */
  readonly warnings: readonly string[];
}

export interface ClassificationAudit extends AuditBase {
  readonly task: 'binary' | 'multiclass';
  readonly groups: readonly ClassificationGroup[];
  readonly disparities: readonly Disparity[];
}

export interface RegressionAudit extends AuditBase {
  readonly task: 'regression';
  readonly groups: readonly RegressionGroup[];
  /** Max − min MAE over the compared groups. */
  readonly maeDifference: number;
  /** Max − min mean prediction over the compared groups. */
  readonly meanPredictionDifference: number;
}

export type FairnessAudit = ClassificationAudit | RegressionAudit;

export function fairnessAudit(input: FairnessInput): FairnessAudit {
  const threshold = input.threshold ?? 0.1;
  const minGroupSize = input.minGroupSize ?? 30;
  checkNumber('fairness audit', 'threshold', threshold, 0);
  checkNumber('fairness audit', 'minGroupSize', minGroupSize, 1, Number.POSITIVE_INFINITY, true);
  const groups = groupsOf(input.sensitive);
  const n = groups.codes.length;
  checkLength('yTrue', input.yTrue.length, n);
  checkLength('yPred', input.yPred.length, n);
  const { base, rows } = groupRows(groups, minGroupSize);
  const column =
    input.column ?? (Array.isArray(input.sensitive) ? 'group' : (input.sensitive as Column).name);
  const comparedGroups = base.filter((b) => !b.tooSmall).length;
  const settings = { column, threshold, minGroupSize, comparedGroups };
  if (input.task === 'regression') return regressionAudit(input, base, rows, settings);
  return classificationAudit(input, base, rows, settings);
}

/** Each group's rows, and its size, share and whether it is too small to compare. */
function groupRows(
  groups: { labels: readonly string[]; codes: Int32Array },
  minGroupSize: number,
): { base: GroupBase[]; rows: number[][] } {
  const rows = groups.labels.map(() => [] as number[]);
  groups.codes.forEach((code, i) => {
    rows[code]!.push(i);
  });
  const base = groups.labels.map((group, g) => ({
    group,
    count: rows[g]!.length,
    share: rows[g]!.length / groups.codes.length,
    tooSmall: rows[g]!.length < minGroupSize,
  }));
  return { base, rows };
}

type Settings = Pick<AuditBase, 'column' | 'threshold' | 'minGroupSize' | 'comparedGroups'>;

function regressionAudit(
  input: FairnessInput,
  base: readonly GroupBase[],
  rows: readonly number[][],
  settings: Settings,
): RegressionAudit {
  const groups = base.map((b, g) => {
    let absolute = 0;
    let squared = 0;
    let predicted = 0;
    let actual = 0;
    for (const i of rows[g]!) {
      const error = input.yPred[i]! - input.yTrue[i]!;
      absolute += Math.abs(error);
      squared += error * error;
      predicted += input.yPred[i]!;
      actual += input.yTrue[i]!;
    }
    const count = rows[g]!.length;
    return {
      ...b,
      mae: absolute / count,
      rmse: Math.sqrt(squared / count),
      meanPrediction: predicted / count,
      meanTarget: actual / count,
    };
  });
  const compared = groups.filter((g) => !g.tooSmall);
  return {
    task: 'regression',
    ...settings,
    groups,
    maeDifference: spread(compared.map((g) => g.mae)).difference,
    meanPredictionDifference: spread(compared.map((g) => g.meanPrediction)).difference,
    warnings: sizeWarnings(base, settings),
  };
}

function classificationAudit(
  input: FairnessInput,
  base: readonly GroupBase[],
  rows: readonly number[][],
  settings: Settings,
): ClassificationAudit {
  const task = input.task as 'binary' | 'multiclass';
  const classCount = countClasses(input);
  const labels = Array.from({ length: classCount }, (_, c) => input.classes?.[c] ?? String(c));
  const audited = auditedClasses(input, task, classCount);
  const probabilityOf = probabilityReader(input, audited, classCount);
  const groups = base.map((b, g) => {
    const members = rows[g]!;
    const correct = members.filter((i) => input.yTrue[i] === input.yPred[i]).length;
    const rates = audited.map((c, k) => classRates(input, members, c, labels[c]!, probabilityOf?.(k)));
    return { ...b, accuracy: correct / members.length, rates };
  });
  const compared = groups.filter((g) => !g.tooSmall);
  const disparities = audited.map((c, k) =>
    disparity(
      labels[c]!,
      compared.map((g) => g.rates[k]!),
    ),
  );
  const names = compared.map((g) => g.group);
  const warnings = [
    ...sizeWarnings(base, settings),
    ...audited.flatMap((_, k) =>
      disparityWarnings(
        compared.map((g) => g.rates[k]!),
        names,
        settings.threshold,
        task,
      ),
    ),
  ];
  return { task, ...settings, groups, disparities, warnings };
}

function classRates(
  input: FairnessInput,
  members: readonly number[],
  positive: number,
  label: string,
  probability: ((row: number) => number) | undefined,
): ClassRates {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let probabilitySum = 0;
  for (const i of members) {
    const actual = input.yTrue[i] === positive;
    const predicted = input.yPred[i] === positive;
    if (actual && predicted) tp++;
    else if (predicted) fp++;
    else if (actual) fn++;
    else tn++;
    if (probability !== undefined) probabilitySum += probability(i);
  }
  const count = members.length;
  return {
    class: label,
    selectionRate: (tp + fp) / count,
    baseRate: (tp + fn) / count,
    truePositiveRate: tp / (tp + fn),
    falsePositiveRate: fp / (fp + tn),
    precision: tp / (tp + fp),
    ...(probability === undefined ? {} : { meanProbability: probabilitySum / count }),
  };
}

/** Undefined rates (NaN: a group without positives has no TPR) are left out of the gaps. */
function disparity(label: string, rates: readonly ClassRates[]): Disparity {
  const selection = spread(rates.map((r) => r.selectionRate));
  const tpr = spread(rates.map((r) => r.truePositiveRate)).difference;
  const fpr = spread(rates.map((r) => r.falsePositiveRate)).difference;
  return {
    class: label,
    demographicParityDifference: selection.difference,
    equalisedOddsDifference: Number.isNaN(tpr) ? fpr : Number.isNaN(fpr) ? tpr : Math.max(tpr, fpr),
    disparateImpactRatio: selection.max > 0 ? selection.min / selection.max : Number.NaN,
  };
}

interface Spread {
  readonly min: number;
  readonly max: number;
  readonly argMin: number;
  readonly argMax: number;
  /** max − min over the defined values; NaN when fewer than two are defined. */
  readonly difference: number;
}

function spread(values: readonly number[]): Spread {
  let argMin = -1;
  let argMax = -1;
  values.forEach((v, i) => {
    if (Number.isNaN(v)) return;
    if (argMin < 0 || v < values[argMin]!) argMin = i;
    if (argMax < 0 || v > values[argMax]!) argMax = i;
  });
  const defined = values.filter((v) => !Number.isNaN(v)).length;
  const min = argMin < 0 ? Number.NaN : values[argMin]!;
  const max = argMax < 0 ? Number.NaN : values[argMax]!;
  return { min, max, argMin, argMax, difference: defined < 2 ? Number.NaN : max - min };
}

/** Each row's group code; labels in level order (categories) or sorted, "(missing)" last. */
function groupsOf(sensitive: FairnessInput['sensitive']): { labels: string[]; codes: Int32Array } {
  const column = Array.isArray(sensitive) ? undefined : (sensitive as Column);
  const values = column === undefined ? (sensitive as readonly unknown[]) : columnValues(column);
  const present = new Set(values.filter((v) => !isMissingValue(v)));
  const ordered =
    column?.storage === 'categorical'
      ? column.levels.filter((level) => present.has(level))
      : [...present].sort(compareValues);
  const index = new Map<unknown, number>(ordered.map((v, g) => [v, g]));
  // A yes/no column's groups are named by its words, not 0/1.
  const named = column?.storage === 'number' ? numberLabel(column) : String;
  const labels = ordered.map((v) => (typeof v === 'number' ? named(v) : String(v)));
  if (values.some(isMissingValue)) labels.push(MISSING_GROUP);
  const codes = Int32Array.from(values, (v) => (isMissingValue(v) ? labels.length - 1 : index.get(v)!));
  return { labels, codes };
}

function columnValues(column: Column): readonly unknown[] {
  if (column.storage === 'categorical') {
    return Array.from(column.codes, (code) => (code < 0 ? null : column.levels[code]!));
  }
  return column.storage === 'number' ? Array.from(column.values) : column.values;
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function isMissingValue(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

function checkLength(name: string, length: number, expected: number): void {
  if (length !== expected) {
    throw new UsageError(
      'usage.length-mismatch',
      `${name} has ${length} values, the sensitive column ${expected}`,
      {
        location: { field: name },
        hint: 'pass one value per row, for the same rows',
      },
    );
  }
}

/** The number of classes: the labels given, or enough for every index seen. */
function countClasses(input: FairnessInput): number {
  let largest = -1;
  for (const y of [input.yTrue, input.yPred]) {
    for (let i = 0; i < y.length; i++) {
      const c = y[i]!;
      if (!(Number.isInteger(c) && c >= 0)) {
        throw new UsageError('usage.bad-labels', `classification labels must be class indices, found ${c}`, {
          location: { field: y === input.yTrue ? 'yTrue' : 'yPred' },
          hint: 'pass indices into the model’s classes (0, 1, …), as predict returns',
        });
      }
      largest = Math.max(largest, c);
    }
  }
  return Math.max(input.classes?.length ?? 0, largest + 1, 2);
}

function auditedClasses(input: FairnessInput, task: 'binary' | 'multiclass', classCount: number): number[] {
  if (input.positiveClass !== undefined) {
    checkNumber('fairness audit', 'positiveClass', input.positiveClass, 0, classCount - 1, true);
    return [input.positiveClass];
  }
  return task === 'binary' ? [1] : Array.from({ length: classCount }, (_, c) => c);
}

/** For audited class k, a row's probability of that class; undefined without probabilities. */
function probabilityReader(
  input: FairnessInput,
  audited: readonly number[],
  classCount: number,
): ((k: number) => (row: number) => number) | undefined {
  const proba = input.proba;
  if (proba === undefined) return undefined;
  const n = input.yTrue.length;
  if (proba.length === n * classCount) return (k) => (i) => proba[i * classCount + audited[k]!]!;
  if (proba.length === n && audited.length === 1) return () => (i) => proba[i]!;
  throw new UsageError('usage.length-mismatch', `proba has ${proba.length} values for ${n} rows`, {
    location: { field: 'proba' },
    hint: `pass rows × classes probabilities (${n * classCount}), or one per row for the positive class`,
  });
}

function sizeWarnings(groups: readonly GroupBase[], settings: Settings): string[] {
  const small = groups.filter((g) => g.tooSmall);
  const warnings: string[] = [];
  if (small.length > 0) {
    const listed = small.map((g) => `"${g.group}" (${g.count} row${g.count === 1 ? '' : 's'})`).join(', ');
    const one = small.length === 1;
    warnings.push(
      `${one ? 'Group' : 'Groups'} ${listed} ${one ? 'has' : 'have'} fewer than ${settings.minGroupSize} rows: ` +
        `too few to judge, so ${one ? 'it is' : 'they are'} left out of the comparisons.`,
    );
  }
  if (settings.comparedGroups < 2) {
    warnings.push(
      `Fewer than two groups have ${settings.minGroupSize} rows or more, so no gap between groups is measured.`,
    );
  }
  return warnings;
}

const percent = (rate: number) => `${(100 * rate).toFixed(1)}%`;

/** The findings for one audited class over the compared groups. */
function disparityWarnings(
  rates: readonly ClassRates[],
  groups: readonly string[],
  threshold: number,
  task: 'binary' | 'multiclass',
): string[] {
  if (rates.length < 2) return [];
  const label = `"${rates[0]!.class}"`;
  const forClass = task === 'multiclass' ? ` (class ${label}, one-vs-rest)` : '';
  const warnings: string[] = [];
  const selection = spread(rates.map((r) => r.selectionRate));
  const lo = `"${groups[selection.argMin]}" (${percent(selection.min)})`;
  const hi = `"${groups[selection.argMax]}" (${percent(selection.max)})`;
  const ratio = selection.min / selection.max;
  if (selection.max > 0 && ratio < 0.8) {
    warnings.push(
      `Four-fifths rule broken${forClass}: ${lo} is predicted ${label} at ${ratio.toFixed(2)} times the rate of ${hi}; ` +
        'a ratio below 0.8 is the usual sign of adverse impact.',
    );
  }
  if (selection.difference > threshold) {
    warnings.push(
      `Demographic parity${forClass}: the share predicted ${label} differs by ${selection.difference.toFixed(3)} ` +
        `between ${hi} and ${lo}, above the threshold of ${threshold}.`,
    );
  }
  warnings.push(...oddsWarnings(rates, groups, threshold, label, forClass));
  return warnings;
}

function oddsWarnings(
  rates: readonly ClassRates[],
  groups: readonly string[],
  threshold: number,
  label: string,
  forClass: string,
): string[] {
  const tpr = spread(rates.map((r) => r.truePositiveRate));
  const fpr = spread(rates.map((r) => r.falsePositiveRate));
  const worst = Number.isNaN(fpr.difference) || tpr.difference >= fpr.difference ? tpr : fpr;
  if (!(worst.difference > threshold)) return [];
  const among = worst === tpr ? `rows that truly are ${label}` : `rows that are not ${label}`;
  const outcome = worst === tpr ? `found` : `wrongly predicted ${label}`;
  return [
    `Equalised odds${forClass}: among ${among}, "${groups[worst.argMax]}" is ${outcome} ${percent(worst.max)} of the time ` +
      `against ${percent(worst.min)} for "${groups[worst.argMin]}" (a gap of ${worst.difference.toFixed(3)}, ` +
      `above the threshold of ${threshold}): the model's errors fall unevenly between groups.`,
  ];
}
