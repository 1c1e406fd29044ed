/**
 * Data-quality checks on a current window, reported beside drift: columns
 * missing, unexpected or of another kind than the reference's; values the
 * reference never had; missing rates that jumped; numbers outside the
 * reference's range.
 */
import type { Frame } from '../data/frame.js';
import { formatNumber, formatPercent } from '../report/format.js';
import type { CurrentValues } from './current-values.js';
import type { DriftSettings } from './drift.js';
import type {
  CategoricalReference,
  FeatureReference,
  NumericReference,
  ReferenceProfile,
} from './reference.js';

export type QualityIssue =
  | {
      readonly check: 'schema';
      readonly column: string;
      readonly problem: 'missing' | 'kind' | 'unexpected';
      readonly expected?: string;
      readonly actual?: string;
      readonly message: string;
    }
  | {
      readonly check: 'new-categories';
      readonly column: string;
      /** The most frequent new values, at most 20, commonest first. */
      readonly categories: { readonly value: string; readonly count: number }[];
      /** Current rows holding any new value, and their share of present values. */
      readonly count: number;
      readonly share: number;
      readonly message: string;
    }
  | {
      readonly check: 'missing-rate';
      readonly column: string;
      readonly reference: number;
      readonly current: number;
      readonly message: string;
    }
  | {
      readonly check: 'out-of-range';
      readonly column: string;
      readonly below: number;
      readonly above: number;
      readonly share: number;
      readonly min: number;
      readonly max: number;
      readonly message: string;
    };

/** A feature's checks on its current values: missing-rate jump, out-of-range share, new categories. */
export function qualityIssues(
  ref: FeatureReference,
  values: CurrentValues,
  settings: DriftSettings,
): QualityIssue[] {
  const issues: QualityIssue[] = [];
  const present = values.kind === 'numeric' ? values.sorted.length : values.present;
  const missingRate = values.rows === 0 ? 0 : (values.rows - present) / values.rows;
  if (missingRate - ref.missingRate >= settings.missingRateJump) {
    issues.push({
      check: 'missing-rate',
      column: ref.name,
      reference: ref.missingRate,
      current: missingRate,
      message: `"${ref.name}" is missing in ${formatPercent(missingRate)} of current rows, against ${formatPercent(ref.missingRate)} in the reference.`,
    });
  }
  if (ref.kind === 'numeric' && values.kind === 'numeric') {
    const issue = outOfRange(ref, values.sorted, settings.outOfRangeShare);
    if (issue !== undefined) issues.push(issue);
  }
  if (ref.kind === 'categorical' && values.kind === 'categorical' && values.newLevels.length > 0) {
    issues.push(newCategories(ref, values));
  }
  return issues;
}

function outOfRange(ref: NumericReference, sorted: Float64Array, limit: number): QualityIssue | undefined {
  let below = 0;
  while (below < sorted.length && sorted[below]! < ref.min) below++;
  let above = 0;
  while (above < sorted.length - below && sorted[sorted.length - 1 - above]! > ref.max) above++;
  const share = sorted.length === 0 ? 0 : (below + above) / sorted.length;
  if (share === 0 || share < limit) return undefined;
  return {
    check: 'out-of-range',
    column: ref.name,
    below,
    above,
    share,
    min: ref.min,
    max: ref.max,
    message: `${formatPercent(share)} of current "${ref.name}" values lie outside the reference range [${formatNumber(ref.min)}, ${formatNumber(ref.max)}] (${below} below, ${above} above).`,
  };
}

const MAX_LISTED_CATEGORIES = 20;

function newCategories(
  ref: CategoricalReference,
  values: CurrentValues & { kind: 'categorical' },
): QualityIssue {
  const offset = ref.levels.length;
  const all = values.newLevels.map((value, i) => ({ value, count: values.counts[offset + i]! }));
  all.sort((a, b) => b.count - a.count);
  const count = all.reduce((sum, c) => sum + c.count, 0);
  const share = count / values.present;
  const listed = all
    .slice(0, 3)
    .map((c) => `"${c.value}" (${c.count})`)
    .join(', ');
  const more = all.length > 3 ? ` and ${all.length - 3} more` : '';
  return {
    check: 'new-categories',
    column: ref.name,
    categories: all.slice(0, MAX_LISTED_CATEGORIES),
    count,
    share,
    message: `"${ref.name}" has values the reference never had: ${listed}${more}, ${formatPercent(share)} of current values.`,
  };
}

/** Columns of the reference missing from the window or of another kind, and window columns the reference never had. */
export function schemaIssues(
  reference: ReferenceProfile,
  current: Frame,
  targetName: string | undefined,
): QualityIssue[] {
  const issues: QualityIssue[] = [];
  const known = new Set<string>();
  for (const ref of reference.features) {
    known.add(ref.name);
    if (!current.has(ref.name)) {
      issues.push(missingColumn(ref.name, ref.kind));
      continue;
    }
    const column = current.column(ref.name);
    const fits =
      ref.kind === 'numeric' ? column.storage === 'number' : column.storage !== 'number' || ref.fromNumbers;
    if (!fits) issues.push(wrongKind(ref.name, ref.kind, column.kind));
  }
  for (const skipped of reference.skipped) {
    known.add(skipped.name);
    if (!current.has(skipped.name)) issues.push(missingColumn(skipped.name, skipped.columnKind));
  }
  if (reference.target !== undefined) known.add(reference.target.name);
  if (targetName !== undefined) known.add(targetName);
  for (const name of current.names) {
    if (known.has(name)) continue;
    issues.push({
      check: 'schema',
      column: name,
      problem: 'unexpected',
      actual: current.column(name).kind,
      message: `"${name}" is in the current data but was not in the reference.`,
    });
  }
  return issues;
}

function missingColumn(name: string, expected: string): QualityIssue {
  return {
    check: 'schema',
    column: name,
    problem: 'missing',
    expected,
    message: `"${name}" (${expected}) is missing from the current data.`,
  };
}

function wrongKind(name: string, expected: string, actual: string): QualityIssue {
  return {
    check: 'schema',
    column: name,
    problem: 'kind',
    expected,
    actual,
    message: `"${name}" holds ${actual} values in the current data; the reference had ${expected} ones.`,
  };
}
