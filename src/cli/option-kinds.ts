import { durationSeconds, momentMs, showDuration } from './duration.js';
import { type Option, type PresenceOf, type Spec, valueOption } from './options.js';
import { showSize, sizeBytes } from './size.js';

/**
 * The kinds of value that are checked rather than taken as text: numbers
 * within bounds, durations, moments and sizes. Each kind's `expects` is the
 * phrase its errors use, so `--cv x` and `--limit x` are refused alike.
 */

/** Inclusive (min, max) or strict (above, below) bounds; at most one of each side. */
export interface Bounds {
  readonly min?: number;
  readonly max?: number;
  readonly above?: number;
  readonly below?: number;
}

/** "≥ 2", "from 0 to 1", "between 0 and 1": the bounds as the errors say them. */
export function boundsText(b: Bounds): string {
  const low = b.min ?? b.above;
  const high = b.max ?? b.below;
  if (low !== undefined && high !== undefined) {
    if (b.above !== undefined && b.below !== undefined) return ` between ${low} and ${high}`;
    const lowWord = b.min !== undefined ? 'from' : 'above';
    return ` ${lowWord} ${low} to ${b.below !== undefined ? 'below ' : ''}${high}`;
  }
  if (low !== undefined) return ` ${b.min !== undefined ? '≥' : '>'} ${low}`;
  if (high !== undefined) return ` ${b.max !== undefined ? '≤' : '<'} ${high}`;
  return '';
}

function within(x: number, b: Bounds): boolean {
  return (
    (b.min === undefined || x >= b.min) &&
    (b.max === undefined || x <= b.max) &&
    (b.above === undefined || x > b.above) &&
    (b.below === undefined || x < b.below)
  );
}

/** Number() reads "" and " " as 0: a number must have digits. */
function numberIn(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** `--cv 5`: a whole number within bounds. */
export function whole<const S extends Spec<number> & Bounds>(spec: S): Option<number, PresenceOf<S>> {
  return valueOption(spec, {
    placeholder: 'N',
    expects: `a whole number${boundsText(spec)}`,
    read: (t) => {
      const n = numberIn(t);
      return Number.isInteger(n) && within(n, spec) ? n : undefined;
    },
  });
}

/** `--margin 0.01`: any finite number within bounds. */
export function number<const S extends Spec<number> & Bounds>(spec: S): Option<number, PresenceOf<S>> {
  return numeric('a number', spec);
}

/** `--holdout 0.2`: a share of something, from 0 to 1 unless the bounds say otherwise. */
export function share<const S extends Spec<number> & Bounds>(spec: S): Option<number, PresenceOf<S>> {
  const bounded = spec.min ?? spec.above ?? spec.max ?? spec.below;
  return numeric('a share', bounded === undefined ? { ...spec, min: 0, max: 1 } : spec);
}

function numeric<const S extends Spec<number> & Bounds>(
  noun: string,
  spec: S,
): Option<number, PresenceOf<S>> {
  return valueOption(spec, {
    placeholder: 'X',
    expects: `${noun}${boundsText(spec)}`,
    read: (t) => {
      const n = numberIn(t);
      return Number.isFinite(n) && within(n, spec) ? n : undefined;
    },
  });
}

/** `--time 5m`: positive seconds, from 90s, 5m, 1h, 1m30s or a bare number of seconds. */
export function duration<const S extends Spec<number>>(spec: S): Option<number, PresenceOf<S>> {
  return valueOption(spec, {
    placeholder: 'T',
    expects: 'a duration such as 60s, 5m or 1h',
    read: durationSeconds,
    show: showDuration,
  });
}

/** `--since 7d`: epoch milliseconds, from a time ago or a date (read against the clock when parsed). */
export function moment<const S extends Spec<number>>(spec: S): Option<number, PresenceOf<S>> {
  return valueOption(spec, {
    placeholder: 'T',
    expects: 'a time ago such as 30d, 12h or 90m, or a date such as 2025-01-31',
    hint: 'a date-time works too: 2025-01-31T14:00 (local) or 2025-01-31T14:00Z',
    read: (t) => momentMs(t),
  });
}

/** `--body-limit 4MiB`: whole bytes within bounds. */
export function size<const S extends Spec<number> & Bounds>(spec: S): Option<number, PresenceOf<S>> {
  return valueOption(spec, {
    placeholder: 'SIZE',
    expects: `a size such as 512kB, 4MiB or 1048576 (bytes)${boundsText(spec) === '' ? '' : `,${boundsText(spec)} bytes`}`,
    read: (t) => {
      const bytes = sizeBytes(t);
      return bytes !== undefined && within(bytes, spec) ? bytes : undefined;
    },
    show: showSize,
  });
}
