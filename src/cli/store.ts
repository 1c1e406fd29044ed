import { UsageError } from '../core/errors.js';
import { openStore } from '../registry/open.js';
import type { SqlStore } from '../registry/sql-store.js';
import { type ExportReport, exportStore, type ImportReport, importStore } from '../registry/transfer.js';
import type { PruneResult } from '../registry/types.js';
import { parseCommandArgs } from './args.js';
import { parseMoment } from './duration.js';
import type { Command } from './main.js';
import { STORE_OPTION, STORE_OPTION_HELP } from './store-option.js';
import { renderTable, shortTime } from './table.js';

const USAGE = `Usage: keel store migrate [--json]
       keel store export FILE [--json]
       keel store import FILE [--merge] [--json]
       keel store prune --predictions-before 30d|DATE [--yes] [--json]

The store itself: its schema, and moving everything it holds (runs, metrics,
logs, datasets, models, versions, aliases and their history, tags, and the
artifact files) between stores — SQLite to PostgreSQL and back.

  keel store migrate        bring the store's schema up to date (opening a store
                            does this too) and show its versions
  keel store export FILE    write everything to FILE (JSON lines, checksummed)
  keel store import FILE    load FILE into the store in one transaction, then check
                            every table against the file; refused if the file was
                            changed or cut short, or if the store already holds records
  keel store prune          retention: delete logged predictions older than a time,
                            with their feedback, in batches of 1,000 (one transaction
                            each); without --yes, only count what would go

Options:
  --merge            import into a store that holds records: add what it lacks, keep
                     what it has (reported per table)
  --predictions-before T
                     prune the predictions logged before T: a time ago (30d, 12h) or
                     a date (2025-01-31 is midnight UTC; 2025-01-31T14:00 local time)
  --yes              prune for real (without it, prune only reports what it would delete)
  --json             print the report as JSON
${STORE_OPTION_HELP}

Example, from the embedded store to PostgreSQL:
  keel store export keel-store.jsonl
  keel store import keel-store.jsonl --store postgres://me@db.example.com/keel`;

export const storeCommand: Command = {
  name: 'store',
  summary: 'migrate the store; export and import everything it holds; prune the prediction log',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs('store', args, {
      ...STORE_OPTION,
      merge: { type: 'boolean' },
      'predictions-before': { type: 'string' },
      yes: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const [sub, ...rest] = positionals;
    const json = values.json === true;
    if (values.merge === true && sub !== 'import') {
      throw new UsageError('usage.bad-option', '--merge applies to keel store import only', {
        hint: 'keel store --help',
      });
    }
    const prune = pruneFlags(sub, values['predictions-before'], values.yes === true);
    const openedAt = Date.now();
    const store = await openStore(values.store === undefined ? {} : { url: values.store });
    try {
      process.stdout.write(
        await dispatch(store, sub, rest, { json, merge: values.merge === true, openedAt, prune }),
      );
      return 0;
    } finally {
      await store.close();
    }
  },
};

interface Flags {
  readonly json: boolean;
  readonly merge: boolean;
  readonly openedAt: number;
  readonly prune: { readonly before: number; readonly yes: boolean } | undefined;
}

async function dispatch(
  store: SqlStore,
  sub: string | undefined,
  rest: string[],
  flags: Flags,
): Promise<string> {
  switch (sub) {
    case 'migrate':
      arity(rest, []);
      return migrateReport(store, flags);
    case 'export': {
      const report = await exportStore(store, arity(rest, ['FILE'])[0]!);
      return flags.json ? `${JSON.stringify(report, null, 2)}\n` : exportText(report);
    }
    case 'import': {
      const report = await importStore(store, arity(rest, ['FILE'])[0]!, { merge: flags.merge });
      return flags.json ? `${JSON.stringify(report, null, 2)}\n` : importText(report);
    }
    case 'prune': {
      arity(rest, []);
      const { before, yes } = flags.prune!;
      const result = await store.prunePredictions({ before, dryRun: !yes });
      return flags.json ? `${JSON.stringify(result, null, 2)}\n` : pruneText(store, result);
    }
    default:
      throw new UsageError(
        'usage.positional',
        sub === undefined
          ? 'say what to do: migrate, export FILE, import FILE or prune'
          : `unknown subcommand "${sub}"`,
        { hint: 'keel store --help' },
      );
  }
}

/** `--predictions-before` and `--yes` belong to prune, and prune needs the first (read before opening the store). */
function pruneFlags(sub: string | undefined, before: string | undefined, yes: boolean): Flags['prune'] {
  if (sub !== 'prune') {
    if (before === undefined && !yes) return undefined;
    const message = '--predictions-before and --yes apply to keel store prune only';
    throw new UsageError('usage.bad-option', message, { hint: 'keel store --help' });
  }
  if (before === undefined) {
    throw new UsageError('usage.missing-option', 'say what to prune: --predictions-before 30d (or a date)', {
      location: { field: 'predictions-before' },
      hint: 'keel store prune --predictions-before 30d deletes the predictions logged more than 30 days ago',
    });
  }
  return { before: parseMoment(before, 'predictions-before'), yes };
}

function pruneText(store: SqlStore, result: PruneResult): string {
  const when = `before ${shortTime(result.before)}`;
  if (result.predictions === 0)
    return `Nothing to prune: no prediction in ${store.location} was logged ${when}.\n`;
  const what = `${plural(result.predictions, 'logged prediction')} (${result.feedback.toLocaleString('en-US')} with feedback)`;
  if (result.dryRun) {
    return `Would delete ${what} logged ${when} from ${store.location}.\nRun again with --yes to delete them.\n`;
  }
  return `Deleted ${what} logged ${when} from ${store.location}, in ${plural(result.batches, 'transaction')}.\n`;
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

function arity(args: string[], names: readonly string[]): string[] {
  if (args.length === names.length) return args;
  const expected = names.length === 0 ? 'no argument' : names.join(' ');
  throw new UsageError('usage.positional', `expected ${expected}, got ${args.length} argument(s)`, {
    hint: 'keel store --help',
  });
}

/** The schema versions recorded in the store; those applied since this command started are marked `now`. */
async function migrateReport(store: SqlStore, flags: Flags): Promise<string> {
  const rows = await store.db.query<{ version: number; name: string; applied_at: number }>(
    'SELECT version, name, applied_at FROM keel_migrations ORDER BY version',
  );
  const migrations = rows.map((r) => ({
    version: r.version,
    name: r.name,
    appliedAt: r.applied_at,
    appliedNow: r.applied_at >= flags.openedAt,
  }));
  const schemaVersion = migrations.at(-1)?.version ?? 0;
  if (flags.json) {
    const report = { location: store.location, backend: store.backend, schemaVersion, migrations };
    return `${JSON.stringify(report, null, 2)}\n`;
  }
  const now = migrations.filter((m) => m.appliedNow).length;
  const table = renderTable(
    [{ title: 'version', right: true }, { title: 'migration' }, { title: 'applied' }],
    migrations.map((m) => [String(m.version), m.name, m.appliedNow ? 'now' : shortTime(m.appliedAt)]),
  );
  const status = now === 0 ? 'already up to date' : `${now} migration${now === 1 ? '' : 's'} applied now`;
  return [
    `Store ${store.location} (${store.backend}): schema version ${schemaVersion}, ${status}`,
    '',
    ...table,
    '',
  ].join('\n');
}

function exportText(report: ExportReport): string {
  const rows = report.tables.map((t) => [t.table, String(t.rows), t.sha256.slice(0, 16)]);
  return [
    `Exported ${report.source} (${report.backend}, schema version ${report.schemaVersion}) to ${report.file}`,
    `${counted(report.tables)}; ${report.artifacts.count} artifact files (${size(report.artifacts.bytes)}); ${report.lines} lines, ${size(report.bytes)}`,
    '',
    ...renderTable([{ title: 'table' }, { title: 'rows', right: true }, { title: 'sha256' }], rows),
    '',
    `checksum sha256 ${report.sha256}`,
    '',
  ].join('\n');
}

function importText(report: ImportReport): string {
  const rows = report.tables.map((t) => [
    t.table,
    String(t.rows),
    String(t.written),
    String(t.storeRows),
    ...(report.merged ? [String(t.kept)] : []),
    t.verified ? 'ok' : report.merged && t.kept > 0 ? 'kept the store’s' : 'MISMATCH',
  ]);
  const columns = [
    { title: 'table' },
    { title: 'in file', right: true },
    { title: 'written', right: true },
    { title: 'in store', right: true },
    ...(report.merged ? [{ title: 'kept', right: true }] : []),
    { title: 'digest' },
  ];
  const from = `${report.source.location} (${report.source.backend}, keel ${report.source.keelVersion}, exported ${shortTime(report.exportedAt)})`;
  return [
    `Imported ${report.file} into ${report.target} (${report.backend})${report.merged ? ', merging' : ''}`,
    `from ${from}`,
    `${counted(report.tables)}; ${report.artifacts.count} artifact files (${size(report.artifacts.bytes)}, ${report.artifacts.written} new)`,
    '',
    ...renderTable(columns, rows),
    '',
    `verified: every table read back from the store matches the file${report.merged ? ' (except the rows kept above)' : ''}`,
    '',
  ].join('\n');
}

/** `12 runs, 3 models, 2 datasets` from a table report. */
function counted(tables: readonly { table: string; rows: number }[]): string {
  const rows = (table: string) => tables.find((t) => t.table === table)?.rows ?? 0;
  const noun = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    noun(rows('keel_runs'), 'run'),
    noun(rows('keel_metrics'), 'metric value'),
    noun(rows('keel_models'), 'model'),
    noun(rows('keel_model_versions'), 'version'),
    noun(rows('keel_datasets'), 'dataset'),
  ].join(', ');
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
