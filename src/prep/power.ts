import type { Artifact } from '../core/artifact.js';
import { declare, type ParamsOf, param } from '../core/declare.js';
import { DataError } from '../core/errors.js';
import { array, field, storedArtifact } from '../core/stored.js';
import { Frame } from '../data/frame.js';
import type { FittedTransformer, Transformer } from '../estimator/contract.js';
import { registerKind } from '../estimator/kinds.js';
import { minimizeBounded, minimizeScalar } from '../numeric/brent.js';
import { commonValue, isRoundingNoise, weightedMoments } from '../numeric/moments.js';
import { numberColumn, numericValues } from './columns.js';

/**
 * Makes each numeric column more Gaussian with the Yeo–Johnson power
 * transform (Yeo & Johnson 2000), λ per column by maximum likelihood — found
 * with Brent's method from the bracket (−2, 2), as scikit-learn's
 * PowerTransformer does — then, with `standardize`, zero mean and unit
 * variance. Missing values are ignored when fitting and stay missing.
 *
 * At the edges:
 *
 * - a constant column (or one whose range is rounding noise, `isRoundingNoise`)
 *   has no likelihood to maximise — every λ gives it variance 0 — so it gets
 *   λ = 1, the identity, and standardises to 0s (scikit-learn lands on an
 *   arbitrary λ, such as 4.54, where keel's search used to run off to 130+
 *   and output 1e118);
 * - λ at which the transform of a training value overflows count as
 *   impossible, not as NaN; if the search from (−2, 2) ends at one, λ is
 *   searched again within the range where every training value stays finite;
 * - a value that overflows the fitted transform is a `DataError` naming the
 *   column, the row and the value — never a column of NaN.
 */
export const POWER_TRANSFORMER = declare({
  kind: 'power-transformer',
  summary: 'makes each numeric column more Gaussian with the Yeo–Johnson transform',
  tasks: ['transform'],
  params: {
    method: param.choice(['yeo-johnson'], {
      default: 'yeo-johnson',
      doc: 'the power transform (Yeo–Johnson, which takes any real value)',
    }),
    standardize: param.bool({
      default: true,
      doc: 'then scale the transformed column to mean 0 and standard deviation 1',
    }),
  },
});

export type PowerParams = ParamsOf<typeof POWER_TRANSFORMER.params>;

export function powerTransformer(params: Partial<PowerParams> = {}): Transformer<FittedPower> {
  const p = POWER_TRANSFORMER.resolve(params);
  return {
    kind: 'power-transformer',
    params: p,
    fit(frame: Frame) {
      const names = frame.names;
      const lambdas = new Float64Array(names.length);
      const means = new Float64Array(names.length);
      const scales = new Float64Array(names.length).fill(1);
      names.forEach((name, j) => {
        const values = numericValues(frame, name, 'power-transformer');
        const present = values.filter((v) => !Number.isNaN(v));
        lambdas[j] = fitLambda(present);
        const transformed = yeoJohnson(values, lambdas[j]!);
        checkTransformed(frame, name, values, transformed, lambdas[j]!);
        if (p.standardize) {
          const common = commonValue(transformed);
          const { mean, std } = weightedMoments(transformed);
          means[j] = common ?? mean;
          // scikit-learn's StandardScaler leaves a (near-)constant column unscaled.
          scales[j] =
            common !== undefined || std < 10 * Number.EPSILON * Math.max(1, Math.abs(mean)) ? 1 : std;
        }
      });
      return new FittedPower(p, names, lambdas, means, scales);
    },
  };
}

/** λ by maximum likelihood; 1 for a column without spread (or without values). */
function fitLambda(present: Float64Array): number {
  let [min, max] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const v of present) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (present.length === 0 || isRoundingNoise(max - min, Math.max(Math.abs(min), Math.abs(max)))) return 1;
  const objective = (lambda: number) => negativeLogLikelihood(present, lambda);
  const lambda = minimizeScalar(objective, [-2, 2]);
  if (Number.isFinite(objective(lambda))) return lambda;
  const [low, high] = finiteLambdas(min, max);
  return minimizeBounded(objective, low, high);
}

/**
 * The λ at which ψ(λ, x) stays finite for x in [min, max]: (1 + max)^λ must
 * not overflow (λ > 0), nor (1 − min)^(2 − λ) (λ < 2); a margin of 1% keeps
 * the transformed values' variance finite too. λ = 1 (the identity) is
 * always inside.
 */
function finiteLambdas(min: number, max: number): [number, number] {
  const logLargest = Math.log(Number.MAX_VALUE) * 0.99;
  const high = max > 0 ? Math.max(1, logLargest / Math.log1p(max)) : 1e3;
  const low = min < 0 ? Math.min(1, 2 - logLargest / Math.log1p(-min)) : -1e3;
  return [low, high];
}

/** A value the fitted transform (or its standardising) cannot represent: refused, naming the column, row and value. */
function checkTransformed(
  frame: Frame,
  name: string,
  values: Float64Array,
  transformed: Float64Array,
  lambda: number,
): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(transformed[i]!) || !Number.isFinite(values[i]!)) continue;
    throw new DataError(
      'data.overflow',
      `power-transformer: row ${i + 1} has ${values[i]} in column "${name}", which the Yeo–Johnson transform with λ = ${lambda} takes beyond the largest double`,
      {
        location: { source: frame.source, column: name },
        hint: 'the value lies far outside what the transform was fitted on; check the row, or clip the column to its training range first',
      },
    );
  }
}

/** ψ(λ, x): ((x+1)^λ − 1)/λ for x ≥ 0, −((1−x)^(2−λ) − 1)/(2−λ) below, with the log limits at λ = 0 and 2. */
export function yeoJohnson(values: Float64Array, lambda: number): Float64Array {
  const tiny = Number.EPSILON;
  return Float64Array.from(values, (x) => {
    // λ = 1 is the identity; (x + 1) − 1 would round away the last bits of x.
    if (Number.isNaN(x) || lambda === 1) return x;
    if (x >= 0) return Math.abs(lambda) < tiny ? Math.log1p(x) : ((x + 1) ** lambda - 1) / lambda;
    return Math.abs(lambda - 2) > tiny ? -((1 - x) ** (2 - lambda) - 1) / (2 - lambda) : -Math.log1p(-x);
  });
}

/**
 * −log L(λ) = n/2 · log σ²(ψ(λ, x)) − (λ − 1) Σ sign(x) log(1 + |x|), up to a
 * constant; +∞ where ψ overflows (no such λ can be the answer), and the log
 * of a variance too large for a double taken in units of its magnitude.
 */
function negativeLogLikelihood(x: Float64Array, lambda: number): number {
  const transformed = yeoJohnson(x, lambda);
  if (!transformed.every(Number.isFinite)) return Number.POSITIVE_INFINITY;
  let logVariance: number;
  const { variance } = meanVariance(transformed);
  if (Number.isFinite(variance)) {
    if (variance < Number.MIN_VALUE * 2 ** 52) return Number.POSITIVE_INFINITY; // numpy's finfo.tiny
    logVariance = Math.log(variance);
  } else {
    const scaled = weightedMoments(transformed);
    logVariance = Math.log(scaled.variance) + 2 * Math.log(scaled.unit);
  }
  let jacobian = 0;
  for (const v of x) jacobian += Math.sign(v) * Math.log1p(Math.abs(v));
  return (x.length / 2) * logVariance - (lambda - 1) * jacobian;
}

/** Mean and population variance of values without missing ones, in two passes (as numpy). */
function meanVariance(values: Float64Array): { mean: number; variance: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, variance: squares / values.length };
}

export class FittedPower implements FittedTransformer {
  readonly kind = 'power-transformer';

  constructor(
    readonly params: PowerParams,
    readonly inputNames: readonly string[],
    readonly lambdas: Float64Array,
    readonly means: Float64Array,
    readonly scales: Float64Array,
  ) {}

  get outputNames(): readonly string[] {
    return this.inputNames;
  }

  transform(frame: Frame): Frame {
    const columns = this.inputNames.map((name, j) => {
      const values = numericValues(frame, name, this.kind);
      const out = yeoJohnson(values, this.lambdas[j]!);
      for (let i = 0; i < out.length; i++) out[i] = (out[i]! - this.means[j]!) / this.scales[j]!;
      checkTransformed(frame, name, values, out, this.lambdas[j]!);
      return numberColumn(name, out);
    });
    return new Frame(columns, frame.source);
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: { params: this.params, inputNames: this.inputNames },
      arrays: { lambdas: this.lambdas, means: this.means, scales: this.scales },
    };
  }
}

function loadPower(artifact: Artifact, source: string): FittedPower {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({ params: field.params(POWER_TRANSFORMER), inputNames: field.strings() });
  const p = meta.inputNames.length;
  const { lambdas, means, scales } = stored.arrays({
    lambdas: array.f64(p),
    means: array.f64(p),
    scales: array.f64(p),
  });
  return new FittedPower(meta.params, meta.inputNames, lambdas, means, scales);
}

registerKind({
  declaration: POWER_TRANSFORMER,
  role: 'transformer',
  build: (spec) => powerTransformer(POWER_TRANSFORMER.resolve(spec.params)),
  load: loadPower,
});
