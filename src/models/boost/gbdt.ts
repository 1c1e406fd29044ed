import { availableParallelism } from 'node:os';
import { withDefaults } from '../../core/params.js';
import { Rng } from '../../core/random.js';
import { Frame, type Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, SupervisedTask, Target } from '../../estimator/contract.js';
import { checkRows, earlyStoppingHoldOut, requireTarget, trainingNames } from '../input.js';
import { fitArena } from './arena.js';
import { binGroups, fitBins, type RawFeature } from './bins.js';
import { boost, type Validation } from './booster.js';
import { trainingFeatures, treeInputRows } from './features.js';
import { GbdtModel } from './gbdt-model.js';
import { groupCount, growData, histogramOffsets } from './histogram.js';
import { makeLoss } from './loss.js';
import {
  AUTO_EARLY_STOPPING_ROWS,
  checkGbdtParams,
  GBDT_DEFAULTS,
  type GbdtParams,
  monotonicPerFeature,
} from './params.js';

/**
 * Histogram gradient boosting (Friedman 2001, with the binned, leaf-wise,
 * second-order trees of LightGBM and XGBoost's `hist`): categorical columns
 * and missing values are used as they are, without encoding or imputation.
 */
export function gbdtClassifier(params: Partial<GbdtParams> = {}): Estimator<GbdtModel> {
  return gbdt('gbdt-classifier', ['binary', 'multiclass'], params);
}

export function gbdtRegressor(params: Partial<GbdtParams> = {}): Estimator<GbdtModel> {
  return gbdt('gbdt-regressor', ['regression'], params);
}

function gbdt(
  kind: string,
  tasks: readonly SupervisedTask[],
  given: Partial<GbdtParams>,
): Estimator<GbdtModel> {
  const params = withDefaults(kind, GBDT_DEFAULTS, given);
  checkGbdtParams(kind, params, tasks[0] !== 'regression');
  return {
    kind,
    params,
    acceptsMissing: true,
    fit: (X: Matrix | Frame, y?: Target, options: FitOptions = {}) =>
      fitGbdt(kind, tasks, params, X, y, options),
  };
}

function fitGbdt(
  kind: string,
  tasks: readonly SupervisedTask[],
  params: GbdtParams,
  X: Matrix | Frame,
  y: Target | undefined,
  options: FitOptions,
): GbdtModel {
  const target = requireTarget(y, kind, tasks);
  const names = trainingNames(X, target);
  const { specs, raw } = trainingFeatures(X, names, kind);
  const n = X instanceof Frame ? X.rowCount : X.rows;
  checkRows(
    { data: new Float64Array(0), rows: n, cols: names.length, columnNames: names },
    target,
    options.sampleWeight,
  );
  const rng = options.rng ?? new Rng(params.seed);
  const classes = target.task === 'regression' ? 0 : target.classes.length;
  const weights = rowWeights(target, options.sampleWeight, params.classWeight);
  const stopEarly =
    params.earlyStopping === true || (params.earlyStopping === 'auto' && n > AUTO_EARLY_STOPPING_ROWS);
  const split = stopEarly ? earlyStoppingHoldOut(target, params.validationFraction, rng, kind) : null;
  const train = split?.train ?? null;
  const valid = split?.test ?? null;
  const trainRaw = train === null ? raw : raw.map((f) => pick(f, train));
  const bins = fitBins(trainRaw, params.maxBins, rng);
  const rows = train?.length ?? n;
  const threads = threadCount(params, rows * names.length);
  const loss = makeLoss(lossName(params, target.task), classes, params);
  const groups = groupCount(names.length);
  const arena = fitArena({
    rows,
    groups,
    cols: names.length,
    outputs: loss.outputs,
    histSize: histogramOffsets(bins.binCount).at(-1)!,
    capacity: params.maxLeaves + 2,
  });
  binGroups(bins, trainRaw, arena);
  const data = growData(arena.bins, arena.columns, rows, bins.binCount, bins.categorical);
  const validation: Validation | null =
    valid === null
      ? null
      : {
          x: treeInputRows(raw, bins, valid),
          rows: valid.length,
          y: pickValues(target.values, valid),
          w: weights === null ? null : pickValues(weights, valid),
        };
  const boosted = boost({
    data,
    bins,
    y: train === null ? target.values : pickValues(target.values, train),
    w: weights === null ? null : train === null ? weights : pickValues(weights, train),
    loss,
    grow: {
      maxLeaves: params.maxLeaves,
      maxDepth: params.maxDepth ?? Number.POSITIVE_INFINITY,
      minSamplesLeaf: params.minSamplesLeaf,
      minChildWeight: params.minChildWeight,
      l1: params.l1,
      l2: params.l2,
      minGain: params.minGain,
      monotonic: monotonicPerFeature(kind, params.monotonic, names),
      maxCategorySplit: params.maxCategorySplit,
    },
    learningRate: params.learningRate,
    iterations: params.trees,
    subsample: params.subsample,
    colsample: params.colsample,
    validation,
    patience: params.patience,
    tol: params.tol,
    rng,
    threads,
    arena,
    onProgress: options.onProgress,
  });
  return new GbdtModel(kind, params, names, specs, target.classes, target.task, loss.name, bins, boosted);
}

/**
 * Below this many cells, starting worker threads costs more than it saves. A
 * fit with workers is the same model as one without.
 */
const MIN_CELLS_FOR_WORKERS = 1_000_000;

function threadCount(params: GbdtParams, cells: number): number {
  const wanted = params.threads ?? availableParallelism();
  return wanted > 1 && cells >= MIN_CELLS_FOR_WORKERS ? wanted : 1;
}

function lossName(params: GbdtParams, task: SupervisedTask) {
  if (params.loss !== 'auto') return params.loss;
  return task === 'regression' ? 'squared-error' : 'log-loss';
}

/** Sample weights times class weights; null when every row weighs 1. */
function rowWeights(
  target: Target,
  sampleWeight: Float64Array | undefined,
  classWeight: GbdtParams['classWeight'],
): Float64Array | null {
  if (classWeight === null) return sampleWeight ?? null;
  const k = target.classes.length;
  const counts = new Float64Array(k);
  for (const c of target.values) counts[c]!++;
  const n = target.values.length;
  return Float64Array.from(target.values, (c, i) => (n / (k * counts[c]!)) * (sampleWeight?.[i] ?? 1));
}

function pick(feature: RawFeature, rows: Int32Array): RawFeature {
  return { ...feature, values: pickValues(feature.values, rows) };
}

function pickValues(values: Float64Array, rows: Int32Array): Float64Array {
  return Float64Array.from(rows, (i) => values[i]!);
}
