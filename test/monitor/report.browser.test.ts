/**
 * Opens the monitoring report of each sample in real Chromium from a file://
 * URL: every chart must be laid out with drawn marks of non-zero size, the
 * page must raise no errors and load nothing from the network, and the
 * hostile report must run none of the markup hidden in its data.
 */

import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorReport } from '../../src/monitor/monitor-report.js';
import {
  MONITOR_REPORT_JSON_ID,
  MONITOR_SECTION_IDS,
  renderMonitorHtml,
} from '../../src/monitor/report/index.js';
import {
  HOSTILE_LEVEL,
  HOSTILE_NAME,
  hostileMonitorReport,
  sampleMonitorReports,
} from '../fixtures/monitor/sample-monitor-report.js';
import { chartBoxes, type OpenedPage, openBrowser, openHtml, type ReportBrowser } from '../report-browser.js';

/** Where the screenshots go, so a person can look at them after a run. */
const SCREENSHOT_DIR = join(tmpdir(), 'keel-monitor-report-screenshots');

let browser: ReportBrowser;

beforeAll(async () => {
  browser = await openBrowser('keel-monitor-report-');
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

afterAll(() => browser?.close());

function openReport(report: MonitorReport, name: string): Promise<OpenedPage> {
  return openHtml(browser, name, renderMonitorHtml(report));
}

const EXPECTED_CHARTS: Readonly<Record<string, readonly string[]>> = {
  diamonds: ['histogram', 'levels', 'drift-time', 'drift-share', 'performance'],
  classifier: ['histogram', 'levels', 'drift-time', 'drift-share'],
  'single-window': ['histogram', 'levels', 'drift-time', 'drift-share'],
};

async function saveScreenshots(page: Page, name: string): Promise<void> {
  for (const id of MONITOR_SECTION_IDS) {
    await page.locator(`#${id}`).screenshot({ path: join(SCREENSHOT_DIR, `${name}-${id}.png`) });
  }
}

describe('the monitoring report in Chromium', () => {
  for (const [name, report] of sampleMonitorReports) {
    it(`draws every chart of the ${name} report with visible marks, without errors or network requests`, async () => {
      const { page, url, problems, requests } = await openReport(report, name);
      const charts = await chartBoxes(page);
      const kinds = new Set(charts.map((c) => c.kind));
      for (const kind of EXPECTED_CHARTS[name]!) expect(kinds, kind).toContain(kind);
      expect(charts.filter((c) => c.kind === 'histogram' || c.kind === 'levels')).toHaveLength(
        report.histograms.length,
      );
      for (const chart of charts) {
        expect(chart.width, chart.label).toBeGreaterThan(100);
        expect(chart.height, chart.label).toBeGreaterThan(40);
        expect(chart.marks, chart.label).toBeGreaterThan(0);
        expect(chart.marksWidth, chart.label).toBeGreaterThan(1);
        expect(chart.marksHeight, chart.label).toBeGreaterThan(1);
      }
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      await saveScreenshots(page, name);
      await page.close();
    });
  }

  it('keeps the page inside a phone-sized screen', async () => {
    const { page, problems } = await openReport(sampleMonitorReports[0]![1], 'narrow');
    await page.setViewportSize({ width: 390, height: 800 });
    const overflow = await page.$eval('html', (root) => root.scrollWidth - root.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    for (const chart of await chartBoxes(page)) expect(chart.width, chart.label).toBeLessThanOrEqual(390);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('sorts the feature ranking when a heading is clicked', async () => {
    const { page, problems } = await openReport(sampleMonitorReports[0]![1], 'sorting');
    await page.locator('table.ranking th button', { hasText: 'Importance ×' }).click();
    const first = () =>
      page.$eval('table.ranking tbody tr td:nth-child(2)', (cell) => cell.textContent?.trim());
    expect(await first()).toBe('depth');
    await page.locator('table.ranking th button', { hasText: 'Statistic' }).click();
    expect(await first()).toBe('color');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows hostile text as text and runs none of it', async () => {
    const { page, problems, requests, dialogs, url } = await openReport(hostileMonitorReport, 'hostile');
    expect(await page.title()).toContain(HOSTILE_NAME);
    const reasons = await page.$$eval('ul.reasons li', (items) => items.map((i) => i.textContent ?? ''));
    expect(reasons[0]).toContain(HOSTILE_NAME);
    const levels = await page.$$eval('svg.chart-levels text', (texts) =>
      texts.map((t) => t.textContent ?? ''),
    );
    expect(levels.some((t) => HOSTILE_LEVEL.startsWith(t.replace('…', '')))).toBe(true);
    expect(await page.locator('img, iframe, main script, svg svg, [onmouseover]').count()).toBe(0);
    // The page's own stylesheet still applies (a hostile `</style>` did not end it): the banner lays out in a row.
    const label = await page.locator('.verdict-label').boundingBox();
    const meaning = await page.locator('.verdict-meaning').boundingBox();
    expect(meaning!.x).toBeGreaterThan(label!.x + label!.width);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    const embedded = await page.$eval(`#${MONITOR_REPORT_JSON_ID}`, (node) =>
      JSON.parse(node.textContent ?? 'null'),
    );
    expect(embedded).toEqual(JSON.parse(JSON.stringify(hostileMonitorReport)));
    await saveScreenshots(page, 'hostile');
    await page.close();
  });
});
