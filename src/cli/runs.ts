import { UsageError } from '../core/errors.js';
import { METRIC_NAMES, metricByName } from '../evaluate/registry.js';
import type { MetricPoint, RunRecord, Store } from '../registry/types.js';
import { whole } from './option-kinds.js';
import { choice, flag, text, type Values } from './options.js';
import { openSession, SESSION_OPTIONS, type StoreSession } from './store-option.js';
import { defineSubcommands, subcommand } from './subcommands.js';
import { duration, renderTable, shortTime } from './table.js';
import { fmt } from './train-options.js';

const STATUSES = ['running', 'finished', 'failed', 'stale'] as const;

/** Metrics tried in this order when no --metric is given: the usual headline of each task. */
const PREFERRED = ['roc_auc', 'accuracy', 'rmse', 'r2', 'log_loss', 'silhouette'];

const LIST_OPTIONS = {
  experiment: text({ placeholder: 'E', help: 'only the runs of this experiment' }),
  status: choice(STATUSES, {
    placeholder: 'S',
    help: 'only runs that are running, finished, failed or stale',
  }),
  metric: text({
    placeholder: 'M',
    help: 'order by this metric, best first',
    defaultHelp: `the first of ${PREFERRED.slice(0, 4).join(', ')} … that the runs have`,
  }),
  'lower-is-better': flag({ help: 'for a metric keel does not know (one you logged yourself)' }),
  limit: whole({ help: 'at most N runs', min: 1, default: 20 }),
};

export const runsCommand = defineSubcommands({
  name: 'runs',
  summary: 'list, show and compare tracked runs',
  about: `Lists the runs in the store (every keel train records one), best first by a
metric; shows one run whole (parameters, each fold's scores, timings, log);
compares runs side by side. An ID may be shortened to its first characters.`,
  options: SESSION_OPTIONS,
  fallback: 'list',
  subcommands: {
    list: subcommand({
      usage: '[list] [--experiment E] [--status S] [--metric M] [--limit N] [--json]',
      summary: 'the runs, best first by a metric',
      args: [],
      options: LIST_OPTIONS,
      run: ({ store, json }: StoreSession, { values }) => listRuns(store, values, json),
    }),
    show: subcommand({
      usage: 'show ID [--json]',
      summary: "one run whole: parameters, each fold's scores, timings, log",
      args: [{ name: 'ID', what: 'the run to show' }],
      run: ({ store, json }: StoreSession, { args: [id] }) => showRun(store, id, json),
    }),
    compare: subcommand({
      usage: 'compare ID ID … [--json]',
      summary: 'runs side by side, their differing parameters marked',
      args: [{ name: 'ID', what: 'two or more runs to compare', many: true, min: 2 }],
      run: ({ store, json }: StoreSession, { args: ids }) => compareRuns(store, ids, json),
    }),
  },
  open: openSession,
});

async function listRuns(store: Store, options: Values<typeof LIST_OPTIONS>, json: boolean): Promise<string> {
  const { status } = options;
  const filter = {
    ...(options.experiment === undefined ? {} : { experiment: options.experiment }),
    ...(status === undefined ? {} : { status }),
  };
  const metric = options.metric ?? headlineMetric(await store.listRuns({ ...filter, limit: 200 }));
  const direction = metric === undefined ? undefined : metricDirection(metric, options['lower-is-better']);
  const runs = await store.listRuns({
    ...filter,
    limit: options.limit,
    ...(metric === undefined || direction === undefined ? {} : { orderBy: { metric, direction } }),
  });
  if (json) return `${JSON.stringify(runs, null, 2)}\n`;
  if (runs.length === 0)
    return `No runs${options.experiment ? ` in experiment "${options.experiment}"` : ''} yet: keel train records one.\n`;
  const others = otherMetrics(runs, metric);
  const columns = [
    { title: 'run' },
    { title: 'experiment' },
    { title: 'model' },
    { title: 'status' },
    { title: 'started' },
    { title: 'took', right: true },
    ...(metric === undefined
      ? []
      : [{ title: `${metric} ${direction === 'desc' ? '↓' : '↑'}`, right: true }]),
    ...others.map((name) => ({ title: name, right: true })),
  ];
  const rows = runs.map((run) => [
    run.id.slice(0, 8),
    run.experiment,
    modelOf(run),
    run.status,
    shortTime(run.startedAt),
    run.endedAt === null ? '' : duration((run.endedAt - run.startedAt) / 1000),
    ...(metric === undefined ? [] : [cell(run.metrics[metric])]),
    ...others.map((name) => cell(run.metrics[name])),
  ]);
  const order = metric === undefined ? 'newest first' : `best ${metric} first`;
  return `${[...renderTable(columns, rows), '', `${runs.length} run(s), ${order}.`].join('\n')}\n`;
}

function headlineMetric(runs: readonly RunRecord[]): string | undefined {
  const seen = new Set(runs.flatMap((r) => Object.keys(r.metrics)));
  return PREFERRED.find((m) => seen.has(m)) ?? [...seen].sort()[0];
}

function metricDirection(metric: string, lowerIsBetter: boolean | undefined): 'asc' | 'desc' {
  if (lowerIsBetter) return 'asc';
  if ((METRIC_NAMES as readonly string[]).includes(metric))
    return metricByName(metric).greaterIsBetter ? 'desc' : 'asc';
  return 'desc';
}

/** Up to three more metrics the listed runs share, for context. */
function otherMetrics(runs: readonly RunRecord[], shown: string | undefined): string[] {
  const counts = new Map<string, number>();
  for (const run of runs)
    for (const name of Object.keys(run.metrics)) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts.entries()]
    .filter(([name]) => name !== shown)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([name]) => name);
}

function modelOf(run: RunRecord): string {
  const model = run.params['model'];
  return typeof model === 'string' ? model : (run.name ?? '');
}

function cell(value: number | undefined): string {
  return value === undefined ? '' : fmt(value);
}

/** A run by its full id or a unique prefix of it. */
export async function findRun(store: Store, id: string): Promise<RunRecord> {
  const exact = await store.getRun(id);
  if (exact !== undefined) return exact;
  const matches = id.length >= 4 ? (await store.listRuns()).filter((r) => r.id.startsWith(id)) : [];
  if (matches.length === 1) return matches[0]!;
  throw new UsageError(
    'registry.unknown-run',
    matches.length === 0 ? `no run "${id}"` : `"${id}" is the start of ${matches.length} runs`,
    {
      location: { field: 'run' },
      hint: matches.length === 0 ? 'keel runs lists them' : 'give more characters of the id',
    },
  );
}

async function showRun(store: Store, id: string, json: boolean): Promise<string> {
  const run = await findRun(store, id);
  const [points, log, artifacts] = await Promise.all([
    store.runMetrics(run.id),
    store.runLog(run.id),
    store.runArtifacts(run.id),
  ]);
  if (json) return `${JSON.stringify({ ...run, points, log, artifacts }, null, 2)}\n`;
  const lines = [
    `run ${run.id} · ${run.experiment} · ${run.status}${run.error === null ? '' : ` (${run.error})`}`,
    `started ${shortTime(run.startedAt)} on ${run.host} (pid ${run.pid}), keel ${run.keelVersion}` +
      (run.endedAt === null ? '' : `, took ${duration((run.endedAt - run.startedAt) / 1000)}`),
    ...(run.parentId === null ? [] : [`part of run ${run.parentId}`]),
    ...(run.datasetHash === null ? [] : [`data ${run.datasetHash.slice(0, 12)}`]),
    '',
    'Parameters:',
    ...Object.entries(run.params).map(([k, v]) => `  ${k} = ${JSON.stringify(v)}`),
    '',
    'Metrics:',
    ...metricTable(points).map((l) => `  ${l}`),
  ];
  if (Object.keys(run.timings).length > 0)
    lines.push('', 'Timings:', ...Object.entries(run.timings).map(([k, s]) => `  ${k}: ${duration(s)}`));
  if (Object.keys(run.tags).length > 0)
    lines.push('', 'Tags:', ...Object.entries(run.tags).map(([k, v]) => `  ${k} = ${v}`));
  if (artifacts.length > 0)
    lines.push(
      '',
      'Artifacts:',
      ...artifacts.map((a) => `  ${a.name} (${a.bytes} bytes, ${a.hash.slice(0, 12)})`),
    );
  if (log.length > 0) lines.push('', 'Log:', ...log.slice(-20).map((l) => `  ${shortTime(l.at)}  ${l.line}`));
  return `${lines.join('\n')}\n`;
}

/** One line per metric: the aggregate, then each fold's value. */
function metricTable(points: readonly MetricPoint[]): string[] {
  const names = [...new Set(points.filter((p) => p.step == null).map((p) => p.name))];
  if (names.length === 0) return ['(none)'];
  const folds = Math.max(0, ...points.map((p) => (p.fold ?? -1) + 1));
  const columns = [
    { title: 'metric' },
    { title: 'value', right: true },
    ...Array.from({ length: folds }, (_, f) => ({ title: `fold ${f + 1}`, right: true })),
  ];
  const rows = names.map((name) => {
    const of = points.filter((p) => p.name === name && p.step == null);
    const aggregate = of.find((p) => p.fold == null);
    return [
      name,
      aggregate === undefined ? '' : fmt(aggregate.value),
      ...Array.from({ length: folds }, (_, f) => {
        const point = of.find((p) => p.fold === f);
        return point === undefined ? '' : fmt(point.value);
      }),
    ];
  });
  return renderTable(columns, rows);
}

async function compareRuns(store: Store, ids: readonly string[], json: boolean): Promise<string> {
  const runs = await Promise.all(ids.map((id) => findRun(store, id)));
  const params = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  if (json) {
    const side = (pick: (r: RunRecord) => Record<string, unknown>, keys: string[]) =>
      Object.fromEntries(keys.map((k) => [k, runs.map((r) => pick(r)[k] ?? null)]));
    const document = {
      runs: runs.map((r) => r.id),
      params: side((r) => r.params, params),
      metrics: side((r) => r.metrics, metrics),
    };
    return `${JSON.stringify(document, null, 2)}\n`;
  }
  const columns = [{ title: '' }, ...runs.map((r) => ({ title: r.id.slice(0, 8), right: true }))];
  const paramRows = params.map((key) => {
    const shown = runs.map((r) => (key in r.params ? JSON.stringify(r.params[key]) : ''));
    const differs = new Set(shown).size > 1;
    return [`${differs ? '* ' : '  '}${key}`, ...shown];
  });
  const metricRows = metrics.map((name) => {
    const values = runs.map((r) => r.metrics[name]);
    const best = bestIndex(name, values);
    return [
      `  ${name}`,
      ...values.map((v, i) => (v === undefined ? '' : `${i === best ? '▲ ' : ''}${fmt(v)}`)),
    ];
  });
  const lines = [
    ...renderTable(columns, [['parameters'], ...paramRows, [''], ['metrics'], ...metricRows]),
    '',
    '* the parameter differs between the runs; ▲ the best value of a metric keel knows.',
  ];
  return `${lines.join('\n')}\n`;
}

function bestIndex(name: string, values: readonly (number | undefined)[]): number {
  if (!(METRIC_NAMES as readonly string[]).includes(name)) return -1;
  const sign = metricByName(name).greaterIsBetter ? 1 : -1;
  let best = -1;
  values.forEach((v, i) => {
    if (v !== undefined && !Number.isNaN(v) && (best === -1 || sign * v > sign * values[best]!)) best = i;
  });
  return best;
}
