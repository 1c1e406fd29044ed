import type { Artifact } from '../core/artifact.js';
import { declare, type ParamsOf, param } from '../core/declare.js';
import { SchemaError } from '../core/errors.js';
import { field, storedArtifact } from '../core/stored.js';
import { compareCodePoints } from '../data/code-point-order.js';
import { Frame } from '../data/frame.js';
import type { FittedTransformer, Transformer } from '../estimator/contract.js';
import { registerKind } from '../estimator/kinds.js';
import { labelsOf, numberColumn } from './columns.js';

/**
 * Each category becomes its rank among the training categories, sorted by
 * label (scikit-learn's OrdinalEncoder): 0 … k − 1, with NaN for a missing
 * value. Tree models can split these codes; linear models should prefer a
 * one-hot or target encoding, as the order means nothing to them.
 *
 * `handleUnknown`: a category not seen in training is an error naming the
 * column and row (`error`), or encodes as `unknownValue` (`use_encoded_value`).
 */
export const ORDINAL = declare({
  kind: 'ordinal',
  summary: 'each category becomes its rank among the training categories',
  tasks: ['transform'],
  tags: { reads: ['categorical'] },
  params: {
    handleUnknown: param.choice(['error', 'use_encoded_value'], {
      default: 'error',
      doc: 'a category training never saw: an error, or unknownValue (use_encoded_value)',
    }),
    unknownValue: param.float({
      default: -1,
      doc: 'the code of a category training never saw, with use_encoded_value',
    }),
  },
});

export type OrdinalParams = ParamsOf<typeof ORDINAL.params>;

export function ordinalEncoder(params: Partial<OrdinalParams> = {}): Transformer<FittedOrdinal> {
  const p = ORDINAL.resolve(params);
  return {
    kind: 'ordinal',
    params: p,
    fit(frame: Frame) {
      const categories = frame.names.map((name) => {
        const present = labelsOf(frame, name, 'ordinal').filter((l): l is string => l !== null);
        return [...new Set(present)].sort(compareCodePoints);
      });
      return new FittedOrdinal(p, frame.names, categories);
    },
  };
}

export class FittedOrdinal implements FittedTransformer {
  readonly kind = 'ordinal';

  constructor(
    readonly params: OrdinalParams,
    readonly inputNames: readonly string[],
    /** Per column, the training categories in code order. */
    readonly categories: readonly (readonly string[])[],
  ) {}

  get outputNames(): readonly string[] {
    return this.inputNames;
  }

  transform(frame: Frame): Frame {
    const columns = this.inputNames.map((name, j) => {
      const index = new Map(this.categories[j]!.map((label, code) => [label, code]));
      const labels = labelsOf(frame, name, 'ordinal');
      const out = new Float64Array(labels.length);
      labels.forEach((label, row) => {
        if (label === null) out[row] = Number.NaN;
        else {
          const code = index.get(label);
          if (code !== undefined) out[row] = code;
          else if (this.params.handleUnknown === 'use_encoded_value') out[row] = this.params.unknownValue;
          else throw unseenCategory(frame, name, row, label);
        }
      });
      return numberColumn(name, out);
    });
    return new Frame(columns, frame.source);
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: { params: this.params, inputNames: this.inputNames, categories: this.categories },
      arrays: {},
    };
  }
}

function unseenCategory(frame: Frame, name: string, row: number, label: string): SchemaError {
  return new SchemaError(
    'schema.unseen-category',
    `row ${row + 1} has "${label}", which training never saw`,
    {
      location: { source: frame.source, column: name },
      hint: 'fit on data that includes it, or set handleUnknown to "use_encoded_value"',
    },
  );
}

function loadOrdinal(artifact: Artifact, source: string): FittedOrdinal {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    params: field.params(ORDINAL),
    inputNames: field.strings(),
    categories: field.list(field.strings()),
  });
  stored.arrays({});
  stored.length('meta.categories', meta.categories.length, meta.inputNames.length, 'one per input column');
  return new FittedOrdinal(meta.params, meta.inputNames, meta.categories);
}

registerKind({
  declaration: ORDINAL,
  role: 'transformer',
  build: (spec) => ordinalEncoder(ORDINAL.resolve(spec.params)),
  load: loadOrdinal,
});
