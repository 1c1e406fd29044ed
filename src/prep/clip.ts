import type { Artifact } from '../core/artifact.js';
import { UsageError } from '../core/errors.js';
import { checkNumber, withDefaults } from '../core/params.js';
import { Frame } from '../data/frame.js';
import type { FittedTransformer, Params, Transformer } from '../estimator/contract.js';
import { registerLoader } from '../estimator/persist.js';
import { quantileSorted } from '../numeric/quantile.js';
import { sortedPresent } from '../profile/stats.js';
import { numberColumn, numericValues } from './columns.js';

/**
 * Clips each numeric column to bounds learned on the training rows, so that
 * a few extreme values cannot dominate a linear model or a scaler:
 *
 * - `iqr`: Tukey's fences, [Q1 − factor · IQR, Q3 + factor · IQR];
 * - `quantile`: the `lower` and `upper` quantiles (winsorising).
 *
 * Quantiles are numpy's linear ones; missing values stay missing.
 */
export interface ClipParams extends Params {
  readonly method: 'iqr' | 'quantile';
  readonly factor: number;
  readonly lower: number;
  readonly upper: number;
}

export function outlierClipper(params: Partial<ClipParams> = {}): Transformer<FittedClipper> {
  const defaults: ClipParams = { method: 'iqr', factor: 1.5, lower: 0.01, upper: 0.99 };
  const p = withDefaults('outlier-clipper', defaults, params);
  if (p.method !== 'iqr' && p.method !== 'quantile') {
    throw new UsageError(
      'usage.bad-param',
      `outlier-clipper: method must be "iqr" or "quantile", not "${p.method}"`,
      {
        location: { field: 'method' },
      },
    );
  }
  checkNumber('outlier-clipper', 'factor', p.factor, 0);
  checkNumber('outlier-clipper', 'lower', p.lower, 0, 1);
  checkNumber('outlier-clipper', 'upper', p.upper, p.lower, 1);
  return {
    kind: 'outlier-clipper',
    params: p,
    fit(frame: Frame) {
      const lows = new Float64Array(frame.columnCount);
      const highs = new Float64Array(frame.columnCount);
      frame.names.forEach((name, j) => {
        const sorted = sortedPresent(numericValues(frame, name, 'outlier-clipper'));
        if (p.method === 'quantile') {
          lows[j] = quantileSorted(sorted, p.lower);
          highs[j] = quantileSorted(sorted, p.upper);
        } else {
          const q1 = quantileSorted(sorted, 0.25);
          const q3 = quantileSorted(sorted, 0.75);
          lows[j] = q1 - p.factor * (q3 - q1);
          highs[j] = q3 + p.factor * (q3 - q1);
        }
      });
      return new FittedClipper(p, frame.names, lows, highs);
    },
  };
}

export class FittedClipper implements FittedTransformer {
  readonly kind = 'outlier-clipper';

  constructor(
    readonly params: ClipParams,
    readonly inputNames: readonly string[],
    readonly lows: Float64Array,
    readonly highs: Float64Array,
  ) {}

  get outputNames(): readonly string[] {
    return this.inputNames;
  }

  transform(frame: Frame): Frame {
    const columns = this.inputNames.map((name, j) => {
      const low = this.lows[j]!;
      const high = this.highs[j]!;
      const values = numericValues(frame, name, this.kind);
      return numberColumn(
        name,
        Float64Array.from(values, (v) => Math.min(high, Math.max(low, v))),
      );
    });
    return new Frame(columns, frame.source);
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: { params: this.params, inputNames: this.inputNames },
      arrays: { lows: this.lows, highs: this.highs },
    };
  }
}

registerLoader('outlier-clipper', 1, (a) => {
  const meta = a.meta as unknown as { params: ClipParams; inputNames: string[] };
  return new FittedClipper(
    meta.params,
    meta.inputNames,
    a.arrays['lows'] as Float64Array,
    a.arrays['highs'] as Float64Array,
  );
});
