const UNIT_SECONDS: Readonly<Record<string, number>> = { d: 86_400, h: 3600, m: 60, s: 1, '': 1 };

/**
 * The seconds in `90s`, `1h30m` or `7d`: every part a number and one of
 * `units` ('' for a bare number of seconds); undefined when `text` is
 * anything else or not positive.
 */
function sumParts(text: string, units: readonly string[]): number | undefined {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)\s*([a-z]?)/gi)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed.replace(/\s/g, '') !== text.replace(/\s/g, '')) return undefined;
  let seconds = 0;
  for (const [, amount, unit = ''] of parts) {
    if (!units.includes(unit.toLowerCase())) return undefined;
    seconds += Number(amount) * UNIT_SECONDS[unit.toLowerCase()]!;
  }
  return seconds > 0 ? seconds : undefined;
}

/**
 * `--time 5m`, `90s`, `1h`, `1m30s` or a bare number of seconds. A budget
 * is a person's phrase for "about this long", so units matter more than
 * precision; days are left out, as no budget or interval here runs that long.
 */
export function durationSeconds(text: string): number | undefined {
  return sumParts(text, ['h', 'm', 's', '']);
}

/** A duration as the shortest of `90s`, `5m`, `2h` that says it exactly. */
export function showDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * `--since 7d`, `--predictions-before 30d`: a moment given as how long
 * before `now` (days, hours, minutes, seconds; a unit is required, since a
 * bare "30" could mean any of them) or as an ISO date or date-time. A date
 * alone is midnight UTC, a date-time without an offset is local time, as
 * JavaScript reads them. Epoch milliseconds, or undefined for anything else.
 */
export function momentMs(text: string, now = Date.now()): number | undefined {
  const seconds = sumParts(text, ['d', 'h', 'm', 's']);
  if (seconds !== undefined) return now - seconds * 1000;
  const date = ISO_DATE.exec(text.trim());
  const ms = date === null ? Number.NaN : Date.parse(text.trim());
  return date !== null && Number.isFinite(ms) && isCalendarDay(date[1]!, date[2]!, date[3]!) ? ms : undefined;
}

/** JavaScript reads 2025-02-30 as 2 March: refuse a day the month does not have. */
function isCalendarDay(year: string, month: string, day: string): boolean {
  const d = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return d.getUTCMonth() === Number(month) - 1 && d.getUTCDate() === Number(day);
}
