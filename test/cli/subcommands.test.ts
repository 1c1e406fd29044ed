import { afterEach, describe, expect, it, vi } from 'vitest';
import { whole } from '../../src/cli/option-kinds.js';
import { flag, text } from '../../src/cli/options.js';
import { readValue } from '../../src/cli/parse-options.js';
import { defineSubcommands, subcommand } from '../../src/cli/subcommands.js';

interface Shelf {
  readonly opened: string;
  readonly json: boolean;
}

const VERSION = whole({ help: 'a version', min: 1 });

const shelf = defineSubcommands({
  name: 'shelf',
  summary: 'a shelf of things',
  about: 'Keeps things.',
  options: {
    json: flag({ help: 'print JSON' }),
    place: text({ placeholder: 'URL', help: 'where the shelf is', default: 'here' }),
  },
  fallback: 'list',
  subcommands: {
    list: subcommand({
      usage: '[list] [--limit N] [--json]',
      summary: 'the things on the shelf',
      args: [],
      options: { limit: whole({ help: 'at most N things', min: 1, default: 20 }) },
      run: async (shelf: Shelf, { values }) => `${shelf.opened} list ${values.limit} ${shelf.json}\n`,
    }),
    move: subcommand({
      usage: 'move NAME VERSION [--json]',
      summary: 'move a thing to a version',
      args: [
        { name: 'NAME', what: 'the thing to move' },
        { name: 'VERSION', what: 'the version to move it to' },
      ],
      run: async (shelf: Shelf, { args: [name, version] }) =>
        `${shelf.opened} move ${name} ${readValue(VERSION, 'VERSION', version)}\n`,
    }),
    prune: subcommand({
      usage: 'prune --older N [--yes]',
      summary: 'drop old things',
      args: [],
      options: {
        older: whole({ placeholder: 'N', help: 'days', min: 1, required: 'say how old: --older 30' }),
        yes: flag({ help: 'for real' }),
      },
      run: async (_shelf: Shelf, { values }) => `prune ${values.older} ${values.yes}\n`,
    }),
  },
  open: async (values, work) => work({ opened: `opened ${values.place}`, json: values.json }),
});

async function run(...argv: string[]): Promise<string> {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  await shelf.run(argv);
  return written.join('');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a command of subcommands', () => {
  it('runs the named subcommand, or the fallback, inside what the command opens', async () => {
    expect(await run()).toBe('opened here list 20 false\n');
    expect(await run('list', '--limit', '3', '--json')).toBe('opened here list 3 true\n');
    expect(await run('--place', 'there', 'move', 'cup', '2')).toBe('opened there move cup 2\n');
    expect(await run('prune', '--older', '30', '--yes')).toBe('prune 30 true\n');
  });

  it('refuses an unknown subcommand, listing them', async () => {
    await expect(run('drop')).rejects.toThrow('unknown subcommand "drop" (list, move, prune)');
  });

  it('says which subcommand takes an option given to another', async () => {
    await expect(run('move', 'cup', '2', '--yes')).rejects.toThrow('--yes applies to keel shelf prune only');
    await expect(run('--limit', '2', 'prune')).rejects.toThrow('--limit applies to keel shelf list only');
    await expect(run('--colour')).rejects.toThrow("Unknown option '--colour'");
  });

  it("checks each subcommand's arguments, then its options", async () => {
    await expect(run('move', 'cup')).rejects.toThrow('name the version to move it to');
    await expect(run('list', 'extra')).rejects.toThrow('expected no argument, got 1');
    await expect(run('move', 'cup', 'x')).rejects.toThrow('VERSION must be a whole number ≥ 1, not "x"');
    await expect(run('prune')).rejects.toThrow('--older N is required');
    await expect(run('prune', '--older', '0')).rejects.toThrow('--older must be a whole number ≥ 1, not "0"');
  });

  it('lists the subcommands and the options of each in its help', () => {
    expect(shelf.usage).toBe(
      [
        'Usage: keel shelf [list] [--limit N] [--json]',
        '       keel shelf move NAME VERSION [--json]',
        '       keel shelf prune --older N [--yes]',
        '',
        'Keeps things.',
        '',
        '  keel shelf [list]             the things on the shelf',
        '  keel shelf move NAME VERSION  move a thing to a version',
        '  keel shelf prune              drop old things',
        '',
        'Options:',
        '  --json       print JSON',
        '  --place URL  where the shelf is (default: here)',
        '',
        'Options of keel shelf list:',
        '  --limit N    at most N things (default: 20)',
        '',
        'Options of keel shelf prune:',
        '  --older N    days (required)',
        '  --yes        for real',
      ].join('\n'),
    );
  });
});
