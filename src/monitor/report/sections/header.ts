/**
 * The page header: which model version is watched, on what data, over which
 * windows, and the verdict — OK, DRIFT or DECAY — with the reasons for it.
 */

import { fact, plural } from '../../../explain/report/sections/common.js';
import { formatCount, formatDate } from '../../../report/format.js';
import { type Html, html } from '../../../report/html.js';
import type { MonitorReport, Verdict } from '../../monitor-report.js';
import { windowRange } from '../wording.js';

export function reportTitle(report: MonitorReport): string {
  return `Monitoring ${report.model.ref} → version ${report.model.version}`;
}

export function verdictLabel(verdict: Verdict): string {
  if (verdict.drifted && verdict.decayed) return 'DRIFT + DECAY';
  if (verdict.decayed) return 'DECAY';
  return verdict.drifted ? 'DRIFT' : 'OK';
}

function verdictBanner(verdict: Verdict): Html {
  const label = verdictLabel(verdict);
  const tone = verdict.decayed ? 'decay' : verdict.drifted ? 'drift' : 'ok';
  const meaning = verdict.decayed
    ? "The model's measured performance has fallen beyond its tolerance: retrain it or find out why."
    : verdict.drifted
      ? 'The data has moved away from what the model learned from; its performance may follow. Check the features below.'
      : 'The latest data looks like the data the model learned from, and no measured performance has fallen.';
  const reasons =
    verdict.reasons.length > 0 &&
    html`<ul class="reasons">${verdict.reasons.map((r) => html`<li>${r}</li>`)}</ul>`;
  return html`<div class="verdict verdict-${tone}" role="status" data-verdict="${label}">
<p class="verdict-label">${label}</p>
<div><p class="verdict-meaning">${meaning}</p>${reasons}</div>
</div>`;
}

function sourceText(source: string, stored: string): string {
  return source === 'stored' ? stored : source;
}

function windowsFact(report: MonitorReport): string {
  const count = report.windows.length;
  if (report.sources.window === null) return count === 1 ? 'one batch' : plural(count, 'batch', 'batches');
  return `${count} × ${report.sources.window}`;
}

export function headerSection(report: MonitorReport, toc: readonly (readonly [string, string])[]): Html {
  const { model, sources, latest } = report;
  const last = report.windows[report.windows.length - 1];
  const labelled = report.windows.reduce((sum, w) => sum + w.labelled, 0);
  const classes = model.classes?.length ? ` (${model.classes.length} classes)` : '';
  const facts = [
    fact('Task', `${model.task}${classes}`),
    fact('Reference rows', formatCount(latest.referenceRows)),
    fact('Windows', windowsFact(report)),
    fact('Latest window', last ? `${formatCount(last.rows)} rows` : '—'),
    fact('Labelled rows', formatCount(labelled)),
    fact('Generated', `${formatDate(report.generatedAt, 1)} UTC`),
  ];
  const reference = sourceText(sources.reference, "the version's stored training profile");
  const covered = last ? ` The latest window is ${windowRange(last, report.windows.length - 1)}.` : '';
  const intro =
    `This report compares the data ${model.ref} (version ${model.version}) sees now with the data it learned from, ` +
    `window by window, and tracks its measured performance where feedback labels arrived. Reference: ${reference}; current: ${sourceText(sources.current, 'the prediction log')}.${covered}`;
  const links = toc.map(([id, label]) => html`<a href="#${id}">${label}</a>`);
  return html`<header class="panel" id="summary">
<p class="eyebrow">keel · monitoring report</p>
<h1>${reportTitle(report)}</h1>
<p class="source">reference: ${sources.reference} · current: ${sources.current}</p>
${verdictBanner(report.verdict)}
<p class="summary-text">${intro}</p>
<dl class="facts">${facts}</dl>
<nav class="toc">${links}</nav>
</header>`;
}
