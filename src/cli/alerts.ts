import { UsageError } from '../core/errors.js';
import { ALERT_KINDS } from '../registry/alerts.js';
import { checkName, unknownModel } from '../registry/checks.js';
import type { AlertKind, AlertQuery, AlertRecord, Store } from '../registry/types.js';
import { parseCommandArgs } from './args.js';
import { parseMoment } from './duration.js';
import type { Command } from './main.js';
import { STORE_OPTION, STORE_OPTION_HELP, withStore } from './store-option.js';
import { renderTable, shortTime } from './table.js';
import { integerOption } from './train-options.js';

const USAGE = `Usage: keel alerts [NAME] [--kind K] [--since 7d] [--limit N] [--json]

The alerts monitoring recorded in the store, newest first: input drift, a
decaying metric, data-quality problems and retraining decisions, for every
model or for model NAME.

Options:
  --kind K           only alerts of this kind: ${ALERT_KINDS.join(', ')}
  --since T          only alerts since T: a time ago (7d, 12h) or a date (2025-01-31 is
                     midnight UTC; 2025-01-31T14:00 local time)
  --limit N          at most N alerts (default 50)
  --json             print records as JSON
${STORE_OPTION_HELP}`;

export const alertsCommand: Command = {
  name: 'alerts',
  summary: 'list the alerts monitoring recorded',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs('alerts', args, {
      ...STORE_OPTION,
      kind: { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 1) {
      throw new UsageError('usage.positional', `expected at most one model NAME, got ${positionals.length}`, {
        hint: 'keel alerts --help',
      });
    }
    const query = alertQuery(positionals[0], values);
    return withStore(values.store, async (store) => {
      process.stdout.write(await listAlerts(store, query, values.json === true));
      return 0;
    });
  },
};

interface Flags {
  readonly kind?: string;
  readonly since?: string;
  readonly limit?: string;
}

/** Checked before the store is opened, so a typo costs no connection. */
function alertQuery(model: string | undefined, flags: Flags): AlertQuery {
  if (flags.kind !== undefined && !ALERT_KINDS.includes(flags.kind as AlertKind)) {
    throw new UsageError('usage.bad-option', `unknown alert kind "${flags.kind}"`, {
      location: { field: 'kind' },
      hint: `the kinds are: ${ALERT_KINDS.join(', ')}`,
    });
  }
  return {
    ...(model === undefined ? {} : { model: checkName(model, 'model') }),
    ...(flags.kind === undefined ? {} : { kind: flags.kind as AlertKind }),
    ...(flags.since === undefined ? {} : { since: parseMoment(flags.since, 'since') }),
    limit: integerOption(flags.limit ?? '50', 'limit', 1),
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
