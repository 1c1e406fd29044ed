/**
 * Horizontal bars with error bars: the leaderboard (score ± std over folds),
 * permutation importance (mean drop ± std over repeats) and the partial
 * dependence of a categorical column (one bar per level).
 */

import {
  AXIS,
  type Axis,
  BLUE,
  BLUE_LIGHT,
  GRID,
  INK,
  labelWidthPx,
  lineAt,
  marks,
  niceAxis,
  rectAt,
  svgRoot,
  textAt,
} from '../../../report/chart-frame.js';
import { formatCompact, truncate } from '../../../report/format.js';
import { type Html, html } from '../../../report/html.js';
import type { Svg } from '../../../report/svg.js';

export interface ErrorBarRow {
  readonly label: string;
  readonly value: number;
  /** Half-length of the error bar; absent or 0 draws none. */
  readonly std?: number;
  /** Drawn in the strong colour; the others are lighter (when any row is highlighted). */
  readonly highlight?: boolean;
}

export interface ErrorBarsInput {
  readonly kind: string;
  readonly label: string;
  readonly rows: readonly ErrorBarRow[];
  readonly axis: Axis;
  /** Text after each bar; defaults to "value ± std". */
  readonly formatValue?: (row: ErrorBarRow) => string;
}

const LAYOUT = {
  width: 560,
  rowPx: 24,
  barPx: 14,
  top: 10,
  axisPx: 46,
  maxLabelChars: 30,
  valuePx: 112,
} as const;

/**
 * The value axis for error bars. With `includeZero` the bars start at 0;
 * without it the axis starts near the data when zero is far away, so close
 * scores (0.83 against 0.84) can be told apart.
 */
export function errorBarAxis(rows: readonly ErrorBarRow[], title: string, includeZero: boolean): Axis {
  const ends = rows.flatMap((r) => [r.value - (r.std ?? 0), r.value + (r.std ?? 0)]);
  const finite = ends.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  // Zero is "near" when the data spans more than a third of the way to it.
  const zeroIsNear = (lo > 0 && lo < hi * 0.6) || (hi < 0 && hi > lo * 0.6);
  return niceAxis(ends, title, { includeZero: includeZero || zeroIsNear, target: 5, padFraction: 0.02 });
}

/** Bars grow from 0 when 0 is on the axis, else from the axis end nearest to it. */
function baselineOf(axis: Axis): number {
  return Math.max(axis.min, Math.min(axis.max, 0));
}

export function errorBarsSvg(input: ErrorBarsInput): Svg {
  const { rows, axis } = input;
  const labels = rows.map((r) => truncate(r.label, LAYOUT.maxLabelChars));
  const gutter = Math.ceil(Math.max(8, ...labels.map(labelWidthPx))) + 12;
  const left = gutter;
  const right = LAYOUT.width - LAYOUT.valuePx;
  const x = (v: number) => left + ((v - axis.min) / (axis.max - axis.min || 1)) * (right - left);
  const plotBottom = LAYOUT.top + rows.length * LAYOUT.rowPx;
  const height = plotBottom + LAYOUT.axisPx;
  const show = input.formatValue ?? defaultValue;
  const anyHighlight = rows.some((r) => r.highlight);
  const parts: Html[] = [axisMarks(axis, x, LAYOUT.top, plotBottom, left, right)];
  const bars = rows.map((row, i) => {
    const top = LAYOUT.top + i * LAYOUT.rowPx + (LAYOUT.rowPx - LAYOUT.barPx) / 2;
    const mid = top + LAYOUT.barPx / 2;
    const base = x(baselineOf(axis));
    const fill = !anyHighlight || row.highlight ? BLUE : BLUE_LIGHT;
    const end = Number.isFinite(row.value) ? x(Math.max(axis.min, Math.min(axis.max, row.value))) : base;
    const label = textAt(
      left - 8,
      mid + 4,
      labels[i]!,
      html`text-anchor="end"${row.highlight && html` font-weight="700"`}`,
    );
    const bar = rectAt(base, top, end - base || 1, LAYOUT.barPx, fill, `${row.label}: ${show(row)}`);
    const value = textAt(right + 8, mid + 4, show(row), undefined, INK);
    return [label, bar, whisker(row, x, mid, axis), value];
  });
  parts.push(marks(bars));
  return svgRoot(input.kind, LAYOUT.width, height, input.label, parts);
}

function defaultValue(row: ErrorBarRow): string {
  const std = row.std ? ` ± ${formatCompact(row.std)}` : '';
  return `${formatCompact(row.value)}${std}`;
}

/** The ± std interval as a line with end caps, clipped to the axis. */
function whisker(row: ErrorBarRow, x: (v: number) => number, mid: number, axis: Axis): Html[] {
  if (!row.std || !Number.isFinite(row.std) || !Number.isFinite(row.value)) return [];
  const clip = (v: number) => x(Math.max(axis.min, Math.min(axis.max, v)));
  const from = clip(row.value - row.std);
  const to = clip(row.value + row.std);
  const stroke = '#1f2937';
  const width = html`stroke-width="1.3"`;
  return [
    lineAt(from, mid, to, mid, stroke, width),
    lineAt(from, mid - 4, from, mid + 4, stroke, width),
    lineAt(to, mid - 4, to, mid + 4, stroke, width),
  ];
}

function axisMarks(
  axis: Axis,
  x: (v: number) => number,
  top: number,
  bottom: number,
  left: number,
  right: number,
): Html {
  const parts: Html[] = [];
  for (const tick of axis.ticks) {
    const tx = x(tick.value);
    parts.push(lineAt(tx, top, tx, bottom, GRID));
    parts.push(lineAt(tx, bottom, tx, bottom + 4, AXIS));
    parts.push(textAt(tx, bottom + 16, tick.label, html`text-anchor="middle"`));
  }
  parts.push(lineAt(left, bottom, right, bottom, AXIS));
  const zero = baselineOf(axis);
  parts.push(lineAt(x(zero), top, x(zero), bottom, AXIS));
  const title = html`text-anchor="middle" class="axis-title"`;
  parts.push(textAt((left + right) / 2, bottom + 36, axis.title, title, '#374151'));
  return html`<g class="axes">${parts}</g>`;
}
