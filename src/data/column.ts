/**
 * A column stores its values in the layout the algorithms loop over:
 * numbers in a Float64Array (NaN = missing), categories as Int32Array codes
 * into `levels` (-1 = missing), free text and string IDs as strings (null = missing).
 *
 * `kind` says what the values mean; `storage` says how they are held.
 */

/** What a column's values mean, as inferred from the data or set by the user. */
export type ColumnKind =
  | 'numeric' // real numbers
  | 'integer' // whole numbers (still stored as doubles)
  | 'boolean' // 0/1
  | 'datetime' // epoch milliseconds, UTC
  | 'categorical' // a small set of labels
  | 'text' // free text (many distinct values, words)
  | 'id'; // one value per row, no predictive meaning (a key)

export const COLUMN_KINDS: readonly ColumnKind[] = [
  'numeric',
  'integer',
  'boolean',
  'datetime',
  'categorical',
  'text',
  'id',
];

export interface NumberColumn {
  readonly storage: 'number';
  readonly name: string;
  readonly kind: 'numeric' | 'integer' | 'boolean' | 'datetime' | 'id';
  readonly values: Float64Array;
  /**
   * A boolean column read from words: how its false (0) and true (1) were
   * written (the commonest spelling of each). A model uses 0/1; a target
   * keeps the words as its class labels (`yes`/`no`, not `1`/`0`).
   */
  readonly words?: BooleanWords;
}

export interface BooleanWords {
  readonly false?: string;
  readonly true?: string;
}

export interface CategoricalColumn {
  readonly storage: 'categorical';
  readonly name: string;
  readonly kind: 'categorical';
  readonly codes: Int32Array;
  readonly levels: readonly string[];
}

export interface StringColumn {
  readonly storage: 'string';
  readonly name: string;
  readonly kind: 'text' | 'id';
  readonly values: readonly (string | null)[];
}

export type Column = NumberColumn | CategoricalColumn | StringColumn;

export function columnLength(column: Column): number {
  return column.storage === 'categorical' ? column.codes.length : column.values.length;
}

export function isMissing(column: Column, row: number): boolean {
  switch (column.storage) {
    case 'number':
      return Number.isNaN(column.values[row]);
    case 'categorical':
      return column.codes[row]! < 0;
    case 'string':
      return column.values[row] === null;
  }
}

export function countMissing(column: Column): number {
  let missing = 0;
  const n = columnLength(column);
  for (let i = 0; i < n; i++) if (isMissing(column, i)) missing++;
  return missing;
}

/** The value at `row` as a plain JS value (for printing, CSV, JSON); null when missing. */
export function valueAt(column: Column, row: number): number | string | null {
  switch (column.storage) {
    case 'number': {
      const v = column.values[row]!;
      return Number.isNaN(v) ? null : v;
    }
    case 'categorical': {
      const code = column.codes[row]!;
      return code < 0 ? null : column.levels[code]!;
    }
    case 'string':
      return column.values[row] ?? null;
  }
}

/** Every value as a plain JS value (`valueAt` row by row): for JSON, validation, printing. */
export function plainValues(column: Column): (number | string | null)[] {
  return Array.from({ length: columnLength(column) }, (_, i) => valueAt(column, i));
}

/**
 * How a number of this column reads as a class label: a boolean read from
 * words by its word (`yes`, not `1`), any other number as printed.
 */
export function numberLabel(column: NumberColumn): (value: number) => string {
  const words = column.kind === 'boolean' ? column.words : undefined;
  if (words === undefined) return String;
  return (value) => (value === 0 ? words.false : value === 1 ? words.true : undefined) ?? String(value);
}

/** Every value as a class label (null when missing): categories, words and numbers as a target names them. */
export function labelValues(column: Column): (string | null)[] {
  if (column.storage !== 'number') return plainValues(column) as (string | null)[];
  const label = numberLabel(column);
  return Array.from(column.values, (v) => (Number.isNaN(v) ? null : label(v)));
}

/** A compact copy holding the given rows, in the given order. */
export function takeRows(column: Column, rows: ArrayLike<number>): Column {
  const n = rows.length;
  switch (column.storage) {
    case 'number': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = column.values[rows[i]!]!;
      return { ...column, values: out };
    }
    case 'categorical': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = column.codes[rows[i]!]!;
      return { ...column, codes: out };
    }
    case 'string': {
      const out = new Array<string | null>(n);
      for (let i = 0; i < n; i++) out[i] = column.values[rows[i]!] ?? null;
      return { ...column, values: out };
    }
  }
}

/** Builds a categorical column from labels, levels in first-seen order unless given. */
export function categoricalFromLabels(
  name: string,
  labels: readonly (string | null)[],
  levels?: readonly string[],
): CategoricalColumn {
  const index = new Map<string, number>();
  const ordered: string[] = [];
  for (const level of levels ?? []) {
    index.set(level, ordered.length);
    ordered.push(level);
  }
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label === null || label === undefined) {
      codes[i] = -1;
      continue;
    }
    let code = index.get(label);
    if (code === undefined) {
      code = ordered.length;
      index.set(label, code);
      ordered.push(label);
    }
    codes[i] = code;
  }
  return { storage: 'categorical', name, kind: 'categorical', codes, levels: ordered };
}
