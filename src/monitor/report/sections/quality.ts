/**
 * Data-quality problems found in the latest window: columns gone missing or
 * of the wrong kind, values outside the reference's range, categories it
 * never saw, and jumps in the share of missing values. These break or bend
 * predictions however small the drift statistics are.
 */

import type { QualityIssue } from '../../../drift/drift.js';
import { panel } from '../../../explain/report/sections/common.js';
import { formatPercent } from '../../../report/format.js';
import { type Html, html } from '../../../report/html.js';
import type { MonitorReport } from '../../monitor-report.js';

const CHECK_LABELS: Readonly<Record<QualityIssue['check'], string>> = {
  schema: 'schema',
  'new-categories': 'new categories',
  'missing-rate': 'missing values',
  'out-of-range': 'out of range',
};

/** The figure that sized the problem, for a column of its own. */
function issueFigure(issue: QualityIssue): string {
  switch (issue.check) {
    case 'schema':
      return issue.problem;
    case 'new-categories':
      return `${formatPercent(issue.share)} of values`;
    case 'missing-rate':
      return `${formatPercent(issue.reference)} → ${formatPercent(issue.current)}`;
    case 'out-of-range':
      return `${formatPercent(issue.share)} of values`;
    default:
      // A report read back from JSON may carry a check this version does not know.
      return '';
  }
}

export function qualitySection(report: MonitorReport): Html {
  const issues = report.latest.quality;
  const title = 'Data quality';
  if (!issues.length) {
    return panel('quality', title, html`<p class="ok">No data-quality problems in the latest window.</p>`);
  }
  const rows = issues.map(
    (issue) =>
      html`<tr data-check="${String(issue.check)}"><td>${CHECK_LABELS[issue.check] ?? issue.check}</td><td class="name">${issue.column}</td><td class="num">${issueFigure(issue)}</td><td>${issue.message}</td></tr>`,
  );
  const table = html`<div class="table-wrap"><table class="data quality"><thead><tr><th>Check</th><th>Column</th><th class="num">Size</th><th>What was found</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  const lead =
    'Problems in the latest window that no drift statistic shows well: each can make the model fail on a request, or quietly fill in a value it was never trained on.';
  return panel('quality', title, table, lead);
}
