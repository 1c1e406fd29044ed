import type { Artifact } from '../core/artifact.js';
import { withDefaults } from '../core/params.js';
import type { Frame } from '../data/frame.js';
import { Frame as FrameClass } from '../data/frame.js';
import type { FitOptions, Params } from '../estimator/contract.js';
import { registerLoader } from '../estimator/persist.js';
import { quantileSorted } from '../numeric/quantile.js';
import { sortedPresent } from '../profile/stats.js';
import { numberColumn, numericValues } from './columns.js';
import type { FittedTransformer, Transformer } from './transformer.js';

/**
 * Scalers map each numeric column to (x − centre) / scale, with a centre and
 * a scale learned per column; they differ only in which statistics those are:
 *
 * - standard: weighted mean and population standard deviation (ddof = 0),
 * - min-max:  minimum and range (so training values land in [0, 1]),
 * - robust:   median and interquartile range (insensitive to outliers).
 *
 * Missing values are ignored when fitting and stay missing. A constant column
 * gets scale 1 (as scikit-learn does) rather than a division by zero.
 */
type ScalerKind = 'standard-scaler' | 'min-max-scaler' | 'robust-scaler';

export interface StandardScalerParams extends Params {
  readonly withMean: boolean;
  readonly withStd: boolean;
}

export function standardScaler(params: Partial<StandardScalerParams> = {}): Transformer<FittedScaler> {
  const p = withDefaults('standard-scaler', { withMean: true, withStd: true }, params);
  return scaler('standard-scaler', p, (values, weight) => {
    const { mean, variance } = weightedMoments(values, weight);
    return [p.withMean ? mean : 0, p.withStd ? Math.sqrt(variance) : 1];
  });
}

export function minMaxScaler(): Transformer<FittedScaler> {
  return scaler('min-max-scaler', {}, (values) => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return [min, max - min];
  });
}

export function robustScaler(): Transformer<FittedScaler> {
  return scaler('robust-scaler', {}, (values) => {
    const sorted = sortedPresent(values);
    return [quantileSorted(sorted, 0.5), quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25)];
  });
}

type Statistics = (values: Float64Array, weight: Float64Array | undefined) => [centre: number, scale: number];

function scaler(kind: ScalerKind, params: Params, statistics: Statistics): Transformer<FittedScaler> {
  return {
    kind,
    params,
    fit(frame: Frame, _y, options: FitOptions = {}) {
      const names = frame.names;
      const centre = new Float64Array(names.length);
      const scale = new Float64Array(names.length);
      names.forEach((name, j) => {
        const [c, s] = statistics(numericValues(frame, name, kind), options.sampleWeight);
        centre[j] = Number.isFinite(c) ? c : 0;
        scale[j] = Number.isFinite(s) && s > 0 ? s : 1;
      });
      return new FittedScaler(kind, params, names, centre, scale);
    },
  };
}

/** Weighted mean and population variance over the values that are not missing. */
function weightedMoments(
  values: Float64Array,
  weight: Float64Array | undefined,
): { mean: number; variance: number } {
  let total = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) continue;
    const w = weight === undefined ? 1 : weight[i]!;
    total += w;
    sum += w * values[i]!;
  }
  const mean = sum / total;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) continue;
    squares += (weight === undefined ? 1 : weight[i]!) * (values[i]! - mean) ** 2;
  }
  return { mean, variance: squares / total };
}

export class FittedScaler implements FittedTransformer {
  constructor(
    readonly kind: ScalerKind,
    readonly params: Params,
    readonly inputNames: readonly string[],
    readonly centre: Float64Array,
    readonly scale: Float64Array,
  ) {}

  get outputNames(): readonly string[] {
    return this.inputNames;
  }

  transform(frame: Frame): Frame {
    const columns = this.inputNames.map((name, j) => {
      const values = numericValues(frame, name, this.kind);
      const out = new Float64Array(values.length);
      const c = this.centre[j]!;
      const s = this.scale[j]!;
      for (let i = 0; i < values.length; i++) out[i] = (values[i]! - c) / s;
      return numberColumn(name, out);
    });
    return new FrameClass(columns, frame.source);
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: { params: this.params, inputNames: this.inputNames },
      arrays: { centre: this.centre, scale: this.scale },
    };
  }
}

for (const kind of ['standard-scaler', 'min-max-scaler', 'robust-scaler'] as const) {
  registerLoader(kind, 1, (a) => {
    const meta = a.meta as { params: Params; inputNames: string[] };
    return new FittedScaler(
      kind,
      meta.params,
      meta.inputNames,
      a.arrays['centre'] as Float64Array,
      a.arrays['scale'] as Float64Array,
    );
  });
}
