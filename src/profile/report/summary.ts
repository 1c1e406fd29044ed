/**
 * What both reports show the same way: findings in order of severity, and a
 * column's headline figures formatted for its kind.
 */

import { formatCompact, formatDate, formatDuration, formatValue } from '../../report/format.js';
import type { ColumnProfile, Finding, Severity } from '../types.js';

export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low', 'info'];

/** Most severe first; findings of equal severity keep the order the profiler gave them. */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding) => {
    const index = SEVERITIES.indexOf(f.severity);
    return index < 0 ? SEVERITIES.length : index;
  };
  return findings
    .map((finding, order) => ({ finding, order }))
    .sort((a, b) => rank(a.finding) - rank(b.finding) || a.order - b.order)
    .map(({ finding }) => finding);
}

export interface SummaryFigures {
  readonly mean: string;
  readonly std: string;
  readonly min: string;
  readonly median: string;
  readonly max: string;
}

const BLANK: SummaryFigures = { mean: '', std: '', min: '', median: '', max: '' };

/** Mean, spread and range as text; datetimes as dates with a duration for the spread, blanks for labels. */
export function summaryFigures(column: ColumnProfile): SummaryFigures {
  const n = column.numeric;
  if (n === undefined || column.kind === 'id') return BLANK;
  if (column.kind === 'datetime') {
    return {
      mean: formatDate(n.mean, 0),
      std: formatDuration(n.std),
      min: formatDate(n.min, 0),
      median: formatDate(n.quantiles?.p50, 0),
      max: formatDate(n.max, 0),
    };
  }
  return {
    mean: formatCompact(n.mean),
    std: formatCompact(n.std),
    min: formatValue(n.min, column.kind),
    median: formatValue(n.quantiles?.p50, column.kind),
    max: formatValue(n.max, column.kind),
  };
}
