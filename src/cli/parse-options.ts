import { parseArgs } from 'node:util';
import { UsageError } from '../core/errors.js';
import type { Option, Table, Values } from './options.js';

/**
 * A command line read against an option table: which options were given
 * (tokenize), whether the arguments fit (checkArity), and the values
 * (coerce). Every refusal names the option and what it must be, and an
 * empty value is refused the same way for every option.
 */

/** A positional argument: `what` completes "name …" when it is missing. */
export interface Arg {
  readonly name: string;
  readonly what: string;
  readonly optional?: boolean;
  /** The last argument may repeat; at least `min` times (default 1, or 0 when optional). */
  readonly many?: boolean;
  readonly min?: number;
}

export interface Given {
  /** The texts of each value option, in order; true or false for flags and toggles. */
  readonly options: ReadonlyMap<string, readonly string[] | boolean>;
  readonly args: readonly string[];
}

/** The arguments as a tuple typed from their declaration: optional ones may be undefined, `many` a list. */
export type ArgValues<A extends readonly Arg[]> = number extends A['length']
  ? string[]
  : A extends readonly [infer H, ...infer R extends readonly Arg[]]
    ? H extends { readonly many: true }
      ? string[]
      : [H extends { readonly optional: true } ? string | undefined : string, ...ArgValues<R>]
    : [];

export interface Parsed<T extends Table, A extends readonly Arg[] = readonly Arg[]> {
  readonly values: Values<T>;
  readonly args: ArgValues<A>;
  /** The options the command line names, to tell a default from a choice. */
  readonly given: ReadonlySet<string>;
}

/** `keel profile …` reads its table and its arguments. */
export function parseCommand<T extends Table, A extends readonly Arg[]>(
  command: string,
  argv: readonly string[],
  table: T,
  args: A,
): Parsed<T, A> {
  const given = tokenize(command, argv, table);
  const alone = isAlone(table, given);
  if (!alone) checkArity(command, args, given.args);
  const values = coerce(command, table, given, alone);
  return { values, args: [...given.args] as ArgValues<A>, given: new Set(given.options.keys()) };
}

function isAlone(table: Table, given: Given): boolean {
  return [...given.options.keys()].some((name) => table[name]?.alone);
}

/**
 * Which options the line names, with their texts. Node's parser is run
 * lenient so that the errors are ours: it still knows which options take
 * a value, and its tokens say what it made of each.
 */
export function tokenize(command: string, argv: readonly string[], table: Table): Given {
  const config = Object.fromEntries(
    Object.entries(table).map(([name, o]) => [
      name,
      { type: o.kind === 'value' ? 'string' : 'boolean' } as const,
    ]),
  );
  const { tokens } = parseArgs({
    args: [...argv],
    options: config,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const options = new Map<string, string[] | boolean>();
  const args: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') args.push(token.value);
    if (token.kind !== 'option') continue;
    const [name, option, negated] = lookUp(command, table, token.name, token.rawName);
    if (option.kind !== 'value') {
      if (token.value !== undefined) {
        const message = `${token.rawName} takes no value, not "${token.value}"`;
        throw new UsageError('usage.bad-option', message, { location: { field: name } });
      }
      options.set(name, !negated);
      continue;
    }
    // A value that is another option means this one was left without its own.
    const value = token.value ?? '';
    if (value === '' || (!token.inlineValue && value.startsWith('--'))) throw missingValue(name, option);
    const texts = options.get(name);
    options.set(name, Array.isArray(texts) ? [...texts, value] : [value]);
  }
  return { options, args };
}

/** The option a token names: `--no-header` is the toggle `header`, negated. */
function lookUp(command: string, table: Table, name: string, raw: string): [string, Option, boolean] {
  const option = table[name];
  if (option !== undefined) return [name, option, false];
  const positive = name.startsWith('no-') ? table[name.slice(3)] : undefined;
  if (positive?.kind === 'toggle') return [name.slice(3), positive, true];
  throw new UsageError('usage.bad-option', `Unknown option '${raw}'`, { hint: `see keel ${command} --help` });
}

/** The values of every option in the table, from what was given or the defaults. */
export function coerce<T extends Table>(command: string, table: T, given: Given, alone = false): Values<T> {
  const values: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(table)) {
    const texts = given.options.get(name);
    if (typeof texts === 'boolean') values[name] = texts;
    else if (texts === undefined) values[name] = option.fallback;
    else if (option.repeatable) values[name] = texts.flatMap((t) => readValue(option, name, t) as unknown[]);
    else values[name] = readValue(option, name, texts.at(-1)!);
    if (values[name] === undefined && option.required !== undefined && !alone) {
      throw missingOption(command, name, option, option.required);
    }
  }
  return values as Values<T>;
}

/**
 * The value of one text for an option (`name` as in `--name`) or for an
 * argument (a NAME in capitals): one check and one message for both.
 */
export function readValue<T>(option: Option<T>, name: string, text: string): T {
  if (text === '') throw missingValue(name, option);
  const value = option.read(text);
  if (value !== undefined) return value;
  const { label, location } = named(name);
  const must = option.expects === undefined ? '' : ` must be ${option.expects},`;
  throw new UsageError('usage.bad-option', `${label}${must} not "${text}"`, {
    location,
    ...(option.hint === undefined ? {} : { hint: option.hint }),
  });
}

/** `--cv` is an option, and the field an error is located in; an argument (NAME) is neither. */
function named(name: string) {
  const argument = /^[A-Z]/.test(name);
  return { label: argument ? name : `--${name}`, location: argument ? {} : { field: name }, argument };
}

function missingValue(name: string, option: Option): UsageError {
  const { label, location, argument } = named(name);
  const usage = argument || option.placeholder === undefined ? label : `${label} ${option.placeholder}`;
  return new UsageError('usage.missing-value', `${label} is missing its value`, {
    location,
    hint: `${usage}: ${option.expects ?? option.help}`,
  });
}

/** `--target COL is required`, with how to give it; for options only some uses of a command need. */
export function missingOption(command: string, name: string, option: Option, hint = ''): UsageError {
  return new UsageError('usage.missing-option', `--${name} ${option.placeholder} is required`, {
    location: { field: name },
    hint: hint === '' ? `see keel ${command} --help` : hint,
  });
}

/** The arguments fit the command's: "name the …" for a missing one, a count for too many. */
export function checkArity(command: string, args: readonly Arg[], given: readonly string[]): void {
  const last = args.at(-1);
  const fixed = last?.many ? args.slice(0, -1) : args;
  const least =
    fixed.filter((a) => !a.optional).length + (last?.many ? (last.min ?? (last.optional ? 0 : 1)) : 0);
  const most = last?.many ? Number.POSITIVE_INFINITY : args.length;
  const hint = { hint: `see keel ${command} --help` };
  if (given.length < least) {
    const missing = given.length < fixed.length ? fixed[given.length]! : last!;
    throw new UsageError('usage.positional', `name ${missing.what}`, hint);
  }
  if (given.length > most) {
    const expected =
      most === 0
        ? 'no argument'
        : `${least === most ? '' : 'at most '}${count(most)} argument${most === 1 ? '' : 's'} (${args.map((a) => a.name).join(' ')})`;
    throw new UsageError('usage.positional', `expected ${expected}, got ${given.length}`, hint);
  }
}

function count(n: number): string {
  return ['no', 'one', 'two', 'three', 'four'][n] ?? String(n);
}
