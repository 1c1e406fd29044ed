/**
 * Text formatting shared by the HTML and terminal reports: escaping user data,
 * compact numbers and dates. A profile may have been read back from JSON, where
 * NaN became null, so every formatter accepts a missing number and prints "—".
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

const SUFFIXES: readonly [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** Three significant digits without trailing zeros: 0.7979 → "0.798", 61.749 → "61.7". */
function significant(value: number, digits = 3): string {
  return String(Number(value.toPrecision(digits)));
}

/** A number in at most about five characters: 1234 → "1.23k", 3.4e6 → "3.4M", 0.00012 → "1.2e-4". */
export function formatCompact(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return MISSING_MARK;
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  const sign = value < 0 ? '−' : '';
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  for (const [size, suffix] of SUFFIXES) {
    // Rounding can carry 999,999 up to "1000k"; compare after rounding.
    if (Number(abs.toPrecision(3)) >= size) return sign + significant(abs / size) + suffix;
  }
  if (abs < 1e-3) return sign + abs.toExponential(1);
  return sign + significant(abs);
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

/** A length of time (a datetime column's standard deviation) in its natural unit. */
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

/** Four significant digits, or one decimal from 1000 up: scores and statistics in terminal tables. */
export function formatSignificant(x: number): string {
  return Math.abs(x) >= 1000 ? x.toFixed(1) : x.toPrecision(4);
}
