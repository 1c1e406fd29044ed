/**
 * Drift between a reference profile and a current window of data: one test
 * per feature (and per model output), a dataset-level verdict, and
 * data-quality checks on the window. The report is plain JSON.
 *
 * Default tests, as Evidently chooses them: while the reference has at most
 * 1,000 rows, statistical tests — two-sample Kolmogorov–Smirnov for numbers,
 * chi-squared for categories, drift when p < 0.05 — and above it, distances
 * that do not call every tiny shift significant on large samples —
 * normalised Wasserstein for numbers, Jensen–Shannon for categories, drift
 * when ≥ 0.1. Any column can take another test or threshold.
 *
 * What each test compares: KS and Wasserstein use the reference's stored
 * sample (all of it when the reference had no more rows than the sample
 * size) against every present current value; chi-squared, Jensen–Shannon
 * and PSI use the reference's full counts — per category, or per quantile
 * bin for numbers — against the current counts in the same bins. Missing
 * values are left out of every test; the missing-rate check watches them.
 */
import type { Column } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import { UsageError } from '../errors.js';
import { sortedPresent } from '../profile/stats.js';
import {
  type CategoricalReference,
  type FeatureReference,
  type NumericReference,
  type OutputValues,
  outputColumns,
  type ReferenceProfile,
} from './reference.js';
import {
  binCounts,
  chiSquareDrift,
  jensenShannonDistance,
  ksTwoSampleSorted,
  normalizedWasserstein,
  psi,
  wassersteinSorted,
} from './stats.js';

export type DriftTest = 'ks' | 'chi2' | 'wasserstein' | 'jensenshannon' | 'psi';

/** p-value tests drift below their threshold; distances at or above it. */
export const DEFAULT_THRESHOLDS: Readonly<Record<DriftTest, number>> = {
  ks: 0.05,
  chi2: 0.05,
  wasserstein: 0.1,
  jensenshannon: 0.1,
  psi: 0.1,
};

const NUMERIC_ONLY: ReadonlySet<DriftTest> = new Set(['ks', 'wasserstein']);

export interface TestChoice {
  readonly test?: DriftTest;
  readonly threshold?: number;
}

export interface DriftOptions {
  /** The model's outputs on the current rows; compared with the reference's outputs. */
  readonly predictions?: OutputValues['predictions'];
  readonly probabilities?: OutputValues['probabilities'];
  /** The current target (feedback labels): a column of `current`, or a separate column. */
  readonly target?: string | Column;
  /** Test and threshold per column (a feature, `prediction`, `probability:<class>` or the target's name). */
  readonly tests?: Readonly<Record<string, TestChoice>>;
  /** Reference rows up to which KS and chi-squared are the defaults; default 1,000. */
  readonly smallReference?: number;
  /** Share of tested features that must drift for the dataset to drift; default 0.5. */
  readonly driftShare?: number;
  /** Feature importances; when given, the dataset also drifts when any of the top `topFeatures` drifts. */
  readonly importances?: Readonly<Record<string, number>>;
  /** How many of the most important features are watched one by one; default 3. */
  readonly topFeatures?: number;
  /** Rise in a feature's missing rate (0…1) reported as a problem; default 0.1 (10 points). */
  readonly missingRateJump?: number;
  /** Share of present values outside the reference's [min, max] reported as a problem; default 0.01. */
  readonly outOfRangeShare?: number;
}

type Tunable = 'smallReference' | 'driftShare' | 'topFeatures' | 'missingRateJump' | 'outOfRangeShare';

export const DRIFT_DEFAULTS: Readonly<Required<Pick<DriftOptions, Tunable>>> = {
  smallReference: 1000,
  driftShare: 0.5,
  topFeatures: 3,
  missingRateJump: 0.1,
  outOfRangeShare: 0.01,
};

/**
 * Current rows below which a window gets no drift verdict when the distances
 * judge it (a reference over `smallReference` rows). Their threshold (0.1)
 * assumes the window is not small: on diamonds (8,000-row reference, windows
 * drawn from the same rows), windows of 200 rows were called drifted in 21%
 * of feature-windows, 400–500 rows in 4–7%, 600 in 3.3%, 800 in 1.1%, 1,000
 * in none of 405 (the reference's sample size, 1,000 or 5,000, changed
 * nothing). The p-value tests of small references need no such floor: their
 * p-values already account for the window's size.
 */
export const MIN_DRIFT_ROWS = 1000;

/** The fewest current rows worth a verdict against this reference (see MIN_DRIFT_ROWS). */
export function minDriftRows(
  reference: ReferenceProfile,
  smallReference = DRIFT_DEFAULTS.smallReference,
): number {
  return reference.rows > smallReference ? MIN_DRIFT_ROWS : 1;
}

export interface ColumnDrift {
  readonly column: string;
  readonly role: 'feature' | 'output' | 'target';
  readonly kind: 'numeric' | 'categorical';
  /** Null when the column could not be tested (absent, empty, or of the wrong kind); `message` says why. */
  readonly test: DriftTest | null;
  readonly statistic: number | null;
  /** KS and chi-squared only. */
  readonly pValue: number | null;
  readonly threshold: number | null;
  readonly drifted: boolean;
  /** Reference values the test used (KS and Wasserstein: the stored sample). */
  readonly referenceCount: number;
  /** Present current values the test used. */
  readonly currentCount: number;
  readonly importance?: number;
  readonly message: string;
}

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

export interface DatasetDrift {
  readonly drifted: boolean;
  readonly testedFeatures: number;
  readonly driftedFeatures: string[];
  readonly share: number;
  readonly driftShare: number;
  /** The most important features (by `importances`), empty without importances. */
  readonly topFeatures: string[];
  readonly driftedTopFeatures: string[];
  readonly message: string;
}

export interface DriftReport {
  readonly format: 'keel.drift-report';
  readonly version: 1;
  readonly referenceRows: number;
  readonly currentRows: number;
  /** The dataset drifted, or any model output did. */
  readonly drifted: boolean;
  readonly dataset: DatasetDrift;
  readonly features: ColumnDrift[];
  readonly outputs: ColumnDrift[];
  readonly target?: ColumnDrift;
  readonly quality: QualityIssue[];
}

/** Compares a current window with the reference: drift per column, for the dataset, and data quality. */
export function detectDrift(
  reference: ReferenceProfile,
  current: Frame,
  options: DriftOptions = {},
): DriftReport {
  if (current.rowCount === 0) {
    throw new UsageError('monitor.empty-window', 'the current data has no rows', {
      location: { source: current.source },
      hint: 'widen the window, or check the filter that selected it',
    });
  }
  const settings = { ...DRIFT_DEFAULTS, ...withoutUndefined(options) };
  checkTestColumns(reference, settings.tests);
  const quality: QualityIssue[] = [];
  const targetName = typeof options.target === 'string' ? options.target : undefined;
  const features = reference.features.map((ref) => {
    const column = current.has(ref.name) ? current.column(ref.name) : undefined;
    const result = compareColumn(ref, column, 'feature', reference.rows, settings, quality);
    const importance = options.importances?.[ref.name];
    return importance === undefined ? result : { ...result, importance };
  });
  quality.push(...schemaIssues(reference, current, targetName));
  const outputs = compareOutputs(reference, current.rowCount, options, settings);
  const target = compareTarget(reference, current, options, settings);
  const dataset = datasetDrift(features, settings);
  return {
    format: 'keel.drift-report',
    version: 1,
    referenceRows: reference.rows,
    currentRows: current.rowCount,
    drifted: dataset.drifted || outputs.some((o) => o.drifted),
    dataset,
    features,
    outputs,
    ...(target === undefined ? {} : { target }),
    quality,
  };
}

type Settings = DriftOptions & Required<Pick<DriftOptions, Tunable>>;

/** A test chosen for a column the reference does not compare is a typo or a misunderstanding: say so. */
function checkTestColumns(reference: ReferenceProfile, tests: DriftOptions['tests']): void {
  if (tests === undefined) return;
  const compared = [
    ...reference.features,
    ...reference.outputs,
    ...(reference.target ? [reference.target] : []),
  ];
  const names = compared.map((f) => f.name);
  for (const name of Object.keys(tests)) {
    if (names.includes(name)) continue;
    const skipped = reference.skipped.find((s) => s.name === name);
    throw new UsageError(
      'monitor.unknown-column',
      skipped === undefined
        ? 'no such column in the reference'
        : `the reference does not compare it (${skipped.reason})`,
      {
        location: { field: `tests.${name}` },
        hint: `the compared columns are: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}`,
      },
    );
  }
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function compareOutputs(
  reference: ReferenceProfile,
  rows: number,
  options: DriftOptions,
  settings: Settings,
): ColumnDrift[] {
  if (options.predictions === undefined && options.probabilities === undefined) return [];
  const columns = outputColumns(rows, {
    predictions: options.predictions,
    probabilities: options.probabilities,
    classes: reference.classes,
  });
  const byName = new Map(columns.map((c) => [c.name, c]));
  return reference.outputs
    .filter((ref) => byName.has(ref.name))
    .map((ref) => compareColumn(ref, byName.get(ref.name), 'output', reference.rows, settings, []));
}

function compareTarget(
  reference: ReferenceProfile,
  current: Frame,
  options: DriftOptions,
  settings: Settings,
): ColumnDrift | undefined {
  if (reference.target === undefined || options.target === undefined) return undefined;
  const column = typeof options.target === 'string' ? current.column(options.target) : options.target;
  return compareColumn(reference.target, column, 'target', reference.rows, settings, []);
}

/** A current column seen through the reference's kind. */
type CurrentValues =
  | { readonly kind: 'numeric'; readonly sorted: Float64Array; readonly rows: number }
  | {
      readonly kind: 'categorical';
      /** Counts per reference level, then per new value (in `newLevels` order). */
      readonly counts: Float64Array;
      readonly newLevels: string[];
      readonly rows: number;
      readonly present: number;
    };

function compareColumn(
  ref: FeatureReference,
  column: Column | undefined,
  role: ColumnDrift['role'],
  referenceRows: number,
  settings: Settings,
  quality: QualityIssue[],
): ColumnDrift {
  const { test, threshold } = chooseTest(ref, referenceRows, settings);
  const untested = (message: string, currentCount = 0): ColumnDrift => ({
    ...blank(ref, role),
    currentCount,
    message: `"${ref.name}" was not tested: ${message}.`,
  });
  if (column === undefined) return untested('it is not in the current data');
  const values = currentValues(ref, column);
  if (values === undefined)
    return untested(`it holds ${column.kind} values where the reference had ${ref.kind} ones`);
  if (role === 'feature') quality.push(...qualityIssues(ref, values, settings));
  const currentCount = values.kind === 'numeric' ? values.sorted.length : values.present;
  if (currentCount === 0) return untested('every current value is missing');
  if (ref.count === 0) return untested('every reference value was missing', currentCount);
  const { statistic, pValue, referenceCount } = runTest(test, ref, values);
  const drifted = pValue === null ? statistic >= threshold : pValue < threshold;
  const result = {
    ...blank(ref, role),
    test,
    statistic,
    pValue,
    threshold,
    drifted,
    referenceCount,
    currentCount,
  };
  return { ...result, message: describe(result, ref) };
}

function blank(ref: FeatureReference, role: ColumnDrift['role']): ColumnDrift {
  return {
    column: ref.name,
    role,
    kind: ref.kind,
    test: null,
    statistic: null,
    pValue: null,
    threshold: null,
    drifted: false,
    referenceCount: 0,
    currentCount: 0,
    message: '',
  };
}

function chooseTest(ref: FeatureReference, referenceRows: number, settings: Settings) {
  const choice = settings.tests?.[ref.name] ?? {};
  const small = referenceRows <= settings.smallReference;
  const fallback: DriftTest =
    ref.kind === 'numeric' ? (small ? 'ks' : 'wasserstein') : small ? 'chi2' : 'jensenshannon';
  const test = choice.test ?? fallback;
  if (!(test in DEFAULT_THRESHOLDS)) {
    throw new UsageError('monitor.unknown-test', `unknown drift test "${test}" for column "${ref.name}"`, {
      location: { field: `tests.${ref.name}` },
      hint: `use one of ${Object.keys(DEFAULT_THRESHOLDS).join(', ')}`,
    });
  }
  if (ref.kind === 'categorical' && NUMERIC_ONLY.has(test)) {
    throw new UsageError(
      'monitor.test-kind',
      `the ${test} test needs numbers, but "${ref.name}" is categorical`,
      {
        location: { field: `tests.${ref.name}` },
        hint: 'use chi2, jensenshannon or psi for categories',
      },
    );
  }
  return { test, threshold: choice.threshold ?? DEFAULT_THRESHOLDS[test] };
}

function currentValues(ref: FeatureReference, column: Column): CurrentValues | undefined {
  if (ref.kind === 'numeric') {
    const numbers = asNumbers(column);
    return numbers === undefined
      ? undefined
      : { kind: 'numeric', sorted: sortedPresent(numbers), rows: numbers.length };
  }
  return categoryCounts(ref, column);
}

/** Number storage as it is; categories whose labels all read as numbers, converted. */
function asNumbers(column: Column): Float64Array | undefined {
  if (column.storage === 'number') return column.values;
  if (column.storage === 'string') return undefined;
  const parsed = column.levels.map((level) => (level.trim() === '' ? Number.NaN : Number(level)));
  if (parsed.some((v) => Number.isNaN(v))) return undefined;
  return Float64Array.from(column.codes, (code) => (code < 0 ? Number.NaN : parsed[code]!));
}

/** Current counts over the reference's levels, new values after them, from any storage by label. */
function categoryCounts(ref: CategoricalReference, column: Column): CurrentValues {
  const index = new Map(ref.levels.map((level, i) => [level, i]));
  const newLevels: string[] = [];
  const slotOf = (label: string): number => {
    let slot = index.get(label);
    if (slot === undefined) {
      slot = ref.levels.length + newLevels.length;
      index.set(label, slot);
      newLevels.push(label);
    }
    return slot;
  };
  const slots: number[] = [];
  let rows = 0;
  if (column.storage === 'categorical') {
    const codeSlots = column.levels.map(() => -1);
    rows = column.codes.length;
    for (const code of column.codes) {
      if (code < 0) continue;
      if (codeSlots[code] === -1) codeSlots[code] = slotOf(column.levels[code]!);
      slots.push(codeSlots[code]!);
    }
  } else {
    rows = column.values.length;
    for (const v of column.values) {
      if (v === null || (typeof v === 'number' && Number.isNaN(v))) continue;
      slots.push(slotOf(String(v)));
    }
  }
  const counts = new Float64Array(ref.levels.length + newLevels.length);
  for (const slot of slots) counts[slot]!++;
  return { kind: 'categorical', counts, newLevels, rows, present: slots.length };
}

interface TestOutcome {
  readonly statistic: number;
  readonly pValue: number | null;
  readonly referenceCount: number;
}

function runTest(test: DriftTest, ref: FeatureReference, values: CurrentValues): TestOutcome {
  if (ref.kind === 'numeric' && values.kind === 'numeric' && NUMERIC_ONLY.has(test)) {
    const sample = Float64Array.from(ref.sample);
    if (test === 'ks') {
      const ks = ksTwoSampleSorted(sample, values.sorted);
      return { statistic: ks.statistic, pValue: ks.pValue, referenceCount: sample.length };
    }
    const distance = wassersteinSorted(sample, values.sorted);
    return {
      statistic: normalizedWasserstein(distance, ref.std),
      pValue: null,
      referenceCount: sample.length,
    };
  }
  const [referenceCounts, currentCounts] = distributions(ref, values);
  const referenceCount = ref.count;
  if (test === 'chi2') {
    const chi2 = chiSquareDrift(referenceCounts, currentCounts);
    return { statistic: chi2.statistic, pValue: chi2.pValue, referenceCount };
  }
  const statistic =
    test === 'psi'
      ? psi(referenceCounts, currentCounts)
      : jensenShannonDistance(referenceCounts, currentCounts);
  return { statistic, pValue: null, referenceCount };
}

/** Reference and current counts over the same cells: quantile bins for numbers, levels (new ones last) for categories. */
function distributions(ref: FeatureReference, values: CurrentValues): [Float64Array, Float64Array] {
  if (ref.kind === 'numeric' && values.kind === 'numeric') {
    return [Float64Array.from(ref.counts), binCounts(values.sorted, ref.edges)];
  }
  if (ref.kind === 'categorical' && values.kind === 'categorical') {
    const referenceCounts = new Float64Array(values.counts.length);
    referenceCounts.set(ref.counts);
    return [referenceCounts, values.counts];
  }
  throw new Error(`reference and current kinds differ for "${ref.name}"`);
}

const TEST_NAMES: Readonly<Record<DriftTest, string>> = {
  ks: 'Kolmogorov–Smirnov',
  chi2: 'chi-squared',
  wasserstein: 'normalised Wasserstein distance',
  jensenshannon: 'Jensen–Shannon distance',
  psi: 'PSI',
};

function formatNumber(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(3))) : String(x);
}

function formatP(p: number): string {
  return p < 1e-4 ? 'p < 0.0001' : `p = ${formatNumber(p)}`;
}

/** One sentence: the verdict, the figure against its threshold, and what the figure means. */
function describe(result: ColumnDrift, ref: FeatureReference): string {
  const test = result.test!;
  const verdict = `"${result.column}" ${result.drifted ? 'drifted' : 'did not drift'}`;
  const threshold = formatNumber(result.threshold!);
  const statistic = formatNumber(result.statistic!);
  const cells = ref.kind === 'numeric' ? "the reference's quantile bins" : 'the categories';
  if (test === 'ks' || test === 'chi2') {
    const p = result.pValue!;
    const against = p < 1e-4 ? `(threshold ${threshold})` : `${result.drifted ? '<' : '≥'} ${threshold}`;
    const meaning =
      test === 'ks'
        ? `the cumulative distributions differ by up to ${statistic}`
        : `counts over ${cells}, statistic ${statistic}`;
    return `${verdict}: ${TEST_NAMES[test]} ${formatP(p)} ${against} (${meaning}).`;
  }
  const compare = result.drifted ? '≥' : '<';
  const figure = `${TEST_NAMES[test]} ${statistic} ${compare} ${threshold}`;
  if (test === 'wasserstein') {
    return `${verdict}: ${figure} (values moved by ${statistic} reference standard deviations on average).`;
  }
  return `${verdict}: ${figure} between the shares over ${cells}.`;
}

function qualityIssues(ref: FeatureReference, values: CurrentValues, settings: Settings): QualityIssue[] {
  const issues: QualityIssue[] = [];
  const present = values.kind === 'numeric' ? values.sorted.length : values.present;
  const missingRate = values.rows === 0 ? 0 : (values.rows - present) / values.rows;
  if (missingRate - ref.missingRate >= settings.missingRateJump) {
    issues.push({
      check: 'missing-rate',
      column: ref.name,
      reference: ref.missingRate,
      current: missingRate,
      message: `"${ref.name}" is missing in ${percent(missingRate)} of current rows, against ${percent(ref.missingRate)} in the reference.`,
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
    message: `${percent(share)} of current "${ref.name}" values lie outside the reference range [${formatNumber(ref.min)}, ${formatNumber(ref.max)}] (${below} below, ${above} above).`,
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
    message: `"${ref.name}" has values the reference never had: ${listed}${more}, ${percent(share)} of current values.`,
  };
}

function percent(share: number): string {
  return `${formatNumber(share * 100)}%`;
}

function schemaIssues(
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

function datasetDrift(features: readonly ColumnDrift[], settings: Settings): DatasetDrift {
  const tested = features.filter((f) => f.test !== null);
  const driftedFeatures = tested.filter((f) => f.drifted).map((f) => f.column);
  const share = tested.length === 0 ? 0 : driftedFeatures.length / tested.length;
  const topFeatures = mostImportant(features, settings);
  const driftedSet = new Set(driftedFeatures);
  const driftedTopFeatures = topFeatures.filter((name) => driftedSet.has(name));
  const byShare = tested.length > 0 && share >= settings.driftShare;
  const drifted = byShare || driftedTopFeatures.length > 0;
  const counted = `${driftedFeatures.length} of ${tested.length} features drifted (${percent(share)}; the dataset drifts at ${percent(settings.driftShare)})`;
  const top =
    driftedTopFeatures.length > 0
      ? `, including the important ${driftedTopFeatures.map((n) => `"${n}"`).join(', ')}`
      : '';
  return {
    drifted,
    testedFeatures: tested.length,
    driftedFeatures,
    share,
    driftShare: settings.driftShare,
    topFeatures,
    driftedTopFeatures,
    message: `${drifted ? 'Drift' : 'No dataset drift'}: ${counted}${top}.`,
  };
}

function mostImportant(features: readonly ColumnDrift[], settings: Settings): string[] {
  const importances = settings.importances;
  if (importances === undefined) return [];
  return features
    .filter((f) => Number.isFinite(importances[f.column]))
    .sort((a, b) => importances[b.column]! - importances[a.column]!)
    .slice(0, settings.topFeatures)
    .map((f) => f.column);
}
