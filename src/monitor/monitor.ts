import { type ColumnDrift, type DriftOptions, type DriftReport, detectDrift } from '../drift/drift.js';
import { outputColumns, type ReferenceProfile } from '../drift/reference.js';
import type { SupervisedTask } from '../estimator/contract.js';
import { supervisedMetricFor } from '../evaluate/registry.js';
import { formatNumber } from '../report/format.js';
import { columnHistogram } from './histogram.js';
import type {
  MonitoredModel,
  MonitorReport,
  PerformancePoint,
  PerformanceSeries,
  RankedFeature,
  Verdict,
  WindowScore,
  WindowSummary,
} from './monitor-report.js';
import { PERFORMANCE_DEFAULTS, windowPerformance } from './performance.js';
import type { CurrentData } from './window.js';

/** One window of current data and where it came from. */
export interface CurrentWindow {
  readonly from: number | null;
  readonly to: number | null;
  readonly requests: number | null;
  readonly data: CurrentData;
}

export interface MonitorInput {
  readonly model: MonitoredModel;
  readonly reference: ReferenceProfile;
  /** Oldest first; at least one. */
  readonly windows: readonly CurrentWindow[];
  readonly sources: MonitorReport['sources'];
  /** How much the model relies on each feature (any scale); ranks drift and feeds the top-k rule. */
  readonly importances?: Readonly<Record<string, number>>;
  readonly drift?: Omit<DriftOptions, 'predictions' | 'probabilities' | 'target' | 'importances'>;
  /** The metric to watch and the version's validation score of it; null when the task has none. */
  readonly performance?: {
    readonly metric: string;
    readonly validation: number | null;
    readonly validationStd: number | null;
    readonly tolerance?: number;
  } | null;
  readonly seed?: number;
  readonly now?: number;
}

/** Drift per window, performance where labels came back, and the verdict on the most recent window. */
export function monitorReport(input: MonitorInput): MonitorReport {
  const importances = normalised(input.importances);
  const reports = input.windows.map((w) => driftOf(input, w.data, importances));
  const points = input.windows.map((w, i) => performanceOf(input, w.data, i));
  const windows = input.windows.map((w, i) => summary(i, w, reports[i]!, points[i] ?? null));
  const latest = reports[reports.length - 1]!;
  const latestData = input.windows[input.windows.length - 1]!.data;
  const performance = series(input, points);
  return {
    format: 'keel.monitor-report',
    version: 1,
    generatedAt: input.now ?? Date.now(),
    model: input.model,
    sources: input.sources,
    windows,
    latest,
    histograms: histograms(input.reference, latestData, latest),
    ranking: ranking(latest, importances),
    performance,
    verdict: verdict(latest, performance),
  };
}

function driftOf(
  input: MonitorInput,
  data: CurrentData,
  importances: Record<string, number> | undefined,
): DriftReport {
  return detectDrift(input.reference, data.frame, {
    ...input.drift,
    predictions: data.predictions,
    ...(data.probabilities === undefined ? {} : { probabilities: data.probabilities }),
    ...(importances === undefined ? {} : { importances }),
  });
}

function performanceOf(input: MonitorInput, data: CurrentData, window: number): PerformancePoint | null {
  const p = input.performance;
  if (p === undefined || p === null) return null;
  return windowPerformance(data, window, {
    metric: p.metric,
    task: input.model.task as SupervisedTask,
    validation: p.validation,
    ...(p.tolerance === undefined ? {} : { tolerance: p.tolerance }),
    seed: input.seed ?? 0,
  });
}

function summary(
  index: number,
  window: CurrentWindow,
  report: DriftReport,
  performance: PerformancePoint | null,
): WindowSummary {
  const scores: WindowScore[] = [...report.features, ...report.outputs].map((c) => ({
    column: c.column,
    role: c.role,
    test: c.test,
    statistic: c.statistic,
    threshold: c.threshold,
    drifted: c.drifted,
  }));
  return {
    index,
    from: window.from,
    to: window.to,
    rows: window.data.frame.rowCount,
    requests: window.requests,
    labelled: window.data.labelled.rows.length,
    drifted: report.drifted,
    driftShare: report.dataset.share,
    driftedFeatures: report.dataset.driftedFeatures,
    scores,
    performance,
  };
}

function series(input: MonitorInput, points: readonly (PerformancePoint | null)[]): PerformanceSeries | null {
  const p = input.performance;
  const present = points.filter((x): x is PerformancePoint => x !== null);
  if (p === undefined || p === null || present.length === 0) return null;
  const metric = supervisedMetricFor(p.metric, input.model.task as SupervisedTask);
  return {
    metric: p.metric,
    greaterIsBetter: metric.greaterIsBetter,
    validation: p.validation === null ? null : { score: p.validation, std: p.validationStd },
    tolerance: p.tolerance ?? PERFORMANCE_DEFAULTS.tolerance,
    points: present,
  };
}

function histograms(reference: ReferenceProfile, data: CurrentData, report: DriftReport) {
  const byName = new Map([...report.features, ...report.outputs].map((c) => [c.column, c]));
  const features = reference.features.map((ref) =>
    columnHistogram(
      ref,
      data.frame.has(ref.name) ? data.frame.column(ref.name) : undefined,
      byName.get(ref.name),
    ),
  );
  const current = outputColumns(data.frame.rowCount, {
    predictions: data.predictions,
    ...(data.probabilities === undefined ? {} : { probabilities: data.probabilities }),
    ...(reference.classes === undefined ? {} : { classes: reference.classes }),
  });
  const outputs = reference.outputs.map((ref) =>
    columnHistogram(
      ref,
      current.find((c) => c.name === ref.name),
      byName.get(ref.name),
    ),
  );
  return [...features, ...outputs];
}

/** Larger means more drift, whatever the test: distances as they are, p-value tests as 1 − p. */
export function driftAmount(c: ColumnDrift): number {
  if (c.statistic === null) return 0;
  if (c.pValue !== null) return 1 - c.pValue;
  return c.statistic;
}

function ranking(report: DriftReport, importances: Record<string, number> | undefined): RankedFeature[] {
  const even = 1 / Math.max(1, report.features.length);
  const ranked = report.features.map((c, order) => {
    const importance = importances?.[c.column] ?? even;
    const drift = driftAmount(c);
    return {
      column: c.column,
      importance,
      drift,
      score: importance * drift,
      drifted: c.drifted,
      test: c.test,
      order,
    };
  });
  ranked.sort((a, b) => Number(b.drifted) - Number(a.drifted) || b.score - a.score || a.order - b.order);
  return ranked.map(({ order: _, ...rest }) => rest);
}

/** Shares that sum to 1 (negative importances count as 0); undefined when none are given or all are 0. */
function normalised(
  importances: Readonly<Record<string, number>> | undefined,
): Record<string, number> | undefined {
  if (importances === undefined) return undefined;
  const entries = Object.entries(importances).map(([k, v]) => [k, Math.max(0, v)] as const);
  const total = entries.reduce((s, [, v]) => s + v, 0);
  if (!(total > 0)) return undefined;
  return Object.fromEntries(entries.map(([k, v]) => [k, v / total]));
}

function verdict(latest: DriftReport, performance: PerformanceSeries | null): Verdict {
  const reasons: string[] = [];
  const drifted = [...latest.features, ...latest.outputs].filter((c) => c.drifted);
  if (latest.dataset.drifted) reasons.push(latest.dataset.message);
  for (const c of drifted) reasons.push(c.message);
  const last = performance?.points[performance.points.length - 1];
  const decayed = last?.decayed === true;
  if (decayed && performance !== null && last !== undefined) reasons.push(decayReason(performance, last));
  for (const q of latest.quality) reasons.push(q.message);
  return { drifted: latest.drifted, decayed, reasons };
}

function decayReason(performance: PerformanceSeries, point: PerformancePoint): string {
  const v = performance.validation!;
  const ci = point.low === null ? '' : ` (95% CI ${formatNumber(point.low)}–${formatNumber(point.high)})`;
  return (
    `${performance.metric} ${formatNumber(point.score)} on ${point.rows} labelled rows${ci} is worse than the ` +
    `validation score ${formatNumber(v.score)} by more than ${Math.round(performance.tolerance * 100)}%`
  );
}
