import type { Artifact } from '../core/artifact.js';
import { declare, type ParamsOf, param } from '../core/declare.js';
import { UsageError } from '../core/errors.js';
import { Rng } from '../core/random.js';
import { type ArraySpec, array, elements, field, storedArtifact } from '../core/stored.js';
import { Frame } from '../data/frame.js';
import type { FitOptions, FittedTransformer, Transformer } from '../estimator/contract.js';
import { registerKind } from '../estimator/kinds.js';
import { normalQuantile } from '../numeric/normal.js';
import { quantileSorted } from '../numeric/quantile.js';
import { sortedPresent, upperBound } from '../profile/stats.js';
import { numberColumn, numericValues } from './columns.js';

/**
 * Maps each numeric column through its own empirical distribution function
 * (scikit-learn's QuantileTransformer): `quantiles` evenly spaced quantiles
 * of the training values (at most one per row, from at most `subsample` rows
 * drawn with `seed`), then linear interpolation into [0, 1] — or, with
 * `output: 'normal'`, on through Φ⁻¹ to a standard normal. Missing values
 * stay missing; values beyond the training range land on the ends.
 */
export const QUANTILE_TRANSFORMER = declare({
  kind: 'quantile-transformer',
  summary: 'maps each numeric column through its training distribution to uniform or normal values',
  tasks: ['transform'],
  params: {
    quantiles: param.int({
      default: 1000,
      min: 1,
      doc: 'evenly spaced quantiles kept per column (at most one per training row)',
    }),
    output: param.choice(['uniform', 'normal'], {
      default: 'uniform',
      doc: 'the distribution of the output: uniform on [0, 1], or standard normal',
    }),
    subsample: param.int({
      default: 100_000,
      min: 1,
      doc: 'most training rows the quantiles are taken from (a sample drawn with seed)',
    }),
    seed: param.int({ default: 0, doc: 'seed of the row sample' }),
  },
  check(p) {
    if (p.subsample < p.quantiles) {
      throw new UsageError(
        'usage.bad-param',
        `quantile-transformer: subsample must be at least quantiles (${p.quantiles}), not ${p.subsample}`,
        { location: { field: 'subsample' } },
      );
    }
  },
});

export type QuantileParams = ParamsOf<typeof QUANTILE_TRANSFORMER.params>;

/** scikit-learn's margin, for normal output, for "at the edge of the training range" and for clipping Φ⁻¹. */
const BOUNDS_THRESHOLD = 1e-7;
const CLIP_MIN = normalQuantile(BOUNDS_THRESHOLD - Number.EPSILON);
const CLIP_MAX = normalQuantile(1 - (BOUNDS_THRESHOLD - Number.EPSILON));

export function quantileTransformer(params: Partial<QuantileParams> = {}): Transformer<FittedQuantile> {
  const p = QUANTILE_TRANSFORMER.resolve(params);
  return {
    kind: 'quantile-transformer',
    params: p,
    fit(frame: Frame, _y, options: FitOptions = {}) {
      const count = Math.max(1, Math.min(p.quantiles, frame.rowCount));
      const references = linspace(count);
      const sample =
        frame.rowCount > p.subsample
          ? sampleRows(frame.rowCount, p.subsample, options.rng ?? new Rng(p.seed))
          : undefined;
      const quantiles = frame.names.map((name) => {
        const values = numericValues(frame, name, 'quantile-transformer');
        const sorted = sortedPresent(
          sample === undefined ? values : Float64Array.from(sample, (r) => values[r]!),
        );
        // scikit-learn asks numpy for percentiles (r · 100, divided back by 100): the same
        // rounding keeps quantiles that should equal a data value from landing a hair off it.
        const q = Float64Array.from(references, (r) => quantileSorted(sorted, (r * 100) / 100));
        // Rounding can make neighbouring quantiles decrease; scikit-learn forces them monotone.
        for (let k = 1; k < q.length; k++) if (q[k]! < q[k - 1]!) q[k] = q[k - 1]!;
        return q;
      });
      return new FittedQuantile(p, frame.names, references, quantiles);
    },
  };
}

/** numpy's linspace(0, 1, n): k · step, with the last point exactly 1. */
function linspace(n: number): Float64Array {
  if (n === 1) return Float64Array.of(0);
  const step = 1 / (n - 1);
  const out = Float64Array.from({ length: n }, (_, k) => k * step);
  out[n - 1] = 1;
  return out;
}

function sampleRows(n: number, size: number, rng: Rng): Int32Array {
  return rng.permutation(n).slice(0, size);
}

/** numpy's interp: piecewise linear through (xp, fp), constant beyond the ends; xp ascending. */
function interp(x: number, xp: Float64Array, fp: Float64Array): number {
  const last = xp.length - 1;
  if (x === xp[last]) return fp[last]!;
  const j = upperBound(xp, x) - 1;
  if (j < 0) return fp[0]!;
  if (j >= last) return fp[last]!;
  if (xp[j] === x) return fp[j]!;
  const slope = (fp[j + 1]! - fp[j]!) / (xp[j + 1]! - xp[j]!);
  return slope * (x - xp[j]!) + fp[j]!;
}

const negatedReversed = (a: Float64Array) => Float64Array.from(a, (_, k) => -a[a.length - 1 - k]!);

export class FittedQuantile implements FittedTransformer {
  readonly kind = 'quantile-transformer';

  constructor(
    readonly params: QuantileParams,
    readonly inputNames: readonly string[],
    readonly references: Float64Array,
    readonly quantiles: readonly Float64Array[],
  ) {}

  get outputNames(): readonly string[] {
    return this.inputNames;
  }

  transform(frame: Frame): Frame {
    const columns = this.inputNames.map((name, j) =>
      numberColumn(name, this.mapColumn(numericValues(frame, name, this.kind), this.quantiles[j]!)),
    );
    return new Frame(columns, frame.source);
  }

  /**
   * With repeated quantiles (ties in the data) interpolating from the left and
   * from the right disagree; scikit-learn averages the two, so a tied value
   * maps to the middle of its run of references.
   */
  private mapColumn(values: Float64Array, q: Float64Array): Float64Array {
    const refs = this.references;
    const qBack = negatedReversed(q);
    const refsBack = negatedReversed(refs);
    const low = q[0]!;
    const high = q[q.length - 1]!;
    const normal = this.params.output === 'normal';
    return Float64Array.from(values, (x) => {
      if (Number.isNaN(x)) return x;
      let u = 0.5 * (interp(x, q, refs) - interp(-x, qBack, refsBack));
      if (!normal) {
        // Uniform output: only the ends themselves snap to 0 and 1, as scikit-learn; a
        // 1e-7 margin would flatten a column whose whole range is below it ([0, 1e-8, 2e-8]).
        if (x === high) u = 1;
        if (x === low) u = 0;
        return u;
      }
      if (x + BOUNDS_THRESHOLD > high) u = 1;
      if (x - BOUNDS_THRESHOLD < low) u = 0;
      return Math.min(CLIP_MAX, Math.max(CLIP_MIN, normalQuantile(u)));
    });
  }

  toArtifact(): Artifact {
    const arrays: Record<string, Float64Array> = { references: this.references };
    this.quantiles.forEach((q, j) => {
      arrays[`quantiles${j}`] = q;
    });
    return {
      kind: this.kind,
      version: 1,
      meta: { params: this.params, inputNames: this.inputNames },
      arrays,
    };
  }
}

function loadQuantile(artifact: Artifact, source: string): FittedQuantile {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({ params: field.params(QUANTILE_TRANSFORMER), inputNames: field.strings() });
  const names = meta.inputNames.map((_, j) => `quantiles${j}`);
  const specs: Record<string, ArraySpec<Float64Array>> = {
    references: array.f64(undefined, elements.between(0, 1)),
  };
  for (const name of names) specs[name] = array.f64();
  const arrays = stored.arrays(specs);
  const references = arrays['references']!;
  const most = meta.params.quantiles;
  stored.require(
    references.length >= 1 && references.length <= most,
    'arrays.references',
    `has ${references.length} values, expected 1 to ${most} (the quantiles parameter)`,
  );
  stored.require(
    references.every((r, k) => k === 0 || r > references[k - 1]!),
    'arrays.references',
    'must ascend',
  );
  // Every column's quantiles sit at the same references.
  for (const name of names) {
    stored.length(`arrays.${name}`, arrays[name]!.length, references.length, 'one per reference');
  }
  const quantiles = names.map((name) => arrays[name]!);
  return new FittedQuantile(meta.params, meta.inputNames, references, quantiles);
}

registerKind({
  declaration: QUANTILE_TRANSFORMER,
  role: 'transformer',
  build: (spec) => quantileTransformer(QUANTILE_TRANSFORMER.resolve(spec.params)),
  load: loadQuantile,
});
