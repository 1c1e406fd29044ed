/**
 * Point clouds and a histogram for regression diagnostics: residuals against
 * predictions, predictions against actual values, and the spread of residuals.
 */

import {
  type Axis,
  BLUE,
  drawAxes,
  lineAt,
  marks,
  niceAxis,
  REFERENCE,
  rectAt,
  round1,
  svgRoot,
  xyFrame,
} from '../../../report/chart-frame.js';
import { formatCompact, formatCount } from '../../../report/format.js';
import { type Html, html } from '../../../report/html.js';
import type { Svg } from '../../../report/svg.js';
import type { ReferenceLine } from './curves.js';

export interface ScatterInput {
  readonly kind: string;
  readonly label: string;
  readonly xAxis: Axis;
  readonly yAxis: Axis;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly references?: readonly ReferenceLine[];
}

/** Translucent dots, so dense regions read darker; no per-point tooltip, which would weigh megabytes. */
export function scatterSvg(input: ScatterInput): Svg {
  const width = 420;
  const height = 320;
  const frame = xyFrame(width, height, input.xAxis, input.yAxis);
  // Fewer points can afford more ink; thousands need to be faint to show density.
  const opacity = input.xs.length > 800 ? 0.3 : 0.55;
  const dots: Html[] = [];
  for (let i = 0; i < input.xs.length; i++) {
    const x = input.xs[i]!;
    const y = input.ys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    dots.push(html`<circle cx="${round1(frame.x(x))}" cy="${round1(frame.y(y))}" r="2.2"/>`);
  }
  const refs = (input.references ?? []).map((ref) => {
    const attrs = html`stroke-dasharray="5 4" stroke-width="1.4" class="reference"`;
    const [x1, y1] = ref.from;
    const [x2, y2] = ref.to;
    return lineAt(frame.x(x1), frame.y(y1), frame.x(x2), frame.y(y2), REFERENCE, attrs, ref.label);
  });
  const body = [
    drawAxes(frame, input.xAxis, input.yAxis),
    html`<g class="marks" fill="${BLUE}" fill-opacity="${opacity}">${dots}</g>`,
    ...refs,
  ];
  return svgRoot(input.kind, width, height, input.label, body);
}

export interface ValueHistogramInput {
  readonly kind: string;
  readonly label: string;
  /** bins + 1 increasing edges. */
  readonly edges: readonly number[];
  readonly counts: readonly number[];
  readonly xTitle: string;
  /** A dashed vertical line, e.g. at a residual of 0. */
  readonly referenceAt?: number;
}

export function valueHistogramSvg(input: ValueHistogramInput): Svg {
  const { edges, counts } = input;
  const xAxis = niceAxis(edges, input.xTitle, { target: 6 });
  const yAxis = niceAxis(counts, 'rows', { includeZero: true, target: 4 });
  const frame = xyFrame(420, 260, xAxis, yAxis);
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  const bars = counts.map((count, i) => {
    const from = edges[i]!;
    const to = edges[i + 1]!;
    const left = frame.x(from) + 0.5;
    const w = Math.max(0.5, frame.x(to) - frame.x(from) - 1);
    // A handful of rows among thousands would round to nothing; keep them visible.
    const top = count > 0 ? Math.min(frame.y(count), frame.y(0) - 1.5) : frame.y(0);
    const title = `${formatCompact(from)} to ${formatCompact(to)}: ${formatCount(count)} rows (${((count / total) * 100).toFixed(1)}%)`;
    return rectAt(left, top, w, frame.y(0) - top, BLUE, title);
  });
  const body = [drawAxes(frame, xAxis, yAxis), marks(bars)];
  if (input.referenceAt !== undefined) {
    const x = frame.x(input.referenceAt);
    const attrs = html`stroke-dasharray="5 4" stroke-width="1.4" class="reference"`;
    body.push(lineAt(x, frame.top, x, frame.bottom, REFERENCE, attrs, `${formatCompact(input.referenceAt)}`));
  }
  return svgRoot(input.kind, 420, 260, input.label, body);
}

/** Equal-width bins over the values, about √n of them (at most `maxBins`), for when no histogram was given. */
export function binValues(values: readonly number[], maxBins = 30): { edges: number[]; counts: number[] } {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return { edges: [0, 1], counts: [0] };
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const bins = hi > lo ? Math.max(1, Math.min(maxBins, Math.ceil(Math.sqrt(finite.length)))) : 1;
  const width = hi > lo ? (hi - lo) / bins : 1;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (hi > lo ? lo + i * width : lo - 0.5 + i));
  const counts = new Array<number>(bins).fill(0);
  for (const v of finite) {
    const bin = Math.min(bins - 1, Math.floor((v - lo) / width));
    counts[bin] = counts[bin]! + 1;
  }
  return { edges, counts };
}
