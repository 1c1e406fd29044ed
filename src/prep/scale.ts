import type { Artifact } from '../core/artifact.js';
import { type Declaration, declare, type ParamsOf, param } from '../core/declare.js';
import { DataError } from '../core/errors.js';
import { array, elements, field, storedArtifact } from '../core/stored.js';
import type { Frame } from '../data/frame.js';
import { Frame as FrameClass } from '../data/frame.js';
import type { FitOptions, Params } from '../estimator/contract.js';
import { registerKind } from '../estimator/kinds.js';
import { commonValue, isRoundingNoise, type Moments, weightedMoments } from '../numeric/moments.js';
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
 * gets scale 1 (as scikit-learn does) rather than a division by zero, and
 * "constant" is decided from the values, not from a rounded sum:
 *
 * - standard: every value (of weight > 0) equal — the centre is then that
 *   value, so the column scales to 0s — or a variance within the rounding
 *   error of the two-pass algorithm (scikit-learn's `_is_constant_feature`);
 * - min-max and robust: a range (or interquartile range) that is rounding
 *   noise, at most 10 ε of the larger of 1 and the values' magnitude
 *   (`isRoundingNoise`), so noise such as [0, 1e-16, 2e-16] is not
 *   stretched to [0, 0.5, 1].
 *
 * A variance whose sum overflows ([1e300, −1e300, 0]) is computed on the
 * values divided by a power of two, so the scale is the true standard
 * deviation, not 1. A statistic that cannot be represented at all (a range
 * beyond the largest double) and a value that scales beyond it are a
 * `DataError` naming the column and the value.
 */
type ScalerKind = 'standard-scaler' | 'min-max-scaler' | 'robust-scaler';

export const STANDARD_SCALER = declare({
  kind: 'standard-scaler',
  summary: 'scales each numeric column to mean 0 and standard deviation 1',
  tasks: ['transform'],
  params: {
    withMean: param.bool({ default: true, doc: 'subtract the training mean (false: centre at 0)' }),
    withStd: param.bool({
      default: true,
      doc: 'divide by the training standard deviation (false: scale 1)',
    }),
  },
});

export const MIN_MAX_SCALER = declare({
  kind: 'min-max-scaler',
  summary: 'scales each numeric column so its training values span [0, 1]',
  tasks: ['transform'],
  params: {},
});

export const ROBUST_SCALER = declare({
  kind: 'robust-scaler',
  summary: 'centres each numeric column on its median and divides by its interquartile range',
  tasks: ['transform'],
  params: {},
});

export type StandardScalerParams = ParamsOf<typeof STANDARD_SCALER.params>;

export function standardScaler(params: Partial<StandardScalerParams> = {}): Transformer<FittedScaler> {
  const p = STANDARD_SCALER.resolve(params);
  return scaler('standard-scaler', p, (values, weight) => {
    const common = commonValue(values, weight);
    if (common !== undefined) return [p.withMean ? common : 0, 1];
    const m = weightedMoments(values, weight);
    return [p.withMean ? m.mean : 0, p.withStd && !nearConstant(m) ? m.std : 1];
  });
}

/**
 * scikit-learn's test for a variance that rounding alone could have made
 * (Chan, Golub and LeVeque's bound for the two-pass algorithm), on the
 * variance and mean in the units they were summed in.
 */
function nearConstant({ variance, mean, unit, total }: Moments): boolean {
  const eps = Number.EPSILON;
  return variance <= total * eps * variance + (total * (mean / unit) * eps) ** 2;
}

export function minMaxScaler(): Transformer<FittedScaler> {
  return scaler('min-max-scaler', MIN_MAX_SCALER.resolve(), (values) => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return [min, scaleOfRange(max - min, Math.max(Math.abs(min), Math.abs(max)))];
  });
}

export function robustScaler(): Transformer<FittedScaler> {
  return scaler('robust-scaler', ROBUST_SCALER.resolve(), (values) => {
    const sorted = sortedPresent(values);
    const [low, high] = [quantileSorted(sorted, 0.25), quantileSorted(sorted, 0.75)];
    return [quantileSorted(sorted, 0.5), scaleOfRange(high - low, Math.max(Math.abs(low), Math.abs(high)))];
  });
}

/** A range that is rounding noise scales by 1, so the noise stays noise-sized. */
function scaleOfRange(range: number, magnitude: number): number {
  return isRoundingNoise(range, magnitude) ? 1 : range;
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
        const values = numericValues(frame, name, kind);
        const [c, s] = statistics(values, options.sampleWeight);
        if (!(Number.isFinite(c) && Number.isFinite(s)) && values.some(Number.isFinite)) {
          throw statisticOverflow(kind, frame, name, values, Number.isFinite(c) ? s : c);
        }
        centre[j] = Number.isFinite(c) ? c : 0;
        scale[j] = Number.isFinite(s) && s > 0 ? s : 1;
      });
      return new FittedScaler(kind, params, names, centre, scale);
    },
  };
}

/**
 * A column whose centre or scale is not finite though it has finite values:
 * it holds ±Infinity, or its range is beyond the largest double.
 */
function statisticOverflow(
  kind: ScalerKind,
  frame: Frame,
  name: string,
  values: Float64Array,
  statistic: number,
): DataError {
  const location = { source: frame.source, column: name };
  const infinite = values.findIndex((v) => v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY);
  if (infinite >= 0) {
    return new DataError(
      'data.not-finite',
      `${kind}: row ${infinite + 1} of column "${name}" is ${values[infinite]}`,
      {
        location,
        hint: 'replace or drop infinite values before scaling (a missing value is left missing)',
      },
    );
  }
  let [min, max] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return new DataError(
    'data.overflow',
    `${kind}: column "${name}" spans ${min} to ${max}, and a statistic of it (${statistic}) is beyond the largest double`,
    { location, hint: 'divide the column by a power of ten before scaling it' },
  );
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
      for (let i = 0; i < values.length; i++) {
        out[i] = (values[i]! - c) / s;
        // x − c can overflow where (x − c)/s does not: divide first.
        if (!Number.isFinite(out[i]!) && Number.isFinite(values[i]!)) {
          out[i] = values[i]! / s - c / s;
          if (!Number.isFinite(out[i]!)) throw transformOverflow(this.kind, frame, name, i, values[i]!, c, s);
        }
      }
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

function transformOverflow(
  kind: ScalerKind,
  frame: Frame,
  name: string,
  row: number,
  value: number,
  centre: number,
  scale: number,
): DataError {
  return new DataError(
    'data.overflow',
    `${kind}: row ${row + 1} has ${value} in column "${name}", which scales beyond the largest double (centre ${centre}, scale ${scale})`,
    {
      location: { source: frame.source, column: name },
      hint: 'the value lies far outside the training values; check the row, or clip the column to its training range first',
    },
  );
}

const DECLARATIONS: Record<ScalerKind, Declaration> = {
  'standard-scaler': STANDARD_SCALER,
  'min-max-scaler': MIN_MAX_SCALER,
  'robust-scaler': ROBUST_SCALER,
};

/** Fitting gives a finite centre and a finite scale > 0 to every column (scale 1 for a constant one). */
const positive = { test: (v: number) => Number.isFinite(v) && v > 0, rule: 'a finite number > 0' };

function loadScaler(kind: ScalerKind) {
  return (artifact: Artifact, source: string): FittedScaler => {
    const stored = storedArtifact(artifact, source);
    const meta = stored.meta({ params: field.params(DECLARATIONS[kind]), inputNames: field.strings() });
    const p = meta.inputNames.length;
    const { centre, scale } = stored.arrays({
      centre: array.f64(p, elements.finite),
      scale: array.f64(p, positive),
    });
    return new FittedScaler(kind, meta.params, meta.inputNames, centre, scale);
  };
}

registerKind({
  declaration: STANDARD_SCALER,
  role: 'transformer',
  build: (spec) => standardScaler(STANDARD_SCALER.resolve(spec.params)),
  load: loadScaler('standard-scaler'),
});
// The min-max and robust scalers take no parameters: resolving refuses any a spec gives.
registerKind({
  declaration: MIN_MAX_SCALER,
  role: 'transformer',
  build: (spec) => {
    MIN_MAX_SCALER.resolve(spec.params);
    return minMaxScaler();
  },
  load: loadScaler('min-max-scaler'),
});
registerKind({
  declaration: ROBUST_SCALER,
  role: 'transformer',
  build: (spec) => {
    ROBUST_SCALER.resolve(spec.params);
    return robustScaler();
  },
  load: loadScaler('robust-scaler'),
});
