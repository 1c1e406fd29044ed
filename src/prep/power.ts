import type { Artifact } from '../core/artifact.js';
import { declare, type ParamsOf, param } from '../core/declare.js';
import { array, field, storedArtifact } from '../core/stored.js';
import { Frame } from '../data/frame.js';
import type { FittedTransformer, Transformer } from '../estimator/contract.js';
import { registerKind } from '../estimator/kinds.js';
import { minimizeScalar } from '../numeric/brent.js';
import { numberColumn, numericValues } from './columns.js';

/**
 * Makes each numeric column more Gaussian with the Yeo–Johnson power
 * transform (Yeo & Johnson 2000), λ per column by maximum likelihood — found
 * with Brent's method from the bracket (−2, 2), as scikit-learn's
 * PowerTransformer does — then, with `standardize`, zero mean and unit
 * variance. Missing values are ignored when fitting and stay missing.
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
        const present = numericValues(frame, name, 'power-transformer').filter((v) => !Number.isNaN(v));
        lambdas[j] = minimizeScalar((lambda) => negativeLogLikelihood(present, lambda), [-2, 2]);
        if (p.standardize) {
          const { mean, variance } = meanVariance(yeoJohnson(present, lambdas[j]!));
          means[j] = mean;
          // scikit-learn's StandardScaler leaves a (near-)constant column unscaled.
          scales[j] =
            Math.sqrt(variance) < 10 * Number.EPSILON * Math.max(1, Math.abs(mean)) ? 1 : Math.sqrt(variance);
        }
      });
      return new FittedPower(p, names, lambdas, means, scales);
    },
  };
}

/** ψ(λ, x): ((x+1)^λ − 1)/λ for x ≥ 0, −((1−x)^(2−λ) − 1)/(2−λ) below, with the log limits at λ = 0 and 2. */
export function yeoJohnson(values: Float64Array, lambda: number): Float64Array {
  const tiny = Number.EPSILON;
  return Float64Array.from(values, (x) => {
    if (Number.isNaN(x)) return x;
    if (x >= 0) return Math.abs(lambda) < tiny ? Math.log1p(x) : ((x + 1) ** lambda - 1) / lambda;
    return Math.abs(lambda - 2) > tiny ? -((1 - x) ** (2 - lambda) - 1) / (2 - lambda) : -Math.log1p(-x);
  });
}

/** −log L(λ) = n/2 · log σ²(ψ(λ, x)) − (λ − 1) Σ sign(x) log(1 + |x|), up to a constant. */
function negativeLogLikelihood(x: Float64Array, lambda: number): number {
  const { variance } = meanVariance(yeoJohnson(x, lambda));
  if (variance < Number.MIN_VALUE * 2 ** 52) return Number.POSITIVE_INFINITY; // numpy's finfo.tiny
  let jacobian = 0;
  for (const v of x) jacobian += Math.sign(v) * Math.log1p(Math.abs(v));
  return (x.length / 2) * Math.log(variance) - (lambda - 1) * jacobian;
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
      const out = yeoJohnson(numericValues(frame, name, this.kind), this.lambdas[j]!);
      for (let i = 0; i < out.length; i++) out[i] = (out[i]! - this.means[j]!) / this.scales[j]!;
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
