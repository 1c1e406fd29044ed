/**
 * Reference against current for one column, as the small multiples of the
 * report draw it: paired bars over the value axis for numbers, and a pair of
 * horizontal bars per level for categories (levels are words, and words read
 * best along a row). Both series are shares of present values, so windows of
 * any size compare with the reference directly.
 */

import {
  AXIS,
  BLUE,
  drawAxes,
  GRID,
  labelWidthPx,
  legend,
  lineAt,
  marks,
  niceAxis,
  REFERENCE,
  rectAt,
  svgRoot,
  textAt,
  xyFrame,
} from '../../../report/chart-frame.js';
import { formatPercent, truncate } from '../../../report/format.js';
import { type Html, html } from '../../../report/html.js';
import type { Svg } from '../../../report/svg.js';
import type { ColumnHistogram } from '../../monitor-report.js';
import { shareAxis } from './share-axis.js';

export const REFERENCE_FILL = REFERENCE;
export const CURRENT_FILL = BLUE;

const WIDTH = 360;
const KEY = [
  { label: 'reference', colour: REFERENCE_FILL },
  { label: 'current', colour: CURRENT_FILL },
];

/** Bars too thin to see still show that a bin is not empty. */
function visibleTop(y: number, base: number, share: number): number {
  return share > 0 ? Math.min(y, base - 1.5) : base;
}

function pairTitle(bin: string, reference: number, current: number): string {
  return `${bin}: reference ${formatPercent(reference)}, current ${formatPercent(current)}`;
}

/** Numeric columns: two bars in each bin, reference on the left, over a value axis. */
export function numericHistogramSvg(histogram: ColumnHistogram, label: string): Svg {
  const edges = histogram.edges ?? [];
  const { reference, current } = histogram;
  const xAxis = niceAxis(edges, truncate(histogram.column, 48), { target: 5 });
  const yAxis = shareAxis([...reference, ...current], 'share of values');
  const key = legend(56, 6, WIDTH - 72, KEY);
  const frame = xyFrame(WIDTH, 230, xAxis, yAxis, key.height + 2);
  const base = frame.y(0);
  const bars = histogram.bins.map((bin, i) => {
    let left = frame.x(edges[i]!);
    let right = frame.x(edges[i + 1]!);
    // All values equal: the one bin has no width, so it gets a fixed one around the value.
    if (!(right - left >= 2)) [left, right] = [left - 8, left + 8];
    const half = (right - left - 1) / 2;
    const title = pairTitle(bin, reference[i] ?? 0, current[i] ?? 0);
    return [reference[i] ?? 0, current[i] ?? 0].map((share, s) => {
      const top = visibleTop(frame.y(share), base, share);
      const fill = s === 0 ? REFERENCE_FILL : CURRENT_FILL;
      return rectAt(left + 0.5 + s * half, top, half, base - top, fill, title);
    });
  });
  return svgRoot('histogram', WIDTH, 230, label, [drawAxes(frame, xAxis, yAxis), marks(bars), key.svg]);
}

const LEVELS = { rowPx: 26, barPx: 9, maxLabelChars: 18, axisPx: 42, right: 18, maxLevels: 12 } as const;

interface Levels {
  readonly labels: readonly string[];
  readonly reference: readonly number[];
  readonly current: readonly number[];
}

/**
 * At most `maxLevels` rows: the levels with the largest share on either
 * side keep their own row, in their given order, and the rest share one.
 */
export function capLevels(histogram: ColumnHistogram, maxLevels: number = LEVELS.maxLevels): Levels {
  const { bins, reference, current } = histogram;
  if (bins.length <= maxLevels) return { labels: bins, reference, current };
  const weight = (i: number) => Math.max(reference[i] ?? 0, current[i] ?? 0);
  const order = bins.map((_, i) => i).sort((a, b) => weight(b) - weight(a));
  const kept = new Set(order.slice(0, maxLevels - 1));
  const keep = bins.map((_, i) => i).filter((i) => kept.has(i));
  const rest = bins.map((_, i) => i).filter((i) => !kept.has(i));
  const sum = (shares: readonly number[]) => rest.reduce((total, i) => total + (shares[i] ?? 0), 0);
  return {
    labels: [...keep.map((i) => bins[i]!), `other (${rest.length} levels)`],
    reference: [...keep.map((i) => reference[i] ?? 0), sum(reference)],
    current: [...keep.map((i) => current[i] ?? 0), sum(current)],
  };
}

/** Categorical columns: a pair of horizontal bars per level, reference above current. */
export function categoricalBarsSvg(histogram: ColumnHistogram, label: string): Svg {
  const levels = capLevels(histogram);
  const shown = levels.labels.map((l) => truncate(l, LEVELS.maxLabelChars));
  const left = Math.ceil(Math.max(24, ...shown.map(labelWidthPx))) + 12;
  const right = WIDTH - LEVELS.right;
  const axis = shareAxis([...levels.reference, ...levels.current], 'share of values');
  const x = (share: number) => left + (share / (axis.max || 1)) * (right - left);
  const key = legend(left, 6, right - left, KEY);
  const top = key.height + 10;
  const bottom = top + levels.labels.length * LEVELS.rowPx;
  const rows = levels.labels.map((level, i) => {
    const rowTop = top + i * LEVELS.rowPx + 3;
    const ref = levels.reference[i] ?? 0;
    const cur = levels.current[i] ?? 0;
    const title = pairTitle(level, ref, cur);
    const width = (share: number) => (share > 0 ? Math.max(1.5, x(share) - left) : 0);
    return [
      textAt(left - 6, rowTop + LEVELS.barPx + 3, shown[i]!, html`text-anchor="end"`),
      rectAt(left, rowTop, width(ref), LEVELS.barPx, REFERENCE_FILL, title),
      rectAt(left, rowTop + LEVELS.barPx + 1, width(cur), LEVELS.barPx, CURRENT_FILL, title),
    ];
  });
  const height = bottom + LEVELS.axisPx;
  const body = [shareGrid(axis.ticks, x, top, bottom, left, right), marks(rows), key.svg];
  return svgRoot('levels', WIDTH, height, label, body);
}

function shareGrid(
  ticks: readonly { value: number; label: string }[],
  x: (share: number) => number,
  top: number,
  bottom: number,
  left: number,
  right: number,
): Html {
  const middle = html`text-anchor="middle"`;
  const grid = ticks.map((t) => [
    lineAt(x(t.value), top, x(t.value), bottom, GRID),
    textAt(x(t.value), bottom + 15, t.label, middle),
  ]);
  const frame = [lineAt(left, top, left, bottom, AXIS), lineAt(left, bottom, right, bottom, AXIS)];
  const title = textAt((left + right) / 2, bottom + 34, 'share of values', middle, '#374151');
  return html`<g class="axes">${grid}${frame}${title}</g>`;
}
