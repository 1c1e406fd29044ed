import type { Params, SupervisedTask } from '../../estimator.js';

/**
 * The configurations AutoML tries before any model-based search: each
 * algorithm's defaults first, so that even a budget of seconds ends with a
 * leaderboard of several algorithms, cheapest first, so that the first
 * seconds are not spent on one slow model; then a few variants that tend to
 * win on tabular data (slower, more regularised boosting; forests that try
 * more features per split), which a search would take many trials to reach.
 *
 * Entries list only what differs from the algorithm's defaults; the search
 * space's fixed values (the seed) are added by the caller.
 */
export interface PortfolioEntry {
  readonly algorithm: string;
  readonly params: Params;
}

/** The usual algorithms for each task (AutoML's default), in the catalog's names. */
export const DEFAULT_ALGORITHMS: Readonly<Record<SupervisedTask, readonly string[]>> = {
  binary: ['gbdt', 'random-forest', 'extra-trees', 'logistic', 'knn', 'naive-bayes', 'mlp'],
  multiclass: ['gbdt', 'random-forest', 'extra-trees', 'logistic', 'knn', 'naive-bayes', 'mlp'],
  regression: ['gbdt', 'random-forest', 'extra-trees', 'ridge', 'knn', 'mlp'],
};

/**
 * Above this many rows kNN's cost (every test row against every training
 * row) overtakes the forests and boosting, so its defaults move to the end.
 */
const KNN_CHEAP_ROWS = 5000;

const DEFAULT_ORDER_SMALL = [
  'naive-bayes',
  'logistic',
  'ridge',
  'knn',
  'gbdt',
  'random-forest',
  'extra-trees',
  'mlp',
] as const;

const DEFAULT_ORDER_LARGE = [
  'naive-bayes',
  'logistic',
  'ridge',
  'gbdt',
  'extra-trees',
  'random-forest',
  'mlp',
  'knn',
] as const;

/** Known-good variants, most promising first. */
const VARIANTS: readonly PortfolioEntry[] = [
  {
    algorithm: 'gbdt',
    params: { learningRate: 0.05, trees: 300, maxLeaves: 15, minSamplesLeaf: 10, l2: 1 },
  },
  { algorithm: 'random-forest', params: { trees: 300, maxFeatures: 0.5, minSamplesLeaf: 2 } },
  {
    algorithm: 'gbdt',
    params: {
      learningRate: 0.03,
      trees: 500,
      maxLeaves: 31,
      minSamplesLeaf: 20,
      subsample: 0.8,
      colsample: 0.7,
    },
  },
  { algorithm: 'extra-trees', params: { trees: 300, maxFeatures: 0.5, minSamplesLeaf: 1 } },
  { algorithm: 'gbdt', params: { learningRate: 0.1, trees: 200, maxLeaves: 7, minSamplesLeaf: 5, l2: 0.1 } },
  { algorithm: 'logistic', params: { C: 0.1 } },
  { algorithm: 'ridge', params: { alpha: 10 } },
  { algorithm: 'knn', params: { k: 15, weights: 'distance' } },
];

/**
 * The portfolio: defaults in order of cost, then the variants, keeping only
 * the algorithms asked for (the caller has kept those that fit the task).
 */
export function portfolio(algorithms: readonly string[], rows: number): readonly PortfolioEntry[] {
  const order = rows > KNN_CHEAP_ROWS ? DEFAULT_ORDER_LARGE : DEFAULT_ORDER_SMALL;
  const wanted = new Set(algorithms);
  const known = new Set<string>(order);
  const defaults = [
    ...order.filter((name) => wanted.has(name)),
    // Algorithms outside the usual set (tree, lasso, …) still get their defaults tried.
    ...algorithms.filter((name) => !known.has(name)),
  ].map((algorithm) => ({ algorithm, params: {} }));
  return [...defaults, ...VARIANTS.filter((entry) => wanted.has(entry.algorithm))];
}
