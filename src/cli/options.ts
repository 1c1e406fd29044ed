/**
 * A command's options, each declared once: its name (the table's key), how
 * its text becomes a value, its default, whether it is required, and its
 * line of help. parse-options.ts reads a command line against a table,
 * help.ts writes the table's part of `--help`, and `Values` gives the
 * parsed values their types, so none of the three can disagree with it.
 */

/** Whether a parsed value can be absent: `always` for options with a default, flags and required ones. */
export type Presence = 'optional' | 'always';

export interface Option<T = unknown, P extends Presence = Presence> {
  /** `flag`: --json; `toggle`: --header and --no-header; `value`: --cv K. */
  readonly kind: 'flag' | 'toggle' | 'value';
  /** What stands for the value in help and errors: the K of `--cv K`. */
  readonly placeholder: string | undefined;
  readonly help: string;
  /** What a value must be, for errors: "a whole number ≥ 2" (none: any text will do). */
  readonly expects: string | undefined;
  /** Said in help after the text, before the default: "repeatable". */
  readonly note: string | undefined;
  /** Given again, the values add up (read yields a list per use) rather than the last one winning. */
  readonly repeatable: boolean;
  readonly presence: P;
  readonly fallback: T | undefined;
  /** The default as help shows it; set for defaults the command or library applies itself. */
  readonly defaultHelp: string | undefined;
  /** Required options name themselves when absent; the text says how to give them. */
  readonly required: string | undefined;
  /** Said when a value is refused. */
  readonly hint: string | undefined;
  /** The heading help lists it under; none for the command's own "Options:". */
  readonly section: string | undefined;
  /** Given, it is the whole request (keel train --list): arguments and required options are not asked for. */
  readonly alone: boolean;
  /** The value a text means, or undefined when it means none. */
  read(text: string): T | undefined;
}

export type Table = { readonly [name: string]: Option };

/** The parsed values of a table, typed from it. */
export type Values<T extends Table> = {
  -readonly [K in keyof T]: T[K] extends Option<infer V, infer P>
    ? P extends 'always'
      ? V
      : V | undefined
    : never;
};

/** What every option with a value may say about itself. */
export interface Spec<T> {
  readonly help: string;
  /** The K of `--cv K`; the builders give a usual one. */
  readonly placeholder?: string;
  readonly default?: T;
  readonly defaultHelp?: string;
  /** `true`, or the hint to give when the option is missing. */
  readonly required?: true | string;
  readonly hint?: string;
}

export type PresenceOf<S> = S extends { readonly default: unknown }
  ? 'always'
  : S extends { readonly required: true | string }
    ? 'always'
    : 'optional';

/** How a kind of value reads and shows itself, given by each builder. */
export interface ValueKind<T> {
  readonly placeholder: string;
  readonly expects: string | undefined;
  readonly note?: string;
  readonly repeatable?: boolean;
  readonly hint?: string;
  read(text: string): T | undefined;
  /** A default as help shows it. */
  show?(value: T): string;
}

/** An option with a value of the given kind: the builders below and in option-kinds.ts all end here. */
export function valueOption<T, const S extends Spec<T>>(
  spec: S,
  kind: ValueKind<T>,
): Option<T, PresenceOf<S>> {
  const shown = spec.default === undefined ? undefined : (kind.show?.(spec.default) ?? String(spec.default));
  return {
    kind: 'value',
    placeholder: spec.placeholder ?? kind.placeholder,
    help: spec.help,
    expects: kind.expects,
    note: kind.note,
    repeatable: kind.repeatable === true,
    presence: (spec.default !== undefined || spec.required !== undefined
      ? 'always'
      : 'optional') as PresenceOf<S>,
    fallback: spec.default,
    // An empty list as default says nothing worth a note.
    defaultHelp: spec.defaultHelp ?? (shown === '' ? undefined : shown),
    required: spec.required === true ? '' : spec.required,
    hint: spec.hint ?? kind.hint,
    section: undefined,
    alone: false,
    read: kind.read,
  };
}

function switchOption<P extends Presence>(kind: 'flag' | 'toggle', help: string, presence: P, alone = false) {
  return {
    kind,
    placeholder: undefined,
    help,
    expects: undefined,
    note: undefined,
    repeatable: false,
    presence,
    fallback: kind === 'flag' ? false : undefined,
    defaultHelp: undefined,
    required: undefined,
    hint: undefined,
    section: undefined,
    alone,
    read: () => undefined,
  } satisfies Option<boolean, P>;
}

/** `--json`: true when given, false otherwise. */
export function flag(spec: { readonly help: string; readonly alone?: boolean }): Option<boolean, 'always'> {
  return switchOption('flag', spec.help, 'always', spec.alone);
}

/** `--header` and `--no-header`: true, false, or undefined when neither is given (the last one wins). */
export function toggle(spec: { readonly help: string }): Option<boolean, 'optional'> {
  return switchOption('toggle', spec.help, 'optional');
}

/** Any text but an empty one. */
export function text<const S extends Spec<string>>(spec: S): Option<string, PresenceOf<S>> {
  return valueOption(spec, { placeholder: 'TEXT', expects: undefined, read: (t) => t });
}

/** One of a few words. */
export function choice<const C extends string, const S extends Spec<C>>(
  choices: readonly C[],
  spec: S,
): Option<C, PresenceOf<S>> {
  const words =
    choices.length < 2 ? choices.join('') : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
  return valueOption(spec, {
    placeholder: 'WORD',
    expects: words,
    read: (t) => choices.find((c) => c === t),
  });
}

/**
 * Repeatable and comma-separated: `--drop a,b --drop c` is [a, b, c].
 * Items are trimmed and empty ones dropped, unless `exact` (strings that
 * mean "missing" may be empty or padded on purpose).
 */
export function list<const S extends Spec<string[]> & { readonly exact?: boolean }>(
  spec: S,
): Option<string[], PresenceOf<S>> {
  const split = (t: string) => t.split(',');
  const tidy = (t: string) =>
    split(t)
      .map((item) => item.trim())
      .filter((item) => item !== '');
  return valueOption(spec, {
    placeholder: 'A,B,…',
    expects: undefined,
    note: 'repeatable, or comma-separated',
    repeatable: true,
    read: spec.exact ? split : tidy,
    show: (items) => items.join(','),
  });
}

/** Repeatable, each use one value as written: `--set alpha=1 --set l1=0.5`. */
export function repeated<const S extends Spec<string[]>>(spec: S): Option<string[], PresenceOf<S>> {
  return valueOption(spec, {
    placeholder: 'TEXT',
    expects: undefined,
    note: 'repeatable',
    repeatable: true,
    read: (t) => [t],
  });
}

/** What a `parsed` option says of its kind besides how to read it. */
export type KindSpec = Omit<ValueKind<unknown>, 'read' | 'show'>;

/** A value of a kind declared once elsewhere (a window, a column kind): `read` returns undefined to refuse. */
export function parsed<T, const S extends Spec<NoInfer<T>> & KindSpec>(
  spec: S & { read(text: string): T | undefined },
): Option<T, PresenceOf<S>> {
  return valueOption(spec, spec);
}

/** The same options, listed in help under `title` (the reading options, the tracking options). */
export function inSection<const T extends Table>(title: string, table: T): T {
  const entries = Object.entries(table).map(([name, option]) => [name, { ...option, section: title }]);
  return Object.fromEntries(entries) as unknown as T;
}
