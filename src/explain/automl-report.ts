import { UsageError } from '../core/errors.js';
import type { Frame } from '../data/frame.js';
import type { Model } from '../estimator/contract.js';
import { confusionMatrix } from '../evaluate/classification.js';
import { calibrationCurve, precisionRecallCurve, rocCurve } from '../evaluate/curves.js';
import { averagePrecision, rocAuc } from '../evaluate/probabilistic.js';
import type { AutomlResult } from '../tune/automl/index.js';
import { meanAndStd, scoreFold, selectionMetric } from '../tune/automl/trial.js';
import { DEFAULT_METRICS } from '../tune/cross-validate.js';
import { canExplain } from './contributions.js';
import { type FairnessAudit, fairnessAudit } from './fairness.js';
import {
  type PartialDependence,
  type PartialDependenceOptions,
  partialDependence,
} from './partial-dependence.js';
import { permutationImportance } from './permutation.js';
import type {
  ClassificationDiagnostics,
  CvMetric,
  DataSummary,
  LeaderboardRow,
  ModelReport,
  PdpFeature,
  RegressionDiagnostics,
  ReportFairness,
  ReportImportance,
  ReportPdp,
  ReportShap,
} from './report/types.js';
import { shapSummary } from './shap-summary.js';

/**
 * Turns an AutoML result into the report's data: everything is computed from
 * the winner's out-of-fold predictions (curves, confusion, residuals, CV
 * metrics, fairness), so no figure comes from rows the model trained on,
 * except the explanations (importance, SHAP, partial dependence), which
 * describe the refitted model itself and are computed on a sample of the
 * training rows, as scikit-learn's inspection tools usually are.
 */
export interface AutomlReportInput {
  readonly result: AutomlResult;
  /** The table automl was given (sensitive columns are read from it). */
  readonly frame: Frame;
  readonly source: string;
  readonly sensitive: readonly string[];
  /** null: the search was bounded by a trial count only. */
  readonly budgetSeconds: number | null;
  readonly seed: number;
  readonly keelVersion: string;
  /** About how long the explanations may take (default: a tenth of the budget, or of the search's time, 5–60 s); rows are sampled to fit. */
  readonly explainSeconds?: number;
  readonly runId?: string;
  readonly registered?: { readonly model: string; readonly version: number };
}

/** Rows drawn in the residual scatter; more make a blot. */
const SCATTER_ROWS = 2000;
/** Features given partial dependence plots. */
const PDP_FEATURES = 6;
/** ICE curves per plot. */
const ICE_ROWS = 40;
/** SHAP points per feature in the beeswarm. */
const SHAP_ROWS = 400;
const SHAP_FEATURES = 12;
const PERMUTATION_REPEATS = 5;
const PDP_GRID = 20;

/**
 * Explanations cost predictions, and a prediction can be slow (an ensemble of
 * deep forests predicts a few thousand rows a second): so one timed predict
 * sets how many rows each explanation samples to fit the time allowed, from
 * a floor that still gives a readable figure up to the explainers' defaults.
 */
function sampleSizes(
  input: AutomlReportInput,
  features: Frame,
): { permutationRows: number; pdpRows: number } {
  const budget = input.budgetSeconds ?? input.result.elapsedSeconds;
  const seconds = input.explainSeconds ?? Math.min(60, Math.max(5, budget / 10));
  const probe = features.take(Int32Array.from({ length: Math.min(500, features.rowCount) }, (_, i) => i));
  const started = performance.now();
  input.result.model.predict(probe);
  const perRow = Math.max(1e-7, (performance.now() - started) / 1000 / Math.max(1, probe.rowCount));
  const columns = Math.max(1, features.columnCount);
  const clamp = (rows: number, floor: number) =>
    Math.round(Math.min(2000, features.rowCount, Math.max(floor, rows)));
  return {
    permutationRows: clamp((0.5 * seconds) / (perRow * columns * PERMUTATION_REPEATS), 200),
    pdpRows: clamp((0.4 * seconds) / (perRow * Math.min(PDP_FEATURES, columns) * PDP_GRID), 50),
  };
}

export function automlReport(input: AutomlReportInput): ModelReport {
  const { result } = input;
  const training = input.frame.take(result.rows);
  const features = training.select(result.model.inputNames);
  const sizes = sampleSizes(input, features);
  const importance = importanceSection(result, features, sizes.permutationRows);
  const order = importance?.features.map((f) => f.column) ?? [...result.model.inputNames];
  const fairness = fairnessSection(input, training);
  return {
    meta: {
      source: input.source,
      target: result.target.name,
      task: result.task,
      metric: { name: result.metric, greaterIsBetter: result.greaterIsBetter },
      createdAt: new Date().toISOString(),
      keelVersion: input.keelVersion,
      seed: input.seed,
      timeBudgetSeconds: input.budgetSeconds,
      elapsedSeconds: result.elapsedSeconds,
      trials: result.trials.length,
      stopped: { reason: STOP_REASON[result.stopped] },
      runId: input.runId ?? 'not recorded',
      ...(input.registered === undefined
        ? {}
        : { registered: { name: input.registered.model, version: input.registered.version } }),
    },
    data: dataSummary(input),
    leaderboard: leaderboard(result),
    choice: {
      model: result.best.model,
      steps: pipelineSteps(result),
      why: [result.why],
      preprocessing: [...result.notes],
      cv: {
        kind: result.cv.kind === 'time' ? 'time-series' : result.cv.kind,
        folds: result.cv.folds,
        why: result.cv.why,
      },
      ...(result.ensemble?.chosen
        ? {
            ensemble: {
              method: 'greedy-selection' as const,
              members: result.ensemble.members.map((m) => ({
                model: `${m.algorithm} #${m.trial}`,
                weight: m.weight,
              })),
            },
          }
        : {}),
    },
    cvMetrics: cvMetrics(result),
    ...(result.task === 'regression'
      ? { regression: regressionDiagnostics(result) }
      : { classification: classificationDiagnostics(result) }),
    ...(importance === undefined ? {} : { importance }),
    ...optional('shap', shapSection(result.model, features)),
    ...optional('pdp', pdpSection(result.model, features, order, sizes.pdpRows)),
    ...(fairness.length > 0 ? { fairness } : {}),
    omitted: omittedReasons(input, result.model),
  };
}

const STOP_REASON = {
  budget: 'time-budget',
  'max-trials': 'max-trials',
  aborted: 'interrupted',
  exhausted: 'exhausted',
} as const;

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function dataSummary(input: AutomlReportInput): DataSummary {
  const { result } = input;
  const target =
    result.task === 'regression'
      ? numericSummary(result.target.values)
      : {
          kind: 'classes' as const,
          classes: result.target.classes.map((label, k) => ({
            label,
            count: result.target.values.reduce((n, v) => n + (v === k ? 1 : 0), 0),
          })),
        };
  return {
    rows: input.frame.rowCount,
    columns: input.frame.columnCount,
    featuresUsed: result.features.length,
    target,
    findings: result.profile.findings.map((f) => ({
      severity: f.severity,
      message: f.message,
      columns: [...f.columns],
    })),
    dropped: result.dropped.map((d) => ({ column: d.column, reason: d.reason })),
    sensitive: input.sensitive.map((column) => ({ column, excluded: !result.features.includes(column) })),
  };
}

function numericSummary(values: Float64Array): DataSummary['target'] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const mean = sorted.reduce((s, v) => s + v, 0) / n;
  const variance = sorted.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  const median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { kind: 'numeric', mean, std: Math.sqrt(variance), min: sorted[0]!, median, max: sorted[n - 1]! };
}

function leaderboard(result: AutomlResult): LeaderboardRow[] {
  return result.leaderboard.map((e) => ({
    model: e.model,
    algorithm: e.algorithm,
    score: e.score,
    std: e.std,
    fitSeconds: e.fitSeconds,
    params: Object.fromEntries(
      Object.entries(e.params).map(([k, v]) => [
        k,
        Array.isArray(v) ? v.join(',') : (v as string | number | boolean | null),
      ]),
    ),
    ...(e.model === result.best.model ? { chosen: true } : {}),
  }));
}

function pipelineSteps(result: AutomlResult): string[] {
  const params = Object.entries(result.best.params)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`)
    .join(', ');
  return [...result.notes.filter((n) => /columns?:/i.test(n)), `${result.best.algorithm}(${params})`];
}

/** The search metric per fold, then the task's usual metrics on the same out-of-fold predictions, fold by fold. */
function cvMetrics(result: AutomlResult): CvMetric[] {
  const names = [result.metric, ...DEFAULT_METRICS[result.task].filter((m) => m !== result.metric)];
  const k = Math.max(1, result.target.classes.length);
  return names.flatMap((name) => {
    const metric = selectionMetric(name, result.task);
    const folds = result.folds.map((fold) => {
      const predictions = pick(result.oof.predictions, fold.test, 1);
      const probabilities =
        result.oof.probabilities === undefined ? undefined : pick(result.oof.probabilities, fold.test, k);
      try {
        return scoreFold(metric, result.target, fold.test, predictions, probabilities);
      } catch {
        return Number.NaN; // e.g. AUC of a fold with one class
      }
    });
    const finite = folds.filter(Number.isFinite);
    if (finite.length === 0) return [];
    const { mean, std } = meanAndStd(finite);
    return [{ name, greaterIsBetter: metric.greaterIsBetter, mean, std, folds }];
  });
}

function pick(values: Float64Array, rows: ArrayLike<number>, width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    out.set(values.subarray(rows[i]! * width, rows[i]! * width + width), i * width);
  }
  return out;
}

function classificationDiagnostics(result: AutomlResult): ClassificationDiagnostics {
  const k = result.target.classes.length;
  const confusion = confusionMatrix(result.target.values, result.oof.predictions, { classCount: k });
  const matrix = Array.from({ length: k }, (_, i) => Array.from(confusion.counts.subarray(i * k, i * k + k)));
  const base = {
    classes: [...result.target.classes],
    confusion: { labels: [...result.target.classes], matrix },
  };
  const proba = result.oof.probabilities;
  if (result.task !== 'binary' || proba === undefined) return base;
  const positive = new Float64Array(result.target.values.length);
  for (let i = 0; i < positive.length; i++) positive[i] = proba[i * 2 + 1]!;
  const roc = rocCurve(result.target.values, positive);
  const pr = precisionRecallCurve(result.target.values, positive);
  const calibration = calibrationCurve(result.target.values, positive, { bins: 10 });
  const auc = rocAuc(result.target.values, positive);
  const ap = averagePrecision(result.target.values, positive);
  return {
    ...base,
    positiveClass: result.target.classes[1]!,
    threshold: 0.5,
    roc: { fpr: Array.from(roc.fpr), tpr: Array.from(roc.tpr), auc },
    pr: { recall: Array.from(pr.recall), precision: Array.from(pr.precision), averagePrecision: ap },
    calibration: {
      meanPredicted: Array.from(calibration.probPred),
      fractionPositive: Array.from(calibration.probTrue),
      counts: Array.from(calibration.counts),
    },
  };
}

function regressionDiagnostics(result: AutomlResult): RegressionDiagnostics {
  const n = result.target.values.length;
  const step = Math.max(1, Math.ceil(n / SCATTER_ROWS));
  const predicted: number[] = [];
  const actual: number[] = [];
  for (let i = 0; i < n; i += step) {
    predicted.push(result.oof.predictions[i]!);
    actual.push(result.target.values[i]!);
  }
  return { predicted, actual, totalRows: n };
}

function importanceSection(result: AutomlResult, features: Frame, maxRows: number): ReportImportance {
  const metric = result.metric;
  const found = permutationImportance(result.model, features, result.target, {
    metric,
    repeats: PERMUTATION_REPEATS,
    seed: 0,
    maxRows,
  });
  return {
    metric,
    repeats: found.repeats,
    features: found.importances.map((c) => ({ column: c.column, mean: c.mean, std: c.std })),
    totalColumns: found.importances.length,
  };
}

function shapSection(model: Model, features: Frame): ReportShap | undefined {
  if (!canExplain(model)) return undefined;
  const summary = shapSummary(model, features, { maxRows: SHAP_ROWS, seed: 0 });
  const sample = features.take(summary.rows);
  const width = summary.columns.length;
  const columns = summary.importances.slice(0, SHAP_FEATURES).map(({ column, meanAbs }) => {
    const j = summary.columns.indexOf(column);
    const shap = Array.from({ length: summary.rows.length }, (_, i) => summary.values[i * width + j]!);
    return { column, meanAbs, shap, value: colourValues(sample, column) };
  });
  return { output: summary.scale, columns };
}

/** Each row's value scaled to 0…1 for the colour of its point; null for missing or unordered values. */
function colourValues(frame: Frame, name: string): (number | null)[] {
  const column = frame.column(name);
  if (column.storage !== 'number') return Array.from({ length: frame.rowCount }, () => null);
  const values = column.values as Float64Array;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return Array.from(values, (v) => (Number.isNaN(v) ? null : max > min ? (v - min) / (max - min) : 0.5));
}

/**
 * Partial dependence for the report. A column where most rows share one
 * value (spam's word frequencies: 0 in nine rows of ten) has its 5th and
 * 95th percentiles on that value, a grid scikit-learn refuses too; the
 * report then spans the whole range instead, and leaves out a column with
 * one value (or none) rather than failing the run that made the model.
 */
function reportPartialDependence(
  model: Model,
  features: Frame,
  column: string,
  options: PartialDependenceOptions,
): PartialDependence | undefined {
  for (const percentiles of [undefined, [0, 1] as const]) {
    try {
      return partialDependence(model, features, column, {
        ...options,
        ...(percentiles === undefined ? {} : { percentiles }),
      });
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
    }
  }
  return undefined;
}

function pdpSection(
  model: Model,
  features: Frame,
  order: readonly string[],
  maxRows: number,
): ReportPdp | undefined {
  const columns = order.filter((c) => features.has(c)).slice(0, PDP_FEATURES);
  if (columns.length === 0) return undefined;
  let output = 'prediction';
  const drawn = columns.flatMap((column): PdpFeature[] => {
    const kind = features.column(column).storage;
    if (kind !== 'number' && kind !== 'categorical') return [];
    const pd = reportPartialDependence(model, features, column, {
      kind: kind === 'number' ? 'both' : 'average',
      iceRows: Math.min(ICE_ROWS, maxRows),
      gridResolution: PDP_GRID,
      maxRows,
    });
    if (pd === undefined) return [];
    const curve = pd.curves[pd.curves.length === 1 ? 0 : Math.min(1, pd.curves.length - 1)]!;
    output = pd.scale === 'probability' ? `probability of ${curve.output}` : 'predicted value';
    const average = Array.from(curve.average ?? []);
    if (pd.grid.kind === 'categorical') {
      return [{ column, kind: 'categorical' as const, grid: [...pd.grid.levels], average }];
    }
    const size = pd.grid.values.length;
    const ice =
      curve.individual === undefined
        ? undefined
        : Array.from({ length: curve.individual.length / size }, (_, r) =>
            Array.from(curve.individual!.subarray(r * size, r * size + size)),
          );
    return [
      {
        column,
        kind: 'numeric' as const,
        grid: Array.from(pd.grid.values),
        average,
        ...(ice === undefined ? {} : { ice }),
      },
    ];
  });
  return drawn.length === 0 ? undefined : { output, features: drawn };
}

/** One audit per sensitive column, on the winner's out-of-fold predictions. */
function fairnessSection(input: AutomlReportInput, training: Frame): ReportFairness[] {
  const { result } = input;
  return input.sensitive.map((column) => {
    const audit = fairnessAudit({
      sensitive: training.column(column),
      column,
      yTrue: result.target.values,
      yPred: result.oof.predictions,
      ...(result.oof.probabilities === undefined ? {} : { proba: result.oof.probabilities }),
      task: result.task,
      classes: result.target.classes,
    });
    return reportFairness(audit);
  });
}

/** The audit in the report's shape: a binary audit is the positive class's rates; NaN becomes null. */
export function reportFairness(audit: FairnessAudit): ReportFairness {
  const num = (v: number) => (Number.isFinite(v) ? v : null);
  const common = {
    column: audit.column,
    warnings: [...audit.warnings],
    smallGroups: audit.groups.filter((g) => g.tooSmall).map((g) => g.group),
    minGroupSize: audit.minGroupSize,
  };
  if (audit.task === 'regression') {
    return {
      ...common,
      kind: 'regression',
      groups: audit.groups.map((g) => ({
        group: g.group,
        count: g.count,
        mae: num(g.mae),
        rmse: num(g.rmse),
        meanPrediction: num(g.meanPrediction),
        meanTarget: num(g.meanTarget),
      })),
      summary: {
        maeDifference: num(audit.maeDifference),
        meanPredictionDifference: num(audit.meanPredictionDifference),
      },
    };
  }
  const d = audit.disparities[0];
  return {
    ...common,
    kind: 'classification',
    ...(d === undefined ? {} : { positiveClass: d.class }),
    groups: audit.groups.map((g) => ({
      group: g.group,
      count: g.count,
      selectionRate: num(g.rates[0]?.selectionRate ?? Number.NaN),
      tpr: num(g.rates[0]?.truePositiveRate ?? Number.NaN),
      fpr: num(g.rates[0]?.falsePositiveRate ?? Number.NaN),
      precision: num(g.rates[0]?.precision ?? Number.NaN),
      accuracy: num(g.accuracy),
    })),
    summary: {
      demographicParityDifference: d === undefined ? null : num(d.demographicParityDifference),
      equalizedOddsDifference: d === undefined ? null : num(d.equalisedOddsDifference),
      disparateImpactRatio: d === undefined ? null : num(d.disparateImpactRatio),
    },
  };
}

function omittedReasons(input: AutomlReportInput, model: Model): ModelReport['omitted'] {
  return {
    ...(canExplain(model)
      ? {}
      : {
          shap: `SHAP values are computed exactly for trees, forests, gradient boosting and linear models; the chosen ${input.result.best.algorithm} is none of these, so permutation importance stands in.`,
        }),
    ...(input.sensitive.length > 0
      ? {}
      : {
          fairness:
            'No sensitive column was named: run keel automl with --sensitive COL to audit the model across its groups.',
        }),
  };
}
