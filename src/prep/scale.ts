import type { Artifact } from '../core/artifact.js';
import { type Declaration, declare, type ParamsOf, param } from '../core/declare.js';
import { array, elements, field, storedArtifact } from '../core/stored.js';
import type { Frame } from '../data/frame.js';
import { Frame as FrameClass } from '../data/frame.js';
import type { FitOptions, Params } from '../estimator/contract.js';
import { registerKind } from '../estimator/kinds.js';
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
    const { mean, variance } = weightedMoments(values, weight);
    return [p.withMean ? mean : 0, p.withStd ? Math.sqrt(variance) : 1];
  });
}

export function minMaxScaler(): Transformer<FittedScaler> {
  return scaler('min-max-scaler', MIN_MAX_SCALER.resolve(), (values) => {
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
  return scaler('robust-scaler', ROBUST_SCALER.resolve(), (values) => {
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
