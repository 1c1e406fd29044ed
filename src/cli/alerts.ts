import { ALERT_KINDS } from '../registry/alerts.js';
import { checkName, unknownModel } from '../registry/checks.js';
import type { AlertQuery, AlertRecord, Store } from '../registry/types.js';
import { defineCommand } from './command.js';
import { moment, whole } from './option-kinds.js';
import { choice, flag, type Values } from './options.js';
import { STORE_OPTIONS, withStore } from './store-option.js';
import { renderTable, shortTime } from './table.js';

const OPTIONS = {
  kind: choice(ALERT_KINDS, {
    placeholder: 'K',
    help: `only alerts of this kind: ${ALERT_KINDS.join(', ')}`,
  }),
  since: moment({
    help: 'only alerts since T: a time ago (7d, 12h) or a date (2025-01-31 is midnight UTC; 2025-01-31T14:00 local time)',
  }),
  limit: whole({ help: 'at most N alerts', min: 1, default: 50 }),
  json: flag({ help: 'print records as JSON' }),
  ...STORE_OPTIONS,
};

export const alertsCommand = defineCommand({
  name: 'alerts',
  summary: 'list the alerts monitoring recorded',
  usage: ['keel alerts [NAME] [--kind K] [--since 7d] [--limit N] [--json]'],
  about: `The alerts monitoring recorded in the store, newest first: input drift, a
decaying metric, data-quality problems and retraining decisions, for every
model or for model NAME.`,
  args: [{ name: 'NAME', what: 'the model whose alerts to list', optional: true }],
  options: OPTIONS,
  async run({ values, args: [model] }) {
    const query = alertQuery(model, values);
    return withStore(values.store, async (store) => {
      process.stdout.write(await listAlerts(store, query, values.json));
      return 0;
    });
  },
});

/** Checked before the store is opened, so a typo costs no connection. */
function alertQuery(model: string | undefined, values: Values<typeof OPTIONS>): AlertQuery {
  return {
    ...(model === undefined ? {} : { model: checkName(model, 'model') }),
    ...(values.kind === undefined ? {} : { kind: values.kind }),
    ...(values.since === undefined ? {} : { since: values.since }),
    limit: values.limit,
  };
}

async function listAlerts(store: Store, query: AlertQuery, json: boolean): Promise<string> {
  const alerts = await store.listAlerts(query);
  // Alerts outlive their model, so a name is only suspect when it has neither.
  if (alerts.length === 0 && query.model !== undefined && (await store.getModel(query.model)) === undefined) {
    throw unknownModel(query.model, store.project);
  }
  if (json) return `${JSON.stringify(alerts, null, 2)}\n`;
  if (alerts.length === 0) return `No alerts${describe(query)}.\n`;
  const columns = [
    { title: 'time' },
    { title: 'model' },
    { title: 'kind' },
    { title: 'severity' },
    { title: 'message' },
  ];
  const rows = alerts.map((a) => [
    shortTime(a.at),
    `${a.model}@${a.version}`,
    a.kind,
    a.severity === 'critical' ? 'CRITICAL' : a.severity,
    a.message,
  ]);
  const more = alerts.length === query.limit ? ` (the newest ${query.limit}; --limit shows more)` : '';
  return `${[...renderTable(columns, rows), '', `${count(alerts)}${describe(query)}, newest first${more}.`].join('\n')}\n`;
}

/** ` for model "wine" of kind drift since 2025-01-31 00:00`: the filters, for the summary line. */
function describe(query: AlertQuery): string {
  return [
    query.model === undefined ? '' : ` for model "${query.model}"`,
    query.kind === undefined ? '' : ` of kind ${query.kind}`,
    query.since === undefined ? '' : ` since ${shortTime(query.since)}`,
  ].join('');
}

function count(alerts: readonly AlertRecord[]): string {
  const critical = alerts.filter((a) => a.severity === 'critical').length;
  return `${alerts.length} alert${alerts.length === 1 ? '' : 's'} (${critical} critical)`;
}
