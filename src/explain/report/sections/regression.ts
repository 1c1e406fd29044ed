/**
 * Out-of-fold diagnostics of a regression model: residuals against
 * predictions, predictions against actual values, and the residuals' spread.
 */

import { niceAxis } from '../../../report/chart-frame.js';
import { formatCount } from '../../../report/format.js';
import type { Html } from '../../../report/html.js';
import { binValues, scatterSvg, valueHistogramSvg } from '../charts/scatter.js';
import type { ModelReport } from '../types.js';
import { absentPanel, figure, panel, plots, reasonFor } from './common.js';

export function residualsSection(report: ModelReport): Html {
  const diag = report.regression;
  const title = 'Residuals';
  const target = report.meta.target;
  const n = diag ? Math.min(diag.predicted.length, diag.actual.length) : 0;
  if (!diag || n === 0) {
    const fallback = 'The out-of-fold predictions these plots need were not recorded for this run.';
    return absentPanel('residuals', title, reasonFor(report, 'regression', fallback));
  }
  const predicted = diag.predicted.slice(0, n);
  const actual = diag.actual.slice(0, n);
  const residual = predicted.map((p, i) => actual[i]! - p);
  const figures = [
    residualScatter(predicted, residual, target),
    predictedVsActual(predicted, actual, target),
    residualHistogram(diag.residualHistogram, residual, target),
  ];
  const sampled =
    diag.totalRows > n
      ? ` The scatter plots show a random sample of ${formatCount(n)} of the ${formatCount(diag.totalRows)} rows.`
      : '';
  const lead = `A residual is the actual ${target} minus the prediction: positive when the model guessed too low. All predictions are out-of-fold, made by a model that did not train on the row.${sampled}`;
  return panel('residuals', title, plots(figures), lead);
}

function residualScatter(predicted: number[], residual: number[], target: string): Html {
  const xAxis = niceAxis(predicted, `predicted ${target}`);
  const yAxis = niceAxis(residual, 'residual (actual − predicted)', { includeZero: true });
  const svg = scatterSvg({
    kind: 'residuals',
    label: `Residual against predicted ${target}, out-of-fold`,
    xAxis,
    yAxis,
    xs: predicted,
    ys: residual,
    references: [{ from: [xAxis.min, 0], to: [xAxis.max, 0], label: 'no error' }],
  });
  const caption =
    'Each point is one row held out in cross-validation, placed by its prediction (across) and its error (up: the model guessed too low). ' +
    'A healthy model leaves a shapeless band around the dashed zero line; a curve means a pattern the model missed, and a funnel means its errors grow with the prediction.';
  return figure(svg, caption, 'Residuals against predictions');
}

function predictedVsActual(predicted: number[], actual: number[], target: string): Html {
  // One shared axis, so the y = x line runs at 45° and distances read the same both ways.
  const shared = niceAxis([...predicted, ...actual], '');
  const svg = scatterSvg({
    kind: 'predicted-actual',
    label: `Predicted against actual ${target}, out-of-fold`,
    xAxis: { ...shared, title: `actual ${target}` },
    yAxis: { ...shared, title: `predicted ${target}` },
    xs: actual,
    ys: predicted,
    references: [
      { from: [shared.min, shared.min], to: [shared.max, shared.max], label: 'perfect prediction (y = x)' },
    ],
  });
  const caption =
    'Each point is one held-out row: its actual value across, the prediction up. Points on the dashed line y = x are predicted exactly; ' +
    'a cloud flatter than the line means the model pulls extreme values towards the average, a common sign that it lacks information about them.';
  return figure(svg, caption, 'Predicted against actual');
}

function residualHistogram(
  given: { readonly edges: readonly number[]; readonly counts: readonly number[] } | undefined,
  residual: number[],
  target: string,
): Html {
  const valid = given && given.edges.length === given.counts.length + 1 && given.counts.length > 0;
  const bins = valid ? given : binValues(residual);
  const svg = valueHistogramSvg({
    kind: 'residual-histogram',
    label: `Distribution of residuals of ${target}, out-of-fold`,
    edges: bins.edges,
    counts: bins.counts,
    xTitle: 'residual (actual − predicted)',
    referenceAt: 0,
  });
  const source = valid ? 'all rows' : 'the sampled rows';
  const caption =
    `Each bar counts the rows (${source}) whose error falls in that range. A tall, narrow peak centred on the dashed zero line is good; ` +
    'a peak off zero means the model is biased one way, and a long tail means a few rows it gets badly wrong: look at them.';
  return figure(svg, caption, 'How big the errors are');
}
