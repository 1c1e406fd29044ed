/**
 * The leaderboard: every pipeline the search scored, best first, as a
 * sortable table and as bars with the fold-to-fold spread, so a learner sees
 * which differences are real and which are noise.
 */

import {
  formatCompact,
  formatScore,
  formatSeconds,
  isFiniteNumber,
  truncate,
} from '../../../report/format.js';
import { type Html, html, join } from '../../../report/html.js';
import { errorBarAxis, errorBarsSvg } from '../charts/bars.js';
import type { LeaderboardRow, ModelReport, ParamValue } from '../types.js';
import { absentNote, chosenRow, direction, figure, metricLabel, panel } from './common.js';

/** The table lists this many rows and the chart this many bars; the rest add length, not insight. */
const TABLE_ROWS = 25;
const CHART_ROWS = 15;

/** Settings as key=value, numbers compact like every other figure in the report. */
export function formatParams(params: LeaderboardRow['params']): string {
  const entries = Object.entries(params);
  if (!entries.length) return 'defaults';
  const shown = (value: ParamValue) => (typeof value === 'number' ? formatCompact(value) : String(value));
  return entries.map(([key, value]) => `${key}=${shown(value)}`).join(', ');
}

/** The raw number the table sorter compares; empty (sorted last) when there is none. */
function sortKey(value: number | null): string {
  return isFiniteNumber(value) ? String(value) : '';
}

function tableRow(row: LeaderboardRow, rank: number, chosen: boolean): Html {
  const mark = chosen && html` <span class="tag">chosen</span>`;
  const params = formatParams(row.params);
  const cells = [
    html`<td data-sort="${rank}">${rank}</td>`,
    html`<td>${row.model}${mark}</td>`,
    html`<td>${row.algorithm}</td>`,
    html`<td class="num" data-sort="${sortKey(row.score)}">${formatScore(row.score)}</td>`,
    html`<td class="num" data-sort="${sortKey(row.std)}">${formatScore(row.std)}</td>`,
    html`<td class="num" data-sort="${sortKey(row.fitSeconds)}">${formatSeconds(row.fitSeconds)}</td>`,
    html`<td class="params" title="${params}">${truncate(params, 90)}</td>`,
  ];
  return html`<tr${chosen && html` class="chosen"`}>${cells}</tr>`;
}

export function leaderboardSection(report: ModelReport): Html {
  const rows = report.leaderboard;
  const metric = metricLabel(report.meta.metric);
  if (!rows.length) {
    return panel('leaderboard', 'Leaderboard', absentNote('leaderboard', 'No candidate finished a trial.'));
  }
  const chosen = chosenRow(report);
  const headers = ['#', 'Model', 'Algorithm', metric, '± std', 'Fit time', 'Settings'];
  const head = headers.map((h) => html`<th scope="col"><button type="button">${h}</button></th>`);
  const body = rows.slice(0, TABLE_ROWS).map((row, i) => tableRow(row, i + 1, row === chosen));
  const more = rows.length > TABLE_ROWS ? ` The best ${TABLE_ROWS} of ${rows.length} are listed.` : '';
  const lead = `Every pipeline the search scored, best first by cross-validated ${metric} (${direction(report.meta.metric)}); ± is the standard deviation over folds. Click a heading to sort.${more}`;
  const table = html`<div class="table-wrap"><table class="data sortable leaderboard"><thead><tr>${head}</tr></thead><tbody>
${join(body, '\n')}
</tbody></table></div>`;
  return panel('leaderboard', 'Leaderboard', html`${table}\n${leaderboardChart(report)}`, lead);
}

function leaderboardChart(report: ModelReport): Html {
  const chosen = chosenRow(report);
  const shown = report.leaderboard.slice(0, CHART_ROWS);
  const rows = shown.map((r) => ({ label: r.model, value: r.score, std: r.std, highlight: r === chosen }));
  const metric = metricLabel(report.meta.metric);
  const axis = errorBarAxis(rows, `${metric} (${direction(report.meta.metric)})`, false);
  const svg = errorBarsSvg({ kind: 'leaderboard', label: `Cross-validated ${metric} per model`, rows, axis });
  const zoom =
    axis.min > 0 || axis.max < 0
      ? ` The axis starts at ${formatScore(axis.min)}, not zero, so that close scores can be told apart: compare the whiskers, not the lengths of the bars.`
      : '';
  const caption =
    `Each bar is one pipeline's average ${metric} over the cross-validation folds; the black whisker spans one standard deviation either side, and the dark bar is the chosen model. ` +
    `When the whiskers of two models overlap, this data cannot reliably tell them apart.${zoom}`;
  const heading =
    shown.length < report.leaderboard.length ? `The best ${shown.length} models` : 'Scores compared';
  return figure(svg, caption, heading, true);
}
