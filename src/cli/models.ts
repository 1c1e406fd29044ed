import { UsageError } from '../core/errors.js';
import type { ModelRecord, ModelVersionRecord, Store } from '../registry/types.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './main.js';
import { STORE_OPTION, STORE_OPTION_HELP, withStore } from './store-option.js';
import { renderTable, shortTime } from './table.js';
import { fmt, integerOption } from './train-options.js';

const USAGE = `Usage: keel models [--json]
       keel models show NAME [--json]
       keel models alias NAME VERSION ALIAS
       keel models delete NAME VERSION

The model registry: every model registered (keel train … --register NAME)
with its versions, their metrics, the input schema each accepts, the run and
data it came from, and its aliases (champion, challenger, any name), which
move atomically and keep a history.

  keel models                         the registered models
  keel models show NAME               its versions, aliases, schema and alias history
  keel models alias NAME VERSION ALIAS   point ALIAS at VERSION (moving it if it exists)
  keel models delete NAME VERSION     delete a version (refused while an alias points at it)

Options:
  --json             print records as JSON
${STORE_OPTION_HELP}`;

export const modelsCommand: Command = {
  name: 'models',
  summary: 'list registered models, show their versions, move aliases',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs('models', args, {
      ...STORE_OPTION,
      json: { type: 'boolean' },
    });
    const [sub, ...rest] = positionals;
    const json = values.json === true;
    return withStore(values.store, async (store) => {
      process.stdout.write(await dispatch(store, sub, rest, json));
      return 0;
    });
  },
};

async function dispatch(
  store: Store,
  sub: string | undefined,
  rest: string[],
  json: boolean,
): Promise<string> {
  switch (sub) {
    case undefined:
      return listModels(store, json);
    case 'show':
      return showModel(store, arity(rest, ['NAME'])[0]!, json);
    case 'alias': {
      const [name, version, alias] = arity(rest, ['NAME', 'VERSION', 'ALIAS']);
      const move = await store.setAlias(name!, alias!, versionNumber(version!));
      const was = move.fromVersion === null ? 'new alias' : `was version ${move.fromVersion}`;
      return json
        ? `${JSON.stringify(move, null, 2)}\n`
        : `${name}@${alias} → version ${move.toVersion} (${was})\n`;
    }
    case 'delete': {
      const [name, version] = arity(rest, ['NAME', 'VERSION']);
      await store.deleteVersion(name!, versionNumber(version!));
      return json
        ? `${JSON.stringify({ deleted: { model: name, version: Number(version) } })}\n`
        : `deleted ${name} version ${version}\n`;
    }
    default:
      throw new UsageError(
        'usage.positional',
        `unknown subcommand "${sub}" (show, alias, delete, or none to list)`,
        {
          hint: 'keel models --help',
        },
      );
  }
}

function arity(args: string[], names: readonly string[]): string[] {
  if (args.length === names.length) return args;
  throw new UsageError('usage.positional', `expected ${names.join(' ')}, got ${args.length} argument(s)`, {
    hint: 'keel models --help',
  });
}

function versionNumber(text: string): number {
  return integerOption(text, 'version', 1);
}

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
