import type { Artifact } from '../core/artifact.js';
import { checkNumber, withDefaults } from '../core/params.js';
import { Frame } from '../data/frame.js';
import type { FittedTransformer, Params, Transformer } from '../estimator/contract.js';
import { registerLoader } from '../estimator/persist.js';
import { numberColumn, numericValues } from './columns.js';

/**
 * Products of the numeric columns up to `degree` (scikit-learn's
 * PolynomialFeatures): every multiset of columns of each size in
 * lexicographic order, so the output order is sklearn's; named `a^2`,
 * `a*b`, `a^2*b`. `interactionOnly` keeps products of distinct columns;
 * `includeBias` adds a leading column of ones named `1`.
 */
export interface PolynomialParams extends Params {
  readonly degree: number;
  readonly interactionOnly: boolean;
  readonly includeBias: boolean;
}

export function polynomialFeatures(params: Partial<PolynomialParams> = {}): Transformer<FittedPolynomial> {
  const defaults: PolynomialParams = { degree: 2, interactionOnly: false, includeBias: false };
  const p = withDefaults('polynomial-features', defaults, params);
  checkNumber('polynomial-features', 'degree', p.degree, 1, 10, true);
  return {
    kind: 'polynomial-features',
    params: p,
    fit(frame: Frame) {
      for (const name of frame.names) numericValues(frame, name, 'polynomial-features');
      return new FittedPolynomial(p, frame.names);
    },
  };
}

/** Index multisets of sizes 0 (bias) or 1 … degree, each ascending, in lexicographic order per size. */
function terms(columns: number, p: PolynomialParams): number[][] {
  const out: number[][] = p.includeBias ? [[]] : [];
  const extend = (prefix: number[], from: number, size: number) => {
    if (prefix.length === size) {
      out.push(prefix);
      return;
    }
    for (let j = from; j < columns; j++) extend([...prefix, j], p.interactionOnly ? j + 1 : j, size);
  };
  for (let size = 1; size <= p.degree; size++) extend([], 0, size);
  return out;
}

export class FittedPolynomial implements FittedTransformer {
  readonly kind = 'polynomial-features';
  private readonly products: number[][];

  constructor(
    readonly params: PolynomialParams,
    readonly inputNames: readonly string[],
  ) {
    this.products = terms(inputNames.length, params);
  }

  get outputNames(): readonly string[] {
    return this.products.map((term) => {
      if (term.length === 0) return '1';
      const powers = new Map<number, number>();
      for (const j of term) powers.set(j, (powers.get(j) ?? 0) + 1);
      return [...powers]
        .map(([j, k]) => (k === 1 ? this.inputNames[j]! : `${this.inputNames[j]}^${k}`))
        .join('*');
    });
  }

  transform(frame: Frame): Frame {
    const inputs = this.inputNames.map((name) => numericValues(frame, name, this.kind));
    const names = this.outputNames;
    const columns = this.products.map((term, k) => {
      const out = new Float64Array(frame.rowCount).fill(1);
      for (const j of term) for (let i = 0; i < out.length; i++) out[i]! *= inputs[j]![i]!;
      return numberColumn(names[k]!, out);
    });
    return new Frame(columns, frame.source);
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: { params: this.params, inputNames: this.inputNames },
      arrays: {},
    };
  }
}

registerLoader('polynomial-features', 1, (a) => {
  const meta = a.meta as unknown as { params: PolynomialParams; inputNames: string[] };
  return new FittedPolynomial(meta.params, meta.inputNames);
});
