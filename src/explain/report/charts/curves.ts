/**
 * Line charts: ROC and precision–recall curves, the calibration plot and
 * numeric partial dependence with ICE curves. Each is one or more series over
 * two axes, with optional dashed reference lines (the diagonal of a random
 * or perfectly calibrated model, a baseline).
 */

import {
  type Axis,
  drawAxes,
  type LegendEntry,
  legend,
  lineAt,
  marks,
  pathThrough,
  REFERENCE,
  round1,
  svgRoot,
  textAt,
  tooltip,
  xyFrame,
} from '../../../report/chart-frame.js';
import { formatCompact } from '../../../report/format.js';
import { type Html, html } from '../../../report/html.js';
import type { Svg } from '../../../report/svg.js';

export interface CurveSeries {
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly colour: string;
  /** Stroke width in pixels; default 2. */
  readonly strokePx?: number;
  readonly opacity?: number;
  /** Tooltip, and the legend entry when the chart has a legend. */
  readonly label: string;
  /** A dot at every point, with this radius per point (the calibration plot sizes them by rows). */
  readonly dotRadii?: readonly number[];
  /** Leave the series out of the legend (ICE curves). */
  readonly quiet?: boolean;
}

export interface ReferenceLine {
  readonly from: readonly [number, number];
  readonly to: readonly [number, number];
  readonly label: string;
}

export interface CurveChartInput {
  /** Chart class suffix: roc, pr, calibration, pdp. */
  readonly kind: string;
  readonly label: string;
  readonly xAxis: Axis;
  readonly yAxis: Axis;
  readonly series: readonly CurveSeries[];
  readonly references?: readonly ReferenceLine[];
  /** Printed in the plot's lower right, e.g. "AUC 0.83". */
  readonly note?: string;
  readonly legend?: boolean;
  readonly width?: number;
  readonly height?: number;
}

export function curveChartSvg(input: CurveChartInput): Svg {
  const width = input.width ?? 420;
  const height = input.height ?? 320;
  const entries: LegendEntry[] = input.legend
    ? input.series.filter((s) => !s.quiet).map((s) => ({ label: s.label, colour: s.colour }))
    : [];
  const key = entries.length ? legend(56, 8, width - 72, entries) : undefined;
  const frame = xyFrame(width, height, input.xAxis, input.yAxis, key ? key.height + 4 : 0);
  const parts: Html[] = [drawAxes(frame, input.xAxis, input.yAxis)];
  for (const ref of input.references ?? []) {
    const [x1, y1] = ref.from;
    const [x2, y2] = ref.to;
    const attrs = html`stroke-dasharray="5 4" stroke-width="1.2" class="reference"`;
    parts.push(lineAt(frame.x(x1), frame.y(y1), frame.x(x2), frame.y(y2), REFERENCE, attrs, ref.label));
  }
  const drawn = input.series.map((series) => seriesMarks(series, frame.x, frame.y));
  parts.push(marks(drawn));
  if (input.note) {
    const attrs = html`text-anchor="end" font-weight="600" font-size="12"`;
    parts.push(textAt(frame.right - 8, frame.bottom - 10, input.note, attrs, '#1f2937'));
  }
  if (key) parts.push(key.svg);
  return svgRoot(input.kind, width, height, input.label, parts);
}

function seriesMarks(series: CurveSeries, x: (v: number) => number, y: (v: number) => number): Html {
  const d = pathThrough(series.xs.map(x), series.ys.map(y));
  const opacity = series.opacity !== undefined && html` stroke-opacity="${series.opacity}"`;
  const stroke = html`stroke="${series.colour}" stroke-width="${series.strokePx ?? 2}"${opacity}`;
  const path =
    d && html`<path d="${d}" fill="none" ${stroke} stroke-linejoin="round">${tooltip(series.label)}</path>`;
  const radii = series.dotRadii;
  if (!radii) return html`${path}`;
  const dots = series.xs.map((xv, i) => {
    const yv = series.ys[i]!;
    if (!Number.isFinite(xv) || !Number.isFinite(yv)) return null;
    const r = round1(radii[i] ?? 3);
    const title = `${series.label}: ${formatCompact(xv)}, ${formatCompact(yv)}`;
    return html`<circle cx="${round1(x(xv))}" cy="${round1(y(yv))}" r="${r}" fill="${series.colour}" fill-opacity="0.85" stroke="#fff">${tooltip(title)}</circle>`;
  });
  return html`${path}${dots}`;
}
