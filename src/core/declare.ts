import { DataError, UsageError } from './errors.js';
import type { Params } from './params.js';

/**
 * The declaration kit. An estimator or transformer declares each of its
 * hyperparameters once — the values it accepts, its default, a line of doc
 * and the range AutoML searches — and everything else is derived from that
 * declaration: the TypeScript type of its parameters, defaults and
 * validation, the catalog and `keel train --list`, `--set` coercion, the
 * search space, the README's table, and the check of the parameters stored
 * in an artifact. (Zod's idea: the schema is the one source of truth and
 * types flow from it.)
 */

export type ParamValue = Params[string];
export type SupervisedTask = 'regression' | 'binary' | 'multiclass';
export type ModelTask = SupervisedTask | 'clustering' | 'anomaly' | 'transform';

/** One kind of value a parameter accepts; a parameter accepts any of its domains. */
export type Domain =
  | { readonly type: 'int'; readonly min: number; readonly max: number }
  | {
      readonly type: 'float';
      readonly min: number;
      readonly max: number;
      /** The bound itself is excluded: (0, 1] has minOpen. */
      readonly minOpen: boolean;
      readonly maxOpen: boolean;
    }
  | { readonly type: 'bool' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'null' }
  | { readonly type: 'text' }
  | { readonly type: 'list'; readonly item: Domain };

/** What AutoML's search space is built from (see tune/automl/search-space.ts). */
export interface SearchContext {
  readonly task: SupervisedTask;
  /** Rows a model is trained on (a fold's training rows). */
  readonly trainRows: number;
  readonly seed: number;
}

/** A range searched on the parameter's own numeric type, or a list of choices. */
export type SearchRange =
  | { readonly low: number; readonly high: number; readonly log?: boolean }
  | { readonly choices: readonly ParamValue[] };

export interface Param<T extends ParamValue = ParamValue> {
  readonly domains: readonly Domain[];
  readonly default: T;
  /** One line for `keel train --list` and the README. */
  readonly doc: string;
  /** Where AutoML looks, when it tunes this parameter; a function where the range depends on the data. */
  readonly search?: SearchRange | ((context: SearchContext) => SearchRange);
}

export type ParamSpecs = { readonly [name: string]: Param };

/** The parameters' type, inferred from their declarations. */
export type ParamsOf<S extends ParamSpecs> = { readonly [K in keyof S]: S[K]['default'] };

interface Bounds {
  readonly min?: number;
  readonly max?: number;
}
interface FloatBounds extends Bounds {
  /** Exclusive lower bound: `above: 0` is "> 0". */
  readonly above?: number;
  /** Exclusive upper bound. */
  readonly below?: number;
}
interface Described<T extends ParamValue> {
  readonly default: T;
  readonly doc: string;
  readonly search?: Param<T>['search'];
}

/** Domains, for parameters that accept several kinds of value (`maxFeatures`: "sqrt", a share or a count). */
export const domain = {
  int: ({ min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY }: Bounds = {}): Domain => ({
    type: 'int',
    min,
    max,
  }),
  float: ({ min, max, above, below }: FloatBounds = {}): Domain => ({
    type: 'float',
    min: above ?? min ?? Number.NEGATIVE_INFINITY,
    max: below ?? max ?? Number.POSITIVE_INFINITY,
    minOpen: above !== undefined,
    maxOpen: below !== undefined,
  }),
  bool: (): Domain => ({ type: 'bool' }),
  enum: (...values: string[]): Domain => ({ type: 'enum', values }),
  null: (): Domain => ({ type: 'null' }),
  text: (): Domain => ({ type: 'text' }),
  list: (item: Domain): Domain => ({ type: 'list', item }),
};

/** Parameter builders for the common shapes; `param.of` for any other. */
export const param = {
  int: (o: Described<number> & Bounds): Param<number> => ({ ...o, domains: [domain.int(o)] }),
  /** A whole number, or null (meaning "no limit" or "choose for me", as its doc says). */
  intOrNull: (o: Described<number | null> & Bounds): Param<number | null> => ({
    ...o,
    domains: [domain.null(), domain.int(o)],
  }),
  float: (o: Described<number> & FloatBounds): Param<number> => ({ ...o, domains: [domain.float(o)] }),
  bool: (o: Described<boolean>): Param<boolean> => ({ ...o, domains: [domain.bool()] }),
  choice: <const V extends string>(values: readonly V[], o: Described<V>): Param<V> => ({
    ...o,
    domains: [domain.enum(...values)],
  }),
  of: <T extends ParamValue>(domains: readonly Domain[], o: Described<T>): Param<T> => ({ ...o, domains }),
};

/** Tags: what an estimator accepts and how it behaves, declared once and read everywhere. */
export interface Tags {
  /** Handles NaN itself (no imputation needed). */
  readonly acceptsMissing: boolean;
  /** Sensitive to feature scale (standardise first). */
  readonly wantsScaling: boolean;
  /** Splits categorical columns itself (no one-hot encoding). */
  readonly nativeCategorical: boolean;
  /** Spreads its work over worker threads (its `threads` parameter). */
  readonly multithreaded: boolean;
  /** The same data and seed give the same fitted bytes. */
  readonly deterministic: boolean;
  /** Needs inputs ≥ 0 (counts or frequencies, as multinomial naive Bayes). */
  readonly nonNegativeInput: boolean;
  /** The column kinds it reads (transformers: an encoder reads categories, TF-IDF text). */
  readonly reads: readonly ('numeric' | 'categorical' | 'text' | 'datetime')[];
}

const DEFAULT_TAGS: Tags = {
  acceptsMissing: false,
  wantsScaling: false,
  nativeCategorical: false,
  multithreaded: false,
  deterministic: true,
  nonNegativeInput: false,
  reads: ['numeric'],
};

export interface DeclarationInput<S extends ParamSpecs> {
  /** The kind of the estimator and of its fitted model's artifact, e.g. `ridge`. */
  readonly kind: string;
  readonly summary: string;
  readonly tasks: readonly ModelTask[];
  readonly tags?: Partial<Tags>;
  readonly params: S;
  /** The order AutoML draws searched parameters in, when it is not the declaration's order. */
  readonly searchOrder?: readonly (keyof S & string)[];
  /** Parameters every configuration of a search shares (beyond the seed, which a `seed` parameter always takes from the search). */
  searchFixed?(context: SearchContext): Partial<ParamsOf<S>>;
  /** Rules between parameters (oobScore needs bootstrap), checked after each parameter's own. */
  check?(params: ParamsOf<S>): void;
}

export interface Declaration<S extends ParamSpecs = ParamSpecs> extends DeclarationInput<S> {
  readonly tags: Tags;
  readonly defaults: ParamsOf<S>;
  /** The declared defaults under the given values, every value checked (UsageError naming the parameter). */
  resolve(given?: Partial<ParamsOf<S>> | { readonly [name: string]: unknown }): ParamsOf<S>;
  /** Parameters read from a stored artifact, checked (DataError naming the field); never trusted by casting. */
  stored(value: unknown, source: string, field?: string): ParamsOf<S>;
}

export function declare<const S extends ParamSpecs>(input: DeclarationInput<S>): Declaration<S> {
  const defaults = Object.fromEntries(
    Object.entries(input.params).map(([name, p]) => [name, p.default]),
  ) as ParamsOf<S>;
  const declaration: Declaration<S> = {
    ...input,
    tags: { ...DEFAULT_TAGS, ...input.tags },
    defaults,
    resolve(given = {}) {
      for (const name of Object.keys(given))
        if (!(name in input.params)) throw unknownParam(input.kind, input.params, name);
      const params = { ...defaults };
      for (const [name, value] of Object.entries(given)) {
        if (value === undefined) continue;
        const spec = input.params[name]!;
        if (!accepts(spec, value)) throw badParam(input.kind, name, spec, value);
        (params as Record<string, unknown>)[name] = value;
      }
      input.check?.(params);
      return params;
    },
    stored(value, source, field = 'params') {
      return readStoredParams(declaration, value, field, (path, message) => {
        throw new DataError('artifact.bad-field', `${path} ${message}`, {
          location: { source, field: path },
          hint: 'the stored parameters do not match what this kind of model accepts',
        });
      });
    },
  };
  return declaration;
}

/**
 * Parameters read back from storage: every declared one present and valid,
 * no other; `fail` reports the first problem at its path (`params.alpha`).
 */
export function readStoredParams<S extends ParamSpecs>(
  declaration: Declaration<S>,
  value: unknown,
  path: string,
  fail: (path: string, message: string) => never,
): ParamsOf<S> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(path, `must be an object of ${declaration.kind} parameters`);
  }
  const given = value as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!(name in declaration.params)) fail(`${path}.${name}`, `is not a parameter of ${declaration.kind}`);
  }
  for (const [name, spec] of Object.entries(declaration.params)) {
    if (!(name in given)) fail(`${path}.${name}`, 'is missing');
    if (!accepts(spec, given[name])) {
      fail(`${path}.${name}`, `must be ${allowedText(spec)}, not ${JSON.stringify(given[name])}`);
    }
  }
  try {
    declaration.check?.(given as ParamsOf<S>);
  } catch (error) {
    fail(path, error instanceof Error ? error.message : String(error));
  }
  return given as ParamsOf<S>;
}

export function accepts(spec: Param, value: unknown): boolean {
  return spec.domains.some((d) => inDomain(d, value));
}

function inDomain(d: Domain, value: unknown): boolean {
  switch (d.type) {
    case 'int':
      return Number.isSafeInteger(value) && (value as number) >= d.min && (value as number) <= d.max;
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      const aboveMin = d.minOpen ? value > d.min : value >= d.min;
      const belowMax = d.maxOpen ? value < d.max : value <= d.max;
      return aboveMin && belowMax;
    }
    case 'bool':
      return typeof value === 'boolean';
    case 'enum':
      return typeof value === 'string' && d.values.includes(value);
    case 'null':
      return value === null;
    case 'text':
      return typeof value === 'string';
    case 'list':
      return Array.isArray(value) && value.every((item) => inDomain(d.item, item));
  }
}

/** What a parameter accepts, in words: `null, "sqrt", "log2", a number in (0, 1] or a whole number ≥ 2`. */
export function allowedText(spec: Param): string {
  const parts = spec.domains.flatMap((d) =>
    d.type === 'enum' ? d.values.map((v) => JSON.stringify(v)) : [domainText(d)],
  );
  // A plain number reads best as its range alone: "alpha must be ≥ 0".
  if (parts.length === 1)
    return spec.domains[0]!.type === 'float' ? parts[0]!.replace(/^a number /, '') : parts[0]!;
  return `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
}

function domainText(d: Domain): string {
  switch (d.type) {
    case 'int':
      return `a whole number${rangeText(d.min, d.max, false, false)}`;
    case 'float':
      return `a number${rangeText(d.min, d.max, d.minOpen, d.maxOpen)}`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return d.values.map((v) => JSON.stringify(v)).join(', ');
    case 'null':
      return 'null';
    case 'text':
      return 'text';
    case 'list':
      return `a list of ${domainText(d.item)
        .replace(/^an? /, '')
        .replace(/\bnumber\b/, 'numbers')}`;
  }
}

function rangeText(min: number, max: number, minOpen: boolean, maxOpen: boolean): string {
  const low = Number.isFinite(min);
  const high = Number.isFinite(max);
  if (low && high) {
    if (min === max && !minOpen && !maxOpen) return ` ${min} only`;
    if (!minOpen && !maxOpen) return ` between ${min} and ${max}`;
    return ` in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}`;
  }
  if (low) return ` ${minOpen ? '>' : '≥'} ${min}`;
  if (high) return ` ${maxOpen ? '<' : '≤'} ${max}`;
  return '';
}

/**
 * A parameter's value from the text of `--set name=TEXT`, read as its
 * domains allow: `null`, `true`/`false`, a number, a list (`64,32` or
 * `[64,32]`), or the text itself. Text that fits none is returned as it is,
 * for validation to refuse with the allowed values.
 */
export function parseParam(spec: Param, text: string): ParamValue {
  const has = (type: Domain['type']) => spec.domains.some((d) => d.type === type);
  if (text === 'null' && has('null')) return null;
  if ((text === 'true' || text === 'false') && has('bool')) return text === 'true';
  const number = Number(text);
  const numeric = text.trim() !== '' && Number.isFinite(number);
  if (numeric && (has('int') || has('float'))) return number;
  if (has('text') || has('enum')) return text;
  const list = spec.domains.find((d): d is Extract<Domain, { type: 'list' }> => d.type === 'list');
  if (list !== undefined) {
    return text
      .replace(/^\[|\]$/g, '')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => (Number.isFinite(Number(part)) ? Number(part) : part));
  }
  return text;
}

function unknownParam(kind: string, params: ParamSpecs, name: string): UsageError {
  return new UsageError('usage.unknown-param', `${kind} has no parameter "${name}"`, {
    location: { field: name },
    hint: `its parameters are: ${Object.keys(params).join(', ')}`,
  });
}

export function badParam(kind: string, name: string, spec: Param, value: unknown): UsageError {
  return new UsageError(
    'usage.bad-param',
    `${kind}: ${name} must be ${allowedText(spec)}, not ${JSON.stringify(value)}`,
    { location: { field: name } },
  );
}
