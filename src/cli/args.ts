import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../core/errors.js';
import { COLUMN_KINDS, type ColumnKind } from '../data/column.js';
import type { ReadOptions, SourceFormat } from '../data/read.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `util.parseArgs`, with its errors turned into UsageErrors that name the option. */
type Parsed<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

export function parseCommandArgs<T extends Options>(command: string, args: string[], options: T): Parsed<T> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError('usage.bad-option', message, { hint: `see keel ${command} --help` });
  }
}

/** The options every command that reads a table accepts. */
export const READ_OPTIONS = {
  delimiter: { type: 'string' },
  header: { type: 'boolean' },
  'no-header': { type: 'boolean' },
  missing: { type: 'string', multiple: true },
  kind: { type: 'string', multiple: true },
  format: { type: 'string' },
  query: { type: 'string' },
  table: { type: 'string' },
} as const satisfies Options;

export const READ_OPTIONS_HELP = `Reading options:
  --delimiter D        field delimiter of a text file (detected when absent; \\t for tab)
  --header, --no-header  whether the first line names the columns (detected when absent)
  --missing A,B,…      strings that mean "missing" (default: empty, NA, N/A, NaN, nan, null, NULL, None, ?)
  --kind COL=KIND      force a column's kind: ${COLUMN_KINDS.join(', ')} (repeatable)
  --format F           csv, tsv, parquet, jsonl, duckdb, sqlite (detected when absent)
  --query SQL          for a database file or a postgres:// URL: the query to read
  --table NAME         for a database: the table to read`;

const FORMATS: readonly SourceFormat[] = ['csv', 'tsv', 'parquet', 'jsonl', 'duckdb', 'sqlite', 'postgres'];

export interface ReadFlags {
  delimiter?: string;
  header?: boolean;
  'no-header'?: boolean;
  missing?: string[];
  kind?: string[];
  format?: string;
  query?: string;
  table?: string;
}

export function readOptionsFrom(flags: ReadFlags): ReadOptions {
  const delimiter = flags.delimiter === '\\t' || flags.delimiter === 'tab' ? '\t' : flags.delimiter;
  if (delimiter !== undefined && delimiter.length !== 1) {
    throw new UsageError('usage.bad-option', `the delimiter must be one character, not "${delimiter}"`, {
      location: { field: 'delimiter' },
    });
  }
  if (flags.format !== undefined && !FORMATS.includes(flags.format as SourceFormat)) {
    throw new UsageError('usage.bad-option', `unknown format "${flags.format}"`, {
      location: { field: 'format' },
      hint: `the formats are: ${FORMATS.join(', ')}`,
    });
  }
  return {
    delimiter,
    header: flags['no-header'] ? false : flags.header,
    missing: flags.missing?.flatMap((m) => m.split(',')),
    kinds: flags.kind === undefined ? undefined : parseKinds(flags.kind),
    format: flags.format as SourceFormat | undefined,
    query: flags.query,
    table: flags.table,
  };
}

function parseKinds(pairs: readonly string[]): Record<string, ColumnKind> {
  const kinds: Record<string, ColumnKind> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    const kind = pair.slice(at + 1) as ColumnKind;
    if (at <= 0 || !COLUMN_KINDS.includes(kind)) {
      throw new UsageError('usage.bad-option', `--kind wants COLUMN=KIND, got "${pair}"`, {
        location: { field: 'kind' },
        hint: `the kinds are: ${COLUMN_KINDS.join(', ')}`,
      });
    }
    kinds[pair.slice(0, at)] = kind;
  }
  return kinds;
}

export function onePositional(command: string, positionals: string[], what: string): string {
  if (positionals.length === 1) return positionals[0]!;
  throw new UsageError(
    'usage.positional',
    positionals.length === 0 ? `name the ${what}` : `expected one ${what}, got ${positionals.length}`,
    { hint: `keel ${command} --help` },
  );
}
