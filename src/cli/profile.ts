import { constants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DataError } from '../core/errors.js';
import { readTableWithNotes } from '../data/read.js';
import { redactPassword } from '../data/sql.js';
import { writeAtomically } from '../data/write.js';
import { profileFrameAsync } from '../profile/parallel.js';
import { renderProfileHtml, renderProfileText } from '../profile/report/index.js';
import { onePositional, parseCommandArgs, READ_OPTIONS, READ_OPTIONS_HELP, readOptionsFrom } from './args.js';
import type { Command } from './main.js';
import { Progress } from './progress.js';

const USAGE = `Usage: keel profile SOURCE [--target COL] [--time COL] [--out report.html] [--json]

Profiles a table: per-column statistics, correlations, association with the
target, and data-quality findings ranked by severity.

SOURCE is a CSV/TSV, Parquet or JSON-lines file, a SQLite or DuckDB file, or a
postgres:// URL (with --query or --table).

Options:
  --target COL         the column to predict (adds target association, imbalance and leakage checks)
  --time COL           a time column (adds a check for shift between early and late rows)
  --out FILE           write a self-contained HTML report with plots
  --json               print the full profile as JSON on stdout (progress stays on stderr)

${READ_OPTIONS_HELP}`;

export const profileCommand: Command = {
  name: 'profile',
  summary: 'profile a table: statistics, correlations, data-quality findings, HTML report',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs('profile', args, {
      ...READ_OPTIONS,
      target: { type: 'string' },
      time: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    });
    const source = onePositional('profile', positionals, 'table to profile (a file or a database URL)');
    const readOptions = readOptionsFrom(values);
    if (values.out !== undefined) await checkWritableFolder(values.out);
    const progress = new Progress();
    progress.start(`reading ${redactPassword(source)}`);
    const read = await readTableWithNotes(source, readOptions);
    progress.finish(
      `${read.frame.rowCount.toLocaleString('en-US')} rows × ${read.frame.columnCount} columns`,
    );

    progress.start('profiling');
    const profile = await profileFrameAsync(read.frame, {
      target: values.target,
      timeColumn: values.time,
      mixedTypes: read.notes.filter((n) => n.kind === 'mixed-types'),
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.finish(`${profile.findings.length} findings`);

    if (values.out !== undefined) {
      const html = renderProfileHtml(profile);
      await writeAtomically(values.out, (temporary) => writeFile(temporary, html));
      process.stderr.write(`report written to ${values.out}\n`);
    }
    if (values.json) process.stdout.write(`${JSON.stringify(profile, null, 2)}\n`);
    else
      process.stdout.write(
        renderProfileText(profile, { color: process.stdout.isTTY, width: process.stdout.columns }),
      );
    return 0;
  },
};

/** Fail before the work, not after it, when the report cannot be written. */
async function checkWritableFolder(path: string): Promise<void> {
  const folder = dirname(resolve(path));
  try {
    await access(folder, constants.W_OK);
  } catch (error) {
    throw new DataError('data.unwritable', 'cannot write the report there', {
      location: { source: path, field: 'out' },
      hint: `check that the folder ${folder} exists and is writable`,
      cause: error,
    });
  }
}
