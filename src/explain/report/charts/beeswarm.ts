/**
 * The SHAP summary plot: one strip per feature, one dot per explained row at
 * its SHAP value, dots piled up sideways where they crowd (a beeswarm) and
 * coloured by the row's feature value from blue (low) to red (high). Reading
 * colour against side tells the direction of an effect.
 */

import {
  AXIS,
  type Axis,
  GRID,
  labelWidthPx,
  lineAt,
  niceAxis,
  rectAt,
  round1,
  svgRoot,
  textAt,
  tooltip,
} from '../../../report/chart-frame.js';
import { formatCompact, truncate } from '../../../report/format.js';
import { type Html, html } from '../../../report/html.js';
import type { Svg } from '../../../report/svg.js';

export interface SwarmColumn {
  readonly column: string;
  readonly shap: readonly number[];
  /** 0..1, or null for a missing or unordered value (drawn grey). */
  readonly value: readonly (number | null)[];
}

const SWARM = { width: 680, rowPx: 34, top: 8, axisPx: 44, legendPx: 70, dotR: 2.3, maxDots: 400 } as const;
const LOW: readonly number[] = [44, 105, 176];
const HIGH: readonly number[] = [214, 39, 40];
const UNKNOWN = '#b8bec7';

/** Blue for 0, red for 1, through purple; a straight mix keeps mid values visible on white. */
export function valueColour(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return UNKNOWN;
  const t = Math.max(0, Math.min(1, value));
  const rgb = LOW.map((lo, i) => Math.round(lo + (HIGH[i]! - lo) * t));
  return `rgb(${rgb.join(',')})`;
}

export function beeswarmSvg(columns: readonly SwarmColumn[], xTitle: string, label: string): Svg {
  const names = columns.map((c) => truncate(c.column, 26));
  const left = Math.ceil(Math.max(8, ...names.map(labelWidthPx))) + 12;
  const right = SWARM.width - SWARM.legendPx;
  const axis = niceAxis(
    columns.flatMap((c) => c.shap),
    xTitle,
    { includeZero: true, target: 6 },
  );
  const x = (v: number) => left + ((v - axis.min) / (axis.max - axis.min || 1)) * (right - left);
  const bottom = SWARM.top + columns.length * SWARM.rowPx;
  const height = bottom + SWARM.axisPx;
  const strips = columns.map((column, i) => {
    const mid = SWARM.top + i * SWARM.rowPx + SWARM.rowPx / 2;
    return {
      label: textAt(left - 8, mid + 4, names[i]!, html`text-anchor="end"`),
      dots: swarmDots(column, x, mid),
    };
  });
  const body = [
    swarmAxes(axis, x, left, right, bottom),
    strips.map((s) => s.label),
    html`<g class="marks">${strips.map((s) => s.dots)}</g>`,
    colourKey(right + 22, SWARM.top + 4, Math.min(140, Math.max(60, bottom - SWARM.top - 8))),
  ];
  return svgRoot('shap', SWARM.width, height, label, body);
}

function swarmAxes(axis: Axis, x: (v: number) => number, left: number, right: number, bottom: number): Html {
  const parts: Html[] = [];
  for (const tick of axis.ticks) {
    const tx = x(tick.value);
    parts.push(lineAt(tx, SWARM.top, tx, bottom, GRID));
    parts.push(lineAt(tx, bottom, tx, bottom + 4, AXIS));
    parts.push(textAt(tx, bottom + 16, tick.label, html`text-anchor="middle"`));
  }
  parts.push(lineAt(left, bottom, right, bottom, AXIS));
  parts.push(lineAt(x(0), SWARM.top, x(0), bottom, '#6b7280', html`stroke-width="1.2"`));
  const title = html`text-anchor="middle" class="axis-title"`;
  parts.push(textAt((left + right) / 2, bottom + 36, axis.title, title, '#374151'));
  return html`<g class="axes">${parts}</g>`;
}

/**
 * Dots sorted by SHAP value and dropped into pixel-wide buckets; each bucket
 * stacks its dots alternately above and below the strip's centre line, wrapping
 * back to the centre when the strip is full (dense strips then overlap a little).
 */
function swarmDots(column: SwarmColumn, x: (v: number) => number, mid: number): Html {
  const n = Math.min(column.shap.length, column.value.length);
  const step = Math.max(1, Math.ceil(n / SWARM.maxDots));
  const rows: number[] = [];
  for (let i = 0; i < n; i += step) if (Number.isFinite(column.shap[i]!)) rows.push(i);
  rows.sort((a, b) => column.shap[a]! - column.shap[b]!);
  const bucketPx = SWARM.dotR * 2;
  const maxLayers = Math.floor((SWARM.rowPx / 2 - SWARM.dotR - 1) / (SWARM.dotR * 0.9));
  const filled = new Map<number, number>();
  const dots = rows.map((row) => {
    const cx = x(column.shap[row]!);
    const bucket = Math.round(cx / bucketPx);
    const k = filled.get(bucket) ?? 0;
    filled.set(bucket, k + 1);
    const layer = Math.ceil((k % (2 * maxLayers + 1)) / 2);
    const side = k % 2 === 1 ? -1 : 1;
    const cy = mid + side * layer * SWARM.dotR * 0.9;
    return html`<circle cx="${round1(cx)}" cy="${round1(cy)}" r="${SWARM.dotR}" fill="${valueColour(column.value[row] ?? null)}"/>`;
  });
  const title = `${column.column}: ${rows.length} rows, SHAP from ${formatCompact(column.shap[rows[0]!] ?? 0)} to ${formatCompact(column.shap[rows[rows.length - 1]!] ?? 0)}`;
  return html`<g fill-opacity="0.85">${tooltip(title)}${dots}</g>`;
}

/** A vertical colour bar from high (top) to low (bottom), and a grey swatch for missing values. */
function colourKey(x: number, y: number, h: number): Html {
  const steps = 16;
  const parts: Html[] = [];
  for (let i = 0; i < steps; i++) {
    parts.push(rectAt(x, y + (i * h) / steps, 10, h / steps + 0.5, valueColour(1 - (i + 0.5) / steps)));
  }
  parts.push(textAt(x + 14, y + 9, 'high'));
  parts.push(textAt(x + 14, y + h, 'low'));
  parts.push(rectAt(x, y + h + 10, 10, 10, UNKNOWN), textAt(x + 14, y + h + 19, 'n/a'));
  const labelY = round1(y + h / 2);
  const attrs = html`text-anchor="middle" font-size="10" transform="rotate(-90 ${x - 6} ${labelY})"`;
  parts.push(textAt(x - 6, labelY, 'feature value', attrs));
  return html`<g class="legend">${parts}</g>`;
}
