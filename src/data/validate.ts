import type { Column } from './column.js';
import { Frame } from './frame.js';
import type { InputColumn, InputSpec } from './input-spec.js';
import { NOT_FINITE, type RequestTable } from './request-table.js';

/**
 * A request checked against the model's input, every problem collected
 * rather than the first one thrown, so a client fixes its payload in one
 * round trip. Problems refuse the request (422); warnings (a value far outside
 * the training range, an unseen category read as missing) ride along with the
 * predictions.
 */
export interface Problem {
  /** 0-based index of the row in the request; null for a problem of a whole column or of the body. */
  readonly row: number | null;
  readonly field: string | null;
  readonly problem: string;
}

export interface Warning {
  readonly row: number;
  readonly field: string;
  readonly warning: string;
}

export interface ValidationPolicy {
  /** A category the model never saw: read as missing (with a warning), or refused. */
  readonly unseen: 'missing' | 'refuse';
}

export interface Validated {
  /** The model's input, columns in the schema's order; undefined when there are problems. */
  readonly frame: Frame | undefined;
  /** The first MAX_LISTED problems; `problemCount` says how many there were. */
  readonly problems: readonly Problem[];
  readonly problemCount: number;
  readonly warnings: readonly Warning[];
  readonly warningCount: number;
}

/** Listed at most, of each; the counts say how many there were. */
export const MAX_LISTED = 1000;

/**
 * A value is "far" outside the training range when it lies beyond it by more
 * than half the range's width: values just past the edges are ordinary new
 * data, values well beyond are where a model extrapolates blindly.
 */
const FAR_OUTSIDE = 0.5;

class Findings {
  readonly problems: Problem[] = [];
  readonly warnings: Warning[] = [];
  problemCount = 0;
  warningCount = 0;

  problem(row: number | null, field: string | null, problem: string): void {
    if (this.problemCount++ < MAX_LISTED) this.problems.push({ row, field, problem });
  }

  warning(row: number, field: string, warning: string): void {
    if (this.warningCount++ < MAX_LISTED) this.warnings.push({ row, field, warning });
  }
}

export function validateRequest(table: RequestTable, spec: InputSpec, policy: ValidationPolicy): Validated {
  const found = new Findings();
  for (const p of table.problems) found.problem(p.row, p.field, p.problem);
  if (table.rows === 0 && table.problems.length === 0) found.problem(null, null, 'no rows to predict');
  const given = new Map<string, readonly unknown[]>();
  table.names.forEach((name, j) => {
    if (spec.byName.has(name)) given.set(name, table.values[j]!);
    else found.problem(null, name, unknownColumnProblem(name, spec));
  });
  const columns = spec.columns.map((c) => {
    const values = given.get(c.name);
    if (values !== undefined) return convertColumn(c, values, table.rows, table.textual, policy, found);
    // An id column predicts nothing (pipelines drop it), so a client need not send it.
    if (!(c.kind === 'id' && c.acceptsMissing))
      found.problem(null, c.name, `missing column (${describeKind(c)})`);
    return convertColumn(c, [], table.rows, table.textual, policy, new Findings());
  });
  const frame = found.problemCount === 0 ? new Frame(columns) : undefined;
  // Found column by column; listed row by row (whole-column problems first), as a client fixes them.
  const byRow = (a: { row: number | null }, b: { row: number | null }) => (a.row ?? -1) - (b.row ?? -1);
  return {
    frame,
    problems: found.problems.sort(byRow),
    problemCount: found.problemCount,
    warnings: found.warnings.sort(byRow),
    warningCount: found.warningCount,
  };
}

function unknownColumnProblem(name: string, spec: InputSpec): string {
  const lower = name.toLowerCase();
  const close = spec.columns.find((c) => c.name.toLowerCase() === lower);
  return close === undefined ? 'unknown column' : `unknown column (did you mean "${close.name}"?)`;
}

function describeKind(c: InputColumn): string {
  if (c.storage === 'categorical') {
    const shown = c.levels.slice(0, 8).map((l) => JSON.stringify(l));
    return `categorical: ${shown.join(', ')}${c.levels.length > 8 ? ', …' : ''}`;
  }
  return c.kind;
}

type Converted = { value: number | string } | { missing: true } | { problem: string };

function convertColumn(
  c: InputColumn,
  values: readonly unknown[],
  rows: number,
  textual: boolean,
  policy: ValidationPolicy,
  found: Findings,
): Column {
  const numbers = c.storage === 'string' ? undefined : new Float64Array(rows);
  const strings = c.storage === 'string' ? new Array<string | null>(rows) : undefined;
  for (let i = 0; i < rows; i++) {
    const raw = values[i];
    let out = convertValue(c, raw, textual, policy);
    if ('unseen' in out) {
      found.warning(
        i,
        c.name,
        `category ${JSON.stringify(out.unseen)} was not seen in training: read as missing`,
      );
      out = { missing: true };
    }
    if ('problem' in out) {
      found.problem(i, c.name, out.problem);
    } else if ('missing' in out) {
      if (!c.acceptsMissing) found.problem(i, c.name, 'missing value: this model needs one here');
      if (numbers !== undefined) numbers[i] = c.storage === 'categorical' ? -1 : Number.NaN;
      else strings![i] = null;
    } else if (numbers !== undefined) {
      numbers[i] = out.value as number;
      if (c.storage === 'number') checkRange(c, i, out.value as number, found);
    } else {
      strings![i] = out.value as string;
    }
  }
  if (c.storage === 'categorical') {
    return {
      storage: 'categorical',
      name: c.name,
      kind: 'categorical',
      codes: Int32Array.from(numbers!),
      levels: c.levels,
    };
  }
  if (c.storage === 'string')
    return { storage: 'string', name: c.name, kind: c.kind as 'text' | 'id', values: strings! };
  return { storage: 'number', name: c.name, kind: c.kind as 'numeric', values: numbers! };
}

function convertValue(
  c: InputColumn,
  raw: unknown,
  textual: boolean,
  policy: ValidationPolicy,
): Converted | { unseen: string } {
  if (raw === null || raw === undefined || raw === NOT_FINITE.nan) return { missing: true };
  if (raw === NOT_FINITE.infinity || raw === NOT_FINITE.minusInfinity) {
    return c.storage === 'number'
      ? { problem: `${raw === NOT_FINITE.infinity ? 'Infinity' : '-Infinity'} is not a finite number` }
      : { problem: `expected ${expected(c)}, got a non-finite number` };
  }
  switch (c.storage) {
    case 'categorical':
      return categoryCode(c, raw, policy);
    case 'string':
      return typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean'
        ? { value: String(raw) }
        : { problem: `expected text, got ${describe(raw)}` };
    case 'number':
      return numberValue(c, raw, textual);
  }
}

function numberValue(c: InputColumn, raw: unknown, textual: boolean): Converted {
  if (c.kind === 'boolean') {
    if (raw === true || raw === 1) return { value: 1 };
    if (raw === false || raw === 0) return { value: 0 };
    if (typeof raw === 'string') {
      const word = raw.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return { value: 1 };
      if (FALSE_WORDS.has(word)) return { value: 0 };
    }
    return { problem: `expected true or false, got ${describe(raw)}` };
  }
  if (c.kind === 'datetime') {
    if (typeof raw === 'number' && Number.isFinite(raw)) return { value: raw };
    const ms = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
    return Number.isNaN(ms)
      ? { problem: `expected a date or time (ISO 8601), got ${describe(raw)}` }
      : { value: ms };
  }
  if (typeof raw === 'number') return { value: raw };
  if (typeof raw === 'string' && textual && NUMBER_TEXT.test(raw.trim())) return { value: Number(raw) };
  return { problem: `expected a number, got ${describe(raw)}` };
}

function categoryCode(
  c: InputColumn,
  raw: unknown,
  policy: ValidationPolicy,
): Converted | { unseen: string } {
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    return { problem: `expected a category, got ${describe(raw)}` };
  }
  const label = String(raw);
  const code = c.levelIndex.get(label) ?? (typeof raw === 'number' ? numericLevel(c, raw) : undefined);
  if (code !== undefined) return { value: code };
  if (policy.unseen === 'missing') return { unseen: label };
  return { problem: `category ${JSON.stringify(label)} was not seen in training (${describeKind(c)})` };
}

/** A number sent for a level written differently in training ("1.0" for 1). */
function numericLevel(c: InputColumn, value: number): number | undefined {
  const at = c.levels.findIndex((level) => level.trim() !== '' && Number(level) === value);
  return at < 0 ? undefined : at;
}

function checkRange(c: InputColumn, row: number, value: number, found: Findings): void {
  if (c.min === null || c.max === null || c.kind === 'boolean' || c.kind === 'id') return;
  const margin = FAR_OUTSIDE * Math.max(c.max - c.min, Math.abs(c.max) * 1e-9, 1e-12);
  if (value >= c.min - margin && value <= c.max + margin) return;
  const side = value < c.min ? 'below' : 'above';
  found.warning(row, c.name, `${value} is far ${side} the training range ${c.min}..${c.max}`);
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

function expected(c: InputColumn): string {
  return c.storage === 'categorical' ? 'a category' : c.storage === 'string' ? 'text' : 'a number';
}

function describe(raw: unknown): string {
  if (typeof raw === 'string')
    return `the text ${JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw)}`;
  if (Array.isArray(raw)) return 'an array';
  if (typeof raw === 'object') return 'an object';
  return `${typeof raw} ${String(raw)}`;
}
