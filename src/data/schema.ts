import { COLUMN_KINDS, type Column, type ColumnKind, countMissing } from './column.js';
import type { Frame } from './frame.js';

/**
 * What a table looks like, as plain JSON: names, kinds, category levels, and
 * the few statistics that later steps check new data against (a served model
 * validates requests with it; drift tests compare against it). It travels
 * with every fitted model and dataset record.
 */
export interface Schema {
  readonly rows: number;
  readonly columns: readonly ColumnSchema[];
}

export interface ColumnSchema {
  readonly name: string;
  readonly kind: ColumnKind;
  /** Share of missing values in the data the schema was taken from. */
  readonly missingRate: number;
  /** Categorical columns: the levels, in code order. */
  readonly levels?: readonly string[];
  /** Number-stored columns: the observed range (null when every value is missing). */
  readonly min?: number | null;
  readonly max?: number | null;
}

export function schemaOf(frame: Frame): Schema {
  return { rows: frame.rowCount, columns: frame.columns.map((c) => columnSchema(c, frame.rowCount)) };
}

function columnSchema(column: Column, rows: number): ColumnSchema {
  const missingRate = rows === 0 ? 0 : countMissing(column) / rows;
  const base = { name: column.name, kind: column.kind, missingRate };
  if (column.storage === 'categorical') return { ...base, levels: column.levels };
  if (column.storage === 'string') return base;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of column.values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min > max ? { ...base, min: null, max: null } : { ...base, min, max };
}

/**
 * A Schema read back from storage (a pipeline's artifact), checked rather
 * than trusted: the schema itself, or what is wrong with it, in words that
 * name the place (`columns[2].kind must be …`). Only what `schemaOf` writes
 * is accepted.
 */
export function checkSchema(value: unknown): Schema | string {
  if (!isObject(value)) return `must be a schema (rows and columns), not ${describe(value)}`;
  const unknownKey = Object.keys(value).find((key) => key !== 'rows' && key !== 'columns');
  if (unknownKey !== undefined) return `has "${unknownKey}", which a schema does not hold`;
  const { rows, columns } = value;
  if (!Number.isSafeInteger(rows) || (rows as number) < 0) {
    return `rows must be a whole number ≥ 0, not ${describe(rows)}`;
  }
  if (!Array.isArray(columns)) return `columns must be a list, not ${describe(columns)}`;
  const names = new Set<string>();
  for (const [j, column] of columns.entries()) {
    const problem = columnProblem(column);
    if (problem !== undefined) return `columns[${j}]${problem}`;
    const { name } = column as ColumnSchema;
    if (names.has(name)) return `columns[${j}].name repeats "${name}"`;
    names.add(name);
  }
  return value as unknown as Schema;
}

const COLUMN_FIELDS = ['name', 'kind', 'missingRate', 'levels', 'min', 'max'];

/** What is wrong with one stored column schema (starting with the field's path), or undefined. */
function columnProblem(column: unknown): string | undefined {
  if (!isObject(column)) return ` must be a column schema, not ${describe(column)}`;
  const unknownKey = Object.keys(column).find((key) => !COLUMN_FIELDS.includes(key));
  if (unknownKey !== undefined) return ` has "${unknownKey}", which a column schema does not hold`;
  const { name, kind, missingRate, levels, min, max } = column;
  if (typeof name !== 'string') return `.name must be text, not ${describe(name)}`;
  if (!COLUMN_KINDS.includes(kind as ColumnKind)) {
    return `.kind must be one of ${COLUMN_KINDS.join(', ')}, not ${describe(kind)}`;
  }
  if (typeof missingRate !== 'number' || !(missingRate >= 0 && missingRate <= 1)) {
    return `.missingRate must be a number from 0 to 1, not ${describe(missingRate)}`;
  }
  if (levels !== undefined && !(Array.isArray(levels) && levels.every((l) => typeof l === 'string'))) {
    return `.levels must be a list of text, not ${describe(levels)}`;
  }
  for (const [key, bound] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (bound !== undefined && bound !== null && !(typeof bound === 'number' && Number.isFinite(bound))) {
      return `.${key} must be a finite number or null, not ${describe(bound)}`;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}
