import type { Column, ColumnKind } from './column.js';
import { Frame } from './frame.js';
import type { ColumnSchema, Schema } from './schema.js';

/**
 * What a served model accepts, worked out once when it is loaded: each input
 * column with its kind, its levels as a lookup table, its training range, and
 * whether the model copes with a missing value there.
 */
export interface InputColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly storage: Column['storage'];
  /** Categorical levels in code order (the same array for every request, so frames concatenate). */
  readonly levels: readonly string[];
  readonly levelIndex: ReadonlyMap<string, number>;
  readonly min: number | null;
  readonly max: number | null;
  /** Whether the model predicts when this column's value is missing (found by trying, see below). */
  readonly acceptsMissing: boolean;
}

/** What the probe needs of a model: that it predicts a frame (or throws). */
export interface Predictor {
  predict(frame: Frame): unknown;
}

export interface InputSpec {
  readonly columns: readonly InputColumn[];
  readonly byName: ReadonlyMap<string, InputColumn>;
}

/** Above this many columns, missing-value support is not probed column by column: it is assumed when the all-missing row fails. */
const MAX_PROBED_COLUMNS = 256;

/**
 * The model itself decides which values may be missing: a pipeline that
 * imputes or a tree that routes NaN accepts them, a bare linear model does
 * not, and the schema cannot tell those apart. So the server asks the model:
 * it predicts one typical row (mid-range numbers, the first level), then that
 * row with every value missing; if the model refuses the latter, it tries
 * each column missing alone.
 */
export function inputSpec(schema: Schema, model: Predictor): InputSpec {
  const base = schema.columns.map((c) => baseColumn(c));
  const accepts = probeMissing(base, model);
  const columns = base.map((c, j) => ({ ...c, acceptsMissing: accepts[j]! }));
  return { columns, byName: new Map(columns.map((c) => [c.name, c])) };
}

function baseColumn(c: ColumnSchema): InputColumn {
  const levels = c.levels ?? [];
  const storage: Column['storage'] =
    c.kind === 'categorical'
      ? 'categorical'
      : c.kind === 'text' || (c.kind === 'id' && c.min === undefined)
        ? 'string'
        : 'number';
  return {
    name: c.name,
    kind: c.kind,
    storage,
    levels,
    levelIndex: new Map(levels.map((level, i) => [level, i])),
    min: c.min ?? null,
    max: c.max ?? null,
    acceptsMissing: true,
  };
}

function probeMissing(columns: readonly InputColumn[], model: Predictor): boolean[] {
  const all = columns.map(() => true);
  if (
    !predicts(
      model,
      probeFrame(columns, () => false),
    )
  )
    return all; // cannot tell: let predict speak
  if (
    predicts(
      model,
      probeFrame(columns, () => true),
    )
  )
    return all;
  if (columns.length > MAX_PROBED_COLUMNS) return columns.map(() => false);
  return columns.map((_, j) =>
    predicts(
      model,
      probeFrame(columns, (k) => k === j),
    ),
  );
}

function predicts(model: Predictor, frame: Frame): boolean {
  try {
    model.predict(frame);
    return true;
  } catch {
    return false;
  }
}

function probeFrame(columns: readonly InputColumn[], missing: (j: number) => boolean): Frame {
  return new Frame(columns.map((c, j) => probeColumn(c, missing(j))));
}

function probeColumn(c: InputColumn, gone: boolean): Column {
  switch (c.storage) {
    case 'categorical':
      return {
        storage: 'categorical',
        name: c.name,
        kind: 'categorical',
        codes: Int32Array.of(gone || c.levels.length === 0 ? -1 : 0),
        levels: c.levels,
      };
    case 'string':
      return { storage: 'string', name: c.name, kind: c.kind as 'text' | 'id', values: [gone ? null : 'x'] };
    case 'number':
      return {
        storage: 'number',
        name: c.name,
        kind: c.kind as 'numeric',
        values: Float64Array.of(gone ? Number.NaN : typicalNumber(c)),
      };
  }
}

function typicalNumber(c: InputColumn): number {
  if (c.min === null || c.max === null) return 0;
  if (c.kind === 'boolean') return c.min;
  const mid = (c.min + c.max) / 2;
  return c.kind === 'integer' ? Math.round(mid) : mid;
}
