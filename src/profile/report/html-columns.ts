/**
 * One card per column in the HTML report: the column's distribution as a
 * chart, the figures that matter for its kind, and a sentence on how to read it.
 */

import {
  formatCompact,
  formatCount,
  formatFixed,
  formatPercent,
  isFiniteNumber,
} from '../../report/format.js';
import { type Html, html } from '../../report/html.js';
import { barChartSvg, chartMarkup, histogramSvg, type Svg } from '../../report/svg.js';
import type { ColumnProfile } from '../types.js';
import { summaryFigures } from './summary.js';

/** The chart for a column's distribution, or undefined when there is nothing to draw. */
export function columnChart(column: ColumnProfile): Svg | undefined {
  const { histogram } = column;
  const label = `Distribution of ${column.name}`;
  if (column.kind === 'id' || column.count === 0) return undefined;
  if (column.kind === 'boolean') return booleanChart(column, label);
  if (histogram.edges && histogram.edges.length === histogram.counts.length + 1 && histogram.counts.length) {
    return histogramSvg({
      edges: histogram.edges,
      counts: histogram.counts,
      datetime: column.kind === 'datetime',
      label,
    });
  }
  const labels = histogram.labels ?? column.topValues.map((v) => v.value);
  const counts = histogram.labels ? histogram.counts : column.topValues.map((v) => v.count);
  if (!labels.length) return undefined;
  return barChartSvg({ labels, values: counts, label, total: column.count, muted: ['other'] });
}

/**
 * Booleans are stored as 0/1 numbers, so the profile may give them two numeric
 * bins; a false/true bar pair reads better than a two-bin histogram.
 */
function booleanChart(column: ColumnProfile, label: string): Svg {
  const { histogram, numeric } = column;
  if (histogram.labels) {
    return barChartSvg({ labels: histogram.labels, values: histogram.counts, label, total: column.count });
  }
  const fromMean = isFiniteNumber(numeric?.mean) ? Math.round(numeric.mean * column.count) : 0;
  const trues = histogram.edges && histogram.counts.length === 2 ? histogram.counts[1]! : fromMean;
  return barChartSvg({
    labels: ['false', 'true'],
    values: [column.count - trues, trues],
    label,
    total: column.count,
  });
}

function readingSentence(column: ColumnProfile): string {
  const n = column.numeric;
  if (column.distinct === 1) {
    return 'A single bar: every row holds the same value, so the column cannot help a model tell rows apart.';
  }
  switch (column.kind) {
    case 'id':
      return 'Every row has its own value, like a key: there is no distribution to draw, and a model could only memorise it.';
    case 'boolean':
      return 'The two bars count the rows that are false and true; when one is much shorter, that case is rare and a model sees few examples of it.';
    case 'datetime':
      return 'Each bar counts the rows dated within that period. A rising or falling shape means the data changes over time, so test the model on the latest period rather than on a random split.';
    case 'categorical':
    case 'text':
      return `Each bar counts the rows with that value${column.histogram.labels?.includes('other') ? ', and "other" gathers all the rarer ones' : ''}. Categories with very short bars are seen too seldom for a model to learn much about them.`;
    default:
      return `Each bar counts the rows whose value falls in that range, so tall bars mark common values. ${shapeRemark(n?.skewness)}`;
  }
}

function shapeRemark(skewness: number | undefined): string {
  if (!isFiniteNumber(skewness)) return '';
  const s = formatFixed(skewness, 2);
  if (skewness > 1)
    return `The long tail to the right (skewness ${s}) means a few large values; a log transform often helps linear models.`;
  if (skewness < -1) return `The long tail to the left (skewness ${s}) means a few unusually small values.`;
  if (Math.abs(skewness) <= 0.5) return `The shape is roughly symmetric (skewness ${s}).`;
  return `The shape leans a little to one side (skewness ${s}).`;
}

function stat(label: string, value: string): Html {
  return html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
}

function kindStats(column: ColumnProfile): Html[] {
  const n = column.numeric;
  if (n && column.kind !== 'id') {
    const figures = summaryFigures(column);
    const stats = [stat('Mean', figures.mean), stat('Std', figures.std), stat('Min', figures.min)];
    stats.push(stat('Median', figures.median), stat('Max', figures.max));
    if (column.kind === 'numeric' || column.kind === 'integer') {
      stats.push(stat('Skewness', formatFixed(n.skewness, 2)), stat('Zeros', formatCompact(n.zeros)));
      stats.push(stat('Outliers (IQR)', formatCompact(n.outliersIqr)));
    }
    return stats;
  }
  const top = column.topValues[0];
  if (!top) return [];
  return [stat('Most common', top.value), stat('Its share', formatPercent(top.count / (column.count || 1)))];
}

export function columnCard(column: ColumnProfile, index: number, isTarget: boolean): Html {
  const stats = [
    stat('Values', formatCount(column.count)),
    stat('Missing', `${formatPercent(column.missingRate)}`),
    stat('Distinct', formatCompact(column.distinct)),
    ...kindStats(column),
  ];
  const chart = columnChart(column);
  const drawing = chart === undefined ? html`<p class="empty">Nothing to plot.</p>` : chartMarkup(chart);
  const mark = isTarget && html`<span class="target-mark">target</span>`;
  return html`<article class="card${isTarget ? ' is-target' : ''}" id="col-${index}">
<div class="card-head"><h3>${column.name}</h3><span class="kind">${column.kind}</span>${mark}</div>
<dl class="stats">${stats}</dl>
<figure class="plot">${drawing}<figcaption>${readingSentence(column)}</figcaption></figure>
</article>`;
}
