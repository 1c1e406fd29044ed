import { SchemaError, UsageError } from '../core/errors.js';
import type { Column, NumberColumn } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import type { Target } from '../estimator/contract.js';

/** Helpers shared by transformers for reading and writing columns. */

export function numericValues(frame: Frame, name: string, kind: string): Float64Array {
  const column = frame.column(name);
  if (column.storage !== 'number') {
    throw new SchemaError(
      'schema.not-numeric',
      `${kind} needs numbers, and column "${name}" is ${column.kind}`,
      {
        location: { source: frame.source, column: name },
        hint: 'route categorical and text columns to an encoder with a column transformer',
      },
    );
  }
  return column.values;
}

export function numberColumn(name: string, values: Float64Array): NumberColumn {
  return { storage: 'number', name, kind: 'numeric', values };
}

/** The label of every row of a categorical column (null when missing), by the column's own levels. */
export function labelsOf(frame: Frame, name: string, kind: string): (string | null)[] {
  const column: Column = frame.column(name);
  if (column.storage !== 'categorical') {
    throw new SchemaError(
      'schema.not-categorical',
      `${kind} needs a categorical column, and "${name}" is ${column.kind}`,
      {
        location: { source: frame.source, column: name },
        hint: `read it as categorical (--kind ${name}=categorical), or route it to another transformer`,
      },
    );
  }
  return Array.from(column.codes, (code) => (code < 0 ? null : column.levels[code]!));
}

/** A transformer that learns from the target needs one value per row. */
export function checkTargetLength(y: Target, rows: number, kind: string): void {
  if (y.values.length === rows) return;
  throw new UsageError(
    'usage.length-mismatch',
    `${kind}: the target has ${y.values.length} values for ${rows} rows`,
    {
      location: { field: 'target' },
    },
  );
}
