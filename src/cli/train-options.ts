import { parseParam } from '../core/declare.js';
import { UsageError } from '../core/errors.js';
import type { Params } from '../estimator/contract.js';
import type { CatalogEntry } from '../models/catalog.js';
import { formatNumber } from '../report/format.js';

/** Option parsing and number formatting that supervised and unsupervised `keel train` share. */

/** `--set key=value`: each value read as its parameter's declaration allows (a number, true/false, null, a list, text). */
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
    const param = entry.params[key];
    // An unknown name is kept as text, for the declaration to refuse with the known names.
    settings[key] = param === undefined ? pair.slice(at + 1) : parseParam(param.spec, pair.slice(at + 1));
  }
  return settings;
}

/** A score in the terminal's tables: four digits, padded so that a column of them lines up. */
export function fmt(x: number): string {
  return formatNumber(x, { digits: 4, pad: true });
}
