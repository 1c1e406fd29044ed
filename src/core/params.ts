import { UsageError } from './errors.js';

/** Hyperparameter checks shared by every estimator and transformer. */

/** The hyperparameters of an estimator: plain JSON-able values. */
export type Params = {
  readonly [name: string]: number | string | boolean | null | readonly (number | string)[];
};

/** Merges user parameters over defaults, refusing unknown names (with the closest known one). */
export function withDefaults<P extends Params>(kind: string, defaults: P, given: Partial<P> = {}): P {
  for (const name of Object.keys(given)) {
    if (!(name in defaults)) {
      throw new UsageError('usage.unknown-param', `${kind} has no parameter "${name}"`, {
        location: { field: name },
        hint: `its parameters are: ${Object.keys(defaults).join(', ')}`,
      });
    }
  }
  return {
    ...defaults,
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
  } as P;
}

/** A parameter that must be a number within bounds. */
export function checkNumber(
  kind: string,
  name: string,
  value: unknown,
  min: number,
  max = Number.POSITIVE_INFINITY,
  integer = false,
): void {
  const ok =
    typeof value === 'number' && value >= min && value <= max && (!integer || Number.isInteger(value));
  if (!ok) {
    const range = max === Number.POSITIVE_INFINITY ? `≥ ${min}` : `between ${min} and ${max}`;
    throw new UsageError(
      'usage.bad-param',
      `${kind}: ${name} must be ${integer ? 'a whole number ' : ''}${range}, not ${JSON.stringify(value)}`,
      {
        location: { field: name },
      },
    );
  }
}
