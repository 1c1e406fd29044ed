import { availableParallelism } from 'node:os';
import { declare, domain, param } from '../../core/declare.js';
import { Rng } from '../../core/random.js';
import { field } from '../../core/stored.js';
import { Frame, type Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, SupervisedTask, Target } from '../../estimator/contract.js';
import { registerKind } from '../../estimator/kinds.js';
import { checkRows, earlyStoppingHoldOut, requireTarget, trainingNames } from '../input.js';
import { leafCap, seedParam, threadsParam } from '../tree/tree-params.js';
import { fitArena } from './arena.js';
import { binGroups, binRows, fitBins, pickValues, type RawFeature } from './bins.js';
import { boost, type Validation } from './booster.js';
import { trainingFeatures } from './features.js';
import { GbdtModel, gbdtLoader } from './gbdt-model.js';
import { groupCount, growData, histogramOffsets } from './histogram.js';
import { type LossName, makeLoss } from './loss.js';
import { AUTO_EARLY_STOPPING_ROWS, type GbdtParams, monotonicPerFeature } from './params.js';

/** Every loss but log-loss, which is the classifier's. */
const REGRESSION_LOSSES = [
  'squared-error',
  'absolute-error',
  'huber',
  'quantile',
  'poisson',
] as const satisfies readonly LossName[];

/**
 * Parameters of both kinds but the loss and class weights. Defaults follow
 * scikit-learn 1.2's HistGradientBoosting estimators (its names in brackets
 * where they differ), with XGBoost/LightGBM's extras off by default.
 */
const SHARED = {
  /** Boosting iterations [max_iter]; multiclass grows one tree per class each. */
  trees: param.int({
    default: 100,
    min: 1,
    doc: 'boosting iterations (one tree per class each for several classes)',
    search: { low: 50, high: 500, log: true },
  }),
  learningRate: param.float({
    default: 0.1,
    above: 0,
    doc: 'shrinkage of each tree',
    search: { low: 0.01, high: 0.3, log: true },
  }),
  /** [max_leaf_nodes]. Each open leaf holds a histogram in the fit's memory (about 170 KB at 28 features). */
  maxLeaves: param.int({
    default: 31,
    min: 2,
    max: 4096,
    doc: 'most leaves per tree',
    search: { low: 4, high: 128, log: true },
  }),
  maxDepth: param.intOrNull({
    default: null,
    min: 1,
    max: 1000,
    doc: 'deepest level (null = limited by maxLeaves only)',
  }),
  /** One more bin holds missing values. */
  maxBins: param.int({
    default: 255,
    min: 2,
    max: 255,
    doc: 'bins per feature (at most 255; missing values get their own)',
  }),
  minSamplesLeaf: param.int({
    default: 20,
    min: 1,
    doc: 'fewest rows in a leaf',
    search: (context) => ({ low: 2, high: leafCap(context, 100), log: true }),
  }),
  /** [min_hessian_to_split-ish; XGBoost min_child_weight] */
  minChildWeight: param.float({ default: 1e-3, min: 0, doc: 'fewest summed hessians in a leaf' }),
  l1: param.float({ default: 0, min: 0, doc: 'L1 penalty on leaf values' }),
  /** [l2_regularization] */
  l2: param.float({
    default: 0,
    min: 0,
    doc: 'L2 penalty on leaf values',
    search: { low: 1e-4, high: 10, log: true },
  }),
  /** [XGBoost gamma] */
  minGain: param.float({ default: 0, min: 0, doc: 'smallest loss reduction worth a split' }),
  subsample: param.float({
    default: 1,
    above: 0,
    max: 1,
    doc: 'share of rows each iteration sees',
    search: { low: 0.5, high: 1 },
  }),
  colsample: param.float({
    default: 1,
    above: 0,
    max: 1,
    doc: 'share of features each iteration may split on',
    search: { low: 0.4, high: 1 },
  }),
  /** 'auto': on when there are more than AUTO_EARLY_STOPPING_ROWS rows. */
  earlyStopping: param.of<'auto' | boolean>([domain.enum('auto'), domain.bool()], {
    default: 'auto',
    doc: 'hold out 10% and stop when its loss stalls (auto: above 10,000 rows)',
  }),
  validationFraction: param.float({
    default: 0.1,
    above: 0,
    max: 0.5,
    doc: 'share of rows held out for early stopping',
  }),
  /** [n_iter_no_change] */
  patience: param.int({
    default: 10,
    min: 1,
    doc: 'iterations without improvement before early stopping ends the fit',
  }),
  tol: param.float({
    default: 1e-7,
    min: 0,
    doc: 'smallest drop of the held-out loss that counts as an improvement',
  }),
  quantile: param.float({
    default: 0.5,
    above: 0,
    below: 1,
    doc: 'the quantile the quantile loss predicts',
  }),
  delta: param.float({ default: 1, above: 0, doc: 'huber loss: residuals beyond this count linearly' }),
  /** Per feature, "name:1" (rising), "name:-1" (falling), as a list or comma-separated; or one number per input column. */
  monotonic: param.of<string | readonly (string | number)[] | null>(
    [domain.null(), domain.text(), domain.list(domain.text()), domain.list(domain.int({ min: -1, max: 1 }))],
    { default: null, doc: 'e.g. age:1,debt:-1 (prediction only rises / falls with the column)' },
  ),
  maxCategorySplit: param.int({
    default: 32,
    min: 1,
    max: 255,
    doc: 'most categories one categorical split sends left',
  }),
};
/** The fitted model is the same for any number. */
const THREADS = threadsParam('worker threads (null = one per core)');
const SEED = seedParam('seed for bins, subsamples and the early-stopping split');
const TAGS = { acceptsMissing: true, nativeCategorical: true, multithreaded: true };
/** AutoML drew the learning rate first, then the tree count. */
const SEARCH_ORDER = [
  'learningRate',
  'trees',
  'maxLeaves',
  'minSamplesLeaf',
  'l2',
  'subsample',
  'colsample',
] as const;

/**
 * Histogram gradient boosting (Friedman 2001, with the binned, leaf-wise,
 * second-order trees of LightGBM and XGBoost's `hist`): categorical columns
 * and missing values are used as they are, without encoding or imputation.
 */
export const GBDT_CLASSIFIER = declare({
  kind: 'gbdt-classifier',
  summary: 'histogram gradient boosting for classes: leaf-wise trees, native missing values and categories',
  tasks: ['binary', 'multiclass'],
  tags: TAGS,
  params: {
    /** 'auto' is log-loss, the one loss for classes. */
    loss: param.choice(['auto', 'log-loss'], { default: 'auto', doc: 'auto or log-loss (the same)' }),
    ...SHARED,
    classWeight: param.of<'balanced' | null>([domain.enum('balanced'), domain.null()], {
      default: null,
      doc: 'balanced: weight classes inversely to their frequency',
    }),
    threads: THREADS,
    seed: SEED,
  },
  searchOrder: SEARCH_ORDER,
});

export const GBDT_REGRESSOR = declare({
  kind: 'gbdt-regressor',
  summary: 'histogram gradient boosting for numbers: leaf-wise trees, native missing values and categories',
  tasks: ['regression'],
  tags: TAGS,
  params: {
    /** 'auto': squared error. */
    loss: param.choice(['auto', ...REGRESSION_LOSSES], {
      default: 'auto',
      doc: 'squared-error (auto), absolute-error, huber, quantile or poisson',
    }),
    ...SHARED,
    classWeight: param.of<null>([domain.null()], {
      default: null,
      doc: 'class weights apply to classifiers only',
    }),
    threads: THREADS,
    seed: SEED,
  },
  searchOrder: SEARCH_ORDER,
});

type GbdtDeclaration = typeof GBDT_CLASSIFIER | typeof GBDT_REGRESSOR;

export function gbdtClassifier(params: Partial<GbdtParams> = {}): Estimator<GbdtModel> {
  return gbdt(GBDT_CLASSIFIER, ['binary', 'multiclass'], GBDT_CLASSIFIER.resolve(params));
}

export function gbdtRegressor(params: Partial<GbdtParams> = {}): Estimator<GbdtModel> {
  return gbdt(GBDT_REGRESSOR, ['regression'], GBDT_REGRESSOR.resolve(params));
}

function gbdt(
  declaration: GbdtDeclaration,
  tasks: readonly SupervisedTask[],
  params: GbdtParams,
): Estimator<GbdtModel> {
  const { kind } = declaration;
  return {
    kind,
    params,
    acceptsMissing: declaration.tags.acceptsMissing,
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
          columns: binRows(bins, raw, valid),
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

registerKind({
  declaration: GBDT_CLASSIFIER,
  role: 'model',
  build: (spec) => gbdtClassifier(GBDT_CLASSIFIER.resolve(spec.params)),
  load: gbdtLoader({ params: field.params(GBDT_CLASSIFIER), losses: ['log-loss'] }),
});
registerKind({
  declaration: GBDT_REGRESSOR,
  role: 'model',
  build: (spec) => gbdtRegressor(GBDT_REGRESSOR.resolve(spec.params)),
  load: gbdtLoader({ params: field.params(GBDT_REGRESSOR), losses: REGRESSION_LOSSES }),
});
