/**
 * Fold scores as dots, one strip per metric: each strip has its own axis,
 * because metrics live on different scales (AUC near 0.8, log loss near 0.5,
 * RMSE in the target's units). A shaded band marks mean ± std and a vertical
 * stroke the mean, so the reader sees both the average and the spread.
 */

import {
  AXIS,
  BLUE,
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

export interface FoldStrip {
  readonly label: string;
  readonly folds: readonly number[];
  readonly mean: number;
  readonly std: number;
  readonly greaterIsBetter: boolean;
}

const STRIP = { width: 560, rowPx: 62, top: 8, right: 20, dotR: 4.5 } as const;

export function foldDotsSvg(strips: readonly FoldStrip[], label: string): Svg {
  const names = strips.map((s) => truncate(s.label, 24));
  // Names are bold and the direction note sits under them; the wider of the two sets the gutter.
  const widest = Math.max(labelWidthPx('higher is better'), ...names.map((n) => labelWidthPx(n) * 1.08));
  const gutter = Math.ceil(widest) + 18;
  const stripsBottom = STRIP.top + strips.length * STRIP.rowPx;
  const height = stripsBottom + 14;
  const rows = strips.map((strip, i) => stripSvg(strip, names[i]!, gutter, STRIP.top + i * STRIP.rowPx));
  const title = textAt(
    (gutter + STRIP.width - STRIP.right) / 2,
    stripsBottom + 4,
    'score on each fold (each metric on its own scale)',
    html`text-anchor="middle" class="axis-title"`,
    '#374151',
  );
  return svgRoot('folds', STRIP.width, height, label, html`${rows}<g class="axes">${title}</g>`);
}

function stripSvg(strip: FoldStrip, name: string, left: number, top: number): Html {
  const right = STRIP.width - STRIP.right;
  const values = [...strip.folds, strip.mean - strip.std, strip.mean + strip.std];
  const axis = niceAxis(values, '', { target: 4, padFraction: 0.03 });
  const x = (v: number) => left + ((v - axis.min) / (axis.max - axis.min || 1)) * (right - left);
  const mid = top + 20;
  const baseline = top + 36;
  const parts: Html[] = [];
  const direction = strip.greaterIsBetter ? 'higher is better' : 'lower is better';
  parts.push(textAt(left - 10, mid + 1, name, html`text-anchor="end" font-weight="600"`, '#1f2937'));
  parts.push(textAt(left - 10, mid + 14, direction, html`text-anchor="end" font-size="10"`));
  for (const tick of axis.ticks) {
    const tx = x(tick.value);
    parts.push(lineAt(tx, top + 4, tx, baseline, GRID));
    parts.push(lineAt(tx, baseline, tx, baseline + 3, AXIS));
    parts.push(textAt(tx, baseline + 14, tick.label, html`text-anchor="middle" font-size="10"`));
  }
  parts.push(lineAt(left, baseline, right, baseline, AXIS));
  const axes = html`<g class="axes">${parts}</g>`;
  const band = rectAt(
    x(strip.mean - strip.std),
    mid - 11,
    x(strip.mean + strip.std) - x(strip.mean - strip.std),
    22,
    '#dbe6f3',
    `mean ± std: ${formatCompact(strip.mean)} ± ${formatCompact(strip.std)}`,
  );
  const mean = lineAt(x(strip.mean), mid - 13, x(strip.mean), mid + 13, '#1f2937', html`stroke-width="2"`);
  // Folds with equal scores would hide one another; a small vertical offset keeps each visible.
  const dots = strip.folds.map((score, f) => {
    const dy = ((f % 3) - 1) * 5;
    const title = `fold ${f + 1}: ${formatCompact(score)}`;
    return html`<circle cx="${round1(x(score))}" cy="${round1(mid + dy)}" r="${STRIP.dotR}" fill="${BLUE}" fill-opacity="0.8" stroke="#fff">${tooltip(title)}</circle>`;
  });
  return html`${axes}<g class="marks">${band}${mean}${dots}</g>`;
}
