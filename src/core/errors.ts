/**
 * User mistakes are values a person can act on: each error names where the
 * problem is (file, line, column or field) and says what to do about it.
 * The CLI prints `message` and `hint` and exits with `exitCode`; the HTTP API
 * answers 4xx with `toJSON()`. Anything else that is thrown is a bug in keel.
 */

export interface ErrorLocation {
  /** A file path, a database URL (without password) or a table name. */
  readonly source?: string;
  /** 1-based line in a text file. */
  readonly line?: number;
  /** A column name (or, for text files without a header, a 1-based position). */
  readonly column?: string;
  /** A named option or field of a request. */
  readonly field?: string;
}

export interface KeelErrorOptions {
  readonly hint?: string;
  readonly location?: ErrorLocation;
  readonly cause?: unknown;
}

export class KeelError extends Error {
  /** Stable, machine-readable name of the error kind, e.g. `data.ragged-rows`. */
  readonly code: string;
  readonly hint: string | undefined;
  readonly location: ErrorLocation;
  readonly exitCode: number = 2;

  constructor(code: string, message: string, options: KeelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.location = options.location ?? {};
  }

  /** `file:line: column "x": message` — the location first, as compilers print it. */
  get where(): string {
    const { source, line, column, field } = this.location;
    const parts: string[] = [];
    if (source !== undefined) parts.push(line === undefined ? source : `${source}:${line}`);
    if (column !== undefined) parts.push(`column "${column}"`);
    if (field !== undefined) parts.push(`field "${field}"`);
    return parts.join(': ');
  }

  toJSON(): Record<string, unknown> {
    return { error: this.code, message: this.message, hint: this.hint, ...this.location };
  }
}

/** The data itself is unreadable or malformed: missing, empty, ragged, binary, not UTF-8. */
export class DataError extends KeelError {}

/** The data is readable but does not fit what was asked: an unknown column, a wrong type. */
export class SchemaError extends KeelError {}

/** A command-line option, library argument or request field is invalid. */
export class UsageError extends KeelError {}

/** A database or service could not be reached. */
export class ConnectionError extends KeelError {}

/** One or two lines for a terminal: where, what, and the hint. */
export function formatError(error: KeelError): string {
  const where = error.where;
  const head = where === '' ? error.message : `${where}: ${error.message}`;
  return error.hint === undefined ? head : `${head}\n  hint: ${error.hint}`;
}
