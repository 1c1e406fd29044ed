import type { Artifact } from '../core/artifact.js';
import { declare, type ParamsOf, param } from '../core/declare.js';
import { UsageError } from '../core/errors.js';
import { array, field, storedArtifact } from '../core/stored.js';
import { Frame } from '../data/frame.js';
import type { FittedTransformer, Transformer } from '../estimator/contract.js';
import { registerKind } from '../estimator/kinds.js';
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
export const OUTLIER_CLIPPER = declare({
  kind: 'outlier-clipper',
  summary: 'clips each numeric column to bounds learned on the training rows',
  tasks: ['transform'],
  params: {
    method: param.choice(['iqr', 'quantile'], {
      default: 'iqr',
      doc: "the bounds: Tukey's fences (iqr) or the lower and upper quantiles",
    }),
    factor: param.float({
      default: 1.5,
      min: 0,
      doc: 'iqr: the fences lie this many interquartile ranges beyond the quartiles',
    }),
    lower: param.float({ default: 0.01, min: 0, max: 1, doc: 'quantile: the quantile of the lower bound' }),
    upper: param.float({ default: 0.99, min: 0, max: 1, doc: 'quantile: the quantile of the upper bound' }),
  },
  check(p) {
    if (p.upper < p.lower) {
      throw new UsageError(
        'usage.bad-param',
        `outlier-clipper: upper must be at least lower (${p.lower}), not ${p.upper}`,
        { location: { field: 'upper' } },
      );
    }
  },
});

export type ClipParams = ParamsOf<typeof OUTLIER_CLIPPER.params>;

export function outlierClipper(params: Partial<ClipParams> = {}): Transformer<FittedClipper> {
  const p = OUTLIER_CLIPPER.resolve(params);
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

function loadClipper(artifact: Artifact, source: string): FittedClipper {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({ params: field.params(OUTLIER_CLIPPER), inputNames: field.strings() });
  const p = meta.inputNames.length;
  const { lows, highs } = stored.arrays({ lows: array.f64(p), highs: array.f64(p) });
  return new FittedClipper(meta.params, meta.inputNames, lows, highs);
}

registerKind({
  declaration: OUTLIER_CLIPPER,
  role: 'transformer',
  build: (spec) => outlierClipper(OUTLIER_CLIPPER.resolve(spec.params)),
  load: loadClipper,
});
