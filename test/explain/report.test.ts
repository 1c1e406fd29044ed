import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { errorBarAxis } from '../../src/explain/report/charts/bars.js';
import { valueColour } from '../../src/explain/report/charts/beeswarm.js';
import { confusionSvg } from '../../src/explain/report/charts/confusion.js';
import { binValues } from '../../src/explain/report/charts/scatter.js';
import {
  fillModelCard,
  type ModelReport,
  REPORT_JSON_ID,
  renderModelReportHtml,
  sectionIds,
} from '../../src/explain/report/index.js';
import { niceAxis, pathThrough } from '../../src/report/chart-frame.js';
import { escapeHtml } from '../../src/report/format.js';
import { SORT_SCRIPT } from '../../src/report/page.js';
import {
  binaryReport,
  CONTROL_NAME,
  HOSTILE_ATTR,
  HOSTILE_LEVEL,
  HOSTILE_NAME,
  hostileReport,
  multiclassReport,
  regressionReport,
  sampleReports,
} from '../fixtures/explain/sample-report.js';

function count(haystack: string, needle: string | RegExp): number {
  return haystack.split(needle).length - 1;
}

function embedded(html: string): unknown {
  const pattern = new RegExp(`<script type="application/json" id="${REPORT_JSON_ID}">([\\s\\S]*?)</script>`);
  const match = pattern.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!);
}

/** The ids of the top-level sections, in page order. */
function sectionOrder(html: string): string[] {
  return [...html.matchAll(/<(?:section|header) class="panel" id="([\w-]+)"/g)].map((m) => m[1]!);
}

function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start, id).toBeGreaterThan(0);
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
}

function charts(html: string): string[] {
  return [...html.matchAll(/<svg class="chart [\s\S]*?<\/svg>/g)].map((m) => m[0]);
}

function chartKinds(html: string): string[] {
  return [...html.matchAll(/<svg class="chart chart-([\w-]+)"/g)].map((m) => m[1]!);
}

const rendered = new Map(sampleReports.map(([name, report]) => [name, renderModelReportHtml(report)]));
const binary = rendered.get('binary')!;
const regression = rendered.get('regression')!;
const multiclass = rendered.get('multiclass')!;

describe('renderModelReportHtml', () => {
  it('lays out the sections of each task in reading order', () => {
    for (const [name, report] of sampleReports) {
      expect(sectionOrder(rendered.get(name)!), name).toEqual(sectionIds(report.meta.task));
    }
    expect(sectionIds('binary')).toEqual([
      'summary',
      'data',
      'leaderboard',
      'pipeline',
      'cv',
      'curves',
      'confusion',
      'calibration',
      'importance',
      'shap',
      'pdp',
      'fairness',
      'model-card',
    ]);
    expect(sectionIds('regression')).not.toContain('confusion');
    expect(sectionIds('regression')).toContain('residuals');
    expect(sectionIds('multiclass')).not.toContain('residuals');
  });

  it('draws the charts each task calls for', () => {
    expect(chartKinds(binary)).toEqual([
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
      'pdp',
      'pdp',
    ]);
    expect(chartKinds(regression)).toEqual([
      'leaderboard',
      'folds',
      'residuals',
      'predicted-actual',
      'residual-histogram',
      'importance',
      'shap',
      'pdp',
      'pdp',
      'pdp',
      'pdp',
    ]);
    expect(chartKinds(multiclass)).toEqual([
      'balance',
      'leaderboard',
      'folds',
      'roc',
      'confusion',
      'importance',
      'pdp',
      'pdp',
    ]);
  });

  it('gives every chart an accessible title, axes with tick labels and an axis title, and drawn marks', () => {
    for (const [name, html] of rendered) {
      for (const svg of charts(html)) {
        const kind = `${name} ${/chart-([\w-]+)/.exec(svg)![1]}`;
        expect(svg, kind).toMatch(/^<svg class="chart chart-[\w-]+" role="img" aria-label="[^"]{10,}"/);
        expect(svg, kind).toMatch(/^<svg[^>]*><title>[^<]{10,}<\/title>/);
        expect(svg, kind).toContain('class="axis-title"');
        expect(count(svg, '<text'), kind).toBeGreaterThanOrEqual(4);
        const marks = /<g class="marks"[^>]*>([\s\S]*)/.exec(svg)?.[1] ?? '';
        expect(marks, kind).toMatch(/<(rect|path|circle|line) /);
      }
    }
  });

  it('puts a sentence or two on how to read it under every plot', () => {
    for (const [name, html] of rendered) {
      const figures = html.split(/<figure class="plot[^"]*">/).slice(1);
      expect(figures.length, name).toBeGreaterThanOrEqual(7);
      for (const figure of figures) {
        expect(figure, name).toContain('<svg class="chart');
        expect(figure, name).toMatch(/<\/svg><figcaption>[^<]{80,}<\/figcaption><\/figure>/);
      }
    }
  });

  it('sums up what was predicted, the best model, its score and its registered version', () => {
    const header = binary.slice(binary.indexOf('<header'), binary.indexOf('</header>'));
    expect(header).toContain('Predicting diabetes from pima_indians_diabetes2.csv');
    expect(header).toContain('gbdt #31');
    expect(header).toContain('0.829 ± 0.0211');
    expect(header).toContain('diabetes v3');
    expect(header).toContain('time budget of 1 min ran out');
    const regressionHeader = regression.slice(regression.indexOf('<header'), regression.indexOf('</header>'));
    expect(regressionHeader).toContain('not registered');
    expect(regressionHeader).toContain('4.52k ± 310');
    expect(regressionHeader).toContain('lower is better');
    expect(multiclass).toContain('The search was interrupted (Ctrl-C after 41 s)');
  });

  it('marks the chosen model on the leaderboard, in the table and the chart', () => {
    const board = section(binary, 'leaderboard');
    expect(count(board, '<tr class="chosen">')).toBe(1);
    expect(board).toMatch(
      /<tr class="chosen"><td data-sort="1">1<\/td><td>gbdt #31 <span class="tag">chosen<\/span>/,
    );
    expect(board).toContain('font-weight="700">gbdt #31</text>');
    expect(board).toContain('The axis starts at 0.7, not zero');
    const multi = section(multiclass, 'leaderboard');
    expect(multi).toMatch(/<tr class="chosen"><td data-sort="1">1<\/td><td>ensemble /);
  });

  it('lists at most 25 models in the table and 15 in the chart, and says so', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      model: `m${i}`,
      algorithm: 'gbdt',
      score: 0.9 - i * 0.001,
      std: 0.01,
      fitSeconds: 1,
      params: {},
      ...(i === 0 ? { chosen: true } : {}),
    }));
    const html = renderModelReportHtml({ ...binaryReport, leaderboard: rows });
    const board = section(html, 'leaderboard');
    expect(count(board, '<tr')).toBe(26);
    expect(board).toContain('The best 25 of 40 are listed.');
    const chart = /<svg class="chart chart-leaderboard"[\s\S]*?<\/svg>/.exec(board)![0];
    expect(count(chart, '<rect')).toBe(15);
  });

  it('describes the chosen pipeline, why it won, how it was validated and an ensemble’s members', () => {
    const pipeline = section(binary, 'pipeline');
    expect(pipeline).toContain('<ol class="steps"><li>numeric: median imputation');
    expect(pipeline).toContain('5-fold stratified cross-validation.');
    expect(pipeline).toContain('no better within one standard error');
    const ensemble = section(multiclass, 'pipeline');
    expect(ensemble).toContain('Ensemble of 2 models');
    expect(ensemble).toMatch(/<td>mlp #4<\/td><td class="num">60%<\/td>/);
    expect(ensemble).toContain('10-fold stratified cross-validation.');
  });

  it('draws the ROC curve with its diagonal and AUC, and the PR curve with the positive share as baseline', () => {
    const curves = section(binary, 'curves');
    const auc = binaryReport.classification!.roc!.auc;
    expect(curves).toContain(`AUC ${Number(auc.toPrecision(3))}`);
    expect(curves).toContain('<title>a model that guesses at random</title>');
    expect(curves).toContain('<title>random guessing: 35%</title>');
  });

  it('prints the count in every confusion-matrix cell, shaded by the share of its actual class', () => {
    const svg = confusionSvg({
      labels: ['a', 'b'],
      matrix: [
        [90, 10],
        [5, 5],
      ],
      label: 'confusion',
    });
    expect(svg).toContain('<title>actual a, predicted b (wrong): 10 rows, 10% of actual a</title>');
    expect(svg).toContain('<title>actual b, predicted b (correct): 5 rows, 50% of actual b</title>');
    for (const n of ['90', '10', '5']) expect(svg).toContain(`>${n}</text>`);
    expect(svg).toContain('>Predicted class</text>');
    expect(svg).toContain('>Actual class</text>');
  });

  it('draws regression residuals against predictions and predictions against actual values with reference lines', () => {
    const residuals = section(regression, 'residuals');
    expect(residuals).toContain('<title>no error</title>');
    expect(residuals).toContain('<title>perfect prediction (y = x)</title>');
    expect(count(residuals, '<circle')).toBe(2 * regressionReport.regression!.predicted.length);
    expect(residuals).toContain('Each bar counts the rows (all rows)');
  });

  it('bins the sampled residuals when no histogram of all rows is given', () => {
    const { residualHistogram: _, ...rest } = regressionReport.regression!;
    const html = renderModelReportHtml({ ...regressionReport, regression: { ...rest, totalRows: 5000 } });
    const residuals = section(html, 'residuals');
    expect(residuals).toContain('Each bar counts the rows (the sampled rows)');
    expect(residuals).toContain('a random sample of 1,338 of the 5,000 rows');
  });

  it('colours SHAP dots by feature value and greys out missing ones', () => {
    expect(valueColour(0)).toBe('rgb(44,105,176)');
    expect(valueColour(1)).toBe('rgb(214,39,40)');
    expect(valueColour(null)).toBe('#b8bec7');
    const shap = section(binary, 'shap');
    expect(shap).toContain('fill="#b8bec7"');
    expect(shap).toContain('>feature value</text>');
    expect(count(shap, '<circle')).toBe(binaryReport.shap!.columns.reduce((n, c) => n + c.shap.length, 0));
  });

  it('draws numeric partial dependence with faint ICE curves and categorical partial dependence as bars', () => {
    const pdp = section(regression, 'pdp');
    const age = /<svg class="chart chart-pdp"[\s\S]*?<\/svg>/.exec(pdp)![0];
    expect(count(age, 'stroke-opacity="0.35"')).toBe(15);
    expect(age).toContain('stroke-width="3"');
    expect(pdp).toContain('<title>yes: 32.1k</title>');
    expect(pdp).toContain('The thick line is the model');
    expect(pdp).toContain('As above: the thick line is the average predicted charges (USD) as bmi varies');
  });

  it('highlights fairness warnings and flags selection rates under four fifths of the highest', () => {
    const fairness = section(binary, 'fairness');
    expect(fairness).toMatch(
      /<div class="callout warn" role="note"><strong>Warnings<\/strong><ul><li>Patients aged 21–29/,
    );
    expect(count(fairness, 'class="num flag"')).toBe(1);
    expect(fairness).toMatch(/<div class="flag"><dt>Disparate impact ratio<\/dt><dd>0\.348<\/dd>/);
    const regressionFairness = section(regression, 'fairness');
    expect(regressionFairness).toContain('<p class="ok">No warning');
    expect(regressionFairness).toContain('<th class="num">MAE</th>');
  });

  it('explains absent sections in their place, with the caller’s reason when given', () => {
    const bare: ModelReport = {
      ...binaryReport,
      classification: {
        ...binaryReport.classification!,
        roc: undefined,
        pr: undefined,
        calibration: undefined,
      },
      importance: undefined,
      shap: undefined,
      pdp: undefined,
      fairness: undefined,
      omitted: { shap: 'The chosen k-NN model has no SHAP values.' },
    };
    const html = renderModelReportHtml(bare);
    expect(sectionOrder(html)).toEqual(sectionIds('binary'));
    for (const id of ['curves', 'calibration', 'importance', 'shap', 'pdp', 'fairness']) {
      expect(section(html, id), id).toMatch(
        new RegExp(`<p class="absent" data-absent="${id}">[^<]{30,}</p>`),
      );
    }
    expect(section(html, 'shap')).toContain('The chosen k-NN model has no SHAP values.');
    expect(section(html, 'fairness')).toContain('--sensitive');
    expect(section(html, 'confusion')).toContain('chart-confusion');
  });

  it('says why a multiclass report has no calibration plot, and no curves when no per-class curves were given', () => {
    expect(section(multiclass, 'calibration')).toContain('drawn for yes/no tasks');
    expect(section(multiclass, 'shap')).toContain('an ensemble of an MLP and k-nearest neighbours');
    const noCurves = renderModelReportHtml({
      ...multiclassReport,
      classification: { ...multiclassReport.classification!, rocOneVsRest: undefined },
    });
    expect(section(noCurves, 'curves')).toContain('With 3 classes, the confusion matrix below');
    const curves = section(multiclass, 'curves');
    for (const species of ['Adelie', 'Chinstrap', 'Gentoo']) expect(curves).toContain(`>${species} (AUC `);
  });

  it('drafts the model card from the report where the caller gave no text, and marks what it drafted', () => {
    const card = fillModelCard(binaryReport);
    expect(card.drafted).toEqual([
      'intendedUse',
      'trainingData',
      'metricsSummary',
      'limitations',
      'ethicalConsiderations',
    ]);
    expect(card.trainingData).toContain('Trained on 768 rows of datasets/pima_indians_diabetes2.csv');
    expect(card.trainingData).toContain('Not checked on data from other sources');
    expect(card.trainingData).toContain('Excluded as sensitive: age_band.');
    expect(card.metricsSummary).toContain('ROC AUC 0.829 ± 0.0211');
    expect(card.ethicalConsiderations[0]).toContain('2 warnings');
    const given = fillModelCard(multiclassReport);
    expect(given.drafted).toEqual(['trainingData', 'metricsSummary', 'ethicalConsiderations']);
    expect(given.limitations[0]).toContain('Only three species');
    expect(given.ethicalConsiderations[0]).toContain('No fairness audit was run');
    const page = section(multiclass, 'model-card');
    expect(count(page, 'drafted by keel</span>')).toBe(3);
  });

  it('renders a near-empty report of every task without failing, saying what is missing', () => {
    for (const task of ['binary', 'multiclass', 'regression'] as const) {
      const bare: ModelReport = {
        meta: { ...binaryReport.meta, task, registered: undefined },
        data: {
          rows: 0,
          columns: 0,
          featuresUsed: 0,
          target: task === 'regression' ? regressionReport.data.target : { kind: 'classes', classes: [] },
          findings: [],
          dropped: [],
          sensitive: [],
        },
        leaderboard: [],
        choice: {
          model: 'none',
          steps: [],
          why: [],
          preprocessing: [],
          cv: { kind: 'kfold', folds: 5, why: '' },
        },
        cvMetrics: [],
      };
      const html = renderModelReportHtml(bare);
      expect(sectionOrder(html), task).toEqual(sectionIds(task));
      expect(html).toContain('No candidate finished a trial.');
      expect(html).toContain('No per-fold scores were recorded');
      expect(embedded(html)).toEqual(JSON.parse(JSON.stringify(bare)));
    }
  });

  it('reads back a report whose NaN figures became null in JSON', () => {
    const json = JSON.parse(
      JSON.stringify({
        ...binaryReport,
        leaderboard: binaryReport.leaderboard.map((r, i) =>
          i === 3 ? { ...r, score: Number.NaN, std: Number.NaN } : r,
        ),
      }),
    ) as ModelReport;
    const board = section(renderModelReportHtml(json), 'leaderboard');
    expect(board).toContain('<td class="num" data-sort="">—</td>');
    expect(board).not.toContain('NaN');
  });

  it('embeds the report as JSON that parses back to the same report', () => {
    for (const [name, report] of sampleReports) {
      expect(embedded(rendered.get(name)!), name).toEqual(JSON.parse(JSON.stringify(report)));
    }
  });

  it('needs nothing from the network and lets only the table sorter run', () => {
    const hash = createHash('sha256').update(SORT_SCRIPT).digest('base64');
    expect(binary).toContain(
      `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${hash}'`,
    );
    expect(binary).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(binary).not.toMatch(/@import|url\(/i);
  });
});

describe('a report full of hostile text', () => {
  const html = renderModelReportHtml(hostileReport);

  it('escapes every piece of user text, in the page and in the charts', () => {
    for (const raw of [HOSTILE_NAME, HOSTILE_LEVEL, HOSTILE_ATTR, '<b>', '<img', '<iframe', '<!-- run -->']) {
      expect(html, raw).not.toContain(raw);
    }
    expect(html).toContain(escapeHtml(HOSTILE_NAME));
    expect(html).toContain(escapeHtml(HOSTILE_ATTR));
    expect(html).toContain('&lt;b&gt;gbdt #31&lt;/b&gt;');
    expect(html).not.toContain('\x1b');
    expect(html).toContain('col\ufffd[31mred');
    // Only our two blocks open or close a script: the JSON data and the table sorter.
    expect(count(html, /<script/i)).toBe(2);
    expect(count(html, /<\/script/i)).toBe(2);
  });

  it('writes only the elements and attributes the renderer means to, with no event handlers', () => {
    const markup = html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style>[\s\S]*?<\/style>/, '');
    const tags = [...markup.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)];
    expect(tags.length).toBeGreaterThan(1000);
    const names = new Set(tags.map((t) => t[1]!.toLowerCase()));
    const expected =
      'html head meta title style body main header p h1 h2 h3 dl div dt dd nav a section ol li span ul strong table thead tbody tr th td button figure figcaption svg g line text rect path circle article footer';
    for (const name of names) expect(expected.split(' '), name).toContain(name);
    for (const [, , attributes] of tags) {
      // Every attribute is name="value" with nothing left over: hostile text never opens a new one.
      const rest = attributes!
        .replace(/\s+[\w:-]+="[^"]*"/g, '')
        .replace(/\s*\/$/, '')
        .trim();
      expect(rest === '' || rest === 'lang="en"').toBe(true);
      for (const m of attributes!.matchAll(/\s([\w:-]+)="[^"]*"/g))
        expect(m[1]!.toLowerCase()).not.toMatch(/^on/);
    }
  });

  it('embeds the hostile report as JSON that parses back unchanged', () => {
    expect(embedded(html)).toEqual(JSON.parse(JSON.stringify(hostileReport)));
    expect(html).toContain(`alert(1)\\u003c/script>`);
    expect(CONTROL_NAME).toContain('\n');
  });
});

describe('chart helpers', () => {
  it('builds axes that cover the data and end on ticks', () => {
    const axis = niceAxis([0.734, 0.851], 'score');
    expect(axis.min).toBeLessThanOrEqual(0.734);
    expect(axis.max).toBeGreaterThanOrEqual(0.851);
    expect(axis.ticks[0]!.value).toBe(axis.min);
    expect(axis.ticks.at(-1)!.value).toBe(axis.max);
    expect(niceAxis([5, 5], 'same').max).toBeGreaterThan(5);
    expect(niceAxis([3, 9], 'bars', { includeZero: true }).min).toBe(0);
  });

  it('zooms a score axis when zero is far from the scores, and keeps zero when it is near', () => {
    const close = [
      { label: 'a', value: 0.83, std: 0.02 },
      { label: 'b', value: 0.8, std: 0.03 },
    ];
    expect(errorBarAxis(close, 'auc', false).min).toBeGreaterThan(0.5);
    expect(errorBarAxis(close, 'auc', true).min).toBe(0);
    const spread = [
      { label: 'a', value: 4500, std: 300 },
      { label: 'b', value: 1200, std: 200 },
    ];
    expect(errorBarAxis(spread, 'rmse', false).min).toBe(0);
  });

  it('bins values into about √n equal-width bins that hold every value', () => {
    const values = Array.from({ length: 100 }, (_, i) => i * 0.37 - 5);
    const { edges, counts } = binValues(values);
    expect(counts).toHaveLength(10);
    expect(edges).toHaveLength(11);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(binValues([2, 2, 2]).counts).toEqual([3]);
  });

  it('skips points that land on the same pixel and gaps where a value is missing', () => {
    expect(pathThrough([0, 0.01, 10, Number.NaN, 20], [0, 0.02, 10, 5, 20])).toBe('M0 0L10 10L20 20');
  });
});
