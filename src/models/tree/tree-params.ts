import { UsageError } from '../../core/errors.js';
import { checkNumber } from '../../core/params.js';

/**
 * Parameters shared by trees and forests, checked the same way everywhere.
 *
 * maxFeatures: null (every feature), 'sqrt', 'log2', a fraction in (0, 1]
 * of the features, or a whole count > 1. JavaScript has one number type, so
 * 1 means all features (scikit-learn's 1.0), not one feature.
 */
export type MaxFeatures = number | 'sqrt' | 'log2' | null;

export function checkTreeParams(
  kind: string,
  params: {
    readonly maxDepth: number | null;
    readonly minSamplesSplit?: number;
    readonly minSamplesLeaf: number;
    readonly maxFeatures: MaxFeatures;
    readonly seed: number;
  },
): void {
  if (params.maxDepth !== null) checkNumber(kind, 'maxDepth', params.maxDepth, 1, Infinity, true);
  if (params.minSamplesSplit !== undefined)
    checkNumber(kind, 'minSamplesSplit', params.minSamplesSplit, 2, Infinity, true);
  checkNumber(kind, 'minSamplesLeaf', params.minSamplesLeaf, 1, Infinity, true);
  checkNumber(kind, 'seed', params.seed, 0, 2 ** 32 - 1, true);
  const m = params.maxFeatures;
  if (m === null || m === 'sqrt' || m === 'log2') return;
  if (typeof m === 'number' && ((m > 0 && m <= 1) || (m > 1 && Number.isInteger(m)))) return;
  throw new UsageError(
    'usage.bad-param',
    `${kind}: maxFeatures must be null, "sqrt", "log2", a fraction in (0, 1] or a whole count, not ${JSON.stringify(m)}`,
    { location: { field: 'maxFeatures' } },
  );
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
