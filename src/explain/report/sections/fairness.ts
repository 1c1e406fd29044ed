/**
 * The fairness audit: per sensitive column, how the model's decisions and
 * errors differ between groups, the summary gaps, and warnings in plain words.
 */

import { escapeHtml, formatCount, formatPercent, isFiniteNumber } from '../../../report/format.js';
import type {
  ModelReport,
  ReportClassificationFairness,
  ReportFairness,
  ReportRegressionFairness,
} from '../types.js';
import { absentPanel, fact, formatScore, panel, reasonFor } from './common.js';

/** The four-fifths rule: a group selected at under 80% of the most-selected group's rate. */
const FOUR_FIFTHS = 0.8;

function rate(value: number | null): string {
  return isFiniteNumber(value) ? formatPercent(value) : '—';
}

function groupCell(group: string, small: boolean): string {
  const tag = small ? ' <span class="tag tag-warn">small group</span>' : '';
  return `<td>${escapeHtml(group)}${tag}</td>`;
}

function warningsBlock(audit: ReportFairness): string {
  if (!audit.warnings.length) {
    return '<p class="ok">No warning: the gaps between groups stay within the thresholds.</p>';
  }
  const items = audit.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('');
  return `<div class="callout warn" role="note"><strong>Warning${audit.warnings.length > 1 ? 's' : ''}</strong><ul>${items}</ul></div>`;
}

function classificationTable(audit: ReportClassificationFairness): string {
  const small = new Set(audit.smallGroups);
  const highest = Math.max(0, ...audit.groups.map((g) => g.selectionRate).filter(isFiniteNumber));
  const rows = audit.groups.map((g) => {
    const lowShare =
      isFiniteNumber(g.selectionRate) && highest > 0 && g.selectionRate / highest < FOUR_FIFTHS;
    const selection = `<td class="num${lowShare ? ' flag' : ''}"${lowShare ? ' title="under four fifths of the highest selection rate"' : ''}>${rate(g.selectionRate)}</td>`;
    const cells = [g.tpr, g.fpr, g.precision, g.accuracy].map((v) => `<td class="num">${rate(v)}</td>`);
    return `<tr>${groupCell(g.group, small.has(g.group))}<td class="num">${formatCount(g.count)}</td>${selection}${cells.join('')}</tr>`;
  });
  const head = ['Group', 'Rows', 'Selection rate', 'TPR', 'FPR', 'Precision', 'Accuracy']
    .map((h, i) => `<th${i ? ' class="num"' : ''}>${h}</th>`)
    .join('');
  return `<div class="table-wrap"><table class="data fairness"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function regressionTable(audit: ReportRegressionFairness): string {
  const small = new Set(audit.smallGroups);
  const rows = audit.groups.map((g) => {
    const cells = [g.mae, g.rmse, g.meanPrediction, g.meanTarget].map(
      (v) => `<td class="num">${formatScore(v)}</td>`,
    );
    return `<tr>${groupCell(g.group, small.has(g.group))}<td class="num">${formatCount(g.count)}</td>${cells.join('')}</tr>`;
  });
  const head = ['Group', 'Rows', 'MAE', 'RMSE', 'Mean prediction', 'Mean actual']
    .map((h, i) => `<th${i ? ' class="num"' : ''}>${h}</th>`)
    .join('');
  return `<div class="table-wrap"><table class="data fairness"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function summaryFacts(audit: ReportFairness): string {
  if (audit.kind === 'classification') {
    const s = audit.summary;
    const ratio = s.disparateImpactRatio;
    const flagged = isFiniteNumber(ratio) && ratio < FOUR_FIFTHS ? 'flag' : '';
    return `<dl class="facts">${[
      fact('Demographic parity difference', formatScore(s.demographicParityDifference)),
      fact('Equalised odds difference', formatScore(s.equalizedOddsDifference)),
      fact('Disparate impact ratio', formatScore(ratio), flagged),
    ].join('')}</dl>`;
  }
  if (!audit.summary) return '';
  return `<dl class="facts">${[
    fact('Gap in MAE', formatScore(audit.summary.maeDifference)),
    fact('Gap in mean prediction', formatScore(audit.summary.meanPredictionDifference)),
  ].join('')}</dl>`;
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

function auditBlock(audit: ReportFairness): string {
  const table = audit.kind === 'classification' ? classificationTable(audit) : regressionTable(audit);
  const minimum =
    audit.smallGroups.length && audit.minGroupSize
      ? ` Groups under ${formatCount(audit.minGroupSize)} rows are marked small.`
      : '';
  return `<article class="audit" data-column="${escapeHtml(audit.column)}">
<h3>By ${escapeHtml(audit.column)}</h3>
${warningsBlock(audit)}
${summaryFacts(audit)}
${table}
<p class="how">${escapeHtml(howToRead(audit) + minimum)}</p>
</article>`;
}

export function fairnessSection(report: ModelReport): string {
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
  return panel('fairness', title, audits.map(auditBlock).join('\n'), lead);
}
