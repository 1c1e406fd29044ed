import type { Artifact, TypedArray } from '../core/artifact.js';
import { declare, type ParamsOf, param } from '../core/declare.js';
import { array, field, storedArtifact } from '../core/stored.js';
import type { Frame } from '../data/frame.js';
import type { Target, Transformer } from '../estimator/contract.js';
import { registerKind } from '../estimator/kinds.js';
import { FittedSelector, featureNames, numericFeatures, storedSupport, supportOf } from './selection.js';

/**
 * Drops the numeric columns whose variance on the training rows is not above
 * `threshold` (the default 0 drops constant columns), as scikit-learn's
 * VarianceThreshold: population variance, missing values left out. With a
 * threshold of 0, a column counts as constant when its range is 0 too, so a
 * constant column whose variance rounds to 1e-33 is still dropped. Needs no target.
 */
const KIND = 'variance-threshold';

export const VARIANCE_THRESHOLD = declare({
  kind: KIND,
  summary: 'drops the numeric columns whose training variance is not above a threshold',
  tasks: ['transform'],
  params: {
    threshold: param.float({
      default: 0,
      min: 0,
      doc: 'keep columns whose variance is above this (0: drop constant columns)',
    }),
  },
});

export type VarianceThresholdParams = ParamsOf<typeof VARIANCE_THRESHOLD.params>;

export function varianceThreshold(
  params: Partial<VarianceThresholdParams> = {},
): Transformer<FittedVarianceThreshold> {
  const p = VARIANCE_THRESHOLD.resolve(params);
  return {
    kind: KIND,
    params: p,
    fit(frame: Frame, y?: Target) {
      const names = featureNames(frame, y);
      const variances = Float64Array.from(numericFeatures(frame, names, KIND), (values) =>
        p.threshold === 0 ? Math.min(variance(values), range(values)) : variance(values),
      );
      const support = supportOf((j) => variances[j]! > p.threshold, names.length, KIND, 'threshold');
      return new FittedVarianceThreshold(p, names, support, variances);
    },
  };
}

/** Population variance of the present values (NaN when none is present), in two passes. */
function variance(values: Float64Array): number {
  let n = 0;
  let sum = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
  }
  const mean = sum / n;
  let squares = 0;
  for (const v of values) if (!Number.isNaN(v)) squares += (v - mean) ** 2;
  return squares / n;
}

function range(values: Float64Array): number {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  return high - low;
}

export class FittedVarianceThreshold extends FittedSelector {
  readonly kind = KIND;

  constructor(
    readonly params: VarianceThresholdParams,
    inputNames: readonly string[],
    support: Uint8Array,
    /** Each input column's variance on the training rows (its range, if smaller, at threshold 0). */
    readonly variances: Float64Array,
  ) {
    super(inputNames, support);
  }

  protected statistics(): { meta: Artifact['meta']; arrays: Record<string, TypedArray> } {
    return { meta: {}, arrays: { variances: this.variances } };
  }
}

function loadVarianceThreshold(artifact: Artifact, source: string): FittedVarianceThreshold {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({ params: field.params(VARIANCE_THRESHOLD), inputNames: field.strings() });
  const p = meta.inputNames.length;
  const { support, variances } = stored.arrays({ support: storedSupport(p), variances: array.f64(p) });
  return new FittedVarianceThreshold(meta.params, meta.inputNames, support, variances);
}

registerKind({
  declaration: VARIANCE_THRESHOLD,
  role: 'transformer',
  build: (spec) => varianceThreshold(VARIANCE_THRESHOLD.resolve(spec.params)),
  load: loadVarianceThreshold,
});
