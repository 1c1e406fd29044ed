import { domain, param, type SearchContext } from '../../core/declare.js';
import { UsageError } from '../../core/errors.js';

/**
 * Parameter specs shared by the tree, forest and boosting declarations, and
 * the fit-time reading of maxFeatures.
 *
 * maxFeatures: null (every feature), 'sqrt', 'log2', a fraction in (0, 1]
 * of the features, or a whole count > 1. JavaScript has one number type, so
 * 1 means all features (scikit-learn's 1.0), not one feature.
 */
export type MaxFeatures = number | 'sqrt' | 'log2' | null;

/** What maxFeatures accepts (null, "sqrt", "log2", a share in (0, 1], a count ≥ 2); defaults differ per kind. */
export const MAX_FEATURES_DOMAINS = [
  domain.null(),
  domain.enum('sqrt', 'log2'),
  domain.float({ above: 0, max: 1 }),
  domain.int({ min: 2 }),
];

/** A seed of the generator (core/random.ts reads it as an unsigned 32-bit number). */
export const seedParam = (doc: string) => param.int({ default: 0, min: 0, max: 2 ** 32 - 1, doc });

/** Worker threads: null (one per core) or a count; the fitted model is the same for any number. */
export const threadsParam = (doc: string) => param.intOrNull({ default: null, min: 1, max: 1024, doc });

/** A leaf of more rows than this share of the training rows would starve the trees (AutoML's bound). */
export function leafCap(context: SearchContext, most: number): number {
  return Math.max(2, Math.min(most, Math.floor(context.trainRows / 20)));
}

/** The number of features to try per node, for `cols` features (as scikit-learn rounds). */
export function resolveMaxFeatures(kind: string, maxFeatures: MaxFeatures, cols: number): number {
  if (maxFeatures === null) return cols;
  if (maxFeatures === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(cols)));
  if (maxFeatures === 'log2') return Math.max(1, Math.floor(Math.log2(cols)));
  if (maxFeatures <= 1) return Math.max(1, Math.floor(maxFeatures * cols));
  if (maxFeatures > cols) {
    throw new UsageError(
      'usage.bad-param',
      `${kind}: maxFeatures is ${maxFeatures}, but the data has ${cols} features`,
      { location: { field: 'maxFeatures' }, hint: 'give at most the number of features, or a fraction' },
    );
  }
  return maxFeatures;
}
