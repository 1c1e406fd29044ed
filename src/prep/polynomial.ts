import type { Artifact } from '../core/artifact.js';
import { declare, type ParamsOf, param } from '../core/declare.js';
import { field, storedArtifact } from '../core/stored.js';
import { Frame } from '../data/frame.js';
import type { FittedTransformer, Transformer } from '../estimator/contract.js';
import { registerKind } from '../estimator/kinds.js';
import { numberColumn, numericValues } from './columns.js';

/**
 * Products of the numeric columns up to `degree` (scikit-learn's
 * PolynomialFeatures): every multiset of columns of each size in
 * lexicographic order, so the output order is sklearn's; named `a^2`,
 * `a*b`, `a^2*b`. `interactionOnly` keeps products of distinct columns;
 * `includeBias` adds a leading column of ones named `1`.
 */
export const POLYNOMIAL_FEATURES = declare({
  kind: 'polynomial-features',
  summary: 'products of the numeric columns up to a degree',
  tasks: ['transform'],
  params: {
    degree: param.int({ default: 2, min: 1, max: 10, doc: 'the largest number of factors in a product' }),
    interactionOnly: param.bool({
      default: false,
      doc: 'only products of distinct columns (no squares or higher powers)',
    }),
    includeBias: param.bool({ default: false, doc: 'add a leading column of ones, named 1' }),
  },
});

export type PolynomialParams = ParamsOf<typeof POLYNOMIAL_FEATURES.params>;

export function polynomialFeatures(params: Partial<PolynomialParams> = {}): Transformer<FittedPolynomial> {
  const p = POLYNOMIAL_FEATURES.resolve(params);
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

/** More output columns than any frame keel can hold. */
const MAX_STORED_TERMS = 2 ** 24;

/** How many products `terms` lists: multisets (or, interaction only, sets) of 1 … degree of n columns. */
function termCount(n: number, p: PolynomialParams): number {
  let total = p.includeBias ? 1 : 0;
  let ofSize = 1;
  for (let size = 1; size <= p.degree; size++) {
    // C(n + size − 1, size) multisets, or C(n, size) sets, from the count of one size smaller.
    ofSize = p.interactionOnly ? (ofSize * (n - size + 1)) / size : (ofSize * (n + size - 1)) / size;
    total += ofSize;
  }
  return Math.round(total);
}

function loadPolynomial(artifact: Artifact, source: string): FittedPolynomial {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({ params: field.params(POLYNOMIAL_FEATURES), inputNames: field.strings() });
  stored.arrays({});
  // The products are listed when the model is made: a crafted header must not ask for billions.
  const count = termCount(meta.inputNames.length, meta.params);
  stored.require(
    count <= MAX_STORED_TERMS,
    'meta.inputNames',
    `has ${meta.inputNames.length} columns, whose products at degree ${meta.params.degree} would be ${count} columns`,
  );
  return new FittedPolynomial(meta.params, meta.inputNames);
}

registerKind({
  declaration: POLYNOMIAL_FEATURES,
  role: 'transformer',
  build: (spec) => polynomialFeatures(POLYNOMIAL_FEATURES.resolve(spec.params)),
  load: loadPolynomial,
});
