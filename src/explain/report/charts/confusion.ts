/**
 * The confusion matrix as a grid: actual classes down the side, predicted
 * classes along the bottom. Cells are shaded by the share of the actual class
 * they hold (so a rare class's row reads as clearly as a common one's) and
 * print the row count and that share when there is room.
 */

import { INK, labelWidthPx, marks, rectAt, round1, svgRoot, textAt } from '../../../report/chart-frame.js';
import { formatCount, formatPercent, truncate } from '../../../report/format.js';
import { type Html, html } from '../../../report/html.js';
import { heatColour, type Svg } from '../../../report/svg.js';

export interface ConfusionInput {
  readonly labels: readonly string[];
  /** matrix[actual][predicted]. */
  readonly matrix: readonly (readonly number[])[];
  readonly label: string;
}

const GRID = { maxPx: 360, minCell: 26, maxCell: 96, pad: 10, maxLabelChars: 18, axisTitlePx: 18 } as const;

export function confusionSvg(input: ConfusionInput): Svg {
  const n = Math.max(1, input.labels.length);
  const cell = Math.max(GRID.minCell, Math.min(GRID.maxCell, Math.floor(GRID.maxPx / n)));
  const shown = input.labels.map((l) => truncate(l, GRID.maxLabelChars));
  const labelPx = Math.max(8, ...shown.map(labelWidthPx));
  const left = GRID.axisTitlePx + Math.ceil(labelPx) + 12;
  const top = GRID.pad;
  const rotate = labelPx > cell - 6;
  const colLabelsPx = rotate ? Math.ceil(labelPx * 0.72) + 12 : 18;
  const gridPx = n * cell;
  const width = Math.max(left + gridPx + GRID.pad + (rotate ? Math.ceil(labelPx * 0.72) : 0), 200);
  const height = top + gridPx + colLabelsPx + GRID.axisTitlePx + 8;
  const parts: Html[] = [];
  shown.forEach((label, r) => {
    parts.push(textAt(left - 6, top + r * cell + cell / 2 + 4, label, html`text-anchor="end"`));
  });
  shown.forEach((label, c) => {
    const cx = left + c * cell + cell / 2;
    const y = top + gridPx + 14;
    const attrs = rotate
      ? html`text-anchor="end" transform="rotate(-40 ${round1(cx)} ${round1(y)})"`
      : html`text-anchor="middle"`;
    parts.push(textAt(cx, y, label, attrs));
  });
  const titleAttrs = html`text-anchor="middle" font-weight="600" class="axis-title"`;
  parts.push(textAt(left + gridPx / 2, height - 8, 'Predicted class', titleAttrs, '#374151'));
  const actualY = round1(top + gridPx / 2);
  const turned = html`${titleAttrs} transform="rotate(-90 12 ${actualY})"`;
  parts.push(textAt(12, actualY, 'Actual class', turned, '#374151'));
  const body = html`<g class="axes">${parts}</g>${marks(cells(input, left, top, cell))}`;
  return svgRoot('confusion', width, height, input.label, body);
}

function cells(input: ConfusionInput, left: number, top: number, cell: number): Html[] {
  const out: Html[] = [];
  input.labels.forEach((actual, r) => {
    const row = input.matrix[r] ?? [];
    const rowTotal = row.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
    input.labels.forEach((predicted, c) => {
      const count = row[c] ?? 0;
      const share = rowTotal > 0 ? count / rowTotal : 0;
      const rgb = heatColour(share, 'sequential') ?? [240, 240, 240];
      const x = left + c * cell;
      const y = top + r * cell;
      const verdict = r === c ? 'correct' : 'wrong';
      const title = `actual ${actual}, predicted ${predicted} (${verdict}): ${formatCount(count)} rows, ${formatPercent(share)} of actual ${actual}`;
      out.push(rectAt(x + 1, y + 1, cell - 2, cell - 2, `rgb(${rgb.join(',')})`, title));
      if (r === c) out.push(rectAt(x + 1, y + 1, cell - 2, 3, '#1f2937'));
      out.push(cellText(x, y, cell, count, share, rgb));
    });
  });
  return out;
}

function cellText(
  x: number,
  y: number,
  cell: number,
  count: number,
  share: number,
  rgb: readonly number[],
): Html {
  const luminance = (0.2126 * rgb[0]! + 0.7152 * rgb[1]! + 0.0722 * rgb[2]!) / 255;
  const ink = luminance < 0.55 ? '#ffffff' : INK;
  const attrs = html`text-anchor="middle" pointer-events="none"`;
  const countText = formatCount(count);
  if (cell < 40) {
    const size = cell < 32 && html` font-size="9"`;
    return textAt(x + cell / 2, y + cell / 2 + 4, countText, html`${attrs}${size}`, ink);
  }
  const counted = textAt(
    x + cell / 2,
    y + cell / 2,
    countText,
    html`${attrs} font-weight="700" font-size="13"`,
    ink,
  );
  const shared = textAt(
    x + cell / 2,
    y + cell / 2 + 15,
    formatPercent(share),
    html`${attrs} font-size="10"`,
    ink,
  );
  return html`${counted}${shared}`;
}
