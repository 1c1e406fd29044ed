/**
 * The shared frame of the model report's charts: an SVG root with an
 * accessible title, linear scales, and a pair of axes with nice ticks, tick
 * labels and axis titles. Data marks go in `<g class="marks">`, so a test can
 * tell what the chart draws from its scaffolding.
 */

import { formatCompact, truncate } from './format.js';
import { type Html, html, type Interpolation } from './html.js';
import { chartSvg, niceTicks, type Svg, type Tick, textWidthPx } from './svg.js';

export const FONT_PX = 11;
export const INK = '#4b5563';
export const AXIS = '#9ca3af';
export const GRID = '#e9ebef';
export const BLUE = '#2f6fb0';
export const BLUE_LIGHT = '#a9c1de';
export const ORANGE = '#d9822b';
export const REFERENCE = '#8a929e';

/**
 * Width of 11 px chart text. The profile's estimate is tuned for Arial-like
 * fonts; Debian's default sans (DejaVu) runs about 15% wider, and a label
 * gutter that is too narrow clips the start of every long label.
 */
export function labelWidthPx(text: string): number {
  return textWidthPx(text) * 1.18 + 2;
}

export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

export function svgRoot(
  kind: string,
  width: number,
  height: number,
  label: string,
  body: Interpolation,
): Svg {
  return chartSvg(kind, round1(width), round1(height), label, body);
}

export function marks(parts: Interpolation): Html {
  return html`<g class="marks">${parts}</g>`;
}

/** Text at a point; `attrs` are further attributes (anchor, font, transform), as markup. */
export function textAt(x: number, y: number, content: string, attrs?: Html, fill = INK): Html {
  return html`<text x="${round1(x)}" y="${round1(y)}" fill="${fill}"${attrs && html` ${attrs}`}>${content}</text>`;
}

export function lineAt(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  stroke: string,
  attrs?: Html,
  title?: string,
): Html {
  const shape = html`<line x1="${round1(x1)}" y1="${round1(y1)}" x2="${round1(x2)}" y2="${round1(y2)}" stroke="${stroke}"${attrs && html` ${attrs}`}`;
  return title === undefined ? html`${shape}/>` : html`${shape}>${tooltip(title)}</line>`;
}

/** A rectangle; negative sizes are drawn from the other corner, so callers need not order edges. */
export function rectAt(x: number, y: number, w: number, h: number, fill: string, title?: string): Html {
  const [left, width] = w < 0 ? [x + w, -w] : [x, w];
  const [top, height] = h < 0 ? [y + h, -h] : [y, h];
  const shape = html`x="${round1(left)}" y="${round1(top)}" width="${round1(width)}" height="${round1(height)}" fill="${fill}"`;
  return title === undefined ? html`<rect ${shape}/>` : html`<rect ${shape}>${tooltip(title)}</rect>`;
}

export function tooltip(title: string): Html {
  return html`<title>${title}</title>`;
}

/** A polyline as a path; points that land on the same tenth of a pixel as the previous one are skipped. */
export function pathThrough(xs: readonly number[], ys: readonly number[]): string {
  let d = '';
  let last = '';
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const point = `${round1(x)} ${round1(y)}`;
    if (point === last) continue;
    d += `${d ? 'L' : 'M'}${point}`;
    last = point;
  }
  return d;
}

export type Scale = (value: number) => number;

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** An axis over a domain, with ticks inside it. */
export interface Axis {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly Tick[];
  /** The axis title, with units where they matter. */
  readonly title: string;
}

/**
 * An axis that covers `values` and ends on ticks on both sides, so no mark
 * sits on the frame's edge. `includeZero` keeps 0 in view (for bars, which
 * must start from it).
 */
export function niceAxis(
  values: readonly number[],
  title: string,
  options: { includeZero?: boolean; target?: number; padFraction?: number } = {},
): Axis {
  const finite = values.filter(Number.isFinite);
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  // A little room on both sides, so a mark never lands exactly on the frame.
  const pad = (hi - lo) * (options.padFraction ?? 0);
  [lo, hi] = [lo - (lo === 0 ? 0 : pad), hi + (hi === 0 ? 0 : pad)];
  if (options.includeZero) [lo, hi] = [Math.min(lo, 0), Math.max(hi, 0)];
  if (!(hi > lo)) [lo, hi] = lo === 0 ? [0, 1] : [lo - Math.abs(lo) * 0.1, hi + Math.abs(hi) * 0.1];
  const ticks = niceTicks(lo, hi, options.target ?? 5, true);
  const step = ticks.length >= 2 ? ticks[1]!.value - ticks[0]!.value : hi - lo;
  const first = ticks[0]!.value;
  const all = first > lo + step * 1e-9 ? [tickOf(first - step), ...ticks] : ticks;
  return { min: all[0]!.value, max: all[all.length - 1]!.value, ticks: all, title };
}

function tickOf(value: number): Tick {
  const clean = Math.abs(value) < 1e-12 ? 0 : Number(value.toPrecision(12));
  return { value: clean, label: formatCompact(clean) };
}

/** A fixed axis over [0, 1] in steps of 0.2, for rates and probabilities. */
export function unitAxis(title: string): Axis {
  return { min: 0, max: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1].map(tickOf), title };
}

/** The plotting area of an x–y chart, and its scales. */
export interface XyFrame {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly x: Scale;
  readonly y: Scale;
  readonly width: number;
  readonly height: number;
}

const MARGIN = { top: 12, right: 16, tickGap: 6, xTitle: 34, yTitle: 14 } as const;

/**
 * Sizes the margins to the tick labels, so long labels never run off the
 * chart; `topPx` leaves room above the plot (for a legend).
 */
export function xyFrame(width: number, height: number, xAxis: Axis, yAxis: Axis, topPx = 0): XyFrame {
  const yLabelPx = Math.max(...yAxis.ticks.map((t) => labelWidthPx(t.label)), 8);
  const left = Math.ceil(yLabelPx) + MARGIN.tickGap + 4 + MARGIN.yTitle + 6;
  const bottom = height - MARGIN.xTitle - 6;
  const right = width - MARGIN.right;
  const top = MARGIN.top + topPx;
  return {
    left,
    top,
    right,
    bottom,
    width,
    height,
    x: linearScale([xAxis.min, xAxis.max], [left, right]),
    y: linearScale([yAxis.min, yAxis.max], [bottom, top]),
  };
}

/** Grid lines, the two axis lines, ticks with labels, and both axis titles. */
export function drawAxes(frame: XyFrame, xAxis: Axis, yAxis: Axis): Html {
  const parts: Html[] = [];
  for (const tick of yAxis.ticks) {
    const y = frame.y(tick.value);
    parts.push(lineAt(frame.left, y, frame.right, y, GRID));
    parts.push(lineAt(frame.left - 4, y, frame.left, y, AXIS));
    parts.push(textAt(frame.left - MARGIN.tickGap - 1, y + 4, tick.label, html`text-anchor="end"`));
  }
  for (const tick of xAxis.ticks) {
    const x = frame.x(tick.value);
    parts.push(lineAt(x, frame.top, x, frame.bottom, GRID));
    parts.push(lineAt(x, frame.bottom, x, frame.bottom + 4, AXIS));
    parts.push(textAt(x, frame.bottom + 16, tick.label, html`text-anchor="middle"`));
  }
  parts.push(lineAt(frame.left, frame.bottom, frame.right, frame.bottom, AXIS));
  parts.push(lineAt(frame.left, frame.top, frame.left, frame.bottom, AXIS));
  parts.push(xTitle(frame, xAxis.title), yTitle(frame, yAxis.title));
  return html`<g class="axes">${parts}</g>`;
}

function xTitle(frame: XyFrame, title: string): Html {
  const x = (frame.left + frame.right) / 2;
  return textAt(x, frame.height - 8, title, html`text-anchor="middle" class="axis-title"`, '#374151');
}

function yTitle(frame: XyFrame, title: string): Html {
  const x = 12;
  const y = (frame.top + frame.bottom) / 2;
  const attrs = html`text-anchor="middle" class="axis-title" transform="rotate(-90 ${x} ${round1(y)})"`;
  return textAt(x, y, title, attrs, '#374151');
}

export interface LegendEntry {
  readonly label: string;
  readonly colour: string;
}

const LEGEND_ROW_PX = 16;

/** Swatches with labels, wrapped into rows that fit `width`; returns the markup and the height it takes. */
export function legend(
  x: number,
  y: number,
  width: number,
  entries: readonly LegendEntry[],
): { svg: Html; height: number } {
  let at = x;
  let row = 0;
  const parts = entries.map(({ label, colour }) => {
    const shown = truncate(label, 28);
    const itemPx = 18 + labelWidthPx(shown) + 14;
    if (at > x && at + itemPx > x + width) {
      at = x;
      row += 1;
    }
    const top = y + row * LEGEND_ROW_PX;
    const item = [rectAt(at, top + 4, 14, 3, colour), textAt(at + 18, top + 9, shown)];
    at += itemPx;
    return item;
  });
  return { svg: html`<g class="legend">${parts}</g>`, height: (row + 1) * LEGEND_ROW_PX };
}

/** Distinct colours for series that must be told apart (Tableau-like, readable on white). */
export const PALETTE = [
  '#2f6fb0',
  '#d9822b',
  '#2a9d8f',
  '#8e5bb5',
  '#c0392b',
  '#7a8a99',
  '#b8860b',
  '#d45d9b',
];
