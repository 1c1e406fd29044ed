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

import { UsageError } from '../core/errors.js';
import type { Column } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import { formatPercent } from '../report/format.js';
import { type ColumnDrift, compareColumn, type DriftTest } from './column-drift.js';
import { type QualityIssue, schemaIssues } from './quality.js';
import { type OutputValues, outputColumns, type ReferenceProfile } from './reference.js';

// The per-column test (its choice, thresholds and result) and the data-quality
// checks live in column-drift.ts and quality.ts; their public names are
// re-exported here so that callers import everything about drift from one place.
export {
  type ColumnDrift,
  DEFAULT_THRESHOLDS,
  type DriftTest,
} from './column-drift.js';
export type { QualityIssue } from './quality.js';

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

/** The options merged with DRIFT_DEFAULTS, once, as every check receives them. */
export type DriftSettings = DriftOptions & Required<Pick<DriftOptions, Tunable>>;

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
  settings: DriftSettings,
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
  settings: DriftSettings,
): ColumnDrift | undefined {
  if (reference.target === undefined || options.target === undefined) return undefined;
  const column = typeof options.target === 'string' ? current.column(options.target) : options.target;
  return compareColumn(reference.target, column, 'target', reference.rows, settings, []);
}

function datasetDrift(features: readonly ColumnDrift[], settings: DriftSettings): DatasetDrift {
  const tested = features.filter((f) => f.test !== null);
  const driftedFeatures = tested.filter((f) => f.drifted).map((f) => f.column);
  const share = tested.length === 0 ? 0 : driftedFeatures.length / tested.length;
  const topFeatures = mostImportant(features, settings);
  const driftedSet = new Set(driftedFeatures);
  const driftedTopFeatures = topFeatures.filter((name) => driftedSet.has(name));
  const byShare = tested.length > 0 && share >= settings.driftShare;
  const drifted = byShare || driftedTopFeatures.length > 0;
  const counted = `${driftedFeatures.length} of ${tested.length} features drifted (${formatPercent(share)}; the dataset drifts at ${formatPercent(settings.driftShare)})`;
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

function mostImportant(features: readonly ColumnDrift[], settings: DriftSettings): string[] {
  const importances = settings.importances;
  if (importances === undefined) return [];
  return features
    .filter((f) => Number.isFinite(importances[f.column]))
    .sort((a, b) => importances[b.column]! - importances[a.column]!)
    .slice(0, settings.topFeatures)
    .map((f) => f.column);
}
