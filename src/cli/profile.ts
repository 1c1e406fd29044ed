import { constants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DataError } from '../core/errors.js';
import { readTableWithNotes } from '../data/read.js';
import { redactPassword } from '../data/sql.js';
import { writeAtomically } from '../data/write.js';
import { profileFrameAsync } from '../profile/parallel.js';
import { renderProfileHtml, renderProfileText } from '../profile/report/index.js';
import { defineCommand } from './command.js';
import { flag, text } from './options.js';
import { Progress } from './progress.js';
import { READ_OPTIONS, readOptionsFrom } from './read-options.js';

export const profileCommand = defineCommand({
  name: 'profile',
  summary: 'profile a table: statistics, correlations, data-quality findings, HTML report',
  usage: ['keel profile SOURCE [--target COL] [--time COL] [--out report.html] [--json]'],
  about: `Profiles a table: per-column statistics, correlations, association with the
target, and data-quality findings ranked by severity.

SOURCE is a CSV/TSV, Parquet or JSON-lines file, a SQLite or DuckDB file, or a
postgres:// URL (with --query or --table).`,
  args: [{ name: 'SOURCE', what: 'the table to profile (a file or a database URL)' }],
  options: {
    target: text({
      placeholder: 'COL',
      help: 'the column to predict (adds target association, imbalance and leakage checks)',
    }),
    time: text({
      placeholder: 'COL',
      help: 'a time column (adds a check for shift between early and late rows)',
    }),
    out: text({ placeholder: 'FILE', help: 'write a self-contained HTML report with plots' }),
    json: flag({ help: 'print the full profile as JSON on stdout (progress stays on stderr)' }),
    ...READ_OPTIONS,
  },
  async run({ values, args: [source] }) {
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
});

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
