/**
 * One column's drift: which test it takes (the defaults below, or the
 * caller's choice), the test run on the reference against the current values,
 * and a sentence that says what the result means. Feature columns also get
 * their data-quality checks here, while their current values are at hand.
 */

import { UsageError } from '../core/errors.js';
import type { Column } from '../data/column.js';
import { formatNumber, pValuePhrase } from '../report/format.js';
import { type CurrentValues, currentValues } from './current-values.js';
import type { DriftSettings } from './drift.js';
import { type QualityIssue, qualityIssues } from './quality.js';
import type { FeatureReference } from './reference.js';
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

export function compareColumn(
  ref: FeatureReference,
  column: Column | undefined,
  role: ColumnDrift['role'],
  referenceRows: number,
  settings: DriftSettings,
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

function chooseTest(ref: FeatureReference, referenceRows: number, settings: DriftSettings) {
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
    return `${verdict}: ${TEST_NAMES[test]} ${pValuePhrase(p)} ${against} (${meaning}).`;
  }
  const compare = result.drifted ? '≥' : '<';
  const figure = `${TEST_NAMES[test]} ${statistic} ${compare} ${threshold}`;
  if (test === 'wasserstein') {
    return `${verdict}: ${figure} (values moved by ${statistic} reference standard deviations on average).`;
  }
  return `${verdict}: ${figure} between the shares over ${cells}.`;
}
