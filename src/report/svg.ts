/**
 * Dependency-free SVG charts for the profile report, rendered as strings on
 * the server so they show without JavaScript. Every root is
 * `<svg class="chart chart-KIND" role="img" aria-label="…">`, every mark has a
 * `<title>` tooltip, and the markup is built with the escaping `html` template.
 */

import {
  formatCompact,
  formatCount,
  formatDate,
  formatFixed,
  formatPercent,
  isFiniteNumber,
  truncate,
} from './format.js';
import { type Html, html, type Interpolation, raw } from './html.js';

const FONT_PX = 11;
const TEXT = '#4b5563';
const AXIS = '#9ca3af';
const GRID = '#e5e7eb';
const BAR = '#4a7bb7';
const BAR_MUTED = '#9db4d3';

export interface Tick {
  readonly value: number;
  readonly label: string;
}

declare const FINISHED: unique symbol;

/**
 * A finished chart: its SVG markup as a string, so it can be written out and
 * tested as text, typed so that no plain string passes for one where a page
 * embeds it.
 */
export type Svg = string & { readonly [FINISHED]: true };

/** A finished chart as markup for a page: the chart escaped its own text as it was drawn. */
export function chartMarkup(svg: Svg): Html {
  return raw(svg);
}

/** The root element of every chart, with its accessible name both as a label and as a tooltip. */
export function chartSvg(
  kind: string,
  width: number,
  height: number,
  label: string,
  body: Interpolation,
): Svg {
  const root = html`<svg class="chart chart-${kind}" role="img" aria-label="${label}" xmlns="http://www.w3.org/2000/svg"`;
  const box = html`viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"`;
  const font = html`font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="${FONT_PX}"`;
  return String(html`${root} ${box} ${font}><title>${label}</title>${body}</svg>`) as Svg;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function rect(x: number, y: number, w: number, h: number, fill: string, title?: string): Html {
  const shape = html`x="${round1(x)}" y="${round1(y)}" width="${round1(Math.max(0, w))}" height="${round1(Math.max(0, h))}" fill="${fill}"`;
  return title === undefined ? html`<rect ${shape}/>` : html`<rect ${shape}><title>${title}</title></rect>`;
}

function text(x: number, y: number, content: string, attrs?: Html, fill = TEXT): Html {
  return html`<text x="${round1(x)}" y="${round1(y)}" fill="${fill}"${attrs && html` ${attrs}`}>${content}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string): Html {
  return html`<line x1="${round1(x1)}" y1="${round1(y1)}" x2="${round1(x2)}" y2="${round1(y2)}" stroke="${stroke}" stroke-width="1"/>`;
}

/**
 * Ticks at multiples of 1, 2 or 5 × 10^k, about `target` of them (Heckbert's
 * nice numbers). Inside [min, max], or up to the first tick at or above `max`
 * when `coverMax` is set, so a count axis always reaches past its tallest bar.
 */
export function niceTicks(min: number, max: number, target = 5, coverMax = false): Tick[] {
  if (!(max > min)) return [{ value: min, label: formatCompact(min) }];
  const span = max - min;
  const magnitude = 10 ** (Math.floor(Math.log10(span / target)) - 1);
  const candidates = [1, 2, 5, 10, 20, 50, 100, 200, 500].map((m) => m * magnitude);
  // Inside the range, the first step giving at most `target` intervals; covering it,
  // at most one more, so the axis ends at the nearest nice number above the data.
  const limit = coverMax ? target + 1 : target;
  const step = candidates.find((s) => Math.ceil(span / s - 1e-9) <= limit) ?? candidates.at(-1)!;
  const last = coverMax ? Math.ceil(max / step - 1e-9) * step : max;
  const ticks: Tick[] = [];
  for (let v = Math.ceil(min / step) * step; v <= last + step * 1e-9; v += step) {
    const value = Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12));
    ticks.push({ value, label: formatCompact(value) });
  }
  return ticks;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Ticks on calendar boundaries (hours, days, month starts, year starts), so dates read as round. */
export function dateTicks(min: number, max: number, target = 5): Tick[] {
  const span = max - min;
  if (!(span > 0)) return [{ value: min, label: formatDate(min) }];
  for (const hours of [1, 3, 6, 12]) {
    if (span / (hours * HOUR_MS) <= target) return fixedTicks(min, max, hours * HOUR_MS, span);
  }
  for (const days of [1, 2, 7, 14]) {
    if (span / (days * DAY_MS) <= target) return fixedTicks(min, max, days * DAY_MS, span);
  }
  for (const months of [1, 2, 3, 6]) {
    if (span / (months * 30.4 * DAY_MS) <= target) return calendarTicks(min, max, months, span);
  }
  for (const years of [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]) {
    if (span / (years * 365.25 * DAY_MS) <= target) return calendarTicks(min, max, years * 12, span);
  }
  return [min, max].map((value) => ({ value, label: formatDate(value, span) }));
}

function fixedTicks(min: number, max: number, step: number, span: number): Tick[] {
  const ticks: Tick[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max; v += step)
    ticks.push({ value: v, label: formatDate(v, span) });
  return ticks;
}

function calendarTicks(min: number, max: number, stepMonths: number, span: number): Tick[] {
  const start = new Date(min);
  let month = start.getUTCFullYear() * 12 + start.getUTCMonth();
  month = Math.ceil(month / stepMonths) * stepMonths;
  const ticks: Tick[] = [];
  for (; ; month += stepMonths) {
    const value = Date.UTC(Math.floor(month / 12), month % 12, 1);
    if (value > max) break;
    if (value >= min) ticks.push({ value, label: formatDate(value, span) });
  }
  return ticks;
}

// ---------------------------------------------------------------- histogram

export interface HistogramInput {
  /** bins + 1 increasing edges; epoch milliseconds when `datetime` is set. */
  readonly edges: readonly number[];
  readonly counts: readonly number[];
  readonly datetime?: boolean;
  /** What the chart shows, for screen readers and the tooltip on the whole chart. */
  readonly label: string;
}

const HIST = { width: 480, height: 200, left: 48, right: 16, top: 12, bottom: 30 } as const;

/** Equal-width bins drawn as touching bars over a value axis, with a count axis on the left. */
export function histogramSvg(input: HistogramInput): Svg {
  const { edges, counts } = input;
  const plotW = HIST.width - HIST.left - HIST.right;
  const plotH = HIST.height - HIST.top - HIST.bottom;
  let lo = edges[0] ?? 0;
  let hi = edges[edges.length - 1] ?? 1;
  if (!(hi > lo)) [lo, hi] = input.datetime ? [lo - DAY_MS, hi + DAY_MS] : [lo - 0.5, hi + 0.5];
  const x = (v: number) => HIST.left + ((v - lo) / (hi - lo)) * plotW;
  // At least 4, so an axis for a handful of rows still steps in whole rows.
  const yTicks = niceTicks(0, Math.max(4, ...counts), 4, true);
  const yMax = Math.max(...counts, yTicks[yTicks.length - 1]!.value);
  const y = (c: number) => HIST.top + plotH - (c / yMax) * plotH;
  const parts: Html[] = [];
  for (const tick of yTicks) {
    parts.push(line(HIST.left, y(tick.value), HIST.width - HIST.right, y(tick.value), GRID));
    parts.push(text(HIST.left - 6, y(tick.value) + 4, tick.label, html`text-anchor="end"`));
  }
  parts.push(...histogramBars(input, x, y, edges[0] === edges[edges.length - 1]));
  parts.push(line(HIST.left, HIST.top + plotH, HIST.width - HIST.right, HIST.top + plotH, AXIS));
  const xTicks = input.datetime ? dateTicks(lo, hi, 5) : niceTicks(lo, hi, 6);
  for (const tick of xTicks) {
    const tx = x(tick.value);
    parts.push(line(tx, HIST.top + plotH, tx, HIST.top + plotH + 4, AXIS));
    parts.push(text(tx, HIST.top + plotH + 16, tick.label, html`text-anchor="middle"`));
  }
  return chartSvg('histogram', HIST.width, HIST.height, input.label, parts);
}

function histogramBars(
  input: HistogramInput,
  x: (v: number) => number,
  y: (c: number) => number,
  singleValue: boolean,
): Html[] {
  const { edges, counts } = input;
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  const span = (edges[edges.length - 1] ?? 0) - (edges[0] ?? 0);
  const show = (v: number) => (input.datetime ? formatDate(v, span) : formatCompact(v));
  const base = y(0);
  return counts.map((count, i) => {
    const from = edges[i] ?? 0;
    const to = edges[i + 1] ?? from;
    const [left, right] = singleValue ? [x(from) - 8, x(from) + 8] : [x(from), x(to)];
    // A bin holding a handful of rows among thousands would round to nothing; keep it visible.
    const top = count > 0 ? Math.min(y(count), base - 1.5) : base;
    const range = singleValue ? show(from) : `${show(from)} to ${show(to)}`;
    const title = `${range}: ${formatCount(count)} rows (${formatPercent(count / total)})`;
    return rect(left + 0.5, top, right - left - 1, base - top, BAR, title);
  });
}

// ---------------------------------------------------------------- horizontal bars

export interface BarChartInput {
  readonly labels: readonly string[];
  readonly values: readonly number[];
  readonly label: string;
  /** The chart class suffix: `chart-bar` unless told otherwise. */
  readonly kind?: string;
  /** Text printed after each bar; defaults to the count and its share of `total`. */
  readonly formatValue?: (value: number) => string;
  /** The whole the shares are of (e.g. non-missing rows); defaults to the sum of `values`. */
  readonly total?: number;
  /** Labels drawn in a quieter colour, such as the "other" bucket of a category chart. */
  readonly muted?: readonly string[];
}

const BARS = { width: 480, rowH: 22, barH: 15, pad: 8, valueW: 92, maxLabelChars: 24 } as const;

/**
 * Approximate width in pixels of 11 px sans-serif text. Capitals and digits are
 * much wider than i, l or a space, and gutters sized by character count alone
 * clip labels like "MUM-0208".
 */
export function textWidthPx(text: string): number {
  let width = 0;
  for (const ch of text) {
    if ("iljtfrI.,:;'|!() ".includes(ch)) width += 3.4;
    else if ('mwMW@%'.includes(ch)) width += 9.6;
    else if (/[A-Z0-9#&?_-]/.test(ch) || ch > '\u2e80') width += 7.3;
    else width += 6.2;
  }
  return width;
}

function labelGutter(
  labels: readonly string[],
  maxChars: number = BARS.maxLabelChars,
): { chars: number; px: number } {
  const longest = Math.max(1, ...labels.map((l) => [...l].length));
  const chars = Math.min(longest, maxChars);
  const widest = Math.max(8, ...labels.map((l) => textWidthPx(truncate(l, chars))));
  return { chars, px: Math.ceil(widest) + 14 };
}

/** One labelled bar per category, longest first as given, with the figure printed at its end. */
export function barChartSvg(input: BarChartInput): Svg {
  const { labels, values } = input;
  const total = input.total ?? (values.reduce((a, b) => a + b, 0) || 1);
  const show = input.formatValue ?? ((v: number) => `${formatCompact(v)} (${formatPercent(v / total)})`);
  const gutter = labelGutter(labels);
  const plotW = BARS.width - gutter.px - BARS.valueW;
  const max = Math.max(0, ...values.filter(isFiniteNumber)) || 1;
  const muted = new Set(input.muted ?? []);
  const bars = labels.map((label, i) => {
    const value = values[i] ?? 0;
    const top = BARS.pad + i * BARS.rowH;
    const w = isFiniteNumber(value) ? Math.max(value > 0 ? 1.5 : 0, (value / max) * plotW) : 0;
    const fill = muted.has(label) ? BAR_MUTED : BAR;
    return [
      text(gutter.px - 8, top + BARS.barH - 3, truncate(label, gutter.chars), html`text-anchor="end"`),
      rect(gutter.px, top, w, BARS.barH, fill, `${label}: ${show(value)}`),
      text(gutter.px + w + 6, top + BARS.barH - 3, show(value)),
    ];
  });
  const height = BARS.pad * 2 + labels.length * BARS.rowH - (BARS.rowH - BARS.barH);
  const axis = line(gutter.px, BARS.pad - 3, gutter.px, height - BARS.pad + 3, AXIS);
  return chartSvg(input.kind ?? 'bar', BARS.width, height, input.label, [bars, axis]);
}

// ---------------------------------------------------------------- missing values

export interface MissingInput {
  readonly names: readonly string[];
  /** Missing share per column, in [0, 1]. */
  readonly rates: readonly number[];
  readonly counts: readonly number[];
  readonly label: string;
}

/** One track per column filled to its missing rate, so columns compare on the same 0–100 % scale. */
export function missingSvg(input: MissingInput): Svg {
  const gutter = labelGutter(input.names);
  const plotW = BARS.width - gutter.px - BARS.valueW;
  const parts = input.names.map((name, i) => {
    const rate = isFiniteNumber(input.rates[i]) ? input.rates[i]! : 0;
    const top = BARS.pad + i * BARS.rowH;
    const title = `${name}: ${formatCount(input.counts[i])} missing (${formatPercent(rate)})`;
    const fill = rate >= 0.5 ? '#c2410c' : rate >= 0.05 ? '#ea8a3a' : '#f3b27a';
    const w = rate > 0 ? Math.max(2, rate * plotW) : 0;
    return [
      text(gutter.px - 8, top + BARS.barH - 3, truncate(name, gutter.chars), html`text-anchor="end"`),
      rect(gutter.px, top, plotW, BARS.barH, '#eef0f3', title),
      rect(gutter.px, top, w, BARS.barH, fill, title),
      text(gutter.px + plotW + 6, top + BARS.barH - 3, formatPercent(rate)),
    ];
  });
  const height = BARS.pad * 2 + input.names.length * BARS.rowH - (BARS.rowH - BARS.barH);
  return chartSvg('missing', BARS.width, height, input.label, parts);
}

// ---------------------------------------------------------------- heatmap

export type HeatmapScale = 'diverging' | 'sequential';

export interface HeatmapInput {
  readonly rowLabels: readonly string[];
  readonly colLabels: readonly string[];
  /** rows × cols; −1..1 for `diverging`, 0..1 for `sequential`; NaN or null where undefined. */
  readonly matrix: readonly (readonly (number | null)[])[];
  readonly scale: HeatmapScale;
  readonly label: string;
}

type Rgb = readonly [number, number, number];
const NEUTRAL: Rgb = [247, 247, 247];
const NEGATIVE: Rgb = [33, 102, 172];
const POSITIVE: Rgb = [178, 24, 43];
const STRONG: Rgb = [37, 52, 148];

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)) as unknown as Rgb;
}

/** Fill for a cell: white at 0, blue towards −1 and red towards +1, or white to indigo for 0..1. */
export function heatColour(value: number | null, scale: HeatmapScale): Rgb | undefined {
  if (!isFiniteNumber(value)) return undefined;
  const v = Math.max(scale === 'diverging' ? -1 : 0, Math.min(1, value));
  if (scale === 'sequential') return mix(NEUTRAL, STRONG, v);
  return v < 0 ? mix(NEUTRAL, NEGATIVE, -v) : mix(NEUTRAL, POSITIVE, v);
}

function css(rgb: Rgb | undefined): string {
  return rgb === undefined ? '#d1d5db' : `rgb(${rgb.join(',')})`;
}

/** Dark cells need light text; relative luminance decides (WCAG's formula, simplified to sRGB weights). */
function inkFor(rgb: Rgb | undefined): string {
  if (rgb === undefined) return TEXT;
  const luminance = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255;
  return luminance < 0.55 ? '#ffffff' : '#1f2937';
}

const HEAT = { maxPlot: 400, minCell: 16, maxCell: 44, legendW: 64, pad: 8, maxLabelChars: 20 } as const;

/** A rows × cols grid of coloured cells; values are printed inside cells big enough to hold them. */
export function heatmapSvg(input: HeatmapInput): Svg {
  const { rowLabels, colLabels } = input;
  const cells = Math.max(1, rowLabels.length, colLabels.length);
  const cell = Math.max(HEAT.minCell, Math.min(HEAT.maxCell, Math.floor(HEAT.maxPlot / cells)));
  const rowGutter = labelGutter(rowLabels, HEAT.maxLabelChars);
  const colLabelPx = Math.max(8, ...colLabels.map((l) => textWidthPx(truncate(l, HEAT.maxLabelChars))));
  // Column labels run up and to the right at 45°, so they need about 0.71 of their length in height.
  const top = Math.ceil(colLabelPx * 0.71) + 14;
  const left = rowGutter.px;
  const gridW = colLabels.length * cell;
  const gridH = rowLabels.length * cell;
  const width = left + gridW + HEAT.pad * 2 + Math.max(HEAT.legendW, Math.ceil(colLabelPx * 0.71) - cell / 2);
  const height = top + Math.max(gridH, 120) + HEAT.pad;
  // Small cells sit closer than an 11 px line; a smaller font keeps neighbouring labels apart.
  const labelFont = cell < 20 && html` font-size="9.5"`;
  const labels = [
    ...rowLabels.map((label, r) => {
      const y = top + r * cell + cell / 2 + 4;
      return text(left - 6, y, truncate(label, rowGutter.chars), html`text-anchor="end"${labelFont}`);
    }),
    ...colLabels.map((label, c) => {
      const cx = round1(left + c * cell + cell / 2);
      const shown = truncate(label, HEAT.maxLabelChars);
      return text(cx, top - 6, shown, html`transform="rotate(-45 ${cx} ${top - 6})"${labelFont}`);
    }),
  ];
  const parts = [...labels];
  parts.push(...heatmapCells(input, left, top, cell));
  parts.push(heatLegend(input.scale, left + gridW + HEAT.pad * 2, top, Math.max(gridH, 120)));
  return chartSvg('heatmap', width, height, input.label, parts);
}

function heatmapCells(input: HeatmapInput, left: number, top: number, cell: number): Html[] {
  const parts: Html[] = [];
  const showValues = cell >= 36;
  input.rowLabels.forEach((rowLabel, r) => {
    input.colLabels.forEach((colLabel, c) => {
      const value = input.matrix[r]?.[c] ?? null;
      const colour = heatColour(value, input.scale);
      // Undefined where a column is constant: "n/a" says so better than a dash.
      const shown = isFiniteNumber(value) ? formatFixed(value, 2) : 'n/a';
      const title = `${rowLabel} × ${colLabel}: ${shown}`;
      const x = left + c * cell;
      const y = top + r * cell;
      parts.push(rect(x + 0.5, y + 0.5, cell - 1, cell - 1, css(colour), title));
      if (showValues) {
        const attrs = html`text-anchor="middle" font-size="10" pointer-events="none"`;
        parts.push(text(x + cell / 2, y + cell / 2 + 3.5, shown, attrs, inkFor(colour)));
      }
    });
  });
  return parts;
}

/** A stepped colour bar (plain rects, so no gradient ids can clash between charts on one page). */
function heatLegend(scale: HeatmapScale, x: number, y: number, h: number): Html {
  const steps = 20;
  const [lo, hi] = scale === 'diverging' ? [-1, 1] : [0, 1];
  const parts: Html[] = [];
  for (let i = 0; i < steps; i++) {
    const value = hi - ((i + 0.5) / steps) * (hi - lo);
    parts.push(rect(x, y + (i * h) / steps, 12, h / steps + 0.5, css(heatColour(value, scale))));
  }
  const marks = scale === 'diverging' ? [1, 0, -1] : [1, 0.5, 0];
  for (const value of marks) {
    const my = y + ((hi - value) / (hi - lo)) * h;
    parts.push(line(x + 12, my, x + 16, my, AXIS));
    parts.push(text(x + 19, my + 4, value === 0 ? '0' : formatFixed(value, 2)));
  }
  return html`<g class="legend">${parts}</g>`;
}
