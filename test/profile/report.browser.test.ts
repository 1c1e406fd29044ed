/**
 * Opens the HTML report in real Chromium from a file:// URL: the charts must
 * be laid out and drawn, the page must raise no errors, load nothing from the
 * network, and run no script smuggled in through user data.
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderProfileHtml } from '../../src/profile/report/index.js';
import type { Profile } from '../../src/profile/types.js';
import { hostileProfile } from '../fixtures/profile/hostile-profile.js';
import { sampleProfile } from '../fixtures/profile/sample-profile.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the screenshots go, so a person can look at them after a run. */
const SCREENSHOT_DIR = join(tmpdir(), 'keel-report-screenshots');

interface OpenedReport {
  readonly page: Page;
  readonly url: string;
  readonly problems: string[];
  readonly requests: string[];
  readonly dialogs: string[];
}

let workDir: string;
let context: BrowserContext;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'keel-report-'));
  context = await chromium.launchPersistentContext(join(workDir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
});

afterAll(async () => {
  await context?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function openReport(profile: Profile, name: string): Promise<OpenedReport> {
  const file = join(workDir, `${name}.html`);
  writeFileSync(file, renderProfileHtml(profile));
  const url = pathToFileURL(file).href;
  const page = await context.newPage();
  const opened: OpenedReport = { page, url, problems: [], requests: [], dialogs: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') opened.problems.push(message.text());
  });
  page.on('pageerror', (error) => opened.problems.push(error.message));
  page.on('request', (request) => opened.requests.push(request.url()));
  page.on('dialog', (dialog) => {
    opened.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return opened;
}

interface ChartBox {
  readonly kind: string;
  readonly width: number;
  readonly height: number;
  readonly marks: number;
}

function chartBoxes(page: Page): Promise<ChartBox[]> {
  return page.$$eval('svg.chart', (charts) =>
    charts.map((chart) => {
      const box = chart.getBoundingClientRect();
      return {
        kind: chart.getAttribute('class') ?? '',
        width: box.width,
        height: box.height,
        marks: chart.querySelectorAll('rect, path').length,
      };
    }),
  );
}

describe('the HTML report in Chromium', () => {
  it('draws every chart with visible marks, without errors or network requests', async () => {
    const { page, url, problems, requests } = await openReport(sampleProfile, 'sample');
    const charts = await chartBoxes(page);
    // 16 column cards (all but the ID column), missing values, target distribution,
    // mutual information, and Pearson, Spearman, Cramér's V and correlation-ratio heatmaps.
    expect(charts).toHaveLength(16 + 3 + 4);
    for (const chart of charts) {
      expect(chart.width, chart.kind).toBeGreaterThan(50);
      expect(chart.height, chart.kind).toBeGreaterThan(20);
      expect(chart.marks, chart.kind).toBeGreaterThan(0);
    }
    expect(charts.filter((c) => c.kind.includes('chart-heatmap'))).toHaveLength(4);
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
    const charts = await chartBoxes(page);
    for (const chart of charts) expect(chart.width, chart.kind).toBeLessThanOrEqual(390);
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
