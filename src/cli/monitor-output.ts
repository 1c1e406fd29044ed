import type { MonitorReport, PerformancePoint, WindowSummary } from '../monitor/monitor-report.js';
import { renderTable, shortTime } from './table.js';

/** Features listed in the terminal; the HTML report and --json have all of them. */
const LISTED = 12;

/** The terminal summary: the verdict, the windows over time, then the features by importance × drift. */
export function renderMonitorSummary(report: MonitorReport): string {
  const { model, sources, verdict } = report;
  const lines = [
    `${model.ref} → version ${model.version} (${model.task})`,
    `reference: ${sources.reference} (${report.latest.referenceRows.toLocaleString('en-US')} rows) · current: ${
      sources.current
    }${sources.window === null ? '' : `, windows of ${sources.window}`}`,
    '',
    headline(report),
    ...verdict.reasons.map((r) => `  · ${r}`),
  ];
  if (report.windows.length > 1 || report.windows[0]?.from !== null) {
    lines.push('', ...windowTable(report));
  }
  lines.push('', ...featureTable(report));
  const outputs = report.latest.outputs.map(
    (o) => `${o.column}: ${o.test ?? 'not tested'} ${num(o.statistic)}${o.drifted ? '  DRIFTED' : ''}`,
  );
  if (outputs.length > 0) lines.push('', `model outputs: ${outputs.join(' · ')}`);
  lines.push('', performanceLine(report));
  return `${lines.join('\n')}\n`;
}

function headline(report: MonitorReport): string {
  const { verdict, latest } = report;
  const drift = `${latest.dataset.driftedFeatures.length} of ${latest.dataset.testedFeatures} features drifted`;
  if (verdict.drifted && verdict.decayed) return `DRIFT AND DECAY: ${drift}, and the model's score fell`;
  if (verdict.drifted) return `DRIFT: ${drift}`;
  if (verdict.decayed) return `DECAY: the model's score fell (${drift})`;
  return `OK: no drift or decay in the most recent window (${drift})`;
}

function windowTable(report: MonitorReport): string[] {
  const metric = report.performance?.metric;
  const columns = [
    { title: 'window' },
    { title: 'rows', right: true },
    { title: 'labelled', right: true },
    { title: 'drift share', right: true },
    { title: 'drifted features' },
    ...(metric === undefined ? [] : [{ title: `${metric} (95% CI)` }]),
  ];
  const rows = report.windows.map((w) => [
    span(w),
    w.rows.toLocaleString('en-US'),
    w.labelled.toLocaleString('en-US'),
    `${Math.round(w.driftShare * 100)}%`,
    w.driftedFeatures.join(', ') || '—',
    ...(metric === undefined ? [] : [scoreCell(w.performance)]),
  ]);
  return renderTable(columns, rows);
}

function span(w: WindowSummary): string {
  if (w.from === null || w.to === null) return 'file';
  return `${shortTime(w.from)} – ${shortTime(w.to).slice(11)}`;
}

function scoreCell(p: PerformancePoint | null): string {
  if (p === null) return '—';
  const ci = p.low === null ? '' : ` (${num(p.low)}–${num(p.high)})`;
  return `${num(p.score)}${ci}${p.decayed ? ' DECAYED' : ''}`;
}

function featureTable(report: MonitorReport): string[] {
  const byName = new Map(report.latest.features.map((f) => [f.column, f]));
  const rows = report.ranking.slice(0, LISTED).map((r, i) => {
    const f = byName.get(r.column);
    return [
      String(i + 1),
      r.column,
      `${(r.importance * 100).toFixed(1)}%`,
      r.test ?? '—',
      num(f?.statistic ?? null),
      num(f?.threshold ?? null),
      r.drifted ? 'DRIFTED' : '',
    ];
  });
  const more = report.ranking.length - LISTED;
  return [
    ...renderTable(
      [
        { title: '#', right: true },
        { title: 'feature' },
        { title: 'importance', right: true },
        { title: 'test' },
        { title: 'statistic', right: true },
        { title: 'threshold', right: true },
        { title: '' },
      ],
      rows,
    ),
    ...(more > 0 ? [`… and ${more} more (--json or --out report.html for all)`] : []),
  ];
}

function performanceLine(report: MonitorReport): string {
  const p = report.performance;
  if (p === null)
    return 'performance: no feedback labels yet (POST /v1/feedback, or a --current file with the target)';
  const last = p.points[p.points.length - 1]!;
  const validation =
    p.validation === null
      ? 'no validation score'
      : `validation ${num(p.validation.score)}${p.validation.std === null ? '' : ` ± ${num(p.validation.std)}`}`;
  return `performance: ${p.metric} ${scoreCell(last)} on ${last.rows.toLocaleString('en-US')} labelled rows · ${validation}`;
}

function num(x: number | null): string {
  if (x === null) return '—';
  if (Math.abs(x) >= 1000) return x.toFixed(0);
  return Number(x.toPrecision(3)).toString();
}
