import { UsageError } from '../errors.js';

const UNIT_SECONDS: Readonly<Record<string, number>> = { h: 3600, m: 60, s: 1, '': 1 };

/**
 * `--time 5m`, `90s`, `1h`, `1m30s` or a bare number of seconds. A budget
 * is a person's phrase for "about this long", so units matter more than
 * precision; anything else is refused with the forms that work.
 */
export function parseDuration(text: string, field: string): number {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)\s*([hms]?)/gi)];
  const consumed = parts.map((p) => p[0]).join('');
  const seconds = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_SECONDS[(p[2] ?? '').toLowerCase()]!, 0);
  if (parts.length === 0 || consumed.replace(/\s/g, '') !== text.replace(/\s/g, '') || !(seconds > 0)) {
    throw new UsageError(
      'usage.bad-option',
      `--${field} must be a duration such as 60s, 5m or 1h, not "${text}"`,
      {
        location: { field },
      },
    );
  }
  return seconds;
}
