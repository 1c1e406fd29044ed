/**
 * The model's score per labelled window with its 95% interval as a whisker,
 * against the score it was registered with (a dashed line, with its spread
 * over cross-validation folds as a band) and the line beyond which it counts
 * as decayed. Windows without labels keep their place on the axis, empty.
 */

import {
  type Axis,
  BLUE,
  drawAxes,
  legend,
  lineAt,
  marks,
  REFERENCE,
  rectAt,
  svgRoot,
  xyFrame,
} from '../../../report/chart-frame.js';
import { formatScore } from '../../../report/format.js';
import { type Html, html } from '../../../report/html.js';
import type { Svg } from '../../../report/svg.js';
import type { PerformancePoint } from '../../monitor-report.js';
import { ALERT, dot, type HorizontalLine, horizontalLines, WIDTH } from './timeline.js';

export interface PerformanceChartInput {
  readonly label: string;
  readonly xAxis: Axis;
  readonly yAxis: Axis;
  /** Each point's place on the window axis (1-based). */
  readonly placed: readonly { readonly at: number; readonly point: PerformancePoint }[];
  readonly validation: { readonly score: number; readonly std: number | null } | null;
  readonly decayAt: number | null;
  readonly metric: string;
}

const HEIGHT = 300;

export function performanceSvg(input: PerformanceChartInput): Svg {
  const key = legend(56, 6, WIDTH - 72, [
    { label: 'score with 95% interval', colour: BLUE },
    { label: 'decayed', colour: ALERT },
    { label: 'validation score', colour: REFERENCE },
  ]);
  const frame = xyFrame(WIDTH, HEIGHT, input.xAxis, input.yAxis, key.height + 4);
  const lines: HorizontalLine[] = [];
  let band: Html | undefined;
  if (input.validation) {
    const { score, std } = input.validation;
    // Left-labelled: the decay line sits just beside it, labelled at the right.
    lines.push({
      value: score,
      label: `validation ${formatScore(score)}`,
      colour: '#5b6472',
      dash: '6 4',
      labelAt: 'left',
    });
    if (std !== null && std > 0) {
      const top = frame.y(score + std);
      band = rectAt(frame.left, top, frame.right - frame.left, frame.y(score - std) - top, '#eceff3');
    }
  }
  if (input.decayAt !== null) {
    lines.push({
      value: input.decayAt,
      label: `decay beyond ${formatScore(input.decayAt)}`,
      colour: ALERT,
      dash: '2 3',
    });
  }
  const points = input.placed.map(({ at, point }) => pointMarks(frame.x(at), frame.y, point, input.metric));
  const body = [
    band,
    drawAxes(frame, input.xAxis, input.yAxis),
    horizontalLines(frame, lines),
    marks(points),
    key.svg,
  ];
  return svgRoot('performance', WIDTH, HEIGHT, input.label, body);
}

function pointMarks(x: number, y: (v: number) => number, point: PerformancePoint, metric: string): Html {
  const colour = point.decayed ? ALERT : BLUE;
  const interval =
    point.low !== null && point.high !== null
      ? ` (95% interval ${formatScore(point.low)}–${formatScore(point.high)})`
      : '';
  const title = `${metric} ${formatScore(point.score)}${interval} on ${point.rows} labelled rows${point.decayed ? ', decayed' : ''}`;
  let whisker: Html[] = [];
  if (point.low !== null && point.high !== null) {
    const [y1, y2] = [y(point.low), y(point.high)];
    const attrs = html`stroke-width="1.6"`;
    whisker = [
      lineAt(x, y1, x, y2, colour, attrs, title),
      lineAt(x - 5, y1, x + 5, y1, colour, attrs),
      lineAt(x - 5, y2, x + 5, y2, colour, attrs),
    ];
  }
  return html`${whisker}${dot(x, y(point.score), point.decayed ? 5.5 : 4.5, colour, title)}`;
}
