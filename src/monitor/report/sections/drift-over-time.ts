/**
 * Drift window by window: one line chart per kind of test (statistics of
 * different tests live on different scales), the share of drifted features
 * per window against the share at which the dataset drifts, and a table of
 * the windows.
 */

import type { DriftTest } from '../../../drift/drift.js';
import { figure, panel, plots } from '../../../explain/report/sections/common.js';
import { type LegendEntry, niceAxis, PALETTE } from '../../../report/chart-frame.js';
import { formatCount, formatPercent, formatScore, truncate } from '../../../report/format.js';
import { type Html, html } from '../../../report/html.js';
import type { MonitorReport, WindowScore, WindowSummary } from '../../monitor-report.js';
import { shareAxis } from '../charts/share-axis.js';
import {
  ALERT,
  type HorizontalLine,
  shareBarsSvg,
  type TimelineSeries,
  timelineSvg,
  windowAxis,
} from '../charts/timeline.js';
import { isPValueTest, testLabel, windowLabels, windowRange } from '../wording.js';

const QUIET = '#c5cad1';

export interface ScoreGroup {
  readonly role: WindowScore['role'];
  readonly test: DriftTest;
  /** Columns in first-seen order. */
  readonly columns: readonly string[];
}

/** The tested scores, grouped by role and test: features first, then outputs, each in first-seen order. */
export function scoreGroups(windows: readonly WindowSummary[]): ScoreGroup[] {
  const groups = new Map<string, { role: WindowScore['role']; test: DriftTest; columns: string[] }>();
  for (const window of windows) {
    for (const score of window.scores) {
      if (score.test === null) continue;
      const key = `${score.role}|${score.test}`;
      const group = groups.get(key) ?? { role: score.role, test: score.test, columns: [] };
      groups.set(key, group);
      if (!group.columns.includes(score.column)) group.columns.push(score.column);
    }
  }
  const roleOrder = (role: string) => ['feature', 'output', 'target'].indexOf(role);
  return [...groups.values()].sort((a, b) => roleOrder(a.role) - roleOrder(b.role));
}

function scoreOf(window: WindowSummary, group: ScoreGroup, column: string): WindowScore | undefined {
  return window.scores.find((s) => s.column === column && s.role === group.role && s.test === group.test);
}

function groupSeries(windows: readonly WindowSummary[], group: ScoreGroup): TimelineSeries[] {
  let colour = 0;
  const series = group.columns.map((column) => {
    const scores = windows.map((w) => scoreOf(w, group, column));
    const flagged = scores.map((s) => s?.drifted ?? false);
    const highlight = flagged.some(Boolean);
    return {
      label: column,
      values: scores.map((s) => s?.statistic ?? null),
      colour: highlight ? PALETTE[colour++ % PALETTE.length]! : QUIET,
      strokePx: highlight ? 2.2 : 1.2,
      flagged,
      format: formatScore,
    };
  });
  // Quiet lines underneath, so the drifted ones stay visible where they cross.
  return [...series.filter((s) => s.colour === QUIET), ...series.filter((s) => s.colour !== QUIET)];
}

function thresholdLines(windows: readonly WindowSummary[], group: ScoreGroup): HorizontalLine[] {
  if (isPValueTest(group.test)) return [];
  const thresholds = new Set<number>();
  for (const window of windows) {
    for (const column of group.columns) {
      const threshold = scoreOf(window, group, column)?.threshold;
      if (threshold !== null && threshold !== undefined && Number.isFinite(threshold))
        thresholds.add(threshold);
    }
  }
  return [...thresholds].map((value) => ({
    value,
    label: `drifts at ${formatScore(value)}`,
    colour: ALERT,
    dash: '5 4',
  }));
}

function roleWord(role: WindowScore['role']): string {
  return role === 'feature' ? 'features' : role === 'output' ? 'model outputs' : 'target';
}

function groupFigure(windows: readonly WindowSummary[], group: ScoreGroup): Html {
  const { labels, title } = windowLabels(windows);
  const series = groupSeries(windows, group);
  const lines = thresholdLines(windows, group);
  const values = series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const yAxis = niceAxis([...values, ...lines.map((l) => l.value)], `${testLabel(group.test)} statistic`, {
    includeZero: true,
    target: 5,
  });
  const highlighted = series.filter((s) => s.colour !== QUIET);
  const legend: LegendEntry[] = highlighted.map((s) => ({ label: s.label, colour: s.colour }));
  if (highlighted.length < series.length)
    legend.push({ label: `other ${roleWord(group.role)}`, colour: QUIET });
  const heading = `${roleWord(group.role)[0]!.toUpperCase()}${roleWord(group.role).slice(1)} · ${testLabel(group.test)}`;
  const svg = timelineSvg({
    kind: 'drift-time',
    label: `${heading}: statistic per window`,
    xAxis: windowAxis(labels, title),
    yAxis,
    series,
    lines,
    legend,
  });
  return figure(svg, driftCaption(group, windows), heading);
}

function driftCaption(group: ScoreGroup, windows: readonly WindowSummary[]): string {
  const lines = `Each line is one column's ${testLabel(group.test)} statistic in each window, oldest on the left; coloured lines are columns that drifted at least once, grey ones never did, and a large red-ringed dot marks a window where the column drifted.`;
  if (isPValueTest(group.test)) {
    const threshold = windows.flatMap((w) => w.scores).find((s) => s.test === group.test)?.threshold;
    const rule = threshold === null || threshold === undefined ? '' : ` (below ${formatScore(threshold)})`;
    return `${lines} This test drifts on its p-value${rule}, which also grows with the window's size, so there is no threshold line on the statistic.`;
  }
  return `${lines} The dashed red line is the threshold: at or above it, the column counts as drifted.`;
}

function shareFigure(report: MonitorReport): Html {
  const { windows } = report;
  const { labels, title } = windowLabels(windows);
  const driftShare = report.latest.dataset.driftShare;
  const titles = windows.map((w, i) => {
    const named = w.driftedFeatures.length
      ? `: ${w.driftedFeatures.map((f) => truncate(f, 40)).join(', ')}`
      : '';
    return `${windowRange(w, i)}: ${formatPercent(w.driftShare)} of features drifted${named}${w.drifted ? ' (window drifted)' : ''}`;
  });
  const svg = shareBarsSvg({
    label: 'Share of tested features that drifted, per window',
    xAxis: windowAxis(labels, title),
    yAxis: shareAxis([...windows.map((w) => w.driftShare), driftShare], 'share of features drifted', 0.1),
    shares: windows.map((w) => w.driftShare),
    flagged: windows.map((w) => w.drifted),
    titles,
    lines: [
      {
        value: driftShare,
        label: `dataset drifts at ${formatPercent(driftShare)}`,
        colour: ALERT,
        dash: '5 4',
      },
    ],
  });
  const caption =
    `Each bar is the share of tested features that drifted in one window; the dashed line is the share (${formatPercent(driftShare)}) at which the whole dataset counts as drifted. ` +
    'A red bar is a window that drifted: by that share, because one of the most important features drifted on its own, or because a model output did.';
  return figure(svg, caption, 'Dataset drift per window', true);
}

function windowsTable(windows: readonly WindowSummary[]): Html {
  const rows = windows.map((w, i) => {
    const cls = w.drifted && html` class="drifted"`;
    const drifted = w.driftedFeatures.length ? w.driftedFeatures.join(', ') : '—';
    return html`<tr${cls}><td>${windowRange(w, i)}</td><td class="num">${formatCount(w.rows)}</td><td class="num">${formatCount(w.requests)}</td><td class="num">${formatCount(w.labelled)}</td><td class="num">${formatPercent(w.driftShare)}</td><td class="names">${drifted}</td></tr>`;
  });
  const head = html`<tr><th>Window</th><th class="num">Rows</th><th class="num">Requests</th><th class="num">Labelled</th><th class="num">Features drifted</th><th>Which</th></tr>`;
  return html`<h3>Windows</h3><div class="table-wrap"><table class="data windows"><thead>${head}</thead><tbody>${rows}</tbody></table></div>`;
}

export function driftOverTimeSection(report: MonitorReport): Html {
  const figures = scoreGroups(report.windows).map((g) => groupFigure(report.windows, g));
  const single =
    report.windows.length === 1
      ? ' There is only one window so far, so each line is a single point: the trend appears as windows accumulate.'
      : '';
  const lead = `How each column's drift statistic moved from window to window. A statistic that climbs steadily is a slow shift worth watching before it crosses its threshold.${single}`;
  return panel(
    'drift-time',
    'Drift over time',
    html`${plots([...figures, shareFigure(report)])}\n${windowsTable(report.windows)}`,
    lead,
  );
}
