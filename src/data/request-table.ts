/**
 * A predict request's body, before it is checked against a model: columns of
 * values as the client sent them. JSON values keep their JSON types (a number
 * is a number, a string a string); CSV values are all text (`textual`), so
 * validation parses numbers and dates out of them instead of refusing strings.
 */
export interface RequestTable {
  readonly names: readonly string[];
  /** `values[j][i]` is row i of column `names[j]`; `undefined` where a row lacks the key. */
  readonly values: readonly (readonly unknown[])[];
  readonly rows: number;
  readonly textual: boolean;
  /** Problems with the body's shape (not a row object, columns of different lengths). */
  readonly problems: readonly ShapeProblem[];
}

export interface ShapeProblem {
  readonly row: number | null;
  readonly field: string | null;
  readonly problem: string;
}

/** What stands for NaN and ±Infinity after the tolerant JSON parse (JSON itself cannot hold them). */
export const NOT_FINITE = {
  nan: Symbol('NaN'),
  infinity: Symbol('Infinity'),
  minusInfinity: Symbol('-Infinity'),
} as const;
