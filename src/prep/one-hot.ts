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
 * One 0/1 column per category seen in training, named `COLUMN=LEVEL`.
 *
 * - Categories are matched by label, so a frame read from another file (whose
 *   level list differs) encodes the same way.
 * - A missing value seen in training is a category of its own (`COLUMN=(missing)`),
 *   as scikit-learn 1.2 treats NaN.
 * - `minFrequency`: levels seen fewer times (a count ≥ 1, or a share < 1) are
 *   grouped into one `COLUMN=(infrequent)` column, which keeps rare levels
 *   from each getting a column that a model cannot learn from.
 * - `handleUnknown`: a category not seen in training is an error (`error`,
 *   naming the column, the row and the label) or encodes as all zeros
 *   (`ignore`; with grouping, it joins the infrequent column instead).
 */
export const ONE_HOT = declare({
  kind: 'one-hot',
  summary: 'one 0/1 column per category seen in training',
  tasks: ['transform'],
  tags: { reads: ['categorical'] },
  params: {
    handleUnknown: param.choice(['error', 'ignore'], {
      default: 'error',
      doc: 'a category training never saw: an error, or all zeros (ignore)',
    }),
    minFrequency: param.float({
      default: 0,
      min: 0,
      doc: 'group levels seen fewer times than this (a count ≥ 1, or a share of rows < 1) into one column',
    }),
  },
});

export type OneHotParams = ParamsOf<typeof ONE_HOT.params>;

const MISSING = '(missing)';
const INFREQUENT = '(infrequent)';

export function oneHotEncoder(params: Partial<OneHotParams> = {}): Transformer<FittedOneHot> {
  const p = ONE_HOT.resolve(params);
  return {
    kind: 'one-hot',
    params: p,
    fit(frame: Frame) {
      const categories = frame.names.map((name) =>
        categoriesOf(labelsOf(frame, name, 'one-hot'), p.minFrequency),
      );
      return new FittedOneHot(p, frame.names, categories);
    },
  };
}

interface Categories {
  /** The levels that get a column of their own, in output order. */
  readonly kept: readonly string[];
  /** The rare levels grouped into the infrequent column (none: no such column). */
  readonly infrequent: readonly string[];
}

function categoriesOf(labels: readonly (string | null)[], minFrequency: number): Categories {
  const counts = new Map<string, number>();
  for (const label of labels) {
    const key = label ?? MISSING;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const threshold = minFrequency >= 1 ? minFrequency : minFrequency * labels.length;
  const levels = [...counts.keys()].filter((l) => l !== MISSING).sort(compareCodePoints);
  if (counts.has(MISSING)) levels.push(MISSING);
  const kept = levels.filter((level) => counts.get(level)! >= threshold);
  return { kept, infrequent: levels.filter((level) => counts.get(level)! < threshold) };
}

export class FittedOneHot implements FittedTransformer {
  readonly kind = 'one-hot';

  constructor(
    readonly params: OneHotParams,
    readonly inputNames: readonly string[],
    readonly categories: readonly Categories[],
  ) {}

  get outputNames(): readonly string[] {
    return this.inputNames.flatMap((name, j) => {
      const { kept, infrequent } = this.categories[j]!;
      return [...kept, ...(infrequent.length > 0 ? [INFREQUENT] : [])].map((level) => `${name}=${level}`);
    });
  }

  transform(frame: Frame): Frame {
    const columns = this.inputNames.flatMap((name, j) => this.encode(frame, name, this.categories[j]!));
    return new Frame(columns, frame.source);
  }

  private encode(frame: Frame, name: string, { kept, infrequent }: Categories) {
    const labels = labelsOf(frame, name, 'one-hot');
    const grouped = infrequent.length > 0;
    const rare = new Set(infrequent);
    const width = kept.length + (grouped ? 1 : 0);
    const outputs = Array.from({ length: width }, () => new Float64Array(labels.length));
    const index = new Map(kept.map((level, k) => [level, k]));
    labels.forEach((label, row) => {
      const k = index.get(label ?? MISSING);
      if (k !== undefined) outputs[k]![row] = 1;
      else if (rare.has(label ?? MISSING)) outputs[width - 1]![row] = 1;
      else if (this.params.handleUnknown === 'error') throw unknownCategory(frame, name, row, label);
      else if (grouped) outputs[width - 1]![row] = 1;
    });
    const levels = [...kept, ...(grouped ? [INFREQUENT] : [])];
    return outputs.map((values, k) => numberColumn(`${name}=${levels[k]}`, values));
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: {
        params: this.params,
        inputNames: this.inputNames,
        categories: this.categories.map((c) => ({ kept: c.kept, infrequent: c.infrequent })),
      },
      arrays: {},
    };
  }
}

function unknownCategory(frame: Frame, name: string, row: number, label: string | null): SchemaError {
  return new SchemaError(
    'schema.unseen-category',
    `row ${row + 1} has ${label === null ? 'a missing value' : `"${label}"`}, which training never saw`,
    {
      location: { source: frame.source, column: name },
      hint: 'fit on data that includes it, or set handleUnknown to "ignore" (or minFrequency, to group rare and new levels)',
    },
  );
}

function loadOneHot(artifact: Artifact, source: string): FittedOneHot {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    params: field.params(ONE_HOT),
    inputNames: field.strings(),
    categories: field.list(field.object({ kept: field.strings(), infrequent: field.strings() })),
  });
  stored.arrays({});
  stored.length('meta.categories', meta.categories.length, meta.inputNames.length, 'one per input column');
  return new FittedOneHot(meta.params, meta.inputNames, meta.categories);
}

registerKind({
  declaration: ONE_HOT,
  role: 'transformer',
  build: (spec) => oneHotEncoder(ONE_HOT.resolve(spec.params)),
  load: loadOneHot,
});
