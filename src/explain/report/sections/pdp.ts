/**
 * Partial dependence of the top features: for a numeric column, the average
 * curve over faint individual (ICE) curves; for a categorical one, a bar per level.
 */

import { BLUE, niceAxis } from '../../../report/chart-frame.js';
import { formatScore } from '../../../report/format.js';
import type { Html } from '../../../report/html.js';
import { errorBarAxis, errorBarsSvg } from '../charts/bars.js';
import { curveChartSvg } from '../charts/curves.js';
import type { CategoricalPdp, ModelReport, NumericPdp } from '../types.js';
import { absentPanel, figure, panel, plots, reasonFor } from './common.js';

const MAX_FEATURES = 6;
const MAX_ICE = 40;

function numericFigure(pdp: NumericPdp, output: string, first: boolean): Html {
  const ice = (pdp.ice ?? []).slice(0, MAX_ICE);
  const yAxis = niceAxis([...pdp.average, ...ice.flat()], output);
  const svg = curveChartSvg({
    kind: 'pdp',
    label: `Partial dependence of ${output} on ${pdp.column}`,
    xAxis: niceAxis(pdp.grid, pdp.column),
    yAxis,
    series: [
      ...ice.map((curve, i) => ({
        xs: pdp.grid,
        ys: curve,
        colour: '#7f9cc3',
        strokePx: 1,
        opacity: 0.35,
        label: `row ${i + 1} (ICE)`,
        quiet: true,
      })),
      { xs: pdp.grid, ys: pdp.average, colour: BLUE, strokePx: 3, label: 'average (partial dependence)' },
    ],
  });
  const iceSentence = ice.length
    ? ' The faint lines (ICE) do the same for single rows: parallel lines mean the effect is the same for everyone, lines that cross or fan out mean it depends on the other columns.'
    : '';
  const caption = first
    ? `The thick line is the model's average ${output} when every row's ${pdp.column} is set to the value across and everything else stays as it was.${iceSentence}`
    : `As above: the thick line is the average ${output} as ${pdp.column} varies${ice.length ? ', the faint lines single rows' : ''}. A flat stretch means the model ignores ${pdp.column} there.`;
  return figure(svg, caption, pdp.column);
}

function categoricalFigure(pdp: CategoricalPdp, output: string, first: boolean): Html {
  const rows = pdp.grid.map((level, i) => ({ label: level, value: pdp.average[i] ?? Number.NaN }));
  const svg = errorBarsSvg({
    kind: 'pdp',
    label: `Partial dependence of ${output} on ${pdp.column}`,
    rows,
    axis: errorBarAxis(rows, output, true),
    formatValue: (row) => formatScore(row.value),
  });
  const caption = first
    ? `Each bar is the model's average ${output} with every row's ${pdp.column} set to that level and the other columns left as they were; the differences between bars are the effect of the level alone.`
    : `Each bar is the average ${output} with every row's ${pdp.column} set to that level; bars of equal length mean the level makes no difference to the model.`;
  return figure(svg, caption, pdp.column);
}

export function pdpSection(report: ModelReport): Html {
  const pdp = report.pdp;
  const title = 'Partial dependence';
  if (!pdp?.features.length) {
    const fallback = 'Partial dependence was not computed for this run.';
    return absentPanel('pdp', title, reasonFor(report, 'pdp', fallback));
  }
  const figures = pdp.features.slice(0, MAX_FEATURES).map((f, i, all) => {
    // The first chart of each kind explains itself in full; later ones refer back to it.
    const first = all.findIndex((g) => g.kind === f.kind) === i;
    return f.kind === 'categorical'
      ? categoricalFigure(f, pdp.output, first)
      : numericFigure(f, pdp.output, first);
  });
  const lead = `Each chart changes one of the most important columns and watches the ${pdp.output}. It shows what the model learned, not cause and effect.`;
  return panel('pdp', title, plots(figures), lead);
}
