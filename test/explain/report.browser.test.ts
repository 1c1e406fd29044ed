/**
 * Opens the AutoML report of each sample task in real Chromium from a file://
 * URL: every chart must be laid out with drawn marks, the page must raise no
 * errors and load nothing from the network, and the hostile report must run
 * none of the markup hidden in its data.
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_JSON_ID, renderModelReportHtml } from '../../src/explain/report/index.js';
import type { ModelReport } from '../../src/explain/report/types.js';
import { HOSTILE_NAME, hostileReport, sampleReports } from '../fixtures/explain/sample-report.js';

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
const SCREENSHOT_DIR = join(tmpdir(), 'keel-model-report-screenshots');

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
  workDir = mkdtempSync(join(tmpdir(), 'keel-model-report-'));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
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

async function openReport(report: ModelReport, name: string): Promise<OpenedReport> {
  const file = join(workDir, `${name}.html`);
  writeFileSync(file, renderModelReportHtml(report));
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
  /** Data marks: children of the chart's `g.marks`, not axes or legends. */
  readonly marks: number;
  /** The drawn extent of the marks, so marks squashed to nothing count as missing. */
  readonly marksWidth: number;
  readonly marksHeight: number;
}

function chartBoxes(page: Page): Promise<ChartBox[]> {
  return page.$$eval('svg.chart', (charts) =>
    charts.map((chart) => {
      const box = chart.getBoundingClientRect();
      const marks = chart.querySelector('g.marks');
      const marksBox = marks?.getBoundingClientRect();
      return {
        kind: chart.getAttribute('class') ?? '',
        width: box.width,
        height: box.height,
        marks: marks?.querySelectorAll('rect, path, circle, line').length ?? 0,
        marksWidth: marksBox?.width ?? 0,
        marksHeight: marksBox?.height ?? 0,
      };
    }),
  );
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
      const kinds = new Set(charts.map((c) => /chart-([\w-]+)/.exec(c.kind)?.[1]));
      for (const kind of EXPECTED_CHARTS[name]!) expect(kinds, kind).toContain(kind);
      for (const chart of charts) {
        expect(chart.width, chart.kind).toBeGreaterThan(100);
        expect(chart.height, chart.kind).toBeGreaterThan(40);
        expect(chart.marks, chart.kind).toBeGreaterThan(0);
        expect(chart.marksWidth, chart.kind).toBeGreaterThan(1);
        expect(chart.marksHeight, chart.kind).toBeGreaterThan(1);
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
    for (const chart of await chartBoxes(page)) expect(chart.width, chart.kind).toBeLessThanOrEqual(390);
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
