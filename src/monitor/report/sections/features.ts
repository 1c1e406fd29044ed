/**
 * The features ranked by how much their drift should worry: importance (how
 * much the model leans on a feature) times its drift statistic. A drifted
 * feature the model ignores matters less than a small shift in the one it
 * leans on most. The model's outputs follow in a table of their own.
 */

import type { ColumnDrift } from '../../../drift/drift.js';
import { absentNote, panel } from '../../../explain/report/sections/common.js';
import { formatPercent, formatPValue, formatScore } from '../../../report/format.js';
import { type Html, html, join } from '../../../report/html.js';
import type { MonitorReport, RankedFeature } from '../../monitor-report.js';
import { driftRule, testLabel } from '../wording.js';

function sortableHead(headers: readonly string[]): Html {
  const cells = headers.map((h) => html`<th scope="col"><button type="button">${h}</button></th>`);
  return html`<thead><tr>${cells}</tr></thead>`;
}

/** A number cell that sorts by its raw value. */
function numberCell(text: string, raw: number | null): Html {
  const sort = raw === null || !Number.isFinite(raw) ? '' : String(raw);
  return html`<td class="num" data-sort="${sort}">${text}</td>`;
}

function driftedCell(drifted: boolean, tested: boolean): Html {
  if (!tested) return html`<td data-sort="0">not tested</td>`;
  return drifted
    ? html`<td class="flag" data-sort="2"><span class="tag tag-drift">drifted</span></td>`
    : html`<td data-sort="1">no</td>`;
}

function featureRow(rank: number, feature: RankedFeature, drift: ColumnDrift | undefined): Html {
  const test = drift?.test ?? feature.test;
  const cls = feature.drifted && html` class="drifted"`;
  return html`<tr${cls}>${[
    numberCell(String(rank), rank),
    html`<td class="name">${feature.column}</td>`,
    numberCell(formatPercent(feature.importance), feature.importance),
    html`<td>${testLabel(test)}</td>`,
    numberCell(formatScore(drift?.statistic ?? null), drift?.statistic ?? null),
    numberCell(formatPValue(drift?.pValue), drift?.pValue ?? null),
    html`<td class="num">${driftRule(test, drift?.threshold ?? null)}</td>`,
    numberCell(formatScore(feature.score), feature.score),
    driftedCell(feature.drifted, test !== null),
  ]}</tr>`;
}

function outputRow(drift: ColumnDrift): Html {
  const cls = drift.drifted && html` class="drifted"`;
  return html`<tr${cls}>${[
    html`<td class="name">${drift.column}</td>`,
    html`<td>${testLabel(drift.test)}</td>`,
    numberCell(formatScore(drift.statistic), drift.statistic),
    numberCell(formatPValue(drift.pValue), drift.pValue),
    html`<td class="num">${driftRule(drift.test, drift.threshold)}</td>`,
    driftedCell(drift.drifted, drift.test !== null),
  ]}</tr>`;
}

function outputsTable(outputs: readonly ColumnDrift[]): Html | undefined {
  if (!outputs.length) return undefined;
  const head = sortableHead(['Output', 'Test', 'Statistic', 'p-value', 'Drifts when', 'Drifted']);
  const rows = outputs.map(outputRow);
  return html`<h3>Model outputs</h3>
<p class="how">When feedback labels are slow to arrive, drift in what the model predicts is the earliest sign that its inputs changed in a way it reacts to.</p>
<div class="table-wrap"><table class="data sortable outputs">${head}<tbody>
${join(rows, '\n')}
</tbody></table></div>`;
}

/** Columns the drift test could not run on, with the reason each gives. */
function untestedList(report: MonitorReport): Html | undefined {
  const untested = report.latest.features.filter((f) => f.test === null);
  if (!untested.length) return undefined;
  const items = untested.map((f) => html`<li>${f.message}</li>`);
  return html`<h3>Not tested</h3><ul class="plain">${items}</ul>`;
}

export function featuresSection(report: MonitorReport): Html {
  const byColumn = new Map(report.latest.features.map((f) => [f.column, f]));
  const title = 'Features ranked by drift × importance';
  if (!report.ranking.length) {
    return panel('features', title, absentNote('features', 'No feature was compared with the reference.'));
  }
  const head = sortableHead([
    '#',
    'Feature',
    'Importance',
    'Test',
    'Statistic',
    'p-value',
    'Drifts when',
    'Importance × drift',
    'Drifted',
  ]);
  const rows = report.ranking.map((f, i) => featureRow(i + 1, f, byColumn.get(f.column)));
  const table = html`<div class="table-wrap"><table class="data sortable ranking">${head}<tbody>
${join(rows, '\n')}
</tbody></table></div>`;
  const lead =
    "The latest window's features, most worrying first. Importance is the share of the model's reliance on each feature (how much its predictions move when the feature is shuffled); " +
    'the statistic comes from the drift test named beside it, and a feature drifts when it passes the rule under "Drifts when". ' +
    'For p-value tests the ranking uses 1 − p, so larger always means more drift. Click a heading to sort.';
  return panel(
    'features',
    title,
    html`${table}\n${outputsTable(report.latest.outputs)}\n${untestedList(report)}`,
    lead,
  );
}
