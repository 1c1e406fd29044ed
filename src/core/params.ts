import { UsageError } from './errors.js';

/**
 * The shape of hyperparameters (declared in declare.ts, where estimators get
 * their checks), and the number check the explainers use for their options.
 */

/** The hyperparameters of an estimator: plain JSON-able values. */
export type Params = {
  readonly [name: string]: number | string | boolean | null | readonly (number | string)[];
};

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
