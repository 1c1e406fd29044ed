import { optionSections, renderPage } from './help.js';
import type { Table } from './options.js';
import { type Arg, type Parsed, parseCommand } from './parse-options.js';

/** A verb of the CLI: parses its own arguments, returns the process exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** What `keel NAME --help` prints. */
  readonly usage: string;
  /** The tables its options come from, so its help can be checked against them. */
  readonly tables: readonly Table[];
  run(args: string[]): Promise<number>;
}

export interface CommandSpec<T extends Table, A extends readonly Arg[]> {
  readonly name: string;
  readonly summary: string;
  /** The synopsis lines, each starting `keel NAME`. */
  readonly usage: readonly string[];
  /** The paragraphs between the synopsis and the options. */
  readonly about: string;
  /** What follows the options in the help. */
  readonly epilogue?: string;
  readonly args: A;
  readonly options: T;
  run(input: Parsed<T, A>): Promise<number>;
}

/** A command whose help and parsing both come from its table. */
export function defineCommand<const T extends Table, const A extends readonly Arg[]>(
  spec: CommandSpec<T, A>,
): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: renderPage({ ...spec, sections: optionSections(spec.options) }),
    tables: [spec.options],
    run: async (args) => spec.run(parseCommand(spec.name, args, spec.options, spec.args)),
  };
}
