import { type Artifact, DTYPES, type DType, type Json, type TypedArray } from './artifact.js';
import { type Declaration, type ParamSpecs, type ParamsOf, readStoredParams } from './declare.js';
import { DataError } from './errors.js';

/**
 * Reading an artifact's header and arrays against what its kind declares it
 * stores, never by casting. The checksum only proves the bytes are the ones
 * written; a crafted or mismatched file (a ridge re-encoded with a
 * one-element `coef`, a tree whose child index points past its nodes) has a
 * valid checksum too. So every loader states the fields it reads — types,
 * enum values, finite numbers, array types and lengths against the other
 * fields — and a file that differs is refused with a DataError naming the
 * field, before any model is built from it.
 *
 *   const stored = storedArtifact(artifact, source);
 *   const meta = stored.meta({ params: field.params(RIDGE), inputNames: field.strings(), intercept: field.number() });
 *   const { coef } = stored.arrays({ coef: array.f64(meta.inputNames.length) });
 */

export interface Field<T> {
  /** Reads the value at `path`, or throws through `fail`. */
  read(value: unknown, path: string, fail: Fail): T;
  readonly optional?: boolean;
}

type Fail = (path: string, message: string) => never;
export type Fields = { readonly [name: string]: Field<unknown> };
export type Read<F extends Fields> = { readonly [K in keyof F]: F[K] extends Field<infer T> ? T : never };

interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  /** false: NaN and ±∞ allowed (JSON writes them as null, read back as NaN), for measurements such as a duality gap. */
  readonly finite?: boolean;
}

function numberOk(value: unknown, rule: NumberRule): value is number {
  if (typeof value !== 'number') return false;
  if (!Number.isFinite(value)) return rule.finite === false;
  if (rule.integer === true && !Number.isSafeInteger(value)) return false;
  return value >= (rule.min ?? Number.NEGATIVE_INFINITY) && value <= (rule.max ?? Number.POSITIVE_INFINITY);
}

function ruleText(rule: NumberRule): string {
  if (rule.finite === false) return 'a number or null';
  const what = rule.integer === true ? 'a whole number' : 'a finite number';
  if (rule.min !== undefined && rule.max !== undefined) return `${what} from ${rule.min} to ${rule.max}`;
  if (rule.min !== undefined) return `${what} ≥ ${rule.min}`;
  if (rule.max !== undefined) return `${what} ≤ ${rule.max}`;
  return what;
}

const shown = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

export const field = {
  string: (): Field<string> => ({
    read: (v, path, fail) => (typeof v === 'string' ? v : fail(path, `must be text, not ${shown(v)}`)),
  }),
  strings: (length?: number): Field<string[]> => field.list(field.string(), length),
  number: (rule: NumberRule = {}): Field<number> => ({
    read: (v, path, fail) => {
      if (v === null && rule.finite === false) return Number.NaN;
      return numberOk(v, rule) ? v : fail(path, `must be ${ruleText(rule)}, not ${shown(v)}`);
    },
  }),
  int: (rule: Omit<NumberRule, 'integer'> = {}): Field<number> => field.number({ ...rule, integer: true }),
  bool: (): Field<boolean> => ({
    read: (v, path, fail) =>
      typeof v === 'boolean' ? v : fail(path, `must be true or false, not ${shown(v)}`),
  }),
  enum: <const V extends string>(...values: V[]): Field<V> => ({
    read: (v, path, fail) =>
      values.includes(v as V)
        ? (v as V)
        : fail(path, `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}, not ${shown(v)}`),
  }),
  list: <T>(item: Field<T>, length?: number): Field<T[]> => ({
    read: (v, path, fail) => {
      if (!Array.isArray(v)) return fail(path, `must be a list, not ${shown(v)}`);
      if (length !== undefined && v.length !== length) {
        return fail(path, `has ${v.length} entries, expected ${length}`);
      }
      return v.map((x, i) => item.read(x, `${path}[${i}]`, fail));
    },
  }),
  object: <F extends Fields>(fields: F): Field<Read<F>> => ({
    read: (v, path, fail) => readFields(fields, v, path, fail),
  }),
  /** An object whose fields depend on its `kind` (or another key): one set of fields per value of that key. */
  variant: <V extends { readonly [value: string]: Fields }>(
    key: string,
    variants: V,
  ): Field<{ [K in keyof V]: Read<V[K]> }[keyof V]> => ({
    read: (v, path, fail) => {
      const chosen = (v as Record<string, unknown> | null)?.[key];
      const fields =
        typeof chosen === 'string' && Object.hasOwn(variants, chosen) ? variants[chosen] : undefined;
      if (fields === undefined) {
        const names = Object.keys(variants).map((n) => JSON.stringify(n));
        return fail(`${path}.${key}`, `must be ${names.join(' or ')}, not ${shown(chosen)}`);
      }
      return readFields(fields, v, path, fail) as { [K in keyof V]: Read<V[K]> }[keyof V];
    },
  }),
  /** The first of several readings that accepts the value; `what` says in words what they accept together. */
  oneOf: <T>(what: string, ...alternatives: readonly Field<T>[]): Field<T> => ({
    read: (v, path, fail) => {
      const refused = Symbol('refused');
      for (const alternative of alternatives) {
        try {
          return alternative.read(v, path, () => {
            throw refused;
          });
        } catch (error) {
          if (error !== refused) throw error;
        }
      }
      return fail(path, `must be ${what}, not ${shown(v)}`);
    },
  }),
  nullable: <T>(inner: Field<T>): Field<T | null> => ({
    read: (v, path, fail) => (v === null ? null : inner.read(v, path, fail)),
  }),
  optional: <T>(inner: Field<T>): Field<T | undefined> => ({
    optional: true,
    read: (v, path, fail) => (v === undefined ? undefined : inner.read(v, path, fail)),
  }),
  /** Hyperparameters, checked against the estimator's declaration. */
  params: <S extends ParamSpecs>(declaration: Declaration<S>): Field<ParamsOf<S>> => ({
    read: (v, path, fail) => readStoredParams(declaration, v, path, fail),
  }),
  /** A value some other layer checks (a Schema, say): passed through a check written there. */
  custom: <T>(check: (value: unknown) => T | string): Field<T> => ({
    read: (v, path, fail) => {
      const result = check(v);
      return typeof result === 'string' ? fail(path, result) : result;
    },
  }),
  /** JSON kept as it is, for state the model only hands back (a fairness table, a label). */
  json: (): Field<Json> => ({ read: (v) => v as Json }),
};

function readFields<F extends Fields>(fields: F, value: unknown, path: string, fail: Fail): Read<F> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(path, `must be an object, not ${shown(value)}`);
  }
  const given = value as Record<string, unknown>;
  const prefix = path === '' ? '' : `${path}.`;
  for (const name of Object.keys(given)) {
    if (!(name in fields)) fail(`${prefix}${name}`, 'is not a field this kind stores');
  }
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(fields)) {
    if (!(name in given) && f.optional !== true) fail(`${prefix}${name}`, 'is missing');
    out[name] = f.read(given[name], `${prefix}${name}`, fail);
  }
  return out as Read<F>;
}

type ArrayType = DType;
type ArrayOf<K extends ArrayType> = InstanceType<(typeof DTYPES)[K]>;

export interface ArraySpec<T extends TypedArray | undefined> {
  readonly type: ArrayType;
  /** The length the other fields imply (undefined: any). */
  readonly length?: number;
  /** Every element satisfies this; `rule` says how in the error. */
  readonly each?: { readonly test: (value: number) => boolean; readonly rule: string };
  readonly required: boolean;
  /** Marker for inference only. */
  readonly _t?: T;
}

type ArraySpecs = { readonly [name: string]: ArraySpec<TypedArray | undefined> };
type ReadArrays<A extends ArraySpecs> = {
  readonly [K in keyof A]: A[K] extends ArraySpec<infer T> ? T : never;
};

function arrayBuilder<K extends ArrayType>(type: K) {
  return (length?: number, each?: ArraySpec<ArrayOf<K>>['each']) => {
    const spec: ArraySpec<ArrayOf<K>> = {
      type,
      required: true,
      ...(length === undefined ? {} : { length }),
      ...(each ? { each } : {}),
    };
    return Object.assign(spec, {
      /** Absent in artifacts written before it was kept. */
      optional: (): ArraySpec<ArrayOf<K> | undefined> => ({ ...spec, required: false }),
    });
  };
}

export const array = {
  f64: arrayBuilder('f64'),
  f32: arrayBuilder('f32'),
  i32: arrayBuilder('i32'),
  u32: arrayBuilder('u32'),
  i16: arrayBuilder('i16'),
  u16: arrayBuilder('u16'),
  i8: arrayBuilder('i8'),
  u8: arrayBuilder('u8'),
};

/** Element rules for `each`. */
export const elements = {
  finite: { test: Number.isFinite, rule: 'finite' },
  /** An index into something of `count` entries, or -1 where the format uses it for "none". */
  indexBelow: (count: number, allowMinusOne = false) => ({
    test: (v: number) => (allowMinusOne && v === -1) || (v >= 0 && v < count),
    rule: `an index from ${allowMinusOne ? -1 : 0} to ${count - 1}`,
  }),
  atLeast: (min: number) => ({ test: (v: number) => v >= min, rule: `≥ ${min}` }),
  between: (min: number, max: number) => ({
    test: (v: number) => v >= min && v <= max,
    rule: `from ${min} to ${max}`,
  }),
};

/**
 * Any stored JSON (a run's recipe, a reference profile) read against the
 * fields it must have; a difference is a DataError naming the field and the
 * source it was read from.
 */
export function readStored<F extends Fields>(
  value: unknown,
  fields: F,
  source: string,
  what: string,
): Read<F> {
  return readFields(fields, value, '', (path, message) => {
    throw new DataError('stored.bad-field', `${what}: field "${path}" ${message}`, {
      location: { source, field: path },
      hint: `the stored ${what} is not one this keel writes (damaged, or written by another program)`,
    });
  });
}

export interface StoredArtifact {
  readonly kind: string;
  meta<F extends Fields>(fields: F): Read<F>;
  arrays<A extends ArraySpecs>(specs: A): ReadArrays<A>;
  /** A nested artifact (a pipeline's step, a forest's trees), refused when absent. */
  child(name: string): Artifact;
  /** The names of the nested artifacts, refusing any not in `allowed` when given. */
  childNames(allowed?: (name: string) => boolean): string[];
  /** Refuses the artifact for a rule between fields (`rows` must be ≥ `params.k`), naming the field. */
  fail(path: string, message: string): never;
  /** Refuses unless `ok`; `message` says what the field must be. */
  require(ok: boolean, path: string, message: string): void;
  /** A list whose length another field implies (`per`: "one per input column"). */
  length(path: string, actual: number, expected: number, per: string): void;
}

const REFUSAL_HINT =
  'the file is not what this kind of model stores (crafted, or written by another program): save the model again from its run';

/** The refusal of a stored artifact's field: a DataError naming the field, in its message and its location. */
export function storedFieldError(kind: string, source: string, field: string, message: string): DataError {
  return new DataError('artifact.bad-field', `${kind} artifact: field "${field}" ${message}`, {
    location: { source, field },
    hint: REFUSAL_HINT,
  });
}

export function storedArtifact(artifact: Artifact, source = 'artifact'): StoredArtifact {
  const fail: Fail = (path, message) => {
    throw storedFieldError(artifact.kind, source, path, message);
  };
  return {
    kind: artifact.kind,
    meta: (fields) => readFields(fields, artifact.meta, '', (path, message) => fail(`meta.${path}`, message)),
    arrays: (specs) => readArrays(artifact, specs, fail),
    child(name) {
      const child = artifact.children?.[name];
      return child ?? fail(`children.${name}`, 'is missing');
    },
    fail,
    require(ok, path, message) {
      if (!ok) fail(path, message);
    },
    length(path, actual, expected, per) {
      if (actual !== expected) fail(path, `has ${actual} entries, expected ${expected} (${per})`);
    },
    childNames(allowed) {
      const names = Object.keys(artifact.children ?? {});
      for (const name of names)
        if (allowed !== undefined && !allowed(name)) fail(`children.${name}`, 'is not expected');
      return names;
    },
  };
}

function readArrays<A extends ArraySpecs>(artifact: Artifact, specs: A, fail: Fail): ReadArrays<A> {
  for (const name of Object.keys(artifact.arrays)) {
    if (!(name in specs)) fail(`arrays.${name}`, 'is not an array this kind stores');
  }
  const out: Record<string, TypedArray | undefined> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = artifact.arrays[name];
    const path = `arrays.${name}`;
    if (value === undefined) {
      if (spec.required) fail(path, 'is missing');
      out[name] = undefined;
      continue;
    }
    if (!(value instanceof DTYPES[spec.type])) fail(path, `must hold ${spec.type} values`);
    if (spec.length !== undefined && value.length !== spec.length) {
      fail(path, `has ${value.length} values, expected ${spec.length}`);
    }
    if (spec.each !== undefined) {
      for (let i = 0; i < value.length; i++) {
        if (!spec.each.test(value[i]!)) fail(`${path}[${i}]`, `is ${value[i]}, must be ${spec.each.rule}`);
      }
    }
    out[name] = value;
  }
  return out as ReadArrays<A>;
}
