import { DataError } from '../core/errors.js';

/**
 * keel reads the dialect of a delimited text file itself, from a sample of its
 * start, before DuckDB parses the whole file with explicit options. DuckDB's
 * own sniffer is fast but, on a ragged file, quietly falls back to reading
 * every line as a single column; checking the structure here lets keel say
 * which line is wrong.
 */
export interface CsvDialect {
  readonly delimiter: string;
  readonly quote: string;
  readonly header: boolean;
  readonly columnCount: number;
  /** The first record's fields (column names when `header` is true). */
  readonly firstRecord: readonly string[];
}

export interface SniffOptions {
  readonly source: string;
  readonly delimiter?: string;
  readonly header?: boolean;
  /** Whether `sample` is the whole file (so an open quote at its end is an error). */
  readonly complete: boolean;
}

const DELIMITER_CANDIDATES = [',', '\t', ';', '|'] as const;
const QUOTE = '"';
/** Fields kept per record, for header detection; the rest are only counted. */
const KEPT_RECORDS = 50;

interface ParsedSample {
  /** Number of fields of each record. */
  readonly counts: number[];
  /** 1-based line on which each record starts. */
  readonly lines: number[];
  /** Fields of the first KEPT_RECORDS records. */
  readonly records: string[][];
  /** Line of a quote that was opened and not closed by the end of the sample. */
  readonly openQuoteLine: number | undefined;
}

export function sniffCsv(sample: string, options: SniffOptions): CsvDialect {
  const text = trimToCompleteLines(stripBom(sample), options.complete);
  const delimiter = options.delimiter ?? chooseDelimiter(text);
  const parsed = parseSample(text, delimiter);
  if (parsed.counts.length === 0) {
    throw new DataError('data.empty', 'the file holds no rows, not even a header', {
      location: { source: options.source },
      hint: 'check that this is the file you meant; an empty export often means the query or the copy failed',
    });
  }
  if (options.delimiter !== undefined) checkGivenDelimiter(text, parsed, options);
  if (parsed.openQuoteLine !== undefined && options.complete) {
    throw new DataError('data.unclosed-quote', 'a quoted field opens here and is never closed', {
      location: { source: options.source, line: parsed.openQuoteLine },
      hint: 'a double quote inside a quoted field must be doubled ("")',
    });
  }
  const firstRecord = parsed.records[0]!;
  checkRagged(parsed, firstRecord.length, options.source);
  const header = options.header ?? looksLikeHeader(parsed.records);
  return { delimiter, quote: QUOTE, header, columnCount: firstRecord.length, firstRecord };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A sample cut from a longer file may end inside a line: drop that partial line. */
function trimToCompleteLines(text: string, complete: boolean): string {
  if (complete) return text;
  const lastNewline = text.lastIndexOf('\n');
  return lastNewline < 0 ? text : text.slice(0, lastNewline + 1);
}

/** Enough lines to choose a delimiter; the whole sample is then checked with the one chosen. */
const DELIMITER_SAMPLE_CHARS = 1 << 16;

/**
 * The delimiter that splits the first record into the most fields while
 * keeping the field count the same on the most records.
 */
function chooseDelimiter(text: string): string {
  const head = trimToCompleteLines(
    text.slice(0, DELIMITER_SAMPLE_CHARS),
    text.length <= DELIMITER_SAMPLE_CHARS,
  );
  let best: string = ',';
  let bestScore = -1;
  for (const candidate of DELIMITER_CANDIDATES) {
    const { counts } = parseSample(head, candidate);
    if (counts.length === 0 || counts[0]! < 2) continue;
    const consistent = counts.filter((c) => c === counts[0]).length / counts.length;
    const score = consistent * 1000 + Math.min(counts[0]!, 999);
    if (score > bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best;
}

function checkGivenDelimiter(text: string, parsed: ParsedSample, options: SniffOptions): void {
  if (parsed.counts[0]! > 1) return;
  const better = DELIMITER_CANDIDATES.find(
    (d) => d !== options.delimiter && parseSample(text, d).counts[0]! > 1,
  );
  if (better === undefined) return;
  throw new DataError(
    'data.wrong-delimiter',
    `with the delimiter ${show(options.delimiter!)} every line is a single field, but ${show(better)} splits the header into columns`,
    {
      location: { source: options.source, line: 1, field: 'delimiter' },
      hint: `use --delimiter ${show(better)}, or leave the delimiter out and keel will detect it`,
    },
  );
}

function checkRagged(parsed: ParsedSample, expected: number, source: string): void {
  for (let r = 1; r < parsed.counts.length; r++) {
    const count = parsed.counts[r]!;
    if (count === expected) continue;
    throw new DataError(
      'data.ragged-rows',
      `this line has ${count} field${count === 1 ? '' : 's'}, but the first line has ${expected}`,
      {
        location: { source, line: parsed.lines[r]! },
        hint:
          count > expected
            ? 'a value that contains the delimiter must be in double quotes; otherwise fix or remove this line'
            : 'a value may be missing its delimiter, or the line was cut short; fix or remove this line',
      },
    );
  }
}

/**
 * A first record is a header when none of its fields is a number: a data row
 * of a table with any numeric column would have one. A file of text only is
 * assumed to have a header (as pandas does); `header: false` overrides.
 */
function looksLikeHeader(records: readonly string[][]): boolean {
  const first = records[0]!;
  return !first.some((field) => field.trim() !== '' && Number.isFinite(Number(field)));
}

/** RFC 4180 records: a quote opens only at the start of a field, and "" inside quotes is one quote. */
function parseSample(text: string, delimiter: string): ParsedSample {
  const counts: number[] = [];
  const lines: number[] = [];
  const records: string[][] = [];
  let line = 1;
  let recordLine = 1;
  let fields: string[] | undefined = [];
  let field = '';
  let fieldCount = 0;
  let inQuotes = false;
  let fieldStart = true;
  let hasContent = false;
  let quoteLine = 0;
  const keep = () => records.length < KEPT_RECORDS;
  const endField = () => {
    fieldCount++;
    fields?.push(field);
    field = '';
    fieldStart = true;
  };
  const endRecord = () => {
    if (fieldCount > 0 || hasContent) {
      endField();
      counts.push(fieldCount);
      lines.push(recordLine);
      if (fields !== undefined) records.push(fields);
    }
    fieldCount = 0;
    fields = keep() ? [] : undefined;
    field = '';
    fieldStart = true;
    hasContent = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === QUOTE) {
        if (text[i + 1] === QUOTE) {
          field += QUOTE;
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        if (fields !== undefined) field += ch;
      }
      continue;
    }
    if (ch !== '\n' && ch !== '\r') hasContent = true;
    if (ch === QUOTE && fieldStart) {
      inQuotes = true;
      quoteLine = line;
      fieldStart = false;
    } else if (ch === delimiter) endField();
    else if (ch === '\n') {
      endRecord();
      line++;
      recordLine = line;
    } else if (ch !== '\r') {
      fieldStart = false;
      if (fields !== undefined) field += ch;
    }
  }
  if (!inQuotes) endRecord();
  return { counts, lines, records, openQuoteLine: inQuotes ? quoteLine : undefined };
}

function show(delimiter: string): string {
  return delimiter === '\t' ? "'\\t'" : `'${delimiter}'`;
}
