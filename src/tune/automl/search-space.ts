import type { Param, SearchContext, SearchRange } from '../../core/declare.js';
import { UsageError } from '../../core/errors.js';
import type { Rng } from '../../core/random.js';
import type { Params } from '../../estimator/contract.js';
import { catalogEntries, catalogEntry, isSupervised } from '../../models/catalog.js';

/**
 * Where AutoML looks for hyperparameters: per algorithm, a range for each
 * parameter worth tuning, and fixed values for the rest. The ranges are
 * declared with the parameters (src/models/**): they follow what usually
 * matters (the learning rate and leaf sizes of boosting, the feature share of
 * forests, the penalty of linear models, k of kNN) and stay where fits are
 * affordable; parameters with multiplicative effect (rates, penalties, counts
 * spanning orders of magnitude) are searched on a log scale, so 0.01–0.1 gets
 * as many samples as 0.1–1.
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

/** What the ranges depend on: the task, a fold's training rows, the seed. */
export type SpaceContext = SearchContext;

/**
 * The space of an algorithm comes from the declaration of the kind it fits
 * for the task: each parameter declared with a search range is a dimension,
 * drawn in the declaration's order (or its `searchOrder`); a `seed`
 * parameter takes the search's seed; the declaration's `searchFixed` and a
 * catalog name's kind-choosing parameter (naive Bayes' variant) are fixed.
 */
export function searchableAlgorithms(): readonly string[] {
  return catalogEntries()
    .filter(isSupervised)
    .map((entry) => entry.name);
}

export function searchSpace(algorithm: string, context: SpaceContext): SearchSpace {
  const entry = catalogEntry(algorithm);
  if (!isSupervised(entry) || !entry.tasks.includes(context.task)) {
    const fitting = searchableAlgorithms().filter((name) => catalogEntry(name).tasks.includes(context.task));
    throw new UsageError('automl.algorithm', `AutoML cannot use "${algorithm}" for ${context.task}`, {
      location: { field: 'algorithms' },
      hint: `for ${context.task}, choose from: ${fitting.join(', ')}`,
    });
  }
  const declaration = entry.declarationFor(context.task);
  const dimensions: Record<string, Dimension> = {};
  const defaults: Record<string, Params[string]> = {};
  for (const name of declaration.searchOrder ?? Object.keys(declaration.params)) {
    const param = declaration.params[name]!;
    if (param.search === undefined) continue;
    dimensions[name] = dimensionOf(
      param,
      typeof param.search === 'function' ? param.search(context) : param.search,
    );
    defaults[name] = param.default;
  }
  const fixed: Params = {
    ...('seed' in declaration.params ? { seed: context.seed } : {}),
    ...entry.kindChoice,
    ...declaration.searchFixed?.(context),
  };
  return { algorithm, dimensions, fixed, defaults };
}

/** A declared range on the parameter's own scale: whole numbers where it takes only those. */
function dimensionOf(param: Param, range: SearchRange): Dimension {
  if ('choices' in range) return { type: 'categorical', choices: range.choices as Choice[] };
  const whole = param.domains.some((d) => d.type === 'int') && !param.domains.some((d) => d.type === 'float');
  return { type: whole ? 'int' : 'float', low: range.low, high: range.high, log: range.log ?? false };
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
