import type { ParamsOf } from '../../core/declare.js';
import { UsageError } from '../../core/errors.js';
import type { GBDT_CLASSIFIER, GBDT_REGRESSOR } from './gbdt.js';

/**
 * What the histogram gradient boosting declarations (gbdt.ts) leave to the
 * fit: when early stopping switches itself on, and monotonic constraints
 * read against the training columns.
 */
export type GbdtParams = ParamsOf<typeof GBDT_CLASSIFIER.params> | ParamsOf<typeof GBDT_REGRESSOR.params>;

/** Early stopping switches itself on above this many rows (as scikit-learn). */
export const AUTO_EARLY_STOPPING_ROWS = 10_000;

/** Monotonic constraints per input column, from "name:±1" entries or one number per column. */
export function monotonicPerFeature(
  kind: string,
  given: GbdtParams['monotonic'],
  names: readonly string[],
): Int8Array {
  const out = new Int8Array(names.length);
  if (given === null) return out;
  if (typeof given === 'string')
    return monotonicPerFeature(
      kind,
      given.split(',').map((e) => e.trim()),
      names,
    );
  const bad = (detail: string) =>
    new UsageError('usage.bad-param', `${kind}: monotonic ${detail}`, {
      location: { field: 'monotonic' },
      hint: 'write "column:1" (prediction rises with it) or "column:-1" (falls), e.g. --set monotonic=age:1',
    });
  if (given.every((v) => typeof v === 'number')) {
    if (given.length !== names.length) throw bad(`has ${given.length} numbers for ${names.length} columns`);
    given.forEach((v, f) => {
      if (v !== 1 && v !== -1 && v !== 0) throw bad(`values must be -1, 0 or 1, not ${v}`);
      out[f] = v;
    });
    return out;
  }
  for (const entry of given) {
    const [name, direction] = String(entry).split(/:(?=[^:]*$)/);
    const f = names.indexOf(name ?? '');
    if (f < 0) throw bad(`names "${name}", which is not an input column`);
    if (direction !== '1' && direction !== '+1' && direction !== '-1' && direction !== '0') {
      throw bad(`"${entry}" needs :1, :-1 or :0`);
    }
    out[f] = Number(direction);
  }
  return out;
}
