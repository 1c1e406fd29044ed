import type { Rng } from '../../core/random.js';
import type { Params } from '../../estimator/contract.js';
import { normalCdf } from '../../numeric/normal.js';
import {
  type Choice,
  type Dimension,
  internalBounds,
  type SearchSpace,
  samplePrior,
  toInternal,
  toValue,
} from './search-space.js';

/**
 * Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kégl,
 * "Algorithms for Hyper-Parameter Optimization", NeurIPS 2011).
 *
 * Instead of modelling the score as a function of the parameters, TPE
 * splits the configurations tried so far into the best γ share ("good") and
 * the rest ("bad"), fits a density to each, l(x) and g(x), and proposes the
 * candidate that maximises l(x) / g(x), which is proportional to the
 * expected improvement over the γ-quantile. Each parameter gets its own
 * one-dimensional density (the "independent" TPE, as hyperopt and Optuna
 * by default), so the cost stays linear in the number of parameters.
 *
 * Densities are Parzen windows: a truncated normal at each observation,
 * with a width set by the distance to its neighbours (wide where
 * observations are sparse), plus one wide prior component so that no
 * region's density ever reaches zero and the search keeps exploring.
 */
export interface Observation {
  readonly params: Params;
  /** Lower is better; Infinity for a configuration that failed. */
  readonly loss: number;
}

export interface TpeOptions {
  /** Below this many observations, configurations are drawn from the prior (random search). */
  readonly startup?: number;
  /** Share of observations that count as good. */
  readonly gamma?: number;
  /** Candidates drawn from l(x) per proposal; the best l/g ratio wins. */
  readonly candidates?: number;
}

const DEFAULTS = { startup: 5, gamma: 0.25, candidates: 24 } as const;
/** At most this many good observations, as hyperopt and Optuna cap them: l(x) stays focused as trials accumulate. */
const MAX_GOOD = 25;

/** The next configuration to try for one algorithm, from what its earlier ones scored. */
export function proposeTpe(
  space: SearchSpace,
  observations: readonly Observation[],
  rng: Rng,
  options: TpeOptions = {},
): Params {
  const { startup, gamma, candidates } = { ...DEFAULTS, ...options };
  const names = Object.keys(space.dimensions);
  if (observations.length < startup || names.length === 0) return samplePrior(space, rng);
  const { good, bad } = splitByLoss(observations, gamma);
  const models = names.map((name) => {
    const dimension = space.dimensions[name]!;
    return {
      name,
      good: parzen(
        dimension,
        good.map((o) => o.params[name]),
      ),
      bad: parzen(
        dimension,
        bad.map((o) => o.params[name]),
      ),
    };
  });
  let best: Params | undefined;
  let bestRatio = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < candidates; c++) {
    const params: Record<string, Params[string]> = { ...space.fixed };
    let ratio = 0;
    for (const model of models) {
      const { value, internal } = model.good.sample(rng);
      params[model.name] = value;
      ratio += model.good.logDensity(internal) - model.bad.logDensity(internal);
    }
    // Strictly greater: the first of equal candidates wins, so the choice depends on the draws alone.
    if (ratio > bestRatio) {
      bestRatio = ratio;
      best = params;
    }
  }
  return best!;
}

/**
 * The best ⌈γ n⌉ observations (at least one, at most 25) and the rest;
 * equal losses keep the order they were observed in, so a proposal does
 * not depend on how a sort breaks ties. Failures are always bad.
 */
export function splitByLoss(
  observations: readonly Observation[],
  gamma: number,
): { good: Observation[]; bad: Observation[] } {
  const order = observations.map((o, i) => ({ o, i }));
  order.sort((a, b) => compareLoss(a.o.loss, b.o.loss) || a.i - b.i);
  const finite = order.filter(({ o }) => Number.isFinite(o.loss)).length;
  const count = Math.min(MAX_GOOD, finite, Math.max(1, Math.ceil(gamma * observations.length)));
  return {
    good: order.slice(0, count).map(({ o }) => o),
    bad: order.slice(count).map(({ o }) => o),
  };
}

function compareLoss(a: number, b: number): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** A one-dimensional density over a parameter, sampled and evaluated on the search scale. */
interface Density {
  sample(rng: Rng): { value: Params[string]; internal: number };
  logDensity(internal: number): number;
}

function parzen(dimension: Dimension, values: readonly (Params[string] | undefined)[]): Density {
  return dimension.type === 'categorical'
    ? categoricalDensity(dimension.choices, values)
    : continuousDensity(dimension, values);
}

/**
 * Choice c has weight (count of c + 1/K): the observations, plus one prior
 * observation spread evenly over the K choices.
 */
function categoricalDensity(
  choices: readonly Choice[],
  values: readonly (Params[string] | undefined)[],
): Density {
  const keys = choices.map((choice) => JSON.stringify(choice));
  const weights = keys.map(() => 1 / keys.length);
  for (const value of values) {
    const at = keys.indexOf(JSON.stringify(value));
    if (at >= 0) weights[at]! += 1;
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const probabilities = weights.map((w) => w / total);
  return {
    sample(rng) {
      const at = pickIndex(probabilities, rng.next());
      return { value: choices[at]!, internal: at };
    },
    logDensity: (internal) => Math.log(probabilities[internal]!),
  };
}

/** The index whose cumulative weight first passes u (weights summing to 1). */
export function pickIndex(weights: readonly number[], u: number): number {
  let cumulative = 0;
  for (let i = 0; i < weights.length; i++) {
    cumulative += weights[i]!;
    if (u < cumulative) return i;
  }
  return weights.length - 1;
}

/**
 * Hyperopt's adaptive Parzen estimator: the prior (a normal at the centre of
 * the range, as wide as the range) and one normal per observation, all
 * truncated to the range and equally weighted. An observation's width is
 * the larger gap to its sorted neighbours (the prior's centre and the range
 * ends count as neighbours), kept between range / min(100, n + 1) and the
 * range, so that clustered observations sharpen l(x) without collapsing it.
 */
function continuousDensity(
  dimension: Exclude<Dimension, { type: 'categorical' }>,
  values: readonly (Params[string] | undefined)[],
): Density {
  const [low, high] = internalBounds(dimension);
  const range = high - low;
  const prior = { mu: (low + high) / 2, sigma: range };
  // A default outside the range (l2 = 0 on a log scale, maxDepth null) counts as the nearest end, or not at all.
  const points = values
    .filter((v): v is number => typeof v === 'number')
    .map((v) => Math.min(high, Math.max(low, toInternal(dimension, v))));
  const sorted = [...points, prior.mu].sort((a, b) => a - b);
  const minSigma = range / Math.min(100, sorted.length + 1);
  const components = [
    prior,
    ...points.map((mu) => {
      const at = sorted.indexOf(mu);
      const left = at > 0 ? sorted[at - 1]! : low;
      const right = at < sorted.length - 1 ? sorted[at + 1]! : high;
      const sigma = Math.min(range, Math.max(minSigma, mu - left, right - mu));
      return { mu, sigma };
    }),
  ];
  const mass = components.map(
    ({ mu, sigma }) => normalCdf((high - mu) / sigma) - normalCdf((low - mu) / sigma),
  );
  const weight = 1 / components.length;
  return {
    sample(rng) {
      const { mu, sigma } =
        components[Math.min(components.length - 1, Math.floor(rng.next() * components.length))]!;
      const internal = truncatedNormal(mu, sigma, low, high, rng);
      const value = toValue(dimension, internal);
      // The density is read where the value lands after rounding, so l/g judges what will actually run.
      return { value, internal: toInternal(dimension, value) };
    },
    logDensity(x) {
      let density = 0;
      components.forEach(({ mu, sigma }, k) => {
        const z = (x - mu) / sigma;
        density += (weight * Math.exp(-0.5 * z * z)) / (sigma * Math.sqrt(2 * Math.PI) * mass[k]!);
      });
      return Math.log(Math.max(density, Number.MIN_VALUE));
    },
  };
}

/** A normal draw within [low, high]: redrawn while outside (at most 100 times, then clamped). */
function truncatedNormal(mu: number, sigma: number, low: number, high: number, rng: Rng): number {
  for (let attempt = 0; attempt < 100; attempt++) {
    const x = mu + sigma * rng.normal();
    if (x >= low && x <= high) return x;
  }
  return Math.min(high, Math.max(low, mu));
}

/** How an algorithm has done so far, on full data. */
export interface AlgorithmRecord {
  readonly algorithm: string;
  /** The best loss of its successful full-data trials (Infinity when none succeeded). */
  readonly bestLoss: number;
  readonly succeeded: number;
  readonly failed: number;
}

/** Share of proposals that pick an algorithm uniformly, whatever its record. */
const EXPLORATION = 0.2;
/** Weight falls by e^-SHARPNESS from the best algorithm to the worst. */
const SHARPNESS = 3;

/**
 * Which algorithm to propose for next: mostly the promising ones, weighted
 * by exp(−3 × gap), where the gap is how far an algorithm's best loss is
 * from the best of all, as a share of the distance to the worst algorithm's
 * best (0 for the leader, 1 for the last); a fifth of the time uniformly,
 * so that an algorithm that started badly can still recover. An algorithm
 * all of whose trials failed (two or more) is left out: its failures are
 * usually about the data, not the parameters. Returns undefined when none
 * is left. Deterministic for the generator's state.
 */
export function chooseAlgorithm(records: readonly AlgorithmRecord[], rng: Rng): string | undefined {
  const alive = records.filter((r) => r.succeeded > 0 || r.failed < 2);
  if (alive.length === 0) return undefined;
  const finite = alive.map((r) => r.bestLoss).filter(Number.isFinite);
  const best = Math.min(...finite);
  const spread = Math.max(...finite) - best;
  const weights = alive.map((r) => {
    // An algorithm without a result yet is treated as a leader: it has earned a first look.
    if (!Number.isFinite(r.bestLoss)) return 1;
    return Math.exp((-SHARPNESS * (r.bestLoss - best)) / (spread > 0 ? spread : 1));
  });
  const total = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => (1 - EXPLORATION) * (w / total) + EXPLORATION / alive.length);
  return alive[pickIndex(shares, rng.next())]!.algorithm;
}
