import { UsageError } from '../core/errors.js';
import type { ModelRecord, ModelVersionRecord, Store } from '../registry/types.js';
import { whole } from './option-kinds.js';
import { readValue } from './parse-options.js';
import { openSession, SESSION_OPTIONS, type StoreSession } from './store-option.js';
import { defineSubcommands, subcommand } from './subcommands.js';
import { renderTable, shortTime } from './table.js';
import { fmt } from './train-options.js';

const VERSION = whole({ help: 'a version number', min: 1 });
const NAME = { name: 'NAME', what: 'the model' };

export const modelsCommand = defineSubcommands({
  name: 'models',
  summary: 'list registered models, show their versions, move aliases',
  about: `The model registry: every model registered (keel train … --register NAME)
with its versions, their metrics, the input schema each accepts, the run and
data it came from, and its aliases (champion, challenger, any name), which
move atomically and keep a history.`,
  options: SESSION_OPTIONS,
  fallback: 'list',
  subcommands: {
    list: subcommand({
      usage: '[list] [--json]',
      summary: 'the registered models',
      args: [],
      run: ({ store, json }: StoreSession) => listModels(store, json),
    }),
    show: subcommand({
      usage: 'show NAME [--json]',
      summary: 'its versions, aliases, schema and alias history',
      args: [{ name: 'NAME', what: 'the model to show' }],
      run: ({ store, json }: StoreSession, { args: [name] }) => showModel(store, name, json),
    }),
    alias: subcommand({
      usage: 'alias NAME VERSION ALIAS',
      summary: 'point ALIAS at VERSION (moving it if it exists)',
      args: [
        NAME,
        { name: 'VERSION', what: 'the version to point at' },
        { name: 'ALIAS', what: 'the alias' },
      ],
      run: async ({ store, json }: StoreSession, { args: [name, version, alias] }) => {
        const move = await store.setAlias(name, alias, readValue(VERSION, 'VERSION', version));
        const was = move.fromVersion === null ? 'new alias' : `was version ${move.fromVersion}`;
        return json
          ? `${JSON.stringify(move, null, 2)}\n`
          : `${name}@${alias} → version ${move.toVersion} (${was})\n`;
      },
    }),
    delete: subcommand({
      usage: 'delete NAME VERSION',
      summary: 'delete a version (refused while an alias points at it)',
      args: [NAME, { name: 'VERSION', what: 'the version to delete' }],
      run: async ({ store, json }: StoreSession, { args: [name, text] }) => {
        const version = readValue(VERSION, 'VERSION', text);
        await store.deleteVersion(name, version);
        return json
          ? `${JSON.stringify({ deleted: { model: name, version } })}\n`
          : `deleted ${name} version ${version}\n`;
      },
    }),
  },
  open: openSession,
});

async function listModels(store: Store, json: boolean): Promise<string> {
  const models = await store.listModels();
  if (json) return `${JSON.stringify(models, null, 2)}\n`;
  if (models.length === 0) return 'No registered models yet: keel train … --register NAME adds one.\n';
  const columns = [
    { title: 'model' },
    { title: 'latest', right: true },
    { title: 'aliases' },
    { title: 'created' },
    { title: 'description' },
  ];
  const rows = models.map((m) => [
    m.name,
    String(m.latestVersion),
    aliasList(m),
    shortTime(m.createdAt),
    m.description ?? '',
  ]);
  return `${renderTable(columns, rows).join('\n')}\n`;
}

function aliasList(model: ModelRecord): string {
  return Object.entries(model.aliases)
    .map(([alias, version]) => `${alias}→${version}`)
    .join(', ');
}

async function showModel(store: Store, name: string, json: boolean): Promise<string> {
  const model = await store.getModel(name);
  if (model === undefined) {
    const names = (await store.listModels()).map((m) => m.name);
    throw new UsageError('registry.unknown-model', `no model "${name}" in the registry`, {
      location: { field: 'model' },
      hint:
        names.length === 0
          ? 'nothing is registered yet: keel train … --register NAME'
          : `the models are: ${names.join(', ')}`,
    });
  }
  const [versions, history] = await Promise.all([store.listVersions(name), store.aliasHistory(name)]);
  if (json) return `${JSON.stringify({ ...model, versions, aliasHistory: history }, null, 2)}\n`;
  const byVersion = new Map<number, string[]>();
  for (const [alias, v] of Object.entries(model.aliases))
    byVersion.set(v, [...(byVersion.get(v) ?? []), alias]);
  const metricNames = [...new Set(versions.flatMap((v) => Object.keys(v.metrics)))]
    .filter((name) => !name.endsWith('_std'))
    .slice(0, 4);
  const columns = [
    { title: 'version', right: true },
    { title: 'aliases' },
    { title: 'kind' },
    { title: 'task' },
    ...metricNames.map((m) => ({ title: m, right: true })),
    { title: 'created' },
    { title: 'run' },
    { title: 'data' },
  ];
  const rows = versions.map((v) => [
    String(v.version),
    (byVersion.get(v.version) ?? []).join(', '),
    v.kind,
    v.task,
    ...metricNames.map((m) => (v.metrics[m] === undefined ? '' : fmt(v.metrics[m]!))),
    shortTime(v.createdAt),
    v.runId?.slice(0, 8) ?? '',
    v.datasetHash?.slice(0, 12) ?? '',
  ]);
  const shown = versions.at(-1);
  const lines = [
    `${model.name}${model.description === null ? '' : ` — ${model.description}`}`,
    '',
    ...renderTable(columns, rows),
    ...(shown === undefined ? [] : ['', ...schemaLines(shown)]),
    ...(history.length === 0 ? [] : ['', 'Alias history:', ...history.map(moveLine)]),
  ];
  return `${lines.join('\n')}\n`;
}

function schemaLines(version: ModelVersionRecord): string[] {
  const columns = [
    { title: 'column' },
    { title: 'kind' },
    { title: 'missing', right: true },
    { title: 'range / levels' },
  ];
  const rows = version.schema.columns.map((c) => [
    c.name,
    c.kind,
    `${(100 * c.missingRate).toFixed(1)}%`,
    c.levels !== undefined
      ? `${c.levels.length} levels: ${c.levels.slice(0, 5).join(', ')}${c.levels.length > 5 ? ', …' : ''}`
      : c.min === undefined || c.min === null
        ? ''
        : `${fmt(c.min)} … ${fmt(c.max!)}`,
  ]);
  return [
    `Input of version ${version.version} (${version.schema.rows} training rows):`,
    ...renderTable(columns, rows),
  ];
}

function moveLine(move: {
  alias: string;
  fromVersion: number | null;
  toVersion: number | null;
  at: number;
}): string {
  const from = move.fromVersion === null ? 'new' : `v${move.fromVersion}`;
  const to = move.toVersion === null ? 'removed' : `v${move.toVersion}`;
  return `  ${shortTime(move.at)}  ${move.alias}: ${from} → ${to}`;
}
