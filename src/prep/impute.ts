import type { Artifact } from '../core/artifact.js';
import { declare, domain, type ParamsOf, param } from '../core/declare.js';
import { UsageError } from '../core/errors.js';
import { type Field, field, storedArtifact } from '../core/stored.js';
import type { Column } from '../data/column.js';
import { Frame } from '../data/frame.js';
import type { FittedTransformer, Transformer } from '../estimator/contract.js';
import { registerKind } from '../estimator/kinds.js';
import { quantileSorted } from '../numeric/quantile.js';
import { sortedPresent } from '../profile/stats.js';

/**
 * Fills missing values with a per-column statistic learned on the training
 * rows: mean or median (numbers), the most frequent value (numbers or
 * categories), or a constant. With `addIndicator`, a 0/1 column
 * `NAME__missing` follows every column that had missing values in training,
 * so a model can still learn from missingness itself (scikit-learn's
 * `add_indicator`).
 *
 * A column with no value at all in training has no mean, median or most
 * frequent value. The imputer leaves it out of its output — as scikit-learn
 * does — and says so in `dropped` and `notes`; its indicator column, if
 * asked for, stays (all 1s in training). Refusing instead would make a
 * cross-validation fail whenever one fold's training rows happen to miss a
 * sparse column entirely, and a column of nothing but NaN would only pass
 * the problem on to the model. The constant strategy fills such a column
 * like any other.
 */
export const IMPUTER = declare({
  kind: 'imputer',
  summary: 'fills missing values with a per-column statistic of the training rows',
  tasks: ['transform'],
  params: {
    strategy: param.choice(['mean', 'median', 'most_frequent', 'constant'], {
      default: 'mean',
      doc: 'the fill: mean or median (numbers), most_frequent (numbers or categories), or constant',
    }),
    /** For `constant`: the number, or for categorical columns the label (added as a level if new). */
    fillValue: param.of<number | string>([domain.float(), domain.text()], {
      default: 0,
      doc: 'the value of the constant strategy: a number, or a label for categorical columns',
    }),
    addIndicator: param.bool({
      default: false,
      doc: 'add a 0/1 NAME__missing column after each column that had missing values in training',
    }),
  },
});

export type ImputerParams = ParamsOf<typeof IMPUTER.params>;

export function simpleImputer(params: Partial<ImputerParams> = {}): Transformer<FittedImputer> {
  const p = IMPUTER.resolve(params);
  return {
    kind: 'imputer',
    params: p,
    fit(frame: Frame) {
      const fills = frame.columns.map((column) => fillFor(column, p, frame.source));
      const indicated = p.addIndicator ? frame.columns.filter(hasMissing).map((c) => c.name) : [];
      const dropped =
        p.strategy === 'constant' ? [] : frame.columns.filter((c) => !hasValue(c)).map((c) => c.name);
      return new FittedImputer(p, frame.names, fills, indicated, dropped);
    },
  };
}

/** What replaces a missing value: a number, or a category label. */
type Fill = number | string;

function fillFor(column: Column, p: ImputerParams, source?: string): Fill {
  if (column.storage === 'string') {
    throw new UsageError(
      'usage.bad-column',
      `the imputer cannot fill ${column.kind} column "${column.name}"`,
      {
        location: { source, column: column.name },
        hint: 'drop it, or route it to a text transformer',
      },
    );
  }
  if (p.strategy === 'constant') return p.fillValue;
  if (column.storage === 'categorical') {
    if (p.strategy !== 'most_frequent') {
      throw new UsageError(
        'usage.bad-param',
        `${p.strategy} imputation needs numbers, and "${column.name}" is categorical`,
        {
          location: { source, column: column.name, field: 'strategy' },
          hint: 'use most_frequent or constant for categorical columns',
        },
      );
    }
    // A column without labels has no most frequent one: it is dropped, and its fill never used.
    return column.levels[mostFrequent(column.codes.filter((c) => c >= 0))] ?? '';
  }
  const present = sortedPresent(column.values);
  if (present.length === 0) return Number.NaN;
  if (p.strategy === 'median') return quantileSorted(present, 0.5);
  if (p.strategy === 'most_frequent') return mostFrequent(present);
  return present.reduce((a, b) => a + b, 0) / present.length;
}

/** The most frequent value; ties go to the smallest, as scikit-learn's SimpleImputer does. */
function mostFrequent(values: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < values.length; i++) counts.set(values[i]!, (counts.get(values[i]!) ?? 0) + 1);
  let best = Number.NaN;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && value < best)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

function hasValue(column: Column): boolean {
  if (column.storage === 'number') return column.values.some((v) => !Number.isNaN(v));
  if (column.storage === 'categorical') return column.codes.some((c) => c >= 0);
  return column.values.some((v) => v !== null);
}

function hasMissing(column: Column): boolean {
  if (column.storage === 'number') return column.values.some(Number.isNaN);
  if (column.storage === 'categorical') return column.codes.some((c) => c < 0);
  return column.values.some((v) => v === null);
}

export class FittedImputer implements FittedTransformer {
  readonly kind = 'imputer';

  constructor(
    readonly params: ImputerParams,
    readonly inputNames: readonly string[],
    readonly fills: readonly Fill[],
    /** Columns that get a missing-indicator column. */
    readonly indicated: readonly string[],
    /** Columns with no value in training, left out of the output (their indicators stay). */
    readonly dropped: readonly string[] = [],
  ) {}

  get outputNames(): readonly string[] {
    return [...this.kept(), ...this.indicated.map(indicatorName)];
  }

  /** What fitting decided that a report should mention: the columns left out, and why. */
  get notes(): readonly string[] {
    return this.dropped.map(
      (name) =>
        `"${name}" had no value in the training rows, so the ${this.params.strategy} imputer leaves it out` +
        (this.indicated.includes(name) ? ' (its missing-value indicator stays).' : '.'),
    );
  }

  transform(frame: Frame): Frame {
    const filled = this.inputNames.flatMap((name, j) =>
      this.dropped.includes(name) ? [] : [fillColumn(frame.column(name), this.fills[j]!)],
    );
    const indicators = this.indicated.map((name) => indicatorColumn(frame.column(name)));
    return new Frame([...filled, ...indicators], frame.source);
  }

  private kept(): readonly string[] {
    return this.dropped.length === 0
      ? this.inputNames
      : this.inputNames.filter((n) => !this.dropped.includes(n));
  }

  /**
   * Layout 1 when no column is dropped — the bytes an imputer has always
   * written — and layout 2, which adds `dropped`, when one is; a keel that
   * reads only layout 1 then says to upgrade rather than fill nothing.
   */
  toArtifact(): Artifact {
    const meta = {
      params: this.params,
      inputNames: this.inputNames,
      fills: this.fills.map(fillToJson),
      indicated: this.indicated,
    };
    if (this.dropped.length === 0) return { kind: this.kind, version: 1, meta, arrays: {} };
    return { kind: this.kind, version: 2, meta: { ...meta, dropped: this.dropped }, arrays: {} };
  }
}

function fillColumn(column: Column, fill: Fill): Column {
  if (column.storage === 'number') {
    const value = typeof fill === 'number' ? fill : Number(fill);
    return { ...column, values: column.values.map((v) => (Number.isNaN(v) ? value : v)) };
  }
  if (column.storage === 'categorical') {
    const label = String(fill);
    let code = column.levels.indexOf(label);
    const levels = code >= 0 ? column.levels : [...column.levels, label];
    if (code < 0) code = levels.length - 1;
    return { ...column, levels, codes: column.codes.map((c) => (c < 0 ? code : c)) };
  }
  return column;
}

function indicatorColumn(column: Column): Column {
  const n = column.storage === 'categorical' ? column.codes.length : column.values.length;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const missing =
      column.storage === 'number'
        ? Number.isNaN(column.values[i])
        : column.storage === 'categorical'
          ? column.codes[i]! < 0
          : column.values[i] === null;
    values[i] = missing ? 1 : 0;
  }
  return { storage: 'number', name: indicatorName(column.name), kind: 'boolean', values };
}

function indicatorName(name: string): string {
  return `${name}__missing`;
}

/** NaN (a column with no value at all in training) is not JSON: store it as null. */
function fillToJson(fill: Fill): number | string | null {
  return typeof fill === 'number' && Number.isNaN(fill) ? null : fill;
}

function loadImputer(artifact: Artifact, source: string): FittedImputer {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    params: field.params(IMPUTER),
    inputNames: field.strings(),
    fills: field.list(storedFill),
    indicated: field.strings(),
    dropped: field.optional(field.strings()),
  });
  stored.arrays({});
  stored.length('meta.fills', meta.fills.length, meta.inputNames.length, 'one per input column');
  const listed = (list: readonly string[], path: string) =>
    list.forEach((name, k) => {
      stored.require(meta.inputNames.includes(name), `${path}[${k}]`, `is "${name}", not an input column`);
    });
  listed(meta.indicated, 'meta.indicated');
  // Layout 1 (before columns were dropped) has no such field; layout 2 always has it.
  stored.require(
    artifact.version >= 2 === (meta.dropped !== undefined),
    'meta.dropped',
    artifact.version >= 2 ? 'is missing' : 'is not stored in layout 1',
  );
  listed(meta.dropped ?? [], 'meta.dropped');
  return new FittedImputer(meta.params, meta.inputNames, meta.fills, meta.indicated, meta.dropped ?? []);
}

/** A stored fill: a number, a label, or null for NaN (a column with no value in training). */
const storedFill: Field<Fill> = field.oneOf<Fill>(
  'a number, a label or null',
  field.number({ finite: false }),
  field.string(),
);

registerKind({
  declaration: IMPUTER,
  role: 'transformer',
  build: (spec) => simpleImputer(IMPUTER.resolve(spec.params)),
  artifactVersion: 2,
  load: loadImputer,
});
