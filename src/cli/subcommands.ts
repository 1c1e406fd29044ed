import { UsageError } from '../core/errors.js';
import type { Command } from './command.js';
import { optionSections, renderPage, type Section } from './help.js';
import type { Table, Values } from './options.js';
import { type Arg, checkArity, coerce, type Parsed, tokenize } from './parse-options.js';

/**
 * Commands made of subcommands (`keel keys create NAME`, `keel store
 * prune`): the dispatch, the argument checks and the help are written
 * here once. Each subcommand has its own options besides the command's
 * shared ones, and an option given to the wrong one says which takes it.
 */

export interface Subcommand<C> {
  /** The synopsis after `keel COMMAND `: `create NAME [--json]`. */
  readonly usage: string;
  readonly summary: string;
  readonly args: readonly Arg[];
  readonly options: Table;
  /** What to print, given what the command opened (the store) and the parsed line. */
  run(context: C, input: Parsed<Table>): Promise<string>;
}

export function subcommand<
  C,
  const A extends readonly Arg[],
  const T extends Table = Record<never, never>,
>(spec: {
  readonly usage: string;
  readonly summary: string;
  readonly args: A;
  readonly options?: T;
  run(context: C, input: Parsed<T, A>): Promise<string>;
}): Subcommand<C> {
  return { ...spec, options: spec.options ?? {}, run: spec.run as Subcommand<C>['run'] };
}

export interface SubcommandsSpec<S extends Table, C> {
  readonly name: string;
  readonly summary: string;
  readonly about: string;
  readonly epilogue?: string;
  /** The options every subcommand takes. */
  readonly options: S;
  /** The subcommand run when none is named; without one, a subcommand must be named. */
  readonly fallback?: string;
  readonly subcommands: Readonly<Record<string, Subcommand<C>>>;
  /** Opens what the subcommands work on around the one that runs, after the line has been checked. */
  open(values: Values<S>, work: (context: C) => Promise<string>): Promise<string>;
}

export function defineSubcommands<const S extends Table, C>(spec: SubcommandsSpec<S, C>): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: helpOf(spec),
    tables: [spec.options, ...Object.values(spec.subcommands).map((s) => s.options)],
    async run(argv) {
      const { sub, input } = parseSubcommand(spec, argv);
      process.stdout.write(await spec.open(input.values as Values<S>, (context) => sub.run(context, input)));
      return 0;
    },
  };
}

function parseSubcommand<S extends Table, C>(spec: SubcommandsSpec<S, C>, argv: readonly string[]) {
  const subs = Object.values(spec.subcommands);
  const everything: Table = Object.assign({}, spec.options, ...subs.map((s) => s.options));
  const given = tokenize(spec.name, argv, everything);
  const [named, ...args] = given.args;
  const name = named ?? spec.fallback;
  const sub = name === undefined ? undefined : spec.subcommands[name];
  if (sub === undefined) {
    const names = Object.keys(spec.subcommands).join(', ');
    const message =
      name === undefined ? `name a subcommand: ${names}` : `unknown subcommand "${name}" (${names})`;
    throw new UsageError('usage.positional', message, { hint: `see keel ${spec.name} --help` });
  }
  const table = { ...spec.options, ...sub.options };
  for (const option of given.options.keys()) {
    if (!(option in table)) throw notHere(spec, option);
  }
  checkArity(spec.name, sub.args, args);
  const values = coerce(spec.name, table, given);
  const input: Parsed<Table> = { values, args, given: new Set(given.options.keys()) };
  return { sub, input };
}

/** `--yes applies to keel store prune only`. */
function notHere<S extends Table, C>(spec: SubcommandsSpec<S, C>, option: string): UsageError {
  const takers = Object.entries(spec.subcommands)
    .filter(([, s]) => option in s.options)
    .map(([name]) => `keel ${spec.name} ${name}`);
  return new UsageError('usage.bad-option', `--${option} applies to ${takers.join(' and ')} only`, {
    location: { field: option },
    hint: `see keel ${spec.name} --help`,
  });
}

function helpOf<S extends Table, C>(spec: SubcommandsSpec<S, C>): string {
  const subs = Object.entries(spec.subcommands);
  const listing: Section = {
    title: '',
    rows: subs.map(([name, s]) => [synopsis(spec, name, s.args), s.summary]),
    longestLabel: 40,
  };
  const own = subs.flatMap(([name, s]) => optionSections(s.options, `Options of keel ${spec.name} ${name}:`));
  return renderPage({
    usage: subs.map(([, s]) => `keel ${spec.name} ${s.usage}`),
    about: spec.about,
    sections: [listing, ...optionSections(spec.options), ...own],
    ...(spec.epilogue === undefined ? {} : { epilogue: spec.epilogue }),
  });
}

/** `keel models alias NAME VERSION ALIAS`; the fallback's name in brackets, as it may be left out. */
function synopsis<S extends Table, C>(
  spec: SubcommandsSpec<S, C>,
  name: string,
  args: readonly Arg[],
): string {
  const words = args.map((a) => (a.many ? `${a.name} …` : a.optional ? `[${a.name}]` : a.name));
  return ['keel', spec.name, name === spec.fallback ? `[${name}]` : name, ...words].join(' ');
}
