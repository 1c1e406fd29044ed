/**
 * Pieces every section of the model report uses: panels, figures with a
 * reading hint, the "why is this missing" note, and number formats for
 * scores and metrics.
 */

import { formatCompact, isFiniteNumber } from '../../../report/format.js';
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

/** A score to three significant digits; small ones keep their digits (0.0213, not 2.1e-2). */
export function formatScore(value: number | null | undefined): string {
  if (!isFiniteNumber(value)) return '—';
  const abs = Math.abs(value);
  if (abs !== 0 && abs < 1e-3) return formatCompact(value);
  if (abs < 1000) return String(Number(value.toPrecision(3))).replace('-', '−');
  return formatCompact(value);
}

export function scoreWithSpread(mean: number, std: number): string {
  return `${formatScore(mean)} ± ${formatScore(std)}`;
}

/** Seconds as people say them: "48 s", "4 min 10 s", "1 h 5 min". */
export function formatSeconds(seconds: number | null | undefined): string {
  if (!isFiniteNumber(seconds)) return '—';
  if (seconds < 10) return `${Number(seconds.toFixed(seconds < 1 ? 2 : 1))} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    const rest = Math.round(seconds - minutes * 60);
    return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  const rest = minutes - hours * 60;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
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
