/**
 * Opens the AutoML report of each sample task in real Chromium from a file://
 * URL: every chart must be laid out with drawn marks, the page must raise no
 * errors and load nothing from the network, and the hostile report must run
 * none of the markup hidden in its data.
 */

import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_JSON_ID, renderModelReportHtml } from '../../src/explain/report/index.js';
import type { ModelReport } from '../../src/explain/report/types.js';
import { HOSTILE_NAME, hostileReport, sampleReports } from '../fixtures/explain/sample-report.js';
import { chartBoxes, type OpenedPage, openBrowser, openHtml, type ReportBrowser } from '../report-browser.js';

/** Where the screenshots go, so a person can look at them after a run. */
const SCREENSHOT_DIR = join(tmpdir(), 'keel-model-report-screenshots');

let browser: ReportBrowser;

beforeAll(async () => {
  browser = await openBrowser('keel-model-report-');
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

afterAll(() => browser?.close());

function openReport(report: ModelReport, name: string): Promise<OpenedPage> {
  return openHtml(browser, name, renderModelReportHtml(report));
}

/** The sections where the tasks differ; a full-page capture of a tall page takes seconds, a section a fraction of one. */
const SCREENSHOT_SECTIONS: Readonly<Record<string, readonly string[]>> = {
  binary: ['summary', 'leaderboard', 'curves', 'shap', 'fairness'],
  regression: ['residuals', 'pdp'],
  multiclass: ['curves', 'confusion'],
};

async function saveScreenshots(page: Page, name: string): Promise<void> {
  for (const id of SCREENSHOT_SECTIONS[name] ?? []) {
    await page.locator(`#${id}`).screenshot({ path: join(SCREENSHOT_DIR, `${name}-${id}.png`) });
  }
}

const EXPECTED_CHARTS: Readonly<Record<string, readonly string[]>> = {
  binary: [
    'balance',
    'leaderboard',
    'folds',
    'roc',
    'pr',
    'confusion',
    'calibration',
    'importance',
    'shap',
    'pdp',
  ],
  regression: [
    'leaderboard',
    'folds',
    'residuals',
    'predicted-actual',
    'residual-histogram',
    'importance',
    'shap',
    'pdp',
  ],
  multiclass: ['balance', 'leaderboard', 'folds', 'roc', 'confusion', 'importance', 'pdp'],
};

describe('the AutoML report in Chromium', () => {
  for (const [name, report] of sampleReports) {
    it(`draws every chart of the ${name} report with visible marks, without errors or network requests`, async () => {
      const { page, url, problems, requests } = await openReport(report, name);
      const charts = await chartBoxes(page);
      const kinds = new Set(charts.map((c) => c.kind));
      for (const kind of EXPECTED_CHARTS[name]!) expect(kinds, kind).toContain(kind);
      for (const chart of charts) {
        expect(chart.width, chart.className).toBeGreaterThan(100);
        expect(chart.height, chart.className).toBeGreaterThan(40);
        expect(chart.marks, chart.className).toBeGreaterThan(0);
        expect(chart.marksWidth, chart.className).toBeGreaterThan(1);
        expect(chart.marksHeight, chart.className).toBeGreaterThan(1);
      }
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      await saveScreenshots(page, name);
      await page.close();
    });
  }

  it('keeps the page inside a phone-sized screen', async () => {
    const { page, problems } = await openReport(sampleReports[0]![1], 'narrow');
    await page.setViewportSize({ width: 390, height: 800 });
    const overflow = await page.$eval('html', (root) => root.scrollWidth - root.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    for (const chart of await chartBoxes(page)) expect(chart.width, chart.className).toBeLessThanOrEqual(390);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('sorts the leaderboard when a heading is clicked', async () => {
    const { page, problems } = await openReport(sampleReports[0]![1], 'sorting');
    const fitTime = page.locator('table.leaderboard th button', { hasText: 'Fit time' });
    await fitTime.click();
    const first = await page.$eval('table.leaderboard tbody tr td:nth-child(2)', (c) =>
      c.textContent?.trim(),
    );
    expect(first).toBe('naive bayes #1');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows hostile text as text and runs none of it', async () => {
    const { page, problems, requests, dialogs, url } = await openReport(hostileReport, 'hostile');
    expect(await page.title()).toContain(HOSTILE_NAME);
    const findings = await page.$$eval('ol.findings li', (items) => items.map((i) => i.textContent ?? ''));
    expect(findings.some((f) => f.includes(HOSTILE_NAME))).toBe(true);
    expect(await page.locator('img, iframe, b, main script, svg svg').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    const embedded = await page.$eval(`#${REPORT_JSON_ID}`, (node) => JSON.parse(node.textContent ?? 'null'));
    expect(embedded).toEqual(JSON.parse(JSON.stringify(hostileReport)));
    await page.locator('#summary').screenshot({ path: join(SCREENSHOT_DIR, 'hostile-summary.png') });
    await page.close();
  });
});
