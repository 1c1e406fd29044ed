/**
 * What the model relies on: permutation importance (any model) and the SHAP
 * summary (trees and linear models), each with a note when absent.
 */

import { formatScore } from '../../../report/format.js';
import { type Html, html } from '../../../report/html.js';
import { errorBarAxis, errorBarsSvg } from '../charts/bars.js';
import { beeswarmSvg } from '../charts/beeswarm.js';
import type { ModelReport } from '../types.js';
import { absentPanel, chosenRow, figure, panel, plots, reasonFor } from './common.js';

/** More bars than this stop being read; the rest are counted in the lead. */
const IMPORTANCE_BARS = 20;
const SHAP_COLUMNS = 12;

export function importanceSection(report: ModelReport): Html {
  const imp = report.importance;
  const title = 'Feature importance';
  if (!imp?.features.length) {
    const fallback = 'Permutation importance was not computed for this run.';
    return absentPanel('importance', title, reasonFor(report, 'importance', fallback));
  }
  const shown = imp.features.slice(0, IMPORTANCE_BARS);
  const rows = shown.map((f) => ({ label: f.column, value: f.mean, std: f.std }));
  const svg = errorBarsSvg({
    kind: 'importance',
    label: `Permutation importance: drop in ${imp.metric} when each column is shuffled`,
    rows,
    axis: errorBarAxis(rows, `drop in ${imp.metric} when shuffled`, true),
    formatValue: (row) => `${formatScore(row.value)} ± ${formatScore(row.std)}`,
  });
  const total = imp.totalColumns ?? imp.features.length;
  const more =
    total > shown.length ? ` The ${shown.length} most important of ${total} columns are shown.` : '';
  const caption =
    `Each bar is how much the ${imp.metric} gets worse when that column's values are shuffled among the rows, which breaks its link to the target but keeps its distribution; the whisker is the spread over ${imp.repeats} shuffles. ` +
    'A bar near zero means the model barely uses the column, though it may carry the same information as a correlated column that it does use.';
  const lead = `Measured with the chosen model as a whole pipeline, refitted on every row, on a sample of its training rows: it shows what the model relies on, not how well it generalises (the cross-validation section says that).${more}`;
  return panel('importance', title, plots([figure(svg, caption, undefined, true)]), lead);
}

export function shapSection(report: ModelReport): Html {
  const shap = report.shap;
  const title = 'SHAP summary';
  if (!shap?.columns.length) {
    const algorithm = chosenRow(report)?.algorithm ?? report.choice.model;
    const fallback = `keel computes SHAP values exactly for trees, forests, gradient boosting and linear models, and the chosen model (${algorithm}) is none of these. The permutation importance above applies to any model.`;
    return absentPanel('shap', title, reasonFor(report, 'shap', fallback));
  }
  const columns = shap.columns.slice(0, SHAP_COLUMNS);
  const svg = beeswarmSvg(
    columns,
    `SHAP value, in ${shap.output}`,
    `SHAP values per row for the ${columns.length} most influential columns`,
  );
  const caption =
    `Each dot is one row, placed by how far that column pushed the row's prediction above (right) or below (left) the model's average, in ${shap.output}. ` +
    'Colour is the column’s value in that row, blue low to red high: red dots on the right mean high values raise the prediction. Columns are ordered by their average absolute effect.';
  const lead = `SHAP values split each prediction into one share per column; the shares add up to the prediction minus the average prediction. Units: ${shap.output}.`;
  const more =
    shap.columns.length > columns.length &&
    html`<p class="how">The ${columns.length} columns with the largest average effect of ${shap.columns.length} are shown.</p>`;
  return panel('shap', title, html`${plots([figure(svg, caption, undefined, true)])}${more}`, lead);
}
