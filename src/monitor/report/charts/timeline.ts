/**
 * Charts over the monitoring windows, oldest on the left: a statistic per
 * column as lines (drift over time), the share of drifted features as bars,
 * and the model's score with its interval (performance over time). They
 * share one window axis, so a window sits at the same place in all three.
 */

import {
  type Axis,
  drawAxes,
  type LegendEntry,
  labelWidthPx,
  legend,
  lineAt,
  marks,
  pathThrough,
  rectAt,
  round1,
  svgRoot,
  textAt,
  tooltip,
  type XyFrame,
  xyFrame,
} from '../../../report/chart-frame.js';
import { truncate } from '../../../report/format.js';
import { type Html, html } from '../../../report/html.js';
import type { Svg } from '../../../report/svg.js';

export const ALERT = '#c0392b';
export const WIDTH = 560;
export const HEIGHT = 300;
/** About the width of the plotting area, between the y-axis labels and the right margin. */
const PLOT_PX = 470;

/**
 * Window `i` (0-based) sits at i + 1, with half a window of room either
 * side. Labels are thinned so that they do not run into one another.
 */
export function windowAxis(labels: readonly string[], title: string): Axis {
  const widest = Math.max(8, ...labels.map(labelWidthPx));
  const room = Math.max(2, Math.floor(PLOT_PX / (widest + 12)));
  const step = Math.ceil(labels.length / room);
  const ticks = labels.map((label, i) => ({ value: i + 1, label })).filter((_, i) => i % step === 0);
  return { min: 0.5, max: labels.length + 0.5, ticks, title };
}

export interface HorizontalLine {
  readonly value: number;
  readonly label: string;
  readonly colour: string;
  /** SVG dash pattern, e.g. "5 4". */
  readonly dash: string;
  /** Where the label sits; default the right end (two close lines label opposite ends). */
  readonly labelAt?: 'left' | 'right';
}

/** Dashed lines across the plot with their label at one end, above the line. */
export function horizontalLines(frame: XyFrame, lines: readonly HorizontalLine[]): Html {
  const drawn = lines.map((line) => {
    const y = frame.y(line.value);
    const attrs = html`stroke-dasharray="${line.dash}" stroke-width="1.4" class="threshold"`;
    const label =
      line.labelAt === 'left'
        ? textAt(frame.left + 4, y - 4, line.label, html`text-anchor="start" font-size="10"`, line.colour)
        : textAt(frame.right - 4, y - 4, line.label, html`text-anchor="end" font-size="10"`, line.colour);
    return [lineAt(frame.left, y, frame.right, y, line.colour, attrs, line.label), label];
  });
  return html`${drawn}`;
}

export function dot(x: number, y: number, r: number, fill: string, title: string, stroke = '#fff'): Html {
  const ring = stroke !== '#fff' && html` stroke-width="2"`;
  return html`<circle cx="${round1(x)}" cy="${round1(y)}" r="${r}" fill="${fill}" stroke="${stroke}"${ring}>${tooltip(title)}</circle>`;
}

export interface TimelineSeries {
  readonly label: string;
  /** One per window; null where the column was not tested. */
  readonly values: readonly (number | null)[];
  readonly colour: string;
  readonly strokePx: number;
  /** Windows where the value crossed its threshold: drawn as a larger red-ringed dot. */
  readonly flagged: readonly boolean[];
  readonly format: (value: number) => string;
}

export interface TimelineInput {
  readonly kind: string;
  readonly label: string;
  readonly xAxis: Axis;
  readonly yAxis: Axis;
  /** Drawn in order, so quiet series go first and highlighted ones on top. */
  readonly series: readonly TimelineSeries[];
  readonly lines: readonly HorizontalLine[];
  readonly legend: readonly LegendEntry[];
}

/** Lines per series over the windows, a dot at every value, and threshold lines. */
export function timelineSvg(input: TimelineInput): Svg {
  const key = legend(56, 6, WIDTH - 72, input.legend);
  const frame = xyFrame(WIDTH, HEIGHT, input.xAxis, input.yAxis, key.height + 4);
  const drawn = input.series.map((series) => {
    const xs = series.values.map((_, i) => frame.x(i + 1));
    const ys = series.values.map((v) => (v === null ? Number.NaN : frame.y(v)));
    const d = pathThrough(xs, ys);
    const stroke = html`stroke="${series.colour}" stroke-width="${series.strokePx}"`;
    const path =
      d && html`<path d="${d}" fill="none" ${stroke} stroke-linejoin="round">${tooltip(series.label)}</path>`;
    const dots = series.values.map((v, i) => {
      if (v === null || !Number.isFinite(v)) return null;
      const title = `${truncate(series.label, 60)}, ${input.xAxis.title} ${i + 1}: ${series.format(v)}`;
      return series.flagged[i]
        ? dot(xs[i]!, ys[i]!, 4.5, series.colour, `${title} (drifted)`, ALERT)
        : dot(xs[i]!, ys[i]!, 2.5, series.colour, title);
    });
    return html`<g class="series">${path}${dots}</g>`;
  });
  const body = [
    drawAxes(frame, input.xAxis, input.yAxis),
    horizontalLines(frame, input.lines),
    marks(drawn),
    key.svg,
  ];
  return svgRoot(input.kind, WIDTH, HEIGHT, input.label, body);
}

export interface ShareBarsInput {
  readonly label: string;
  readonly xAxis: Axis;
  readonly yAxis: Axis;
  readonly shares: readonly number[];
  readonly flagged: readonly boolean[];
  readonly titles: readonly string[];
  readonly lines: readonly HorizontalLine[];
}

/** One bar per window; flagged windows in red. */
export function shareBarsSvg(input: ShareBarsInput): Svg {
  const frame = xyFrame(WIDTH, 240, input.xAxis, input.yAxis);
  const slot = frame.x(2) - frame.x(1);
  const barPx = Math.max(2, Math.min(48, slot * 0.6));
  const base = frame.y(0);
  const bars = input.shares.map((share, i) => {
    const x = frame.x(i + 1) - barPx / 2;
    // An empty window still gets a sliver, so every window is visibly accounted for.
    const top = Math.min(frame.y(share), base - 1.5);
    const fill = input.flagged[i] ? ALERT : '#a9c1de';
    return rectAt(x, top, barPx, base - top, fill, input.titles[i]);
  });
  const body = [drawAxes(frame, input.xAxis, input.yAxis), marks(bars), horizontalLines(frame, input.lines)];
  return svgRoot('drift-share', WIDTH, 240, input.label, body);
}
