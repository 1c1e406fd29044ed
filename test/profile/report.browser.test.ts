/**
 * Opens the HTML report in real Chromium from a file:// URL: the charts must
 * be laid out and drawn, the page must raise no errors, load nothing from the
 * network, and run no script smuggled in through user data.
 */

import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderProfileHtml } from '../../src/profile/report/index.js';
import type { Profile } from '../../src/profile/types.js';
import { hostileProfile } from '../fixtures/profile/hostile-profile.js';
import { sampleProfile } from '../fixtures/profile/sample-profile.js';
import {
  type ChartBox,
  chartBoxes,
  type OpenedPage,
  openBrowser,
  openHtml,
  type ReportBrowser,
} from '../report-browser.js';

/** Where the screenshots go, so a person can look at them after a run. */
const SCREENSHOT_DIR = join(tmpdir(), 'keel-report-screenshots');

let browser: ReportBrowser;

beforeAll(async () => {
  browser = await openBrowser('keel-report-');
});

afterAll(() => browser?.close());

function openReport(profile: Profile, name: string): Promise<OpenedPage> {
  return openHtml(browser, name, renderProfileHtml(profile));
}

/** The profile's charts have no `g.marks` group: any rectangle or path in the chart counts as drawn. */
function profileCharts(page: Page): Promise<ChartBox[]> {
  return chartBoxes(page, { marksGroup: null, markShapes: 'rect, path' });
}

describe('the HTML report in Chromium', () => {
  it('draws every chart with visible marks, without errors or network requests', async () => {
    const { page, url, problems, requests } = await openReport(sampleProfile, 'sample');
    const charts = await profileCharts(page);
    // 16 column cards (all but the ID column), missing values, target distribution,
    // mutual information, and Pearson, Spearman, Cramér's V and correlation-ratio heatmaps.
    expect(charts).toHaveLength(16 + 3 + 4);
    for (const chart of charts) {
      expect(chart.width, chart.className).toBeGreaterThan(50);
      expect(chart.height, chart.className).toBeGreaterThan(20);
      expect(chart.marks, chart.className).toBeGreaterThan(0);
    }
    expect(charts.filter((c) => c.className.includes('chart-heatmap'))).toHaveLength(4);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'report.png'), fullPage: true });
    await page.close();
  });

  it('keeps charts inside the page on a phone-sized screen', async () => {
    const { page, problems } = await openReport(sampleProfile, 'narrow');
    await page.setViewportSize({ width: 390, height: 800 });
    const overflow = await page.$eval('html', (root) => root.scrollWidth - root.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const charts = await profileCharts(page);
    for (const chart of charts) expect(chart.width, chart.className).toBeLessThanOrEqual(390);
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'report-narrow.png'), fullPage: false });
    await page.close();
  });

  it('sorts the column table when a heading is clicked', async () => {
    const { page, problems } = await openReport(sampleProfile, 'sorting');
    const firstColumn = () => page.$eval('table.columns tbody tr td', (cell) => cell.textContent?.trim());
    const missingHeading = page.locator('table.columns th button', { hasText: 'Missing' });
    await missingHeading.click();
    await missingHeading.click();
    expect(await firstColumn()).toBe('notes');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows hostile column names as text and runs none of them', async () => {
    const { page, problems, requests, dialogs, url } = await openReport(hostileProfile, 'hostile');
    const names = await page.$$eval('article.card h3', (headings) => headings.map((h) => h.textContent));
    expect(names).toContain('<script>alert(1)</script>');
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    const embedded = await page.$eval('#keel-profile', (node) => JSON.parse(node.textContent ?? 'null'));
    expect(embedded).toEqual(JSON.parse(JSON.stringify(hostileProfile)));
    await page.close();
  });
});
