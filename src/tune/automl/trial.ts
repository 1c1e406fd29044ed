import { UsageError } from '../../core/errors.js';
import { Rng } from '../../core/random.js';
import type { Frame } from '../../data/frame.js';
import type { Estimator, Params, SupervisedTask, Target } from '../../estimator/contract.js';
import { type SupervisedMetric, supervisedMetricFor } from '../../evaluate/registry.js';
import { catalogEntry } from '../../models/catalog.js';
import { defaultPreprocessing } from '../../prep/defaults.js';
import { pipeline } from '../../prep/pipeline.js';
import type { Fold } from '../splitters.js';

/**
 * One AutoML trial: an algorithm and its hyperparameters, cross-validated on
 * folds fixed for the whole search, so that every trial's score is measured
 * on the same held-out rows and trials compare fairly (and their out-of-fold
 * predictions can be blended into an ensemble).
 */
export interface TrialSpec {
  /** Unique per search. */
  readonly id: number;
  /** A catalog name, e.g. 'gbdt', 'random-forest', 'logistic'. */
  readonly algorithm: string;
  /** Hyperparameters for `catalogEntry(algorithm).make`. */
  readonly params: Params;
  /** Successive halving: fit each fold on at most this share of the fold's training rows (seeded subsample); default 1. */
  readonly trainShare?: number;
}

export interface TrialOutcome {
  readonly id: number;
  readonly status: 'ok' | 'failed';
  /** Why it failed: a model that cannot fit this data must not stop the search. */
  readonly error?: string;
  /** The selection metric on each fold's held-out rows. */
  readonly foldScores: readonly number[];
  /** The metric's raw value, averaged over folds (NaN when failed): compare with its `greaterIsBetter`. */
  readonly score: number;
  /** Population standard deviation across folds. */
  readonly std: number;
  /** Total fit seconds over folds. */
  readonly fitSeconds: number;
  readonly predictSeconds: number;
  /** Out-of-fold predictions over every row (values or class indices); only when trainShare is 1. */
  readonly oofPredictions?: Float64Array;
  /** Out-of-fold class probabilities, row-major n × classes. */
  readonly oofProbabilities?: Float64Array;
}

/** What every trial of a search shares. */
export interface TrialData {
  /** The feature columns only (no target). */
  readonly features: Frame;
  readonly target: Target;
  readonly folds: readonly Fold[];
  /** A metric name from the evaluate registry (`rmse`, `roc_auc`, …). */
  readonly metric: string;
  /** Seeds the training-row subsamples of trials with trainShare < 1. */
  readonly seed: number;
}

/**
 * The estimator a trial fits: the algorithm behind the default
 * preprocessing its catalog entry needs. Algorithms with a `threads`
 * parameter get `threads: 1` unless the spec sets it, since trials already
 * run side by side (a refit of the winner may ask for more).
 */
export function trialEstimator(spec: TrialSpec, features: Frame, task: SupervisedTask): Estimator {
  const entry = catalogEntry(spec.algorithm);
  if (!entry.tasks.includes(task)) {
    throw new UsageError('usage.wrong-task', `${entry.name} does not do ${task}`, {
      location: { field: 'algorithm' },
      hint: `${entry.name} does: ${entry.tasks.join(', ')}`,
    });
  }
  const params: Record<string, Params[string]> = { ...spec.params };
  if ('threads' in entry.params && (params['threads'] === undefined || params['threads'] === null))
    params['threads'] = 1;
  const model = entry.make(params, task);
  return pipeline([defaultPreprocessing(features, entry).transformer], model);
}

/** What a trial cancelled between folds fails with. */
export const CANCELLED = 'cancelled';

/**
 * Runs one trial in this thread: fits and scores every fold. Only a bad
 * metric throws; model errors fail the trial. `shouldStop` is asked before
 * each fold: a trial told to stop fails as cancelled there, so a worker
 * thread can be stopped without being terminated mid-computation.
 */
export function runTrial(
  spec: TrialSpec,
  data: TrialData,
  shouldStop: () => boolean = () => false,
): TrialOutcome {
  const metric = selectionMetric(data.metric, data.target.task);
  let fitSeconds = 0;
  let predictSeconds = 0;
  try {
    const share = checkShare(spec.trainShare);
    const { features, target, folds } = data;
    const estimator = trialEstimator(spec, features, target.task);
    const oof = share === 1 ? new OutOfFold(features.rowCount, target) : undefined;
    const foldScores = folds.map((fold, f) => {
      if (shouldStop()) throw new Error(CANCELLED);
      const train = share === 1 ? fold.train : subsampleRows(fold.train, target, share, data.seed, f);
      const started = performance.now();
      const model = estimator.fit(features.take(train), subsetTarget(target, train));
      const fitted = performance.now();
      const test = features.take(fold.test);
      const predictions = model.predict(test);
      const probabilities = target.task === 'regression' ? undefined : model.predictProba?.(test);
      fitSeconds += (fitted - started) / 1000;
      predictSeconds += (performance.now() - fitted) / 1000;
      oof?.record(fold.test, predictions, probabilities);
      return scoreFold(metric, target, fold.test, predictions, probabilities);
    });
    const { mean, std } = meanAndStd(foldScores);
    if (!Number.isFinite(mean)) throw new Error(`the ${data.metric} score is ${mean}`);
    return {
      id: spec.id,
      status: 'ok',
      foldScores,
      score: mean,
      std,
      fitSeconds,
      predictSeconds,
      ...oof?.arrays(),
    };
  } catch (error) {
    return failedOutcome(spec.id, error instanceof Error ? error.message : String(error), {
      fitSeconds,
      predictSeconds,
    });
  }
}

export function failedOutcome(
  id: number,
  error: string,
  seconds = { fitSeconds: 0, predictSeconds: 0 },
): TrialOutcome {
  return { id, status: 'failed', error, foldScores: [], score: Number.NaN, std: Number.NaN, ...seconds };
}

/** The metric called `name`, checked to score this task (multiclass metrics also score binary tasks). */
/** The search's metric; refused when it does not score this task. */
export function selectionMetric(name: string, task: SupervisedTask): SupervisedMetric {
  return supervisedMetricFor(name, task);
}

/**
 * The metric on one fold's held-out rows. Probability metrics get the
 * positive class's probability for binary tasks, all columns otherwise.
 */
export function scoreFold(
  metric: SupervisedMetric,
  target: Target,
  rows: ArrayLike<number>,
  predictions: Float64Array,
  probabilities: Float64Array | undefined,
): number {
  const truth = Float64Array.from(rows, (row) => target.values[row]!);
  if (metric.needs !== 'probabilities') return metric.compute(truth, predictions);
  if (probabilities === undefined)
    throw new Error('this metric needs class probabilities, and the model gives none');
  if (target.task !== 'binary') return metric.compute(truth, probabilities);
  return metric.compute(
    truth,
    Float64Array.from({ length: rows.length }, (_, i) => probabilities[i * 2 + 1]!),
  );
}

export function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, std };
}

function checkShare(share: number | undefined): number {
  if (share === undefined) return 1;
  if (share > 0 && share <= 1) return share;
  throw new UsageError('usage.bad-param', `trainShare must be in (0, 1], got ${share}`, {
    location: { field: 'trainShare' },
  });
}

/**
 * A share of a fold's training rows, drawn per class for classification
 * (every class keeps at least one row, so the model still knows it). The
 * order rows are drawn in depends only on the seed and the fold, so a
 * larger share takes a superset of a smaller one's rows (successive
 * halving's rungs nest), and no trial's result depends on which ran first.
 */
export function subsampleRows(
  train: Int32Array,
  target: Target,
  share: number,
  seed: number,
  fold: number,
): Int32Array {
  const order = new Rng(mixSeed(seed, fold)).permutation(train.length);
  const groups = new Map<number, number[]>();
  for (const position of order) {
    const row = train[position]!;
    const key = target.task === 'regression' ? 0 : target.values[row]!;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }
  const taken: number[] = [];
  for (const group of groups.values()) {
    const count = Math.min(group.length, Math.max(1, Math.round(share * group.length)));
    for (let i = 0; i < count; i++) taken.push(group[i]!);
  }
  return Int32Array.from(taken).sort();
}

/** A seed for fold `fold`'s subsample, unrelated to the seed the folds themselves were cut with. */
function mixSeed(seed: number, fold: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(fold + 1, 0x85ebca6b)) | 0;
}

function subsetTarget(target: Target, rows: Int32Array): Target {
  return { ...target, values: Float64Array.from(rows, (row) => target.values[row]!) };
}

/** Every held-out row's prediction, from the one fold model that did not see it. */
class OutOfFold {
  private readonly predictions: Float64Array;
  private readonly probabilities: Float64Array | undefined;
  private readonly classes: number;
  private sawProbabilities = false;

  constructor(rows: number, target: Target) {
    this.classes = target.classes.length;
    this.predictions = new Float64Array(rows).fill(Number.NaN);
    this.probabilities =
      target.task === 'regression' ? undefined : new Float64Array(rows * this.classes).fill(Number.NaN);
  }

  record(rows: Int32Array, predictions: Float64Array, probabilities: Float64Array | undefined): void {
    const k = this.classes;
    rows.forEach((row, i) => {
      this.predictions[row] = predictions[i]!;
      if (probabilities !== undefined)
        this.probabilities?.set(probabilities.subarray(i * k, (i + 1) * k), row * k);
    });
    this.sawProbabilities ||= probabilities !== undefined;
  }

  arrays(): Pick<TrialOutcome, 'oofPredictions' | 'oofProbabilities'> {
    const out: { oofPredictions: Float64Array; oofProbabilities?: Float64Array } = {
      oofPredictions: this.predictions,
    };
    // A classifier without probabilities leaves NaN everywhere: better none than a misleading array.
    if (this.probabilities !== undefined && this.sawProbabilities) out.oofProbabilities = this.probabilities;
    return out;
  }
}
