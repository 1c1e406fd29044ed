import { COLUMN_KINDS, type ColumnKind } from '../data/column.js';
import { DEFAULT_MISSING_MARKERS, type ReadOptions, type SourceFormat } from '../data/read.js';
import { choice, inSection, list, parsed, text, toggle, type Values } from './options.js';

/** The options of every command that reads a table, and the ReadOptions they make. */

const FORMATS: readonly SourceFormat[] = ['csv', 'tsv', 'parquet', 'jsonl', 'duckdb', 'sqlite', 'postgres'];

/** `\t` is hard to type in a shell, so it and `tab` also mean a tab. */
export const DELIMITER = parsed({
  placeholder: 'D',
  help: 'field delimiter of a text file (detected when absent; \\t for tab)',
  expects: 'one character (\\t or tab for a tab)',
  read: (t: string) => {
    const delimiter = t === '\\t' || t === 'tab' ? '\t' : t;
    return delimiter.length === 1 ? delimiter : undefined;
  },
});

/** Exact: a marker may be empty or padded on purpose. */
export const MISSING = list({
  help: 'strings that mean "missing"',
  defaultHelp: DEFAULT_MISSING_MARKERS.map((m) => (m === '' ? 'empty' : m)).join(', '),
  exact: true,
});

export const READ_OPTIONS = inSection('Reading options', {
  delimiter: DELIMITER,
  header: toggle({ help: 'whether the first line names the columns (detected when absent)' }),
  missing: MISSING,
  kind: parsed({
    placeholder: 'COL=KIND',
    help: `force a column's kind: ${COLUMN_KINDS.join(', ')}`,
    expects: `COL=KIND with KIND one of ${COLUMN_KINDS.join(', ')}`,
    note: 'repeatable',
    repeatable: true,
    read: columnKind,
  }),
  format: choice(FORMATS, { placeholder: 'F', help: `${FORMATS.join(', ')} (detected when absent)` }),
  query: text({ placeholder: 'SQL', help: 'for a database file or a postgres:// URL: the query to read' }),
  table: text({ placeholder: 'NAME', help: 'for a database: the table to read' }),
});

/** `price=numeric`: the last = splits, so a column's name may hold one. */
function columnKind(pair: string): [string, ColumnKind][] | undefined {
  const at = pair.lastIndexOf('=');
  const kind = pair.slice(at + 1) as ColumnKind;
  return at > 0 && COLUMN_KINDS.includes(kind) ? [[pair.slice(0, at), kind]] : undefined;
}

export function readOptionsFrom(values: Values<typeof READ_OPTIONS>): ReadOptions {
  return {
    delimiter: values.delimiter,
    header: values.header,
    missing: values.missing,
    kinds: values.kind === undefined ? undefined : Object.fromEntries(values.kind),
    format: values.format,
    query: values.query,
    table: values.table,
  };
}
