/**
 * The data the models learned from: its size, the target's classes or
 * spread, what the profile warned about, and which columns were left out.
 */

import { formatCount, formatPercent, formatScore } from '../../../report/format.js';
import { type Html, html, join } from '../../../report/html.js';
import { errorBarAxis, errorBarsSvg } from '../charts/bars.js';
import type { DataSummary, ModelReport, ReportFinding, ReportSeverity } from '../types.js';
import { fact, figure, panel, plots } from './common.js';

const SEVERITIES: readonly ReportSeverity[] = ['high', 'medium', 'low', 'info'];

/** Most severe first; equals keep their order. Unknown severities read as info. */
function ranked(findings: readonly ReportFinding[]): (ReportFinding & { severity: ReportSeverity })[] {
  const severityOf = (f: ReportFinding) => (SEVERITIES.includes(f.severity) ? f.severity : 'info');
  return findings
    .map((f, order) => ({ finding: { ...f, severity: severityOf(f) }, order }))
    .sort(
      (a, b) =>
        SEVERITIES.indexOf(a.finding.severity) - SEVERITIES.indexOf(b.finding.severity) || a.order - b.order,
    )
    .map(({ finding }) => finding);
}

function findingsList(findings: readonly ReportFinding[]): Html {
  if (!findings.length) return html`<p class="empty">The profile found no data-quality issues.</p>`;
  const items = ranked(findings).map((f) => {
    const names = (f.columns ?? []).map((c) => html`<span>${c}</span>`);
    const columns = names.length > 0 && html`<p class="finding-columns">${join(names, ' · ')}</p>`;
    return html`<li class="finding" data-severity="${f.severity}"><span class="badge badge-${f.severity}">${f.severity}</span><div><p>${f.message}</p>${columns}</div></li>`;
  });
  return html`<ol class="findings">${join(items, '\n')}</ol>`;
}

function targetPart(data: DataSummary, target: string): Html {
  const t = data.target;
  if (t.kind === 'numeric') {
    const facts = [
      fact('Mean', formatScore(t.mean)),
      fact('Std', formatScore(t.std)),
      fact('Min', formatScore(t.min)),
      fact('Median', formatScore(t.median)),
      fact('Max', formatScore(t.max)),
      ...(t.missing ? [fact('Missing', formatCount(t.missing))] : []),
    ];
    return html`<h3>Target ${target}</h3><dl class="stats">${facts}</dl>`;
  }
  const total = t.classes.reduce((a, c) => a + c.count, 0) || 1;
  const rows = t.classes.map((c) => ({ label: c.label, value: c.count }));
  const svg = errorBarsSvg({
    kind: 'balance',
    label: `Rows per class of ${target}`,
    rows,
    axis: errorBarAxis(rows, 'rows', true),
    formatValue: (row) => `${formatCount(row.value)} (${formatPercent(row.value / total)})`,
  });
  const smallest = Math.min(...t.classes.map((c) => c.count));
  const imbalance =
    smallest / total < 0.2
      ? ' Here the smallest class is rare, so accuracy alone would flatter the model: look at the per-class figures below.'
      : '';
  const caption = `Each bar counts the rows of one class of ${target}. When one class is much rarer than the others, a model can score well by ignoring it.${imbalance}`;
  return plots([figure(svg, caption, `Classes of ${target}`)]);
}

function droppedPart(data: DataSummary): Html {
  const parts: Html[] = [];
  if (data.dropped.length) {
    const rows = data.dropped.map((d) => html`<tr><td>${d.column}</td><td>${d.reason}</td></tr>`);
    parts.push(html`<h3>Columns left out</h3>
<div class="table-wrap"><table class="data"><thead><tr><th>Column</th><th>Why</th></tr></thead><tbody>${rows}</tbody></table></div>`);
  }
  if (data.sensitive.length) {
    const items = data.sensitive.map(
      (s) =>
        html`<li><strong>${s.column}</strong>: ${s.excluded ? 'excluded from the features, used only for the fairness audit' : 'kept among the features (--allow-sensitive-features)'}</li>`,
    );
    parts.push(html`<h3>Sensitive columns</h3><ul class="plain">${items}</ul>`);
  }
  return join(parts, '\n');
}

export function dataSection(report: ModelReport): Html {
  const { data, meta } = report;
  const facts = [
    fact('Rows', formatCount(data.rows)),
    fact('Columns', formatCount(data.columns)),
    fact('Features used', formatCount(data.featuresUsed)),
    fact('Left out', formatCount(data.dropped.length)),
  ];
  const lead =
    'What the models learned from. Check the findings before trusting any score: a leaking column or a mislabelled target makes every number below look better than it will be.';
  const body = [
    html`<dl class="facts">${facts}</dl>`,
    targetPart(data, meta.target),
    html`<h3>Findings from the profile</h3>`,
    findingsList(data.findings),
    droppedPart(data),
  ];
  return panel('data', 'Data', join(body, '\n'), lead);
}
