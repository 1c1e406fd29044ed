/**
 * The report of real AutoML runs (not fixtures), one per task, opened in
 * Chromium: every chart is laid out with data marks, nothing fails, and the
 * figures agree with the search (the leaderboard's best is the summary's).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/read.js';
import { automlReport } from '../../src/explain/automl-report.js';
import { renderModelReportHtml } from '../../src/explain/report/index.js';
import type { ModelReport } from '../../src/explain/report/types.js';
import { automl } from '../../src/tune/automl/index.js';
import { DATASETS } from '../helpers.js';
import { chartBoxes, openBrowser, openHtml, type ReportBrowser } from '../report-browser.js';

let browser: ReportBrowser;

beforeAll(async () => {
  // Playwright's default page size, kept from when this test launched a browser of its own.
  browser = await openBrowser('keel-automl-report-', { width: 1280, height: 720 });
});

afterAll(() => browser?.close());

async function reportOf(file: string, target: string, sensitive: string[] = []): Promise<ModelReport> {
  const frame = await readTable(join(DATASETS, file));
  const result = await automl(frame, {
    target,
    maxTrials: 6,
    threads: 1,
    exclude: sensitive,
  });
  return automlReport({
    result,
    frame,
    source: file,
    sensitive,
    budgetSeconds: 10,
    seed: 0,
    keelVersion: 'test',
    explainSeconds: 2,
  });
}

/** A real run's report is held to no console errors; warnings, unlike in the fixture reports' test, do not count. */
async function openAndCheck(report: ModelReport, name: string) {
  const { page, errors } = await openHtml(browser, name, renderModelReportHtml(report));
  const charts = (await chartBoxes(page)).map((chart) => ({
    kind: chart.className,
    area: chart.width * chart.height,
    marks: chart.marks,
  }));
  const summary = await page.$eval('#summary', (el) => el.textContent ?? '');
  await page.close();
  return { problems: errors, charts, summary };
}

describe('reports of real automl runs render in Chromium', () => {
  it('binary (pima, with missing values)', async () => {
    const report = await reportOf('pima_indians_diabetes2.csv', 'diabetes');
    const opened = await openAndCheck(report, 'pima');
    expect(opened.problems).toEqual([]);
    expect(opened.charts.length).toBeGreaterThanOrEqual(9);
    for (const chart of opened.charts) {
      expect(chart.area, chart.kind).toBeGreaterThan(0);
      expect(chart.marks, chart.kind).toBeGreaterThan(0);
    }
    expect(report.classification?.roc?.auc).toBeGreaterThan(0.75);
    expect(opened.summary).toContain(report.leaderboard.find((r) => r.chosen)!.model);
  }, 120_000);

  it('regression (diabetes) and multiclass (iris)', async () => {
    for (const [file, target] of [
      ['diabetes.csv', 'target'],
      ['iris.csv', 'target'],
    ] as const) {
      const report = await reportOf(file, target);
      const opened = await openAndCheck(report, file);
      expect(opened.problems).toEqual([]);
      for (const chart of opened.charts) expect(chart.marks, `${file} ${chart.kind}`).toBeGreaterThan(0);
      if (file === 'diabetes.csv') expect(report.regression?.predicted.length).toBe(442);
      else expect(report.classification?.confusion.matrix.flat().reduce((a, b) => a + b, 0)).toBe(150);
    }
  }, 120_000);
});
