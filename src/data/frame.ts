import { SchemaError } from '../core/errors.js';
import { type Column, columnLength, countMissing, takeRows } from './column.js';

/** A dense row-major matrix: row i, column j is `data[i * cols + j]`. */
export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly columnNames: readonly string[];
}

/**
 * An immutable, columnar table. Operations return new frames that share the
 * unchanged columns; no operation ever writes into a column it was given.
 */
export class Frame {
  readonly columns: readonly Column[];
  readonly rowCount: number;
  /** Where the data came from (a file path, a query), for error messages. */
  readonly source: string | undefined;
  private readonly byName: ReadonlyMap<string, Column>;

  constructor(columns: readonly Column[], source?: string) {
    const byName = new Map<string, Column>();
    const rowCount = columns.length === 0 ? 0 : columnLength(columns[0]!);
    for (const column of columns) {
      if (byName.has(column.name)) {
        throw new SchemaError('schema.duplicate-column', `two columns are named "${column.name}"`, {
          location: { source, column: column.name },
          hint: 'rename one of them; column names must be unique',
        });
      }
      if (columnLength(column) !== rowCount) {
        throw new SchemaError(
          'schema.length-mismatch',
          `column "${column.name}" has ${columnLength(column)} values, expected ${rowCount}`,
          { location: { source, column: column.name } },
        );
      }
      byName.set(column.name, column);
    }
    this.columns = columns;
    this.rowCount = rowCount;
    this.source = source;
    this.byName = byName;
  }

  get columnCount(): number {
    return this.columns.length;
  }

  get names(): string[] {
    return this.columns.map((c) => c.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The named column; throws a SchemaError naming the closest existing column. */
  column(name: string): Column {
    const column = this.byName.get(name);
    if (column === undefined) throw unknownColumn(name, this.names, this.source);
    return column;
  }

  select(names: readonly string[]): Frame {
    return new Frame(
      names.map((n) => this.column(n)),
      this.source,
    );
  }

  drop(names: readonly string[]): Frame {
    for (const name of names) this.column(name);
    const dropped = new Set(names);
    return new Frame(
      this.columns.filter((c) => !dropped.has(c.name)),
      this.source,
    );
  }

  /** Adds a column, or replaces the column of the same name in place of order. */
  withColumn(column: Column): Frame {
    const at = this.columns.findIndex((c) => c.name === column.name);
    const columns = [...this.columns];
    if (at >= 0) columns[at] = column;
    else columns.push(column);
    return new Frame(columns, this.source);
  }

  /** A compact copy with the given rows, in the given order (indices may repeat). */
  take(rows: ArrayLike<number>): Frame {
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (!(r >= 0 && r < this.rowCount && Number.isInteger(r))) {
        throw new RangeError(`row index ${r} is outside 0..${this.rowCount - 1}`);
      }
    }
    return new Frame(
      this.columns.map((c) => takeRows(c, rows)),
      this.source,
    );
  }

  head(n = 5): Frame {
    const count = Math.min(Math.max(0, n), this.rowCount);
    const rows = new Int32Array(count);
    for (let i = 0; i < count; i++) rows[i] = i;
    return this.take(rows);
  }

  /**
   * The named columns (default: all) as a row-major Float64 matrix. Numeric
   * kinds are copied as they are, categorical columns as their codes with NaN
   * for missing; text and string IDs cannot be turned into numbers here.
   */
  toMatrix(names: readonly string[] = this.names): Matrix {
    const cols = names.length;
    const rows = this.rowCount;
    const data = new Float64Array(rows * cols);
    names.forEach((name, j) => {
      const column = this.column(name);
      if (column.storage === 'string') {
        throw new SchemaError('schema.not-numeric', `column "${name}" holds ${column.kind}, not numbers`, {
          location: { source: this.source, column: name },
          hint: 'drop it, or encode it first (e.g. a text vectoriser)',
        });
      }
      if (column.storage === 'number') {
        const v = column.values;
        for (let i = 0; i < rows; i++) data[i * cols + j] = v[i]!;
      } else {
        const codes = column.codes;
        for (let i = 0; i < rows; i++) data[i * cols + j] = codes[i]! < 0 ? Number.NaN : codes[i]!;
      }
    });
    return { data, rows, cols, columnNames: [...names] };
  }

  missingCounts(): Record<string, number> {
    return Object.fromEntries(this.columns.map((c) => [c.name, countMissing(c)]));
  }
}

export function unknownColumn(name: string, known: readonly string[], source?: string): SchemaError {
  const close = closestName(name, known);
  const listed = known.length <= 12 ? known.join(', ') : `${known.slice(0, 12).join(', ')}, …`;
  return new SchemaError('schema.unknown-column', 'no such column', {
    location: { source, column: name },
    hint:
      close === undefined
        ? `the columns are: ${listed}`
        : `did you mean "${close}"? The columns are: ${listed}`,
  });
}

/** The known name within edit distance 2 (case-insensitive), if one is clearly closest. */
function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
