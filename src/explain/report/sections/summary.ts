/**
 * The page header: what was predicted, from what, which model won with what
 * score, where it is registered, and how the search ended.
 */

import { formatCount, formatSeconds } from '../../../report/format.js';
import { type Html, html } from '../../../report/html.js';
import type { ModelReport, ReportStop } from '../types.js';
import {
  baseName,
  chosenRow,
  describeTask,
  direction,
  fact,
  metricLabel,
  plural,
  scoreWithSpread,
} from './common.js';

export function reportTitle(report: ModelReport): string {
  const given = report.meta.title?.trim();
  return given || `Predicting ${report.meta.target} from ${baseName(report.meta.source)}`;
}

function stopSentence(stopped: ReportStop, budgetSeconds: number | null): string {
  const detail = stopped.detail ? ` (${stopped.detail})` : '';
  switch (stopped.reason) {
    case 'time-budget':
      return `The search stopped when its time budget of ${formatSeconds(budgetSeconds)} ran out${detail}.`;
    case 'max-trials':
      return `The search stopped after its maximum number of trials${detail}.`;
    case 'exhausted':
      return `The search stopped early: every candidate in the search space had been tried${detail}.`;
    case 'no-improvement':
      return `The search stopped early because the best score had stopped improving${detail}.`;
    case 'interrupted':
      return `The search was interrupted${detail}; the best model found until then was kept.`;
    default:
      return `The search stopped${detail}.`;
  }
}

export function summaryHeader(report: ModelReport, toc: readonly (readonly [string, string])[]): Html {
  const { meta } = report;
  const best = chosenRow(report);
  const metric = metricLabel(meta.metric);
  const score = best ? scoreWithSpread(best.score, best.std) : '—';
  const registered = meta.registered
    ? `${meta.registered.name} v${meta.registered.version}`
    : 'not registered';
  const facts = [
    fact('Task', meta.task),
    fact('Target', meta.target),
    fact('Best model', best ? best.model : report.choice.model, 'wide'),
    fact(`${metric} (cross-validated)`, score),
    fact('Registered as', registered),
    fact('Rows', formatCount(report.data.rows)),
    fact('Trials', formatCount(meta.trials)),
    fact(
      'Time used',
      meta.timeBudgetSeconds === null
        ? formatSeconds(meta.elapsedSeconds)
        : `${formatSeconds(meta.elapsedSeconds)} of ${formatSeconds(meta.timeBudgetSeconds)}`,
    ),
  ];
  const algorithm = best && best.algorithm !== best.model ? ` (${best.algorithm})` : '';
  const aliases = meta.registered?.aliases?.length ? ` with alias ${meta.registered.aliases.join(', ')}` : '';
  const sentences = [
    `This report explains a model ${describeTask(report)}.`,
    `keel tried ${plural(meta.trials, 'pipeline')} and chose ${best?.model ?? report.choice.model}${algorithm}: its ${metric} on rows it had not seen in training was ${score} (${direction(meta.metric)}; ± is the spread over cross-validation folds).`,
    stopSentence(meta.stopped, meta.timeBudgetSeconds),
    meta.registered
      ? `It is registered as ${meta.registered.name} version ${meta.registered.version}${aliases}.`
      : 'It was not registered in the model store.',
  ];
  const links = toc.map(([id, label]) => html`<a href="#${id}">${label}</a>`);
  return html`<header class="panel" id="summary">
<p class="eyebrow">keel · AutoML report</p>
<h1>${reportTitle(report)}</h1>
<p class="source">${meta.source}</p>
<p class="summary-text">${sentences.join(' ')}</p>
<dl class="facts">${facts}</dl>
<nav class="toc">${links}</nav>
</header>`;
}
