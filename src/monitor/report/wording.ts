/**
 * How the monitoring report names tests, states thresholds and labels
 * windows, so every section says the same thing the same way.
 */

import type { DriftTest } from '../../drift/drift.js';
import { formatDate, formatScore, isFiniteNumber } from '../../report/format.js';
import type { WindowSummary } from '../monitor-report.js';

export const TEST_LABELS: Readonly<Record<DriftTest, string>> = {
  ks: 'Kolmogorov–Smirnov',
  chi2: 'chi-squared',
  wasserstein: 'Wasserstein distance',
  jensenshannon: 'Jensen–Shannon distance',
  psi: 'population stability index',
};

/** KS and chi-squared drift on their p-value; the others on the statistic itself. */
export function isPValueTest(test: DriftTest | null): boolean {
  return test === 'ks' || test === 'chi2';
}

export function testLabel(test: DriftTest | null): string {
  return test === null ? 'not tested' : (TEST_LABELS[test] ?? test);
}

/** What each test's statistic measures, in a reader's words. */
export function statisticMeaning(test: DriftTest): string {
  switch (test) {
    case 'ks':
      return 'the largest gap between the two cumulative distributions (0 to 1)';
    case 'chi2':
      return 'how far the current counts per category stray from those the reference predicts';
    case 'wasserstein':
      return 'how far values moved, in reference standard deviations';
    case 'jensenshannon':
      return 'how different the two sets of shares are (0 same, 1 disjoint)';
    case 'psi':
      return 'the population stability index over the bins (above 0.25 is a large shift)';
  }
}

/** The rule that calls a column drifted: "p < 0.05" or "≥ 0.1". */
export function driftRule(test: DriftTest | null, threshold: number | null): string {
  if (test === null || !isFiniteNumber(threshold)) return '—';
  return isPValueTest(test) ? `p < ${formatScore(threshold)}` : `≥ ${formatScore(threshold)}`;
}

/**
 * Windows as a person names them: their start times (without the year when
 * they share one; the axis title carries it), else their places.
 */
export function windowLabels(windows: readonly WindowSummary[]): { labels: string[]; title: string } {
  const starts = windows.map((w) => w.from);
  if (!starts.every(isFiniteNumber)) {
    return { labels: windows.map((_, i) => String(i + 1)), title: 'window' };
  }
  const last = windows[windows.length - 1]!;
  const span = (isFiniteNumber(last.to) ? last.to : starts[starts.length - 1]!) - starts[0]!;
  const full = starts.map((ms) => formatDate(ms, span));
  const year = full[0]!.slice(0, 4);
  const sameYear = full.every((label) => label.startsWith(`${year}-`) && label.length > 5);
  return sameYear
    ? { labels: full.map((label) => label.slice(5)), title: `window start (${year}, UTC)` }
    : { labels: full, title: 'window start (UTC)' };
}

/** One window's time range ("2025-03-01 00:00–23:59", in UTC), or its place when it has none. */
export function windowRange(window: WindowSummary, position: number): string {
  if (!isFiniteNumber(window.from)) return `window ${position + 1}`;
  const from = minuteOf(window.from);
  if (!isFiniteNumber(window.to)) return from;
  const to = minuteOf(window.to);
  return to.slice(0, 10) === from.slice(0, 10) ? `${from}–${to.slice(11)}` : `${from} – ${to}`;
}

function minuteOf(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
