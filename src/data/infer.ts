import { SchemaError } from '../core/errors.js';
import { compareCodePoints } from './code-point-order.js';
import type {
  BooleanWords,
  CategoricalColumn,
  Column,
  ColumnKind,
  NumberColumn,
  StringColumn,
} from './column.js';
import type { RawColumn, ReadNote } from './raw.js';

export interface InferOptions {
  readonly source: string;
  /** Kinds set by the user, by column name; they win over inference. */
  readonly kinds?: Readonly<Record<string, ColumnKind>>;
  /** Strings that mean "missing" (applied to text values; CSV readers apply them while parsing). */
  readonly missing: readonly string[];
  /** Line of the first data row in a text file, so errors can name lines; undefined for databases. */
  readonly firstDataLine?: number;
}

/** Names that announce a key rather than a measurement. */
const ID_NAME = /(^|[_\s.-])(id|uuid|guid|key)$|^(id|uuid|guid|index|row_?id|row_?number)([_\s.-]|$)/i;
/** Below this many rows, "every value distinct" says little. */
const ID_MIN_ROWS = 20;
const TRUE_WORDS = new Set(['true', 't', 'yes', 'y']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n']);

export function inferColumns(
  raw: readonly RawColumn[],
  options: InferOptions,
): { columns: Column[]; notes: ReadNote[] } {
  const known = new Set(raw.map((c) => c.name));
  for (const name of Object.keys(options.kinds ?? {})) {
    if (!known.has(name)) {
      throw new SchemaError('schema.unknown-column', `a kind is set for "${name}", which is not a column`, {
        location: { source: options.source, column: name },
        hint: `the columns are: ${[...known].join(', ')}`,
      });
    }
  }
  const notes: ReadNote[] = [];
  const columns = raw.map((column) => {
    const wanted = options.kinds?.[column.name];
    if (wanted !== undefined) return convert(column, wanted, options);
    return column.type === 'string' ? inferFromStrings(column, options, notes) : inferFromNumbers(column);
  });
  return { columns, notes };
}

function inferFromNumbers(column: Extract<RawColumn, { values: Float64Array }>): NumberColumn {
  const kind = column.type === 'double' ? 'numeric' : column.type;
  if (kind === 'integer' && looksLikeNumericId(column.name, column.values)) {
    return { storage: 'number', name: column.name, kind: 'id', values: column.values };
  }
  if (kind === 'boolean') {
    // A typed boolean (Parquet, a database) has no spelling of its own; these are SQL's words for it.
    return { storage: 'number', name: column.name, kind, values: column.values, words: SQL_WORDS };
  }
  return { storage: 'number', name: column.name, kind, values: column.values };
}

const SQL_WORDS: BooleanWords = { false: 'false', true: 'true' };

/** Integers, all distinct, and either named like a key or forming a run (1..n, in any order). */
function looksLikeNumericId(name: string, values: Float64Array): boolean {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let present = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    present++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (present < ID_MIN_ROWS || present !== values.length) return false;
  if (!ID_NAME.test(name) && max - min + 1 !== present) return false;
  const sorted = Float64Array.from(values).sort();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) return false;
  return true;
}

function inferFromStrings(
  column: Extract<RawColumn, { type: 'string' }>,
  options: InferOptions,
  notes: ReadNote[],
): Column {
  const values = applyMissingMarkers(column.values, options.missing);
  const present = values.filter((v): v is string => v !== null);
  const numeric = present.filter(isNumberText).length;
  if (present.length > 0 && numeric === present.length)
    return convert({ ...column, values }, 'numeric', options);
  if (present.length > 0 && numeric / present.length >= 0.5) {
    const examples = [...new Set(present.filter((v) => !isNumberText(v)))].slice(0, 3);
    notes.push({
      column: column.name,
      kind: 'mixed-types',
      message: `${percent(numeric / present.length)} of the values are numbers, but some are text (${examples.map((e) => `"${e}"`).join(', ')}), so the column is read as text`,
    });
  }
  if (isBooleanWords(present)) return convert({ ...column, values }, 'boolean', options);
  return { ...textKindOf(column.name, values, present), name: column.name };
}

function textKindOf(name: string, values: (string | null)[], present: string[]): Column {
  const distinct = new Set(present).size;
  const meanLength = present.reduce((sum, v) => sum + v.length, 0) / Math.max(1, present.length);
  const meanWords = present.reduce((sum, v) => sum + v.split(/\s+/).length, 0) / Math.max(1, present.length);
  const allDistinct =
    distinct === present.length && present.length >= ID_MIN_ROWS && present.length === values.length;
  if (meanLength > 50 || (meanWords >= 3 && distinct > 0.5 * present.length)) {
    return { storage: 'string', name, kind: 'text', values } satisfies StringColumn;
  }
  if (allDistinct) return { storage: 'string', name, kind: 'id', values } satisfies StringColumn;
  return categorical(name, values);
}

/**
 * Levels sorted (numerically when every label is a number, else by Unicode
 * code point as Python sorts them), so row order never changes the codes.
 */
function categorical(name: string, labels: readonly (string | null)[]): CategoricalColumn {
  const levels = [...new Set(labels.filter((v): v is string => v !== null))];
  if (levels.every(isNumberText)) levels.sort((a, b) => Number(a) - Number(b));
  else levels.sort(compareCodePoints);
  const index = new Map(levels.map((level, i) => [level, i]));
  const codes = new Int32Array(labels.length);
  labels.forEach((label, i) => {
    codes[i] = label === null ? -1 : index.get(label)!;
  });
  return { storage: 'categorical', name, kind: 'categorical', codes, levels };
}

function convert(column: RawColumn, kind: ColumnKind, options: InferOptions): Column {
  const { name } = column;
  if (column.type !== 'string') {
    switch (kind) {
      case 'categorical':
        return categorical(
          name,
          Array.from(column.values, (v) => (Number.isNaN(v) ? null : String(v))),
        );
      case 'text':
        return {
          storage: 'string',
          name,
          kind,
          values: Array.from(column.values, (v) => (Number.isNaN(v) ? null : String(v))),
        };
      case 'boolean':
        checkEach(
          column.values,
          (v) => Number.isNaN(v) || v === 0 || v === 1,
          'is not 0 or 1',
          kind,
          column,
          options,
        );
        return {
          storage: 'number',
          name,
          kind,
          values: column.values,
          ...(column.type === 'boolean' ? { words: SQL_WORDS } : {}),
        };
      case 'integer':
        checkEach(
          column.values,
          (v) => Number.isNaN(v) || Number.isInteger(v),
          'is not a whole number',
          kind,
          column,
          options,
        );
        return { storage: 'number', name, kind, values: column.values };
      default:
        return { storage: 'number', name, kind, values: column.values };
    }
  }
  const texts = column.values;
  switch (kind) {
    case 'categorical':
      return categorical(name, texts);
    case 'text':
    case 'id':
      return { storage: 'string', name, kind, values: texts };
    case 'boolean': {
      const values = parseEach(texts, parseBoolean, 'true/false', column, options);
      return { storage: 'number', name, kind, values, words: commonestWords(texts, values) };
    }
    case 'datetime':
      return {
        storage: 'number',
        name,
        kind,
        values: parseEach(texts, Date.parse, 'date or time', column, options),
      };
    default: {
      const values = parseEach(
        texts,
        (v) => (isNumberText(v) ? Number(v) : Number.NaN),
        'number',
        column,
        options,
      );
      return {
        storage: 'number',
        name,
        kind: kind === 'numeric' && values.every(Number.isInteger) ? 'integer' : kind,
        values,
      };
    }
  }
}

function parseEach(
  texts: readonly (string | null)[],
  parse: (text: string) => number,
  what: string,
  column: RawColumn,
  options: InferOptions,
): Float64Array {
  const out = new Float64Array(texts.length);
  texts.forEach((text, row) => {
    if (text === null) {
      out[row] = Number.NaN;
      return;
    }
    const value = parse(text.trim());
    if (Number.isNaN(value)) throw badValue(`"${text}" is not a ${what}`, row, column, options);
    out[row] = value;
  });
  return out;
}

function checkEach(
  values: Float64Array,
  ok: (v: number) => boolean,
  problem: string,
  kind: ColumnKind,
  column: RawColumn,
  options: InferOptions,
): void {
  const row = values.findIndex((v) => !ok(v));
  if (row >= 0)
    throw badValue(`${values[row]} ${problem}, so the column cannot be ${kind}`, row, column, options);
}

function badValue(message: string, row: number, column: RawColumn, options: InferOptions): SchemaError {
  const line = options.firstDataLine === undefined ? undefined : options.firstDataLine + row;
  return new SchemaError('schema.bad-value', line === undefined ? `${message} (row ${row + 1})` : message, {
    location: { source: options.source, line, column: column.name },
    hint: 'fix the value, add it to the missing-value markers (--missing), or choose another kind for the column',
  });
}

function applyMissingMarkers(values: (string | null)[], missing: readonly string[]): (string | null)[] {
  const markers = new Set(missing);
  return values.map((v) => (v === null || markers.has(v.trim()) ? null : v));
}

function isNumberText(text: string): boolean {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed));
}

function isBooleanWords(present: readonly string[]): boolean {
  if (present.length === 0) return false;
  const seen = new Set(present.map((v) => v.trim().toLowerCase()));
  return seen.size <= 2 && [...seen].every((v) => TRUE_WORDS.has(v) || FALSE_WORDS.has(v));
}

/** The commonest spelling of false and of true among `texts` (the first on a tie). */
function commonestWords(texts: readonly (string | null)[], values: Float64Array): BooleanWords {
  const counts = [new Map<string, number>(), new Map<string, number>()];
  texts.forEach((text, row) => {
    if (text === null || Number.isNaN(values[row]!)) return;
    const spelled = counts[values[row]!]!;
    const word = text.trim();
    spelled.set(word, (spelled.get(word) ?? 0) + 1);
  });
  const commonest = (spelled: Map<string, number>): string | undefined => {
    let best: string | undefined;
    for (const [word, count] of spelled) if (best === undefined || count > spelled.get(best)!) best = word;
    return best;
  };
  const [no, yes] = counts.map(commonest);
  return { ...(no === undefined ? {} : { false: no }), ...(yes === undefined ? {} : { true: yes }) };
}

/** 1 for a word of truth (true, t, yes, y, 1; any case), 0 for its opposite, NaN for anything else. */
export function parseBoolean(text: string): number {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word) || word === '1') return 1;
  if (FALSE_WORDS.has(word) || word === '0') return 0;
  return Number.NaN;
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
