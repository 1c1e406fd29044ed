import { DataError } from '../core/errors.js';
import { NOT_FINITE, type RequestTable, type ShapeProblem } from '../data/request-table.js';

const NOT_FINITE_TOKENS: Record<string, symbol> = {
  NaN: NOT_FINITE.nan,
  Infinity: NOT_FINITE.infinity,
  '-Infinity': NOT_FINITE.minusInfinity,
};
const SENTINEL = '\u0000keel:';

/**
 * JSON, and also the `NaN`, `Infinity` and `-Infinity` that Python's json
 * module and pandas write, so the server can say which value is not finite
 * instead of refusing the whole body. The plain parse runs first: the
 * tolerant path costs nothing on well-formed requests.
 */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const rewritten = quoteNotFinite(text);
    if (rewritten !== undefined) {
      try {
        return JSON.parse(rewritten, (_key, value) =>
          typeof value === 'string' && value.startsWith(SENTINEL)
            ? NOT_FINITE_TOKENS[value.slice(SENTINEL.length)]
            : value,
        );
      } catch {
        // Still not JSON: report the original error.
      }
    }
    throw new DataError('serve.malformed-json', `the body is not valid JSON: ${(error as Error).message}`, {
      location: { field: 'body' },
      hint: 'send an array of row objects, or an object of column arrays',
    });
  }
}

/** The text with bare NaN/Infinity tokens (outside strings) turned into sentinel strings; undefined if none. */
function quoteNotFinite(text: string): string | undefined {
  const pattern = /-?Infinity|NaN/y;
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    if (c !== 0x4e && c !== 0x49 && c !== 0x2d) continue; // N, I, -
    pattern.lastIndex = i;
    const match = pattern.exec(text);
    if (match === null) continue;
    out += `${text.slice(from, i)}"\\u0000keel:${match[0]}"`;
    i += match[0].length - 1;
    from = i + 1;
  }
  return from === 0 ? undefined : out + text.slice(from);
}

/**
 * The three JSON shapes a client may send: an array of row objects, an
 * object of column arrays, or one row as an object of values.
 */
export function tableFromJson(body: unknown): RequestTable {
  if (Array.isArray(body)) return tableFromRows(body);
  if (body !== null && typeof body === 'object') {
    const entries = Object.entries(body);
    if (entries.length > 0 && entries.every(([, v]) => Array.isArray(v))) return tableFromColumns(entries);
    if (entries.every(([, v]) => !Array.isArray(v))) return tableFromRows([body]);
    return shapeOnly('mix of arrays and single values: send every column as an array, or one row of values');
  }
  return shapeOnly('the body must be an array of row objects or an object of column arrays');
}

function shapeOnly(problem: string): RequestTable {
  return { names: [], values: [], rows: 0, textual: false, problems: [{ row: null, field: null, problem }] };
}

function tableFromRows(rows: readonly unknown[]): RequestTable {
  const index = new Map<string, number>();
  const values: unknown[][] = [];
  const problems: ShapeProblem[] = [];
  rows.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      problems.push({ row: i, field: null, problem: 'a row must be an object of column → value' });
      return;
    }
    for (const [name, value] of Object.entries(row)) {
      let j = index.get(name);
      if (j === undefined) {
        j = values.length;
        index.set(name, j);
        values.push(new Array(rows.length));
      }
      values[j]![i] = value;
    }
  });
  return { names: [...index.keys()], values, rows: rows.length, textual: false, problems };
}

function tableFromColumns(entries: readonly [string, unknown][]): RequestTable {
  const lengths = entries.map(([, v]) => (v as unknown[]).length);
  const rows = Math.max(...lengths);
  const problems: ShapeProblem[] = [];
  entries.forEach(([name], j) => {
    if (lengths[j] !== rows) {
      problems.push({
        row: null,
        field: name,
        problem: `${lengths[j]} values where other columns have ${rows}`,
      });
    }
  });
  return {
    names: entries.map(([name]) => name),
    values: entries.map(([, v]) => v as unknown[]),
    rows,
    textual: false,
    problems,
  };
}

/** Strings that mean "missing" in a CSV body, as keel's readers treat them. */
const CSV_MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', '?']);

/**
 * A CSV body (RFC 4180: comma-separated, double quotes, a header line).
 * Request bodies are small and bounded by the body limit, so this parses in
 * memory rather than through DuckDB, which the file readers use.
 */
export function tableFromCsv(text: string): RequestTable {
  const records = parseCsvRecords(text);
  if (records === undefined) {
    throw new DataError('serve.malformed-csv', 'a quoted field of the CSV body never ends', {
      location: { field: 'body' },
      hint: 'close every double quote; write a quote inside a quoted field as ""',
    });
  }
  const [header, ...rows] = records;
  if (header === undefined || header.every((h) => h === '')) {
    return { ...shapeOnly('the CSV body needs a header line naming the columns'), textual: true };
  }
  const problems: ShapeProblem[] = [];
  const values = header.map(() => new Array<unknown>(rows.length));
  rows.forEach((record, i) => {
    if (record.length !== header.length) {
      problems.push({
        row: i,
        field: null,
        problem: `${record.length} fields where the header has ${header.length}`,
      });
    }
    for (let j = 0; j < header.length; j++) {
      const text = record[j];
      values[j]![i] = text === undefined || CSV_MISSING.has(text) ? null : text;
    }
  });
  return { names: header, values, rows: rows.length, textual: true, problems };
}

/** Records of fields; undefined when a quote is left open. Blank lines are skipped. */
function parseCsvRecords(text: string): string[][] | undefined {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    record.push(field);
    if (record.length > 1 || record[0] !== '') records.push(record);
    record = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n') endRecord();
    else if (c !== '\r') field += c;
  }
  if (quoted) return undefined;
  if (field !== '' || record.length > 0) endRecord();
  return records;
}
