import { describe, expect, it } from 'vitest';
import type { MonitorReport } from '../../src/monitor/monitor-report.js';
import { capLevels } from '../../src/monitor/report/charts/histograms.js';
import { windowAxis } from '../../src/monitor/report/charts/timeline.js';
import {
  MONITOR_REPORT_JSON_ID,
  MONITOR_SECTION_IDS,
  renderMonitorHtml,
} from '../../src/monitor/report/index.js';
import { decayLine } from '../../src/monitor/report/sections/performance.js';
import { escapeHtml } from '../../src/report/format.js';
import {
  classifierMonitorReport,
  diamondsMonitorReport,
  HOSTILE_ATTR,
  HOSTILE_LEVEL,
  HOSTILE_NAME,
  hostileMonitorReport,
  sampleMonitorReports,
  singleWindowReport,
} from '../fixtures/monitor/sample-monitor-report.js';

/** The page without its embedded JSON and script, where data words and `isNaN` may stand. */
function markup(html: string): string {
  return html.slice(0, html.indexOf('<script'));
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

function sectionOrder(html: string): string[] {
  return [...html.matchAll(/<(?:section|header) class="panel" id="([\w-]+)"/g)].map((m) => m[1]!);
}

function section(html: string, id: string): string {
  const start = html.indexOf(`class="panel" id="${id}"`);
  expect(start, id).toBeGreaterThan(0);
  const end = html.indexOf(id === 'summary' ? '</header>' : '</section>', start);
  return html.slice(start, end);
}

function chartKinds(html: string): string[] {
  return [...html.matchAll(/<svg class="chart chart-([\w-]+)"/g)].map((m) => m[1]!);
}

function tableRows(html: string, table: string): string[][] {
  const start = html.indexOf(`<table class="data ${table}`);
  expect(start, table).toBeGreaterThan(0);
  const body = html.slice(html.indexOf('<tbody>', start), html.indexOf('</tbody>', start));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '')),
  );
}

const diamonds = renderMonitorHtml(diamondsMonitorReport);
const classifier = renderMonitorHtml(classifierMonitorReport);

describe('renderMonitorHtml', () => {
  it('lays out the header and every section in reading order, for every sample', () => {
    for (const [name, report] of sampleMonitorReports) {
      const html = renderMonitorHtml(report);
      expect(sectionOrder(html), name).toEqual(MONITOR_SECTION_IDS);
      expect(markup(html), name).not.toMatch(/NaN|undefined|Infinity|\[object Object\]/);
    }
    expect(MONITOR_SECTION_IDS).toEqual([
      'summary',
      'features',
      'histograms',
      'drift-time',
      'performance',
      'quality',
    ]);
  });

  it('names the model version, its sources and windows, and gives the verdict with its reasons', () => {
    const header = section(diamonds, 'summary');
    expect(header).toContain('Monitoring diamonds@champion → version 3');
    expect(header).toContain('data-verdict="DRIFT + DECAY"');
    expect(header).toContain('class="verdict verdict-decay"');
    for (const reason of diamondsMonitorReport.verdict.reasons) expect(header).toContain(escapeHtml(reason));
    expect(header).toContain('6 × 1d');
    expect(header).toContain('43,152');
    expect(header).toContain('2025-03-07 06:30 UTC');
    expect(header).toContain('the version&#39;s stored training profile');
    expect(section(classifier, 'summary')).toContain('data-verdict="DRIFT"');
    expect(section(classifier, 'summary')).toContain('multiclass (5 classes)');
  });

  it('says OK when nothing drifted or decayed', () => {
    const calm: MonitorReport = {
      ...diamondsMonitorReport,
      verdict: { drifted: false, decayed: false, reasons: [] },
    };
    const header = section(renderMonitorHtml(calm), 'summary');
    expect(header).toContain('data-verdict="OK"');
    expect(header).toContain('verdict-ok');
    expect(header).not.toContain('class="reasons"');
  });

  it('ranks the features as the report does, with formatted numbers and drifted marks', () => {
    const rows = tableRows(diamonds, 'sortable ranking');
    expect(rows.map((r) => r[1])).toEqual(diamondsMonitorReport.ranking.map((f) => f.column));
    expect(rows[0]).toEqual([
      '1',
      'carat',
      '41%',
      'Wasserstein distance',
      '0.268',
      '—',
      '≥ 0.1',
      '0.11',
      'drifted',
    ]);
    expect(rows.find((r) => r[1] === 'cut')).toEqual([
      '4',
      'cut',
      '3.0%',
      'Jensen–Shannon distance',
      '0.193',
      '—',
      '≥ 0.1',
      '0.0058',
      'drifted',
    ]);
    expect(rows.find((r) => r[1] === 'depth')![8]).toBe('no');
    const outputs = tableRows(diamonds, 'sortable outputs');
    expect(outputs).toEqual([['prediction', 'Wasserstein distance', '0.163', '—', '≥ 0.1', 'drifted']]);
  });

  it('gives p-value tests their p-value and a rule on it', () => {
    const carat = tableRows(classifier, 'sortable ranking').find((r) => r[1] === 'carat')!;
    expect(carat.slice(3, 7)).toEqual(['Kolmogorov–Smirnov', '0.161', '&lt; 0.0001', 'p &lt; 0.05']);
    const outputs = tableRows(classifier, 'sortable outputs');
    expect(outputs.map((r) => r[0])).toEqual([
      'prediction',
      'probability:Fair',
      'probability:Good',
      'probability:Very Good',
      'probability:Premium',
      'probability:Ideal',
    ]);
    expect(outputs[0]!.slice(1, 4)).toEqual(['chi-squared', '21.3', '0.00027']);
  });

  it('draws one histogram per column: paired bins for numbers, paired rows for levels', () => {
    const histograms = section(diamonds, 'histograms');
    const kinds = chartKinds(histograms);
    const numeric = diamondsMonitorReport.histograms.filter((h) => h.kind === 'numeric').length;
    expect(kinds.filter((k) => k === 'histogram')).toHaveLength(numeric);
    expect(kinds.filter((k) => k === 'levels')).toHaveLength(
      diamondsMonitorReport.histograms.length - numeric,
    );
    const columns = [...histograms.matchAll(/<figure class="multiple[^"]*" data-column="([^"]*)"/g)].map(
      (m) => m[1],
    );
    expect(columns).toEqual([...diamondsMonitorReport.ranking.map((f) => f.column), 'prediction']);
    const drifted = [
      ...histograms.matchAll(/<figure class="multiple is-drifted" data-column="([^"]*)"/g),
    ].map((m) => m[1]);
    expect(drifted).toEqual(['carat', 'cut', 'prediction']);
    expect(histograms).toContain('Wasserstein distance 0.268 · drifts when ≥ 0.1');
    expect(histograms).toContain('Bars show the share of values in each equal-width bin');
    expect(histograms).toContain('Bars show the share of values at each level');
    // Twelve bins, two bars each, every bar with its tooltip.
    const carat = histograms.slice(
      histograms.indexOf('data-column="carat"'),
      histograms.indexOf('</figure>'),
    );
    const bars = carat.slice(carat.indexOf('class="marks"'), carat.indexOf('class="legend"'));
    expect(count(bars, '<rect ')).toBe(24);
    expect(carat).toContain('reference 23%, current 11%');
  });

  it('draws categorical model outputs and class probabilities of a classifier', () => {
    const histograms = section(classifier, 'histograms');
    expect(histograms).toContain('data-column="probability:Fair"');
    const prediction = histograms.slice(histograms.indexOf('data-column="prediction"'));
    expect(chartKinds(prediction)[0]).toBe('levels');
    expect(histograms).toContain('Kolmogorov–Smirnov 0.161, p &lt; 0.0001 · drifts when p &lt; 0.05');
  });

  it('plots drift over time per test, with threshold lines only where the statistic has one', () => {
    const drift = section(diamonds, 'drift-time');
    expect(chartKinds(drift)).toEqual(['drift-time', 'drift-time', 'drift-time', 'drift-share']);
    expect(count(drift, 'class="threshold"')).toBe(4);
    expect(drift).toContain('drifts at 0.1');
    expect(drift).toContain('dataset drifts at 50%');
    expect(drift).toContain('window start (2025, UTC)');
    // carat and cut are drawn in colour; the others grey.
    expect(drift).toMatch(/<text[^>]*>carat<\/text>/);
    expect(drift).toContain('other features');
    expect(count(drift, '(drifted)</title>')).toBe(6);
    const pValueCharts = section(classifier, 'drift-time');
    expect(count(pValueCharts, 'class="threshold"')).toBe(1);
    expect(pValueCharts).toContain('there is no threshold line on the statistic');
    expect(tableRows(diamonds, 'windows')[4]).toEqual([
      '2025-03-05 00:00–23:59',
      '2,310',
      '2,310',
      '0',
      '22%',
      'carat, cut',
    ]);
  });

  it('plots performance with intervals, the validation score and the decay line', () => {
    const performance = section(diamonds, 'performance');
    expect(chartKinds(performance)).toEqual(['performance']);
    expect(performance).toContain('validation 552');
    expect(performance).toContain('decay beyond 607');
    expect(performance).toContain('rmse 689 (95% interval 652–728) on 2366 labelled rows, decayed');
    expect(tableRows(diamonds, 'narrow performance')).toEqual([
      ['2025-03-02 00:00–23:59', '418', '561', '528 – 597', 'no'],
      ['2025-03-04 00:00–23:59', '515', '548', '517 – 583', 'no'],
      ['2025-03-06 00:00–23:59', '2,366', '689', '652 – 728', 'decayed'],
    ]);
  });

  it('says there are no feedback labels yet when performance is null', () => {
    const performance = section(classifier, 'performance');
    expect(performance).toContain('data-absent="performance"');
    expect(performance).toContain('No feedback labels yet');
    expect(chartKinds(performance)).toEqual([]);
    const unscored = renderMonitorHtml({ ...diamondsMonitorReport, performance: null });
    expect(section(unscored, 'performance')).toContain('has no validation score');
  });

  it('renders a single window read from a file', () => {
    const html = renderMonitorHtml(singleWindowReport());
    const drift = section(html, 'drift-time');
    expect(drift).toContain('There is only one window so far');
    expect(tableRows(html, 'windows')).toEqual([['window 1', '2,366', '—', '0', '22%', 'carat, cut']]);
    expect(drift).toMatch(/<circle cx="[\d.]+" cy="[\d.]+" r="4.5"/);
    expect(section(html, 'summary')).toContain('one batch');
    expect(section(html, 'summary')).toContain('data/diamonds-march.csv');
  });

  it('lists data-quality issues, or says there are none', () => {
    const rows = tableRows(diamonds, 'quality');
    expect(rows).toEqual([
      [
        'out of range',
        'carat',
        '1.3% of values',
        diamondsMonitorReport.latest.quality[0]!.message.replaceAll('"', '&quot;'),
      ],
      [
        'missing values',
        'depth',
        '0% → 12%',
        diamondsMonitorReport.latest.quality[1]!.message.replaceAll('"', '&quot;'),
      ],
    ]);
    expect(section(classifier, 'quality')).toContain('No data-quality problems in the latest window.');
  });

  it('escapes hostile column names, levels, reasons and sources everywhere', () => {
    const html = renderMonitorHtml(hostileMonitorReport);
    expect(html).not.toContain(HOSTILE_NAME);
    expect(html).not.toContain(HOSTILE_LEVEL);
    expect(html).not.toContain(HOSTILE_ATTR);
    expect(html).not.toContain('onmouseover="');
    expect(html).not.toContain('<img');
    expect(count(html, '<script')).toBe(2);
    expect(count(html, '</style>')).toBe(1);
    expect(html).toContain(`<title>Monitoring ${escapeHtml(HOSTILE_NAME)}@${escapeHtml(HOSTILE_ATTR)}`);
    expect(html).toContain(`data-column="${escapeHtml(HOSTILE_NAME)}"`);
    expect(html).toContain(`>${escapeHtml(HOSTILE_LEVEL).slice(0, 10)}`);
    const json = new RegExp(
      `<script type="application/json" id="${MONITOR_REPORT_JSON_ID}">([\\s\\S]*?)</script>`,
    ).exec(html);
    expect(JSON.parse(json![1]!)).toEqual(JSON.parse(JSON.stringify(hostileMonitorReport)));
  });
});

describe('chart helpers', () => {
  it('keeps the most common levels and folds the rest into one row', () => {
    const bins = Array.from({ length: 30 }, (_, i) => `level ${i}`);
    const reference = bins.map((_, i) => (i === 29 ? 0.3 : 0.7 / 29));
    const current = bins.map(() => 1 / 30);
    const capped = capLevels({ ...diamondsMonitorReport.histograms[1]!, bins, reference, current });
    expect(capped.labels).toHaveLength(12);
    expect(capped.labels[10]).toBe('level 29');
    expect(capped.labels[11]).toBe('other (19 levels)');
    expect(capped.reference.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(capped.current.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('thins window labels so they do not overlap', () => {
    const hourly = Array.from({ length: 48 }, (_, i) => `03-01 ${String(i % 24).padStart(2, '0')}:00`);
    const axis = windowAxis(hourly, 'window start');
    expect(axis.ticks.length).toBeLessThanOrEqual(6);
    expect(axis.ticks[0]).toEqual({ value: 1, label: '03-01 00:00' });
    expect(windowAxis(['1', '2', '3'], 'window').ticks).toHaveLength(3);
  });

  it('puts the decay line on the worse side of the validation score', () => {
    const series = diamondsMonitorReport.performance!;
    expect(decayLine(series)).toBeCloseTo(607.31, 2);
    expect(
      decayLine({ ...series, greaterIsBetter: true, validation: { score: 0.8, std: null } }),
    ).toBeCloseTo(0.72, 10);
    expect(decayLine({ ...series, validation: null })).toBeNull();
  });

  it('draws a numeric column whose values are all equal', () => {
    const constant = {
      ...diamondsMonitorReport.histograms[0]!,
      bins: ['[5, 5]'],
      edges: [5, 5],
      reference: [1],
      current: [1],
    };
    const html = renderMonitorHtml({ ...diamondsMonitorReport, histograms: [constant] });
    expect(markup(html)).not.toMatch(/NaN|Infinity/);
    expect(chartKinds(section(html, 'histograms'))).toEqual(['histogram']);
  });
});
