/**
 * Pieces every section of the model report uses: panels, figures with a
 * reading hint, the "why is this missing" note, and the words for metrics
 * (numbers are formatted by the family in report/format.ts).
 */

import { formatScore } from '../../../report/format.js';
import { type Html, html, join } from '../../../report/html.js';
import { chartMarkup, type Svg } from '../../../report/svg.js';
import type { ModelReport, OptionalPart } from '../types.js';

export function panel(id: string, title: string, body: Html, lead = ''): Html {
  const intro = lead && html`<p class="lead">${lead}</p>\n`;
  return html`<section class="panel" id="${id}">
<h2>${title}</h2>
${intro}${body}
</section>`;
}

/** A chart, its heading and the sentence or two under it that says how to read it. */
export function figure(svg: Svg, caption: string, heading?: string, wide = false): Html {
  const title = heading && html`<h3>${heading}</h3>`;
  const cls = wide ? 'plot plot-wide' : 'plot';
  return html`<figure class="${cls}">${title}${chartMarkup(svg)}<figcaption>${caption}</figcaption></figure>`;
}

export function plots(figures: readonly Html[]): Html {
  return html`<div class="plots">${join(figures, '\n')}</div>`;
}

/** A section whose data is absent: it stays in its place and says why. */
export function absentPanel(id: string, title: string, reason: string): Html {
  return panel(id, title, absentNote(id, reason));
}

export function absentNote(id: string, reason: string): Html {
  return html`<p class="absent" data-absent="${id}">${reason}</p>`;
}

/** The caller's reason for an absent part, else ours. */
export function reasonFor(report: ModelReport, part: OptionalPart, fallback: string): string {
  const given = report.omitted?.[part];
  return typeof given === 'string' && given.trim() ? given : fallback;
}

export function metricLabel(metric: { readonly name: string; readonly label?: string }): string {
  return metric.label?.trim() || metric.name;
}

export function direction(metric: { readonly greaterIsBetter: boolean }): string {
  return metric.greaterIsBetter ? 'higher is better' : 'lower is better';
}

export function scoreWithSpread(mean: number, std: number): string {
  return `${formatScore(mean)} ± ${formatScore(std)}`;
}

export function fact(label: string, value: string, extraClass = ''): Html {
  const cls = extraClass && html` class="${extraClass}"`;
  return html`<div${cls}><dt>${label}</dt><dd>${value}</dd></div>`;
}

/** The last part of a path, so a long absolute path does not crowd a heading. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

export function describeTask(report: ModelReport): string {
  const { task, target } = report.meta;
  const classes = report.data.target.kind === 'classes' ? report.data.target.classes.map((c) => c.label) : [];
  if (task === 'regression') return `predicting ${target}, a number`;
  if (task === 'binary' && classes.length === 2)
    return `predicting ${target}, ${classes[0]} or ${classes[1]}`;
  if (task === 'binary') return `predicting ${target}, one of two classes`;
  return `predicting ${target}, one of ${classes.length || 'several'} classes`;
}

export function chosenRow(report: ModelReport) {
  return (
    report.leaderboard.find((r) => r.chosen) ??
    report.leaderboard.find((r) => r.model === report.choice.model) ??
    report.leaderboard[0]
  );
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
