import { UsageError } from '../core/errors.js';
import type { Params } from '../estimator/contract.js';
import type { CatalogEntry } from '../models/catalog.js';
import { formatNumber } from '../report/format.js';

/** Option parsing and number formatting that supervised and unsupervised `keel train` share. */

/** `--set key=value`: numbers and true/false become numbers and booleans; anything else stays text. */
export function parseSettings(pairs: readonly string[], entry: CatalogEntry): Record<string, Params[string]> {
  const settings: Record<string, Params[string]> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new UsageError('usage.bad-option', `--set wants KEY=VALUE, got "${pair}"`, {
        location: { field: 'set' },
        hint: `the parameters of ${entry.name} are: ${Object.keys(entry.params).join(', ')}`,
      });
    }
    const key = pair.slice(0, at);
    const text = pair.slice(at + 1);
    // A parameter whose default is a list (hiddenLayers) takes "64,32" or "[64,32]".
    settings[key] = Array.isArray(entry.params[key]?.default)
      ? text
          .replace(/^\[|\]$/g, '')
          .split(',')
          .filter((part) => part.trim() !== '')
          .map((part) => scalar(part.trim()) as number | string)
      : scalar(text);
  }
  return settings;
}

/** Numbers, true/false and null become themselves; anything else stays text. */
function scalar(text: string): Params[string] {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  const number = Number(text);
  return text !== '' && Number.isFinite(number) ? number : text;
}

export function required(value: string | undefined, field: string, hint: string): string {
  if (value !== undefined && value !== '') return value;
  throw new UsageError('usage.missing-option', `--${field} is required`, { location: { field }, hint });
}

export function integerOption(text: string, field: string, min: number): number {
  const value = Number(text);
  if (Number.isInteger(value) && value >= min) return value;
  throw new UsageError('usage.bad-option', `--${field} must be a whole number ≥ ${min}, not "${text}"`, {
    location: { field },
  });
}

/** A score in the terminal's tables: four digits, padded so that a column of them lines up. */
export function fmt(x: number): string {
  return formatNumber(x, { digits: 4, pad: true });
}
