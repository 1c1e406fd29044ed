/**
 * The model's score where feedback labels arrived, against the score it was
 * registered with. Without labels the section stays and says why, because
 * an empty chart would read as "no problem".
 */

import { absentNote, figure, panel } from '../../../explain/report/sections/common.js';
import { niceAxis } from '../../../report/chart-frame.js';
import { formatCount, formatPercent, formatScore } from '../../../report/format.js';
import { type Html, html } from '../../../report/html.js';
import type { Svg } from '../../../report/svg.js';
import type { MonitorReport, PerformanceSeries } from '../../monitor-report.js';
import { performanceSvg } from '../charts/performance.js';
import { windowAxis } from '../charts/timeline.js';
import { windowLabels, windowRange } from '../wording.js';

/** The score beyond which the model counts as decayed: the validation score made worse by `tolerance` of itself. */
export function decayLine(series: PerformanceSeries): number | null {
  if (!series.validation) return null;
  const { score } = series.validation;
  const fall = Math.abs(score) * series.tolerance;
  return series.greaterIsBetter ? score - fall : score + fall;
}

function absentReason(report: MonitorReport): string {
  const labelled = report.windows.some((w) => w.labelled > 0);
  return labelled
    ? 'Feedback labels arrived, but this version has no validation score to compare them with, so its performance over time is not tracked.'
    : 'No feedback labels yet: performance over time appears here once the true outcomes of logged predictions are recorded. Until then, drift in the model outputs above is the best early warning.';
}

function pointsTable(report: MonitorReport, series: PerformanceSeries): Html {
  const position = new Map(report.windows.map((w, i) => [w.index, i]));
  const rows = series.points.map((p) => {
    const at = position.get(p.window);
    const window = at === undefined ? `window ${p.window}` : windowRange(report.windows[at]!, at);
    const interval =
      p.low !== null && p.high !== null ? `${formatScore(p.low)} – ${formatScore(p.high)}` : '—';
    const decayed = p.decayed
      ? html`<td class="flag"><span class="tag tag-drift">decayed</span></td>`
      : html`<td>no</td>`;
    return html`<tr${p.decayed && html` class="drifted"`}><td>${window}</td><td class="num">${formatCount(p.rows)}</td><td class="num">${formatScore(p.score)}</td><td class="num">${interval}</td>${decayed}</tr>`;
  });
  const head = html`<tr><th>Window</th><th class="num">Labelled rows</th><th class="num">${series.metric}</th><th class="num">95% interval</th><th>Decayed</th></tr>`;
  return html`<div class="table-wrap"><table class="data narrow performance"><thead>${head}</thead><tbody>${rows}</tbody></table></div>`;
}

function chart(report: MonitorReport, series: PerformanceSeries): Svg {
  const { labels, title } = windowLabels(report.windows);
  const position = new Map(report.windows.map((w, i) => [w.index, i]));
  const placed = series.points
    .filter((p) => position.has(p.window))
    .map((point) => ({ at: position.get(point.window)! + 1, point }));
  const decayAt = decayLine(series);
  const validation = series.validation;
  const spread = validation?.std
    ? [validation.score - validation.std, validation.score + validation.std]
    : [];
  const values = [
    ...series.points.flatMap((p) => [p.score, p.low ?? p.score, p.high ?? p.score]),
    ...(validation ? [validation.score] : []),
    ...spread,
    ...(decayAt === null ? [] : [decayAt]),
  ];
  const direction = series.greaterIsBetter ? 'higher is better' : 'lower is better';
  const yAxis = niceAxis(values, `${series.metric} (${direction})`, { target: 5, padFraction: 0.05 });
  return performanceSvg({
    label: `${series.metric} per labelled window against the validation score`,
    xAxis: windowAxis(labels, title),
    yAxis,
    placed,
    validation,
    decayAt,
    metric: series.metric,
  });
}

function caption(series: PerformanceSeries): string {
  const worse = series.greaterIsBetter ? 'below' : 'above';
  return (
    `Each dot is the model's ${series.metric} on the labelled rows of one window, with a whisker over its 95% bootstrap interval; windows without labels stay empty. ` +
    `The dashed grey line is the cross-validated score the version was registered with (the band spans one standard deviation over folds), and the dotted red line sits ${formatPercent(series.tolerance)} ${worse} it. ` +
    'A window decays (red) only when its whole interval lies beyond that line, so a noisy window of few rows does not raise a false alarm.'
  );
}

export function performanceSection(report: MonitorReport): Html {
  const series = report.performance;
  const title = 'Performance over time';
  if (series === null) return panel('performance', title, absentNote('performance', absentReason(report)));
  const body = series.points.length
    ? html`${figure(chart(report, series), caption(series), undefined, true)}\n${pointsTable(report, series)}`
    : absentNote('performance', absentReason(report));
  const lead = `How well the model predicts where the true outcome is known, measured by ${series.metric}. Drift says the inputs moved; this says whether it costs accuracy.`;
  return panel('performance', title, body, lead);
}
