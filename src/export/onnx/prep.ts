import { UsageError } from '../../core/errors.js';
import type { FittedTransformer } from '../../estimator/contract.js';
import { FittedChain } from '../../prep/chain.js';
import { FittedColumnTransformer } from '../../prep/column-transformer.js';
import { FittedImputer } from '../../prep/impute.js';
import { FittedOneHot } from '../../prep/one-hot.js';
import { FittedOrdinal } from '../../prep/ordinal.js';
import { FittedScaler } from '../../prep/scale.js';
import { FittedSelector } from '../../prep/selection.js';
import { attr, type GraphBuilder, ML_DOMAIN } from './graph.js';
import { DataType } from './onnx-proto.js';

/**
 * keel's fitted transformers as graph nodes. A frame column becomes a graph
 * value of shape [N, 1]: numbers as doubles (NaN = missing), categories as
 * strings, where the empty string is a missing value. Numeric steps use
 * ai.onnx arithmetic in double precision (ai.onnx.ml's Imputer and Scaler
 * hold their statistics as 32-bit floats, which would move values by up to
 * 1e-7 of their size); category lookups use ai.onnx.ml's LabelEncoder.
 *
 * A graph cannot raise an error, so an encoder set to refuse unseen
 * categories (handleUnknown 'error') encodes them as keel's lenient mode
 * would: all zeros (one-hot) or NaN (ordinal). keel's own defaults are lenient.
 */
export type GraphColumn =
  | { readonly type: 'number'; readonly value: string }
  | {
      readonly type: 'category';
      readonly value: string;
      /** The label a missing value ('') stands for after a categorical imputer; null while still missing. */
      readonly missingAs: string | null;
    };

/** Columns by name, in frame order. */
export type GraphColumns = ReadonlyMap<string, GraphColumn>;

/** What keel's one-hot encoder calls a missing value seen in training. */
const ONE_HOT_MISSING = '(missing)';

export function transformerToGraph(
  g: GraphBuilder,
  t: FittedTransformer,
  columns: GraphColumns,
): GraphColumns {
  const out = convert(g, t, columns);
  // Every converter must yield the transformer's own output columns, in its order.
  const names = [...out.keys()];
  if (names.length !== t.outputNames.length || names.some((n, j) => n !== t.outputNames[j])) {
    throw new Error(`onnx export: the ${t.kind} converter produced columns unlike the transformer's`);
  }
  return out;
}

function convert(g: GraphBuilder, t: FittedTransformer, columns: GraphColumns): GraphColumns {
  if (t instanceof FittedColumnTransformer) {
    const out = new Map<string, GraphColumn>();
    for (const part of t.parts) {
      for (const [name, column] of transformerToGraph(g, part.fitted, columns)) out.set(name, column);
    }
    for (const name of t.passthrough) out.set(name, read(columns, name, t.kind));
    return out;
  }
  if (t instanceof FittedChain) {
    let current: GraphColumns = new Map(t.inputNames.map((n) => [n, read(columns, n, t.kind)]));
    for (const step of t.steps) current = transformerToGraph(g, step, current);
    return current;
  }
  if (t instanceof FittedSelector) return new Map(t.outputNames.map((n) => [n, read(columns, n, t.kind)]));
  if (t instanceof FittedImputer) return imputer(g, t, columns);
  if (t instanceof FittedScaler) return scaler(g, t, columns);
  if (t instanceof FittedOneHot) return oneHot(g, t, columns);
  if (t instanceof FittedOrdinal) return ordinal(g, t, columns);
  throw new UsageError(
    'export.unsupported-transformer',
    `ONNX export does not support the ${t.kind} transformer`,
    {
      location: { field: t.kind },
      hint: 'ONNX export takes imputers, scalers, one-hot and ordinal encoders and feature selectors; train without this step to export the model',
    },
  );
}

function read(columns: GraphColumns, name: string, kind: string): GraphColumn {
  const column = columns.get(name);
  if (column === undefined)
    throw new Error(`onnx export: ${kind} reads "${name}", which no earlier step made`);
  return column;
}

function readNumber(columns: GraphColumns, name: string, kind: string): string {
  const column = read(columns, name, kind);
  if (column.type === 'number') return column.value;
  throw new UsageError('export.not-numeric', `${kind} needs numbers, and "${name}" is categorical`, {
    location: { column: name },
  });
}

function readCategory(columns: GraphColumns, name: string, kind: string) {
  const column = read(columns, name, kind);
  if (column.type === 'category') return column;
  throw new UsageError(
    'export.not-categorical',
    `${kind} needs a categorical column, and "${name}" is numeric`,
    {
      location: { column: name },
    },
  );
}

/** Missing numbers → the fill (Where + IsNaN); missing categories → a label the encoders read. */
function imputer(g: GraphBuilder, t: FittedImputer, columns: GraphColumns): GraphColumns {
  const out = new Map<string, GraphColumn>();
  t.inputNames.forEach((name, j) => {
    if (t.dropped.includes(name)) return; // no value in training: the imputer leaves it out
    const column = read(columns, name, t.kind);
    const fill = t.fills[j]!;
    if (column.type === 'category') {
      out.set(name, { ...column, missingAs: column.missingAs ?? String(fill) });
    } else if (typeof fill === 'number' && Number.isNaN(fill)) {
      out.set(name, column); // an imputer saved before columns were dropped leaves NaN in place
    } else {
      const missing = g.op('IsNaN', [column.value]);
      out.set(name, {
        type: 'number',
        value: g.op('Where', [missing, g.doubles('fill', [Number(fill)]), column.value]),
      });
    }
  });
  for (const name of t.indicated) {
    out.set(`${name}__missing`, { type: 'number', value: missingIndicator(g, read(columns, name, t.kind)) });
  }
  return out;
}

function missingIndicator(g: GraphBuilder, column: GraphColumn): string {
  if (column.type === 'number')
    return g.op('Cast', [g.op('IsNaN', [column.value])], { to: attr.int(DataType.DOUBLE) });
  // After a categorical imputer nothing is missing any more: the indicator is all zeros.
  return toDouble(g, labelsToFloats(g, column.value, [''], [column.missingAs === null ? 1 : 0], 0));
}

/** (x − centre) / scale, as keel computes it, in double precision. */
function scaler(g: GraphBuilder, t: FittedScaler, columns: GraphColumns): GraphColumns {
  return new Map(
    t.inputNames.map((name, j) => {
      const centred = g.op('Sub', [
        readNumber(columns, name, t.kind),
        g.doubles(`${name}_centre`, [t.centre[j]!]),
      ]);
      const value = g.op('Div', [centred, g.doubles(`${name}_scale`, [t.scale[j]!])]);
      return [name, { type: 'number', value }];
    }),
  );
}

/**
 * Label → output slot (LabelEncoder), then slot == 0 … width − 1 (Equal),
 * split into one 0/1 column per slot. Unknown labels get slot −1 (all zeros),
 * or the infrequent slot when rare levels are grouped, as keel encodes them.
 */
function oneHot(g: GraphBuilder, t: FittedOneHot, columns: GraphColumns): GraphColumns {
  const out = new Map<string, GraphColumn>();
  const names = t.outputNames;
  let at = 0;
  t.inputNames.forEach((name, j) => {
    const column = readCategory(columns, name, t.kind);
    const { kept, infrequent } = t.categories[j]!;
    const grouped = infrequent.length > 0;
    const width = kept.length + (grouped ? 1 : 0);
    const slots = new Map<string, number>(kept.map((level, k) => [level, k]));
    for (const level of infrequent) slots.set(level, width - 1);
    const unknown = grouped ? width - 1 : -1;
    const missingSlot = slots.get(column.missingAs ?? ONE_HOT_MISSING) ?? unknown;
    const keys = [...slots.keys()].filter((k) => k !== ONE_HOT_MISSING && k !== '');
    const slot = g.op(
      'LabelEncoder',
      [column.value],
      {
        keys_strings: attr.strings([...keys, '']),
        values_int64s: attr.ints([...keys.map((k) => slots.get(k)!), missingSlot]),
        default_int64: attr.int(unknown),
      },
      ML_DOMAIN,
    );
    const hits = g.op('Equal', [slot, g.int64s(`${name}_slots`, range(width), [1, width])]);
    const encoded = g.op('Cast', [hits], { to: attr.int(DataType.DOUBLE) });
    const parts = width === 1 ? [encoded] : g.opMany('Split', [encoded], width, { axis: attr.int(1) });
    for (const part of parts) out.set(names[at++]!, { type: 'number', value: part });
  });
  return out;
}

/** Label → its code among the training categories; missing → NaN; unknown → unknownValue (or NaN). */
function ordinal(g: GraphBuilder, t: FittedOrdinal, columns: GraphColumns): GraphColumns {
  return new Map(
    t.inputNames.map((name, j) => {
      const column = readCategory(columns, name, t.kind);
      const categories = t.categories[j]!;
      const unknown = t.params.handleUnknown === 'use_encoded_value' ? t.params.unknownValue : Number.NaN;
      const code = (label: string) => {
        const k = categories.indexOf(label);
        return k < 0 ? unknown : k;
      };
      const keys = categories.filter((c) => c !== '');
      const missing = column.missingAs === null ? Number.NaN : code(column.missingAs);
      const codes = labelsToFloats(g, column.value, [...keys, ''], [...keys.map(code), missing], unknown);
      return [name, { type: 'number', value: toDouble(g, codes) }];
    }),
  );
}

/** A LabelEncoder from strings to 32-bit floats (exact for the small integers and NaN it is used with). */
export function labelsToFloats(
  g: GraphBuilder,
  value: string,
  keys: readonly string[],
  values: readonly number[],
  fallback: number,
): string {
  return g.op(
    'LabelEncoder',
    [value],
    {
      keys_strings: attr.strings(keys),
      values_floats: attr.floats(values),
      default_float: attr.float(fallback),
    },
    ML_DOMAIN,
  );
}

export function toDouble(g: GraphBuilder, value: string): string {
  return g.op('Cast', [value], { to: attr.int(DataType.DOUBLE) });
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, k) => k);
}
