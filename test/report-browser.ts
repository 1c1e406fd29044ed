/**
 * The Chromium harness of the HTML report tests: one browser profile per test
 * file, report pages opened from file:// URLs with every console problem,
 * network request and dialog recorded, and the laid-out size of each chart.
 * The reports promise to work offline and run nothing from their data, so the
 * tests watch what a page asks for as closely as what it draws.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Headless, and quiet: no background fetches that would show up as the page's own requests. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ReportBrowser {
  readonly context: BrowserContext;
  /** A fresh folder for the browser profile and the report files; `close` removes it. */
  readonly dir: string;
  close(): Promise<void>;
}

export interface Viewport {
  readonly width: number;
  readonly height: number;
}

/** Starts Chromium with a throwaway profile in a new temporary folder named from `prefix`. */
export async function openBrowser(
  prefix: string,
  viewport: Viewport = { width: 1280, height: 900 },
): Promise<ReportBrowser> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      viewport,
    });
  } catch (error) {
    removeDir();
    throw error;
  }
  return {
    context,
    dir,
    close: async () => {
      await context.close();
      removeDir();
    },
  };
}

export interface OpenedPage {
  readonly page: Page;
  readonly url: string;
  /** Console errors and warnings, and uncaught exceptions. */
  readonly problems: string[];
  /** Console errors and uncaught exceptions only, for tests that tolerate warnings. */
  readonly errors: string[];
  /** Every URL the page requested, its own first. */
  readonly requests: string[];
  /** The messages of alerts, confirms and prompts, each dismissed. */
  readonly dialogs: string[];
}

/** Writes `html` to `name`.html in the browser's folder and opens it, recording from before the first byte. */
export async function openHtml(browser: ReportBrowser, name: string, html: string): Promise<OpenedPage> {
  const file = join(browser.dir, `${name}.html`);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const page = await browser.context.newPage();
  const opened: OpenedPage = { page, url, problems: [], errors: [], requests: [], dialogs: [] };
  page.on('console', (message) => {
    const type = message.type();
    if (type === 'error' || type === 'warning') opened.problems.push(message.text());
    if (type === 'error') opened.errors.push(message.text());
  });
  page.on('pageerror', (error) => {
    opened.problems.push(error.message);
    opened.errors.push(error.message);
  });
  page.on('request', (request) => opened.requests.push(request.url()));
  page.on('dialog', (dialog) => {
    opened.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return opened;
}

export interface ChartBox {
  /** The chart's whole class attribute. */
  readonly className: string;
  /** What follows `chart-` in the class (`histogram`, `roc`), or '' where there is none. */
  readonly kind: string;
  readonly label: string;
  readonly width: number;
  readonly height: number;
  readonly marks: number;
  /** The drawn extent of what holds the marks, so marks squashed to nothing count as missing. */
  readonly marksWidth: number;
  readonly marksHeight: number;
}

export interface ChartBoxOptions {
  /**
   * The element inside the chart that holds its data marks, so axes and
   * legends do not count; `null` counts shapes anywhere in the chart.
   */
  readonly marksGroup?: string | null;
  readonly markShapes?: string;
}

/** The laid-out box and drawn marks of every `svg.chart` on the page. */
export function chartBoxes(page: Page, options: ChartBoxOptions = {}): Promise<ChartBox[]> {
  const { marksGroup = 'g.marks', markShapes = 'rect, path, circle, line' } = options;
  return page.$$eval(
    'svg.chart',
    (charts, { marksGroup, markShapes }) =>
      charts.map((chart) => {
        const box = chart.getBoundingClientRect();
        const holder = marksGroup === null ? chart : chart.querySelector(marksGroup);
        const holderBox = holder?.getBoundingClientRect();
        const className = chart.getAttribute('class') ?? '';
        return {
          className,
          kind: /chart-([\w-]+)/.exec(className)?.[1] ?? '',
          label: chart.getAttribute('aria-label') ?? '',
          width: box.width,
          height: box.height,
          marks: holder?.querySelectorAll(markShapes).length ?? 0,
          marksWidth: holderBox?.width ?? 0,
          marksHeight: holderBox?.height ?? 0,
        };
      }),
    { marksGroup, markShapes },
  );
}
