/**
 * The fairness audit: per sensitive column, how the model's decisions and
 * errors differ between groups, the summary gaps, and warnings in plain words.
 */

import { formatCount, formatPercent, formatScore, isFiniteNumber } from '../../../report/format.js';
import { type Html, html, join } from '../../../report/html.js';
import type {
  ModelReport,
  ReportClassificationFairness,
  ReportFairness,
  ReportRegressionFairness,
} from '../types.js';
import { absentPanel, fact, panel, reasonFor } from './common.js';

/** The four-fifths rule: a group selected at under 80% of the most-selected group's rate. */
const FOUR_FIFTHS = 0.8;

function rate(value: number | null): string {
  return isFiniteNumber(value) ? formatPercent(value) : '—';
}

function groupCell(group: string, small: boolean): Html {
  const tag = small && html` <span class="tag tag-warn">small group</span>`;
  return html`<td>${group}${tag}</td>`;
}

function warningsBlock(audit: ReportFairness): Html {
  if (!audit.warnings.length) {
    return html`<p class="ok">No warning: the gaps between groups stay within the thresholds.</p>`;
  }
  const items = audit.warnings.map((w) => html`<li>${w}</li>`);
  return html`<div class="callout warn" role="note"><strong>Warning${audit.warnings.length > 1 ? 's' : ''}</strong><ul>${items}</ul></div>`;
}

/** The header row of an audit table; every column after the group's name holds numbers. */
function tableHead(headers: readonly string[]): Html[] {
  return headers.map((h, i) => (i ? html`<th class="num">${h}</th>` : html`<th>${h}</th>`));
}

function classificationTable(audit: ReportClassificationFairness): Html {
  const small = new Set(audit.smallGroups);
  const highest = Math.max(0, ...audit.groups.map((g) => g.selectionRate).filter(isFiniteNumber));
  const rows = audit.groups.map((g) => {
    const lowShare =
      isFiniteNumber(g.selectionRate) && highest > 0 && g.selectionRate / highest < FOUR_FIFTHS;
    const flag = lowShare && html` flag`;
    const why = lowShare && html` title="under four fifths of the highest selection rate"`;
    const selection = html`<td class="num${flag}"${why}>${rate(g.selectionRate)}</td>`;
    const cells = [g.tpr, g.fpr, g.precision, g.accuracy].map((v) => html`<td class="num">${rate(v)}</td>`);
    return html`<tr>${groupCell(g.group, small.has(g.group))}<td class="num">${formatCount(g.count)}</td>${selection}${cells}</tr>`;
  });
  const head = tableHead(['Group', 'Rows', 'Selection rate', 'TPR', 'FPR', 'Precision', 'Accuracy']);
  return html`<div class="table-wrap"><table class="data fairness"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function regressionTable(audit: ReportRegressionFairness): Html {
  const small = new Set(audit.smallGroups);
  const rows = audit.groups.map((g) => {
    const cells = [g.mae, g.rmse, g.meanPrediction, g.meanTarget].map(
      (v) => html`<td class="num">${formatScore(v)}</td>`,
    );
    return html`<tr>${groupCell(g.group, small.has(g.group))}<td class="num">${formatCount(g.count)}</td>${cells}</tr>`;
  });
  const head = tableHead(['Group', 'Rows', 'MAE', 'RMSE', 'Mean prediction', 'Mean actual']);
  return html`<div class="table-wrap"><table class="data fairness"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function summaryFacts(audit: ReportFairness): Html | undefined {
  if (audit.kind === 'classification') {
    const s = audit.summary;
    const ratio = s.disparateImpactRatio;
    const flagged = isFiniteNumber(ratio) && ratio < FOUR_FIFTHS ? 'flag' : '';
    return html`<dl class="facts">${[
      fact('Demographic parity difference', formatScore(s.demographicParityDifference)),
      fact('Equalised odds difference', formatScore(s.equalizedOddsDifference)),
      fact('Disparate impact ratio', formatScore(ratio), flagged),
    ]}</dl>`;
  }
  if (!audit.summary) return undefined;
  return html`<dl class="facts">${[
    fact('Gap in MAE', formatScore(audit.summary.maeDifference)),
    fact('Gap in mean prediction', formatScore(audit.summary.meanPredictionDifference)),
  ]}</dl>`;
}

function howToRead(audit: ReportFairness): string {
  if (audit.kind === 'regression') {
    return 'MAE and RMSE are the typical size of the model’s errors in each group; a group with much larger errors is served worse. Compare the mean prediction with the mean actual value to see whether a group is systematically over- or under-estimated.';
  }
  const positive = audit.positiveClass ? `"${audit.positiveClass}"` : 'the positive class';
  return (
    `Selection rate is the share of a group predicted ${positive}; TPR the share of the group’s actual ${positive} rows the model catches; FPR the share of its other rows wrongly flagged. ` +
    'Demographic parity asks for similar selection rates; equalised odds for similar TPR and FPR. The disparate impact ratio divides the lowest selection rate by the highest, and the four-fifths rule flags it below 0.8 (flagged cells are under that line). Figures for small groups are unreliable.'
  );
}

function auditBlock(audit: ReportFairness): Html {
  const table = audit.kind === 'classification' ? classificationTable(audit) : regressionTable(audit);
  const minimum =
    audit.smallGroups.length && audit.minGroupSize
      ? ` Groups under ${formatCount(audit.minGroupSize)} rows are marked small.`
      : '';
  return html`<article class="audit" data-column="${audit.column}">
<h3>By ${audit.column}</h3>
${warningsBlock(audit)}
${summaryFacts(audit)}
${table}
<p class="how">${howToRead(audit) + minimum}</p>
</article>`;
}

export function fairnessSection(report: ModelReport): Html {
  const audits = report.fairness ?? [];
  const title = 'Fairness';
  if (!audits.length) {
    const fallback =
      'No sensitive column was named (keel automl --sensitive COLUMN), so no fairness audit was run. If the predictions affect people, name the columns that describe protected groups, such as sex or age band, and run it again.';
    return absentPanel('fairness', title, reasonFor(report, 'fairness', fallback));
  }
  const excluded = report.data.sensitive.filter((s) => s.excluded).map((s) => s.column);
  const lead =
    'Whether the model treats groups of people differently, measured on out-of-fold predictions.' +
    (excluded.length
      ? ` The audited columns were not used as features (${excluded.join(', ')}), yet other columns can stand in for them, which is why the audit is needed.`
      : '');
  return panel('fairness', title, join(audits.map(auditBlock), '\n'), lead);
}
