/**
 * The chosen model's cross-validation figures: a table of mean, spread and
 * range per metric, and each fold's score as a dot, so the spread is seen.
 */

import { formatScore } from '../../../report/format.js';
import { type Html, html } from '../../../report/html.js';
import { foldDotsSvg } from '../charts/dots.js';
import type { ModelReport } from '../types.js';
import { absentNote, direction, figure, metricLabel, panel } from './common.js';

export function cvSection(report: ModelReport): Html {
  const metrics = report.cvMetrics;
  if (!metrics.length) {
    return panel(
      'cv',
      'Cross-validation',
      absentNote('cv', 'No per-fold scores were recorded for the chosen model.'),
    );
  }
  const rows = metrics.map((m) => {
    const finite = m.folds.filter(Number.isFinite);
    const [lo, hi] = finite.length ? [Math.min(...finite), Math.max(...finite)] : [Number.NaN, Number.NaN];
    return html`<tr><td>${metricLabel(m)}</td><td>${direction(m)}</td><td class="num">${formatScore(m.mean)}</td><td class="num">${formatScore(m.std)}</td><td class="num">${formatScore(lo)} – ${formatScore(hi)}</td></tr>`;
  });
  const table = html`<div class="table-wrap"><table class="data"><thead><tr><th>Metric</th><th></th><th class="num">Mean</th><th class="num">Std</th><th class="num">Lowest – highest fold</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  const svg = foldDotsSvg(
    metrics.map((m) => ({
      label: metricLabel(m),
      folds: m.folds,
      mean: m.mean,
      std: m.std,
      greaterIsBetter: m.greaterIsBetter,
    })),
    'Score of the chosen model in each cross-validation fold, per metric',
  );
  const folds = Math.max(...metrics.map((m) => m.folds.length));
  const caption =
    `Each dot is the model's score on one of the ${folds} folds: rows it never saw while training. ` +
    'The dark stroke is the mean and the shaded band spans one standard deviation either side. Dots spread far apart mean the score depends on which rows happen to be tested, so expect about that much uncertainty on new data.';
  const lead = `How well the chosen model did on held-out rows, measured several ways. The search ranked models by ${metricLabel(report.meta.metric)}; the other metrics show what that number hides.`;
  return panel('cv', 'Cross-validation', html`${table}\n${figure(svg, caption, 'Fold by fold', true)}`, lead);
}
