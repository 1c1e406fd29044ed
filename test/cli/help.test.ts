import { describe, expect, it } from 'vitest';
import { optionLabel } from '../../src/cli/help.js';
import { COMMANDS } from '../../src/cli/main.js';

/** The options a help page lists: its lines that start with an option's name. */
function listed(help: string): string[] {
  return [...help.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]!);
}

describe('every command’s --help and its option tables', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    'keel %s --help lists every option it accepts, and only those',
    (_name, command) => {
      const declared = command.tables.flatMap((table) => Object.entries(table));
      for (const [name, option] of declared) {
        const line = new RegExp(
          `^ {2}${optionLabel(name, option).replace(/[|[\]()*+?.\\]/g, '\\$&')}( |$)`,
          'm',
        );
        expect(command.usage, `--${name}`).toMatch(line);
        expect(option.help.trim(), `--${name} has no help`).not.toBe('');
      }
      expect(new Set(listed(command.usage))).toEqual(new Set(declared.map(([name]) => name)));
    },
  );
});
