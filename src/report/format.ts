/**
 * Text formatting shared by the HTML reports, the terminal and the messages
 * keel writes: escaping user data, and the one family of number formats, each
 * a small rule for one kind of number (a score, a count, a share, a p-value, a
 * time). A profile may have been read back from JSON, where NaN became null,
 * so every number format accepts a missing number and prints "—".
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const HTML_UNSAFE = /[&<>"']|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Escapes text for HTML element content and quoted attribute values alike.
 * Control characters (other than tab and newline) are not allowed in HTML or
 * SVG text, so they become U+FFFD.
 */
export function escapeHtml(text: string): string {
  return text.replace(HTML_UNSAFE, (ch) => HTML_ESCAPES[ch] ?? '\ufffd');
}

export const MISSING_MARK = '—';

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export interface NumberFormat {
  /** Significant digits; 3 unless told. */
  readonly digits?: number;
  /**
   * Keep trailing zeros and at least one decimal (0.9500, 2902.4), so the
   * figures of a table column line up on their decimal point.
   */
  readonly pad?: boolean;
}

/**
 * The base rule: `digits` significant digits in plain notation, trailing zeros
 * dropped (0.012345 → "0.0123", 61.749 → "61.7"). A number with more integer
 * digits than that keeps them all (18823 → "18823", never "18800" or
 * "1.88e+4"), because rounding away a magnitude misstates it. For messages and
 * the terminal, so the minus sign is ASCII.
 */
export function formatNumber(value: number | null | undefined, format: NumberFormat = {}): string {
  const { digits = 3, pad = false } = format;
  if (value === null || value === undefined || Number.isNaN(value)) return MISSING_MARK;
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const precise = value.toPrecision(digits);
  // As many integer digits as significant ones (compared after rounding, as 9999.7
  // becomes "1.000e+4"): the integer part is all there is to show, padded or not.
  if (Math.abs(Number(precise)) >= 10 ** (digits - 1)) return value.toFixed(pad ? 1 : 0);
  return pad ? precise : String(Number(precise));
}

/** A typeset minus (U+2212) for the HTML reports, where a hyphen looks too short beside the digits. */
function typeset(text: string): string {
  return text.replace(/^-/, '−');
}

const SUFFIXES: readonly [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** A number in at most about five characters: 1234 → "1.23k", 3.4e6 → "3.4M", 0.00012 → "1.2e-4". */
export function formatCompact(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return MISSING_MARK;
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  const sign = value < 0 ? '−' : '';
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  for (const [size, suffix] of SUFFIXES) {
    // Rounding can carry 999,999 up to "1000k"; compare after rounding.
    if (Number(abs.toPrecision(3)) >= size) return sign + formatNumber(abs / size) + suffix;
  }
  if (abs < 1e-3) return sign + abs.toExponential(1);
  return sign + formatNumber(abs);
}

/**
 * A score or metric in the reports: three significant digits in plain
 * notation, so small ones keep their digits (0.0213, not 2.1e-2); below 0.001
 * and from 1000 up it is compact (1.2e-4, 12.3k).
 */
export function formatScore(value: number | null | undefined): string {
  if (!isFiniteNumber(value)) return MISSING_MARK;
  const abs = Math.abs(value);
  if ((abs !== 0 && abs < 1e-3) || abs >= 1000) return formatCompact(value);
  return typeset(formatNumber(value));
}

/**
 * A fixed number of decimals, for figures on a known scale read side by side
 * (correlations, skewness): −0.004 prints as 0.00, never −0.00.
 */
export function formatFixed(value: number | null | undefined, decimals: number): string {
  if (!isFiniteNumber(value)) return MISSING_MARK;
  const fixed = value.toFixed(decimals);
  return Number(fixed) === 0 ? (0).toFixed(decimals) : typeset(fixed);
}

/**
 * A p-value to two significant digits, in plain notation because it is read
 * against 0.05; below 0.0001 it is only "< 0.0001", where more digits mean nothing.
 */
export function formatPValue(p: number | null | undefined): string {
  if (!isFiniteNumber(p)) return MISSING_MARK;
  return p < 1e-4 ? '< 0.0001' : formatNumber(p, { digits: 2 });
}

/** A p-value in a sentence: "p = 0.012", "p < 0.0001", or "p —" when the test gave none. */
export function pValuePhrase(p: number | null | undefined): string {
  if (!isFiniteNumber(p)) return `p ${MISSING_MARK}`;
  return `p ${p < 1e-4 ? '' : '= '}${formatPValue(p)}`;
}

/**
 * A value exactly as stored, unrounded (numbers as JavaScript writes them,
 * datetimes as ISO instants): for labels that must tell every value apart.
 */
export function formatExact(value: number, kind: string): string {
  return kind === 'datetime' ? new Date(value).toISOString() : String(value);
}

/** Whole counts with thousands separators, for row counts people compare exactly. */
export function formatCount(value: number | null | undefined): string {
  if (!isFiniteNumber(value)) return MISSING_MARK;
  return Math.round(value).toLocaleString('en-US');
}

/** A rate in [0, 1] as a percentage; tiny non-zero rates stay visible as "<0.1%". */
export function formatPercent(rate: number | null | undefined): string {
  if (!isFiniteNumber(rate)) return MISSING_MARK;
  if (rate > 0 && rate < 0.001) return '<0.1%';
  const percent = rate * 100;
  return `${percent >= 10 || percent === 0 ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

const DAY_MS = 86_400_000;

/**
 * An epoch-millisecond instant (UTC, as datetime columns store it) at the
 * precision the surrounding range needs: years apart → "2021-03", hours apart → time of day.
 */
export function formatDate(ms: number | null | undefined, spanMs = 0): string {
  if (!isFiniteNumber(ms)) return MISSING_MARK;
  const iso = new Date(ms).toISOString(); // 2021-03-04T05:06:07.000Z
  if (spanMs >= 3 * 365 * DAY_MS) return iso.slice(0, 4);
  if (spanMs >= 90 * DAY_MS) return iso.slice(0, 7);
  if (spanMs >= 3 * DAY_MS || ms % DAY_MS === 0) return iso.slice(0, 10);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** Seconds as people say them: "0.42 s", "48 s", "4 min 10 s", "1 h 5 min". */
export function formatSeconds(seconds: number | null | undefined): string {
  if (!isFiniteNumber(seconds)) return MISSING_MARK;
  if (seconds < 10) return `${Number(seconds.toFixed(seconds < 1 ? 2 : 1))} s`;
  // Whole seconds from here on, rounded before splitting, so 119.6 s is "2 min", not "1 min 60 s".
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return whole % 60 ? `${minutes} min ${whole % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** A length of time (a datetime column's standard deviation) in its natural unit, compact: "2.5 d". */
export function formatDuration(ms: number | null | undefined): string {
  if (!isFiniteNumber(ms)) return MISSING_MARK;
  const units: readonly [number, string][] = [
    [365.25 * DAY_MS, 'y'],
    [DAY_MS, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const abs = Math.abs(ms);
  for (const [size, unit] of units) {
    if (abs >= size) return `${formatCompact(ms / size)} ${unit}`;
  }
  return `${formatCompact(ms)} ms`;
}

/** A column's value as its kind reads best: datetimes as dates, everything else compact. */
export function formatValue(value: number | null | undefined, kind: string, spanMs = 0): string {
  return kind === 'datetime' ? formatDate(value, spanMs) : formatCompact(value);
}

/** Shortens text to at most `max` characters (code points), ending in "…" when cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max <= 1) return '…'.slice(0, max);
  return `${chars.slice(0, max - 1).join('')}…`;
}
