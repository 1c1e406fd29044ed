import type { Params, SupervisedTask } from '../../estimator/contract.js';

/**
 * The configurations AutoML tries before any model-based search: each
 * algorithm's defaults, cheapest first, so that even a budget of seconds
 * ends with a leaderboard of several algorithms and the first seconds are
 * not spent on one slow model; then a few variants that tend to win on
 * tabular data (slower, more regularised boosting; forests that try more
 * features per split), which a search would take many trials to reach.
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
 * Above this many rows the expensive algorithms cost minutes per trial: on
 * the 54,000 diamonds, one fold of a default gbdt fit in 3 s, of an MLP in
 * 70 s and of extra trees in 90 s (single-threaded, a shared machine), and
 * kNN compares every test row with every training row. There, boosting and
 * its variants go first, so a budget of a minute still reaches them.
 */
const LARGE_TABLE_ROWS = 5000;

const CHEAP_DEFAULTS = ['naive-bayes', 'logistic', 'ridge'] as const;
const COSTLY_DEFAULTS_SMALL = ['knn', 'gbdt', 'random-forest', 'extra-trees', 'mlp'] as const;
const COSTLY_DEFAULTS_LARGE = ['extra-trees', 'random-forest', 'mlp', 'knn'] as const;

/** Boosting variants: slower and more regularised, fewer leaves; often the best on tabular data. */
const GBDT_VARIANTS: readonly PortfolioEntry[] = [
  {
    algorithm: 'gbdt',
    params: { learningRate: 0.05, trees: 300, maxLeaves: 15, minSamplesLeaf: 10, l2: 1 },
  },
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
  { algorithm: 'gbdt', params: { learningRate: 0.1, trees: 200, maxLeaves: 7, minSamplesLeaf: 5, l2: 0.1 } },
];

/** Other variants: forests that try more features per split, stronger or weaker penalties, smoother kNN. */
const CHEAP_VARIANTS: readonly PortfolioEntry[] = [
  { algorithm: 'logistic', params: { C: 0.1 } },
  { algorithm: 'ridge', params: { alpha: 10 } },
];
const COSTLY_VARIANTS: readonly PortfolioEntry[] = [
  { algorithm: 'random-forest', params: { trees: 300, maxFeatures: 0.5, minSamplesLeaf: 2 } },
  { algorithm: 'extra-trees', params: { trees: 300, maxFeatures: 0.5, minSamplesLeaf: 1 } },
  { algorithm: 'knn', params: { k: 15, weights: 'distance' } },
];

const defaults = (...names: readonly string[]): PortfolioEntry[] =>
  names.map((algorithm) => ({ algorithm, params: {} }));

/**
 * The portfolio, keeping only the algorithms asked for (the caller has kept
 * those that fit the task). Small tables: every default, cheapest first,
 * then the variants. Large tables: cheap defaults, boosting and its
 * variants, cheap variants, then the costly defaults and variants.
 */
export function portfolio(algorithms: readonly string[], rows: number): readonly PortfolioEntry[] {
  const ordered =
    rows > LARGE_TABLE_ROWS
      ? [
          ...defaults(...CHEAP_DEFAULTS, 'gbdt'),
          ...GBDT_VARIANTS,
          ...CHEAP_VARIANTS,
          ...defaults(...COSTLY_DEFAULTS_LARGE),
          ...COSTLY_VARIANTS,
        ]
      : [
          ...defaults(...CHEAP_DEFAULTS, ...COSTLY_DEFAULTS_SMALL),
          GBDT_VARIANTS[0]!,
          COSTLY_VARIANTS[0]!,
          GBDT_VARIANTS[1]!,
          COSTLY_VARIANTS[1]!,
          GBDT_VARIANTS[2]!,
          ...CHEAP_VARIANTS,
          COSTLY_VARIANTS[2]!,
        ];
  const wanted = new Set(algorithms);
  const listed = new Set(ordered.map((entry) => entry.algorithm));
  const kept = ordered.filter((entry) => wanted.has(entry.algorithm));
  // Algorithms outside the usual set (tree, lasso, …) still get their defaults tried, after the usual defaults.
  const others = defaults(...algorithms.filter((name) => !listed.has(name)));
  const firstVariant = kept.findIndex((entry) => Object.keys(entry.params).length > 0);
  const at = firstVariant < 0 ? kept.length : firstVariant;
  return [...kept.slice(0, at), ...others, ...kept.slice(at)];
}
