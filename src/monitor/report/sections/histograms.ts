/**
 * Reference against current, one small chart per column: the features in
 * the order of the ranking (most worrying first), then the model's outputs.
 * Each carries its test, statistic and threshold, and drifted ones are marked.
 */

import { absentNote, panel } from '../../../explain/report/sections/common.js';
import { formatScore, pValuePhrase } from '../../../report/format.js';
import { type Html, html, join } from '../../../report/html.js';
import { chartMarkup } from '../../../report/svg.js';
import type { ColumnHistogram, MonitorReport } from '../../monitor-report.js';
import { categoricalBarsSvg, numericHistogramSvg } from '../charts/histograms.js';
import { driftRule, isPValueTest, statisticMeaning, testLabel } from '../wording.js';

/** Features in ranking order, any others after them, then outputs. */
export function orderedHistograms(report: MonitorReport): ColumnHistogram[] {
  const rank = new Map(report.ranking.map((f, i) => [f.column, i]));
  const place = (h: ColumnHistogram) =>
    (h.role === 'feature' ? 0 : 1e6) + (rank.get(h.column) ?? report.ranking.length);
  return report.histograms
    .map((h, order) => ({ h, order }))
    .sort((a, b) => place(a.h) - place(b.h) || a.order - b.order)
    .map(({ h }) => h);
}

function testLine(histogram: ColumnHistogram, pValue: number | null | undefined): string {
  const { test, statistic, threshold } = histogram;
  if (test === null) return 'not tested';
  const figure = isPValueTest(test)
    ? `${testLabel(test)} ${formatScore(statistic)}, ${pValuePhrase(pValue)}`
    : `${testLabel(test)} ${formatScore(statistic)}`;
  return `${figure} · drifts when ${driftRule(test, threshold)}`;
}

function hint(histogram: ColumnHistogram): string {
  const bars =
    histogram.kind === 'numeric'
      ? 'Bars show the share of values in each equal-width bin: grey the reference, blue the latest window.'
      : 'Bars show the share of values at each level: grey the reference, blue the latest window.';
  const meaning = histogram.test ? ` The statistic measures ${statisticMeaning(histogram.test)}.` : '';
  return `${bars}${meaning}`;
}

function multiple(histogram: ColumnHistogram, pValue: number | null | undefined): Html {
  const label = `${histogram.column}: share of values, reference against the latest window`;
  const svg =
    histogram.kind === 'numeric' && histogram.edges?.length === histogram.bins.length + 1
      ? numericHistogramSvg(histogram, label)
      : categoricalBarsSvg(histogram, label);
  const tags = [
    histogram.role === 'output' && html`<span class="tag">output</span>`,
    histogram.drifted && html`<span class="tag tag-drift">drifted</span>`,
  ];
  const cls = histogram.drifted ? 'multiple is-drifted' : 'multiple';
  return html`<figure class="${cls}" data-column="${histogram.column}">
<h3>${histogram.column}${tags}</h3>
<p class="test-line">${testLine(histogram, pValue)}</p>
${chartMarkup(svg)}
<figcaption>${hint(histogram)}</figcaption>
</figure>`;
}

export function histogramsSection(report: MonitorReport): Html {
  const title = 'Reference against current, per column';
  if (!report.histograms.length) {
    return panel('histograms', title, absentNote('histograms', 'No column was compared with the reference.'));
  }
  const drifts = [...report.latest.features, ...report.latest.outputs];
  const pValues = new Map(drifts.map((d) => [`${d.role}:${d.column}`, d.pValue]));
  const figures = orderedHistograms(report).map((h) => multiple(h, pValues.get(`${h.role}:${h.column}`)));
  const lead =
    'How each column was distributed in the data the model learned from (the reference) and in the latest window. ' +
    'Where the two sets of bars part, the model is being asked about cases it saw less, or more, often in training. Drifted columns have a red edge.';
  return panel('histograms', title, html`<div class="multiples">${join(figures, '\n')}</div>`, lead);
}
