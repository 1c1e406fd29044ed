/**
 * What a reader hands to type inference: values in the type the source gave
 * them, before keel decides what they mean. Every reader (DuckDB files,
 * SQLite, PostgreSQL) produces these, so inference happens in one place.
 */
export type RawColumn =
  | {
      readonly name: string;
      /** `datetime` values are epoch milliseconds; `boolean` values are 0/1; NaN = missing. */
      readonly type: 'double' | 'integer' | 'boolean' | 'datetime';
      readonly values: Float64Array;
    }
  | {
      readonly name: string;
      readonly type: 'string';
      readonly values: (string | null)[];
    };

/** Something a reader noticed that the profile should report. */
export interface ReadNote {
  readonly column: string;
  readonly kind: 'mixed-types';
  readonly message: string;
}
