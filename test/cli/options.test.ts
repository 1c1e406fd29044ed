import { describe, expect, it } from 'vitest';
import { defineCommand } from '../../src/cli/command.js';
import { optionSections, renderPage } from '../../src/cli/help.js';
import { duration, moment, number, share, size, whole } from '../../src/cli/option-kinds.js';
import {
  choice,
  flag,
  inSection,
  list,
  parsed,
  repeated,
  type Table,
  text,
  toggle,
} from '../../src/cli/options.js';
import { type Arg, parseCommand, readValue } from '../../src/cli/parse-options.js';
import { type KeelError, UsageError } from '../../src/core/errors.js';

/** The values one option gets from a command line. */
function parsedValue(table: Table, ...argv: string[]): unknown {
  const name = Object.keys(table)[0]!;
  return (
    parseCommand('demo', argv, table, [{ name: 'X', what: 'x', optional: true, many: true }])
      .values as Record<string, unknown>
  )[name];
}

/** The error a command line gets, as the CLI prints it: message, then hint. */
function refusal(table: Table, ...argv: string[]): string {
  try {
    parseCommand('demo', argv, table, [{ name: 'X', what: 'x', optional: true, many: true }]);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const { message, hint } = error as KeelError;
    return hint === undefined ? message : `${message} | ${hint}`;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('numbers', () => {
  const cv = { cv: whole({ placeholder: 'K', help: 'folds', min: 2, default: 5 }) };

  it('reads a whole number within bounds, and takes the default when absent', () => {
    expect(parsedValue(cv, '--cv', '3')).toBe(3);
    expect(parsedValue(cv, '--cv=10')).toBe(10);
    expect(parsedValue(cv)).toBe(5);
    expect(parsedValue({ port: whole({ help: 'p', min: 0, max: 65535 }) }, '--port', '0')).toBe(0);
  });

  it('refuses what is not one, naming the option, the rule and the text', () => {
    expect(refusal(cv, '--cv', 'x')).toBe('--cv must be a whole number ≥ 2, not "x"');
    expect(refusal(cv, '--cv', '1')).toBe('--cv must be a whole number ≥ 2, not "1"');
    expect(refusal(cv, '--cv', '2.5')).toBe('--cv must be a whole number ≥ 2, not "2.5"');
    expect(refusal(cv, '--cv', ' ')).toBe('--cv must be a whole number ≥ 2, not " "');
    const port = { port: whole({ help: 'p', min: 0, max: 65535 }) };
    expect(refusal(port, '--port', '70000')).toBe(
      '--port must be a whole number from 0 to 65535, not "70000"',
    );
  });

  it('reads numbers and shares with inclusive or strict bounds', () => {
    const margin = { margin: number({ help: 'm', min: 0 }) };
    expect(parsedValue(margin, '--margin', '0.01')).toBe(0.01);
    expect(refusal(margin, '--margin=-1')).toBe('--margin must be a number ≥ 0, not "-1"');
    expect(refusal(margin, '--margin', 'Infinity')).toBe('--margin must be a number ≥ 0, not "Infinity"');

    const holdout = { holdout: share({ help: 'h', above: 0, below: 1, hint: 'e.g. --holdout 0.2' }) };
    expect(parsedValue(holdout, '--holdout', '0.2')).toBe(0.2);
    expect(refusal(holdout, '--holdout', '1')).toBe(
      '--holdout must be a share between 0 and 1, not "1" | e.g. --holdout 0.2',
    );

    const rate = { rate: share({ help: 'r' }) };
    expect(parsedValue(rate, '--rate', '1')).toBe(1);
    expect(refusal(rate, '--rate', '1.5')).toBe('--rate must be a share from 0 to 1, not "1.5"');

    const tolerance = { tolerance: number({ help: 't', min: 0, below: 1 }) };
    expect(refusal(tolerance, '--tolerance', '1')).toBe(
      '--tolerance must be a number from 0 to below 1, not "1"',
    );
  });
});

describe('durations, moments and sizes', () => {
  const time = { time: duration({ help: 'budget', default: 300 }) };

  it('reads durations as seconds', () => {
    for (const [given, seconds] of [
      ['90', 90],
      ['60s', 60],
      ['5m', 300],
      ['1h', 3600],
      ['1m30s', 90],
      ['1.5m', 90],
    ] as const) {
      expect(parsedValue(time, '--time', given)).toBe(seconds);
    }
    expect(parsedValue(time)).toBe(300);
  });

  it('refuses what is not a positive duration', () => {
    for (const bad of ['soon', '5 minutes', '0s', '-5m', '5d', 'm']) {
      expect(refusal(time, `--time=${bad}`)).toBe(
        `--time must be a duration such as 60s, 5m or 1h, not "${bad}"`,
      );
    }
  });

  it('reads a moment as a time ago or a date, and refuses a day the month lacks', () => {
    const since = { since: moment({ help: 'since' }) };
    const before = Date.now();
    const ago = parsedValue(since, '--since', '7d') as number;
    const after = Date.now();
    expect(ago).toBeGreaterThanOrEqual(before - 7 * 86_400_000);
    expect(ago).toBeLessThanOrEqual(after - 7 * 86_400_000);
    expect(parsedValue(since, '--since', '2025-01-31')).toBe(Date.UTC(2025, 0, 31));
    expect(refusal(since, '--since', '2025-02-30')).toBe(
      '--since must be a time ago such as 30d, 12h or 90m, or a date such as 2025-01-31, not "2025-02-30" | a date-time works too: 2025-01-31T14:00 (local) or 2025-01-31T14:00Z',
    );
    expect(refusal(since, '--since', '30')).toMatch(/^--since must be a time ago/);
  });

  it('reads sizes in decimal and binary units, or bytes', () => {
    const limit = { limit: size({ help: 'l', min: 1 }) };
    expect(parsedValue(limit, '--limit', '4MiB')).toBe(4 * 2 ** 20);
    expect(parsedValue(limit, '--limit', '512kB')).toBe(512_000);
    expect(parsedValue(limit, '--limit', '1.5 GB')).toBe(1.5e9);
    expect(parsedValue(limit, '--limit', '1048576')).toBe(1_048_576);
    expect(parsedValue(limit, '--limit', '2k')).toBe(2000);
    const rule = 'a size such as 512kB, 4MiB or 1048576 (bytes), ≥ 1 bytes';
    expect(refusal(limit, '--limit', '1.5')).toBe(`--limit must be ${rule}, not "1.5"`);
    expect(refusal(limit, '--limit', '4 MiBs')).toBe(`--limit must be ${rule}, not "4 MiBs"`);
    expect(refusal(limit, '--limit', '0')).toBe(`--limit must be ${rule}, not "0"`);
  });
});

describe('text, choices, lists and flags', () => {
  it('takes any text but an empty one', () => {
    const target = { target: text({ placeholder: 'COL', help: 'the column to predict' }) };
    expect(parsedValue(target, '--target', ' price ')).toBe(' price ');
    expect(parsedValue(target, '--target', '-')).toBe('-');
    expect(parsedValue(target)).toBeUndefined();
  });

  it('takes one of its choices', () => {
    const task = { task: choice(['regression', 'binary', 'multiclass'], { help: 't' }) };
    expect(parsedValue(task, '--task', 'binary')).toBe('binary');
    expect(refusal(task, '--task', 'Binary')).toBe(
      '--task must be regression, binary or multiclass, not "Binary"',
    );
  });

  it('adds up a list over its uses, trimmed, or exactly as written', () => {
    const drop = { drop: list({ help: 'd' }) };
    expect(parsedValue(drop, '--drop', 'a, b', '--drop', 'c,,')).toEqual(['a', 'b', 'c']);
    expect(parsedValue(drop)).toBeUndefined();
    const missing = { missing: list({ help: 'm', exact: true }) };
    expect(parsedValue(missing, '--missing', 'NA, ,')).toEqual(['NA', ' ', '']);
    const set = { set: repeated({ help: 's', default: [] }) };
    expect(parsedValue(set, '--set', 'a=1,2', '--set', 'b=x')).toEqual(['a=1,2', 'b=x']);
    expect(parsedValue(set)).toEqual([]);
  });

  it('reads a kind declared elsewhere, and lets it refuse', () => {
    const pair = {
      pair: parsed({
        placeholder: 'K=V',
        help: 'p',
        expects: 'K=V',
        repeatable: true,
        read: (t: string) => (t.includes('=') ? [t.split('=') as [string, string]] : undefined),
      }),
    };
    expect(parsedValue(pair, '--pair', 'a=1', '--pair', 'b=2')).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    expect(refusal(pair, '--pair', 'a')).toBe('--pair must be K=V, not "a"');
  });

  it('reads flags and toggles, which take no value', () => {
    const json = { json: flag({ help: 'j' }) };
    expect(parsedValue(json, '--json')).toBe(true);
    expect(parsedValue(json)).toBe(false);
    expect(refusal(json, '--json=yes')).toBe('--json takes no value, not "yes"');
    const header = { header: toggle({ help: 'h' }) };
    expect(parsedValue(header, '--header')).toBe(true);
    expect(parsedValue(header, '--no-header')).toBe(false);
    expect(parsedValue(header, '--no-header', '--header')).toBe(true);
    expect(parsedValue(header)).toBeUndefined();
  });
});

describe('one rule for empty values', () => {
  const table = {
    cv: whole({ placeholder: 'K', help: 'folds', min: 2 }),
    target: text({ placeholder: 'COL', help: 'the column to predict' }),
    drop: list({ placeholder: 'COL', help: 'columns to leave out' }),
    json: flag({ help: 'j' }),
  };

  it('refuses an empty value, a value left out and an option in its place alike', () => {
    const cv = '--cv is missing its value | --cv K: a whole number ≥ 2';
    expect(refusal(table, '--cv', '')).toBe(cv);
    expect(refusal(table, '--cv=')).toBe(cv);
    expect(refusal(table, '--cv')).toBe(cv);
    expect(refusal(table, '--cv', '--json')).toBe(cv);
    expect(refusal(table, '--target', '')).toBe(
      '--target is missing its value | --target COL: the column to predict',
    );
    expect(refusal(table, '--drop', 'a', '--drop', '')).toBe(
      '--drop is missing its value | --drop COL: columns to leave out',
    );
  });

  it('applies to arguments read as values too', () => {
    const version = whole({ help: 'v', min: 1 });
    expect(readValue(version, 'VERSION', '3')).toBe(3);
    expect(() => readValue(version, 'VERSION', 'x')).toThrow('VERSION must be a whole number ≥ 1, not "x"');
    expect(() => readValue(version, 'VERSION', '')).toThrow('VERSION is missing its value');
  });
});

describe('the command line as a whole', () => {
  const table = {
    model: text({ placeholder: 'NAME', help: 'the model', required: 'choose one: --model NAME' }),
    seed: whole({ help: 's', min: 0, default: 0 }),
    list: flag({ help: 'list the models', alone: true }),
  };
  const args: readonly Arg[] = [{ name: 'SOURCE', what: 'the table to learn from' }];
  const parse = (...argv: string[]) => parseCommand('demo', argv, table, args);

  it('names a required option that is missing, with how to give it', () => {
    expect(() => parse('data.csv')).toThrow('--model NAME is required');
    const error = (() => {
      try {
        parse('data.csv');
      } catch (e) {
        return e as KeelError;
      }
    })();
    expect(error?.hint).toBe('choose one: --model NAME');
    expect(error?.location).toEqual({ field: 'model' });
  });

  it('asks for neither arguments nor required options when an option is the whole request', () => {
    expect(parse('--list').values).toEqual({ model: undefined, seed: 0, list: true });
  });

  it('refuses an unknown option, pointing to the help', () => {
    expect(() => parse('x.csv', '--colour')).toThrow("Unknown option '--colour'");
    expect(() => parse('x.csv', '--colour')).toThrow(
      expect.objectContaining({ hint: 'see keel demo --help' }),
    );
  });

  it('checks the arguments before the options they come with', () => {
    expect(() => parse('--model', 'ridge')).toThrow('name the table to learn from');
    expect(() => parse('a', 'b', '--model', 'ridge')).toThrow('expected one argument (SOURCE), got 2');
    const many: readonly Arg[] = [{ name: 'ID', what: 'two or more runs to compare', many: true, min: 2 }];
    expect(() => parseCommand('demo', ['a'], {}, many)).toThrow('name two or more runs to compare');
    const optional: readonly Arg[] = [{ name: 'NAME', what: 'the model', optional: true }];
    expect(parseCommand('demo', [], {}, optional).args).toEqual([]);
    expect(() => parseCommand('demo', ['a', 'b'], {}, optional)).toThrow(
      'expected at most one argument (NAME), got 2',
    );
    expect(() => parseCommand('demo', ['a'], {}, [])).toThrow('expected no argument, got 1');
  });

  it('says which options the line gave, to tell a default from a choice', () => {
    const parsed = parse('x.csv', '--model', 'ridge', '--seed', '0');
    expect(parsed.args).toEqual(['x.csv']);
    expect([...parsed.given]).toEqual(['model', 'seed']);
  });
});

describe('help from the table', () => {
  it('lists each option with its placeholder, notes and default, aligned and wrapped', () => {
    const table = {
      target: text({ placeholder: 'COL', help: 'the column to predict', required: true }),
      cv: whole({
        placeholder: 'K',
        help: 'K-fold cross-validation, stratified for classes',
        min: 2,
        default: 5,
      }),
      time: duration({ help: 'the search budget', default: 300 }),
      'body-limit': size({ help: 'largest request body', default: 4 * 2 ** 20 }),
      drop: list({
        placeholder: 'COL',
        help: 'leave a column out: an id, a leak, or the label when clustering; this text is long enough to wrap',
      }),
      'allow-sensitive-features': flag({ help: 'keep sensitive columns as features' }),
      ...inSection('Reading options', {
        header: toggle({ help: 'whether the first line names the columns' }),
        threads: whole({ help: 'trials run at once', min: 1, defaultHelp: 'one per core' }),
      }),
    };
    const page = renderPage({
      usage: ['keel demo SOURCE --target COL', 'keel demo --list'],
      about: 'Does what a demo does.',
      sections: optionSections(table),
      epilogue: 'Ctrl-C stops it.',
    });
    expect(page).toBe(
      [
        'Usage: keel demo SOURCE --target COL',
        '       keel demo --list',
        '',
        'Does what a demo does.',
        '',
        'Options:',
        '  --target COL           the column to predict (required)',
        '  --cv K                 K-fold cross-validation, stratified for classes (default: 5)',
        '  --time T               the search budget (default: 5m)',
        '  --body-limit SIZE      largest request body (default: 4MiB)',
        '  --drop COL             leave a column out: an id, a leak, or the label when clustering; this',
        '                         text is long enough to wrap (repeatable, or comma-separated)',
        '  --allow-sensitive-features',
        '                         keep sensitive columns as features',
        '',
        'Reading options:',
        '  --header, --no-header  whether the first line names the columns',
        '  --threads N            trials run at once (default: one per core)',
        '',
        'Ctrl-C stops it.',
      ].join('\n'),
    );
  });
});

describe('a command from a table', () => {
  const echo = defineCommand({
    name: 'echo',
    summary: 'says it again',
    usage: ['keel echo WORD [--times N]'],
    about: 'Says a word again.',
    args: [{ name: 'WORD', what: 'the word to say' }],
    options: { times: whole({ help: 'how often', min: 1, default: 1 }) },
    run: async ({ values, args: [word] }) => word.length * values.times,
  });

  it('parses its line before its work, and refuses through the promise it returns', async () => {
    expect(await echo.run(['abc', '--times', '2'])).toBe(6);
    await expect(echo.run([])).rejects.toThrow('name the word to say');
    await expect(echo.run(['abc', '--times', '0'])).rejects.toThrow('--times must be a whole number ≥ 1');
  });

  it('has its help and its table', () => {
    expect(echo.usage).toMatch(
      /^Usage: keel echo WORD \[--times N\]\n\nSays a word again\.\n\nOptions:\n {2}--times N/,
    );
    expect(echo.tables).toHaveLength(1);
  });
});
