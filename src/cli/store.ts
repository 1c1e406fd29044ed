import { openStore } from '../registry/open.js';
import type { SqlStore } from '../registry/sql-store.js';
import { type ExportReport, exportStore, type ImportReport, importStore } from '../registry/transfer.js';
import type { PruneResult } from '../registry/types.js';
import { moment } from './option-kinds.js';
import { flag, type Values } from './options.js';
import { STORE_OPTIONS } from './store-option.js';
import { defineSubcommands, subcommand } from './subcommands.js';
import { renderTable, shortTime } from './table.js';

const OPTIONS = { json: flag({ help: 'print the report as JSON' }), ...STORE_OPTIONS };

/** What each subcommand works on: the open store, and when this command opened it (to mark migrations new). */
interface Opened {
  readonly store: SqlStore;
  readonly json: boolean;
  readonly openedAt: number;
}

export const storeCommand = defineSubcommands({
  name: 'store',
  summary: 'migrate the store; export and import everything it holds; prune the prediction log',
  about: `The store itself: its schema, and moving everything it holds (runs, metrics,
logs, datasets, models, versions, aliases and their history, tags, and the
artifact files) between stores — SQLite to PostgreSQL and back.`,
  epilogue: `Example, from the embedded store to PostgreSQL:
  keel store export keel-store.jsonl
  keel store import keel-store.jsonl --store postgres://me@db.example.com/keel`,
  options: OPTIONS,
  subcommands: {
    migrate: subcommand({
      usage: 'migrate [--json]',
      summary: "bring the store's schema up to date (opening a store does this too) and show its versions",
      args: [],
      run: (opened: Opened) => migrateReport(opened),
    }),
    export: subcommand({
      usage: 'export FILE [--json]',
      summary: 'write everything to FILE (JSON lines, checksummed)',
      args: [{ name: 'FILE', what: 'the file to write' }],
      run: async ({ store, json }: Opened, { args: [file] }) => {
        const report = await exportStore(store, file);
        return json ? `${JSON.stringify(report, null, 2)}\n` : exportText(report);
      },
    }),
    import: subcommand({
      usage: 'import FILE [--merge] [--json]',
      summary:
        'load FILE into the store in one transaction, then check every table against the file; refused if the file was changed or cut short, or if the store already holds records',
      args: [{ name: 'FILE', what: 'the file to load' }],
      options: {
        merge: flag({
          help: 'import into a store that holds records: add what it lacks, keep what it has (reported per table)',
        }),
      },
      run: async ({ store, json }: Opened, { args: [file], values }) => {
        const report = await importStore(store, file, { merge: values.merge });
        return json ? `${JSON.stringify(report, null, 2)}\n` : importText(report);
      },
    }),
    prune: subcommand({
      usage: 'prune --predictions-before 30d|DATE [--yes] [--json]',
      summary:
        'retention: delete logged predictions older than a time, with their feedback, in batches of 1,000 (one transaction each); without --yes, only count what would go',
      args: [],
      options: {
        'predictions-before': moment({
          help: 'prune the predictions logged before T: a time ago (30d, 12h) or a date (2025-01-31 is midnight UTC; 2025-01-31T14:00 local time)',
          required:
            'keel store prune --predictions-before 30d deletes the predictions logged more than 30 days ago',
        }),
        yes: flag({ help: 'prune for real (without it, prune only reports what it would delete)' }),
      },
      run: async ({ store, json }: Opened, { values }) => {
        const before = values['predictions-before'];
        const result = await store.prunePredictions({ before, dryRun: !values.yes });
        return json ? `${JSON.stringify(result, null, 2)}\n` : pruneText(store, result);
      },
    }),
  },
  open: openWithTime,
});

/**
 * Opened here rather than by withStore: migrate reads the SQL store's own
 * tables, and marks the migrations applied since this moment.
 */
async function openWithTime(values: Values<typeof OPTIONS>, work: (opened: Opened) => Promise<string>) {
  const openedAt = Date.now();
  const store = await openStore(values.store === undefined ? {} : { url: values.store });
  try {
    return await work({ store, json: values.json, openedAt });
  } finally {
    await store.close();
  }
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

/** The schema versions recorded in the store; those applied since this command started are marked `now`. */
async function migrateReport({ store, json, openedAt }: Opened): Promise<string> {
  const rows = await store.db.query<{ version: number; name: string; applied_at: number }>(
    'SELECT version, name, applied_at FROM keel_migrations ORDER BY version',
  );
  const migrations = rows.map((r) => ({
    version: r.version,
    name: r.name,
    appliedAt: r.applied_at,
    appliedNow: r.applied_at >= openedAt,
  }));
  const schemaVersion = migrations.at(-1)?.version ?? 0;
  if (json) {
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
