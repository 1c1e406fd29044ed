import { UsageError } from '../../core/errors.js';
import type { Rng } from '../../core/random.js';
import type { Params, SupervisedTask } from '../../estimator/contract.js';
import { catalogEntry } from '../../models/catalog.js';

/**
 * Where AutoML looks for hyperparameters: per algorithm, a range for each
 * parameter worth tuning, and fixed values for the rest. Ranges follow what
 * usually matters (the learning rate and leaf sizes of boosting, the feature
 * share of forests, the penalty of linear models, k of kNN) and stay where
 * fits are affordable; parameters with multiplicative effect (rates,
 * penalties, counts spanning orders of magnitude) are searched on a log
 * scale, so 0.01–0.1 gets as many samples as 0.1–1.
 */
export type Choice = number | string | boolean | null | readonly number[];

export type Dimension =
  | { readonly type: 'float'; readonly low: number; readonly high: number; readonly log?: boolean }
  | { readonly type: 'int'; readonly low: number; readonly high: number; readonly log?: boolean }
  | { readonly type: 'categorical'; readonly choices: readonly Choice[] };

export interface SearchSpace {
  readonly algorithm: string;
  /** Parameters searched, in a fixed order (the order samples are drawn in). */
  readonly dimensions: Readonly<Record<string, Dimension>>;
  /** Parameters every configuration shares (the seed, settings that keep fits affordable). */
  readonly fixed: Params;
  /**
   * What the algorithm uses for each searched parameter when not told (for
   * this task): the portfolio's default configurations spell these out, so
   * every trial's parameters are complete and comparable.
   */
  readonly defaults: Params;
}

/** What the ranges depend on. */
export interface SpaceContext {
  readonly task: SupervisedTask;
  /** Rows a model is trained on (a fold's training rows). */
  readonly trainRows: number;
  readonly seed: number;
}

/** Above this many training rows an MLP holds out 10% and stops when it stops improving: epochs cost rows. */
const MLP_EARLY_STOPPING_ROWS = 2000;

type SpaceBuilder = (context: SpaceContext) => Omit<SearchSpace, 'algorithm'>;

const float = (low: number, high: number, log = false): Dimension => ({ type: 'float', low, high, log });
const int = (low: number, high: number, log = false): Dimension => ({ type: 'int', low, high, log });
const categorical = (...choices: Choice[]): Dimension => ({ type: 'categorical', choices });

/** A leaf of more rows than this share of the training rows would starve the trees. */
function leafCap(context: SpaceContext, most: number): number {
  return Math.max(2, Math.min(most, Math.floor(context.trainRows / 20)));
}

const forest: SpaceBuilder = (context) => ({
  dimensions: {
    trees: int(50, 400, true),
    maxFeatures: categorical('sqrt', 0.2, 0.33, 0.5, 0.75, 1),
    minSamplesLeaf: int(1, leafCap(context, 20), true),
  },
  fixed: { seed: context.seed },
  // Regression forests try every feature per split by default (as scikit-learn), classifiers √features.
  defaults: { trees: 100, maxFeatures: context.task === 'regression' ? 1 : 'sqrt', minSamplesLeaf: 1 },
});

const SPACES: Readonly<Record<string, SpaceBuilder>> = {
  gbdt: (context) => ({
    dimensions: {
      learningRate: float(0.01, 0.3, true),
      trees: int(50, 500, true),
      maxLeaves: int(4, 128, true),
      minSamplesLeaf: int(2, leafCap(context, 100), true),
      l2: float(1e-4, 10, true),
      subsample: float(0.5, 1),
      colsample: float(0.4, 1),
    },
    fixed: { seed: context.seed },
    defaults: {
      learningRate: 0.1,
      trees: 100,
      maxLeaves: 31,
      minSamplesLeaf: 20,
      l2: 0,
      subsample: 1,
      colsample: 1,
    },
  }),
  'random-forest': forest,
  'extra-trees': forest,
  logistic: () => ({
    dimensions: { C: float(1e-3, 1e3, true), penalty: categorical('l2', 'l1') },
    fixed: {},
    defaults: { C: 1, penalty: 'l2' },
  }),
  ridge: () => ({ dimensions: { alpha: float(1e-3, 1e3, true) }, fixed: {}, defaults: { alpha: 1 } }),
  lasso: () => ({ dimensions: { alpha: float(1e-4, 10, true) }, fixed: {}, defaults: { alpha: 1 } }),
  'elastic-net': () => ({
    dimensions: { alpha: float(1e-4, 10, true), l1Ratio: float(0.05, 0.95) },
    fixed: {},
    defaults: { alpha: 1, l1Ratio: 0.5 },
  }),
  linear: () => ({ dimensions: {}, fixed: {}, defaults: {} }),
  knn: (context) => ({
    dimensions: {
      // k above half a fold's rows would vote with most of the data.
      k: int(1, Math.max(2, Math.min(100, Math.floor(context.trainRows / 2))), true),
      weights: categorical('uniform', 'distance'),
      metric: categorical('euclidean', 'manhattan'),
    },
    fixed: {},
    defaults: { k: 5, weights: 'uniform', metric: 'euclidean' },
  }),
  'naive-bayes': () => ({
    dimensions: { varSmoothing: float(1e-12, 1e-2, true) },
    fixed: { variant: 'gaussian' },
    defaults: { varSmoothing: 1e-9 },
  }),
  mlp: (context) => ({
    dimensions: {
      hiddenLayers: categorical([32], [64], [128], [256], [64, 32], [128, 64]),
      activation: categorical('relu', 'tanh'),
      alpha: float(1e-6, 1e-1, true),
      learningRate: float(1e-4, 1e-2, true),
    },
    fixed: {
      seed: context.seed,
      ...(context.trainRows > MLP_EARLY_STOPPING_ROWS ? { earlyStopping: true } : {}),
    },
    defaults: { hiddenLayers: [100], activation: 'relu', alpha: 1e-4, learningRate: 1e-3 },
  }),
  tree: (context) => ({
    dimensions: {
      maxDepth: int(2, 30, true),
      minSamplesLeaf: int(1, leafCap(context, 50), true),
      ...(context.task === 'regression' ? {} : { criterion: categorical('gini', 'entropy') }),
    },
    fixed: { seed: context.seed },
    defaults: {
      maxDepth: null,
      minSamplesLeaf: 1,
      ...(context.task === 'regression' ? {} : { criterion: 'gini' }),
    },
  }),
};

/** The algorithms AutoML can search (supervised catalog models with a space here). */
export function searchableAlgorithms(): readonly string[] {
  return Object.keys(SPACES);
}

export function searchSpace(algorithm: string, context: SpaceContext): SearchSpace {
  const entry = catalogEntry(algorithm);
  const build = SPACES[algorithm];
  if (build === undefined || !entry.tasks.includes(context.task)) {
    const fitting = Object.keys(SPACES).filter((name) => catalogEntry(name).tasks.includes(context.task));
    throw new UsageError('automl.algorithm', `AutoML cannot use "${algorithm}" for ${context.task}`, {
      location: { field: 'algorithms' },
      hint: `for ${context.task}, choose from: ${fitting.join(', ')}`,
    });
  }
  return { algorithm, ...build(context) };
}

/** A configuration drawn from the ranges alone (no observations yet). */
export function samplePrior(space: SearchSpace, rng: Rng): Params {
  const params: Record<string, Params[string]> = { ...space.fixed };
  for (const [name, dimension] of Object.entries(space.dimensions)) {
    params[name] = fromUnit(dimension, rng.next());
  }
  return params;
}

/** The value at position u ∈ [0, 1) of a dimension, on its own scale. */
export function fromUnit(dimension: Dimension, u: number): Params[string] {
  if (dimension.type === 'categorical') {
    return dimension.choices[
      Math.min(dimension.choices.length - 1, Math.floor(u * dimension.choices.length))
    ]!;
  }
  const [low, high] = internalBounds(dimension);
  return toValue(dimension, low + u * (high - low));
}

/** Bounds on the scale the search works on (the log of the value for log dimensions). */
export function internalBounds(dimension: Exclude<Dimension, { type: 'categorical' }>): [number, number] {
  return dimension.log === true
    ? [Math.log(dimension.low), Math.log(dimension.high)]
    : [dimension.low, dimension.high];
}

/** A value on the search scale back on the parameter's own scale: rounded for ints, to 3 significant digits for floats. */
export function toValue(dimension: Exclude<Dimension, { type: 'categorical' }>, internal: number): number {
  const raw = dimension.log === true ? Math.exp(internal) : internal;
  const clamped = Math.min(dimension.high, Math.max(dimension.low, raw));
  // Three significant digits are as precise as a hyperparameter's effect can be measured, and read well.
  return dimension.type === 'int' ? Math.round(clamped) : Number(clamped.toPrecision(3));
}

/** A parameter's value on the search scale (the inverse of `toValue`, up to rounding). */
export function toInternal(dimension: Exclude<Dimension, { type: 'categorical' }>, value: number): number {
  return dimension.log === true ? Math.log(value) : value;
}

/** A stable text key of a configuration, to recognise one already tried. */
export function configKey(algorithm: string, params: Params): string {
  const names = Object.keys(params).sort();
  return `${algorithm}:${JSON.stringify(names.map((name) => [name, params[name]]))}`;
}
