import type { Column, ColumnKind } from './column.js';
import { countMissing } from './column.js';
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
