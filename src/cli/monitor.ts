import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { alertsFrom, type Raised, raiseAlerts } from '../monitor/alerting.js';
import type { MonitorReport } from '../monitor/monitor-report.js';
import { renderMonitorHtml } from '../monitor/report/index.js';
import { DEFAULT_WINDOWS, type MonitorRequest, monitorModel } from '../monitor/sources.js';
import { checkWebhookUrl } from '../monitor/webhook.js';
import { parseWindow } from '../monitor/window.js';
import { openStore } from '../registry/open.js';
import {
  onePositional,
  parseCommandArgs,
  READ_OPTIONS,
  READ_OPTIONS_HELP,
  type ReadFlags,
  readOptionsFrom,
} from './args.js';
import type { Command } from './main.js';
import { renderMonitorSummary } from './monitor-output.js';
import { STORE_OPTION, STORE_OPTION_HELP } from './store-option.js';
import { integerOption } from './train-options.js';

const USAGE = `Usage: keel monitor NAME[@ALIAS|@VERSION] [--window 1h|5000rows] [--windows N]
                    [--reference FILE] [--current FILE] [--out report.html] [--json]

Checks a served model for drift and decay. The reference is what the version
learned from (kept with every version keel train and keel automl register);
the current data is the server's prediction log cut into windows (or a file).
Per feature it runs the tests users know — Kolmogorov–Smirnov and chi-squared
for small references, normalised Wasserstein and Jensen–Shannon for large
ones — ranks the drifted features by how much the model relies on them, checks
data quality (new categories, missing values, out-of-range values), and, where
feedback labels came back, scores the model per window against its validation
score. Exits 1 when the most recent window drifted or decayed (for cron and CI).

Options:
  --window W           cut the log into spans of time (30m, 1h, 1d) or of rows
                       (5000rows); default 1h
  --windows N          how many windows back from now (default ${DEFAULT_WINDOWS})
  --min-rows N         rows a window needs for a verdict (default 1000 against a reference of
                       over 1,000 rows, whose distance tests are noise on fewer; smaller windows
                       are left out)
  --reference FILE     compare against this file (training-like data) instead of the
                       stored reference
  --current FILE       compare this file (with the target column for performance)
                       instead of the prediction log
  --target COL         the files' column of true outcomes (default: the target the model
                       learned, when the file has it)
  --metric NAME        the metric to watch (default: the one the version was chosen by)
  --tolerance F        relative fall from the validation score counted as decay
                       (default 0.05; the whole 95% interval must be worse too)
  --webhook URL        POST the alerts (drift, decay, data quality) as JSON to this URL
  --no-alerts          do not record alerts in the store (keel alerts lists them)
  --out FILE           write the HTML report (histograms per feature, drift and score
                       over time)
  --json               print the report as JSON
${STORE_OPTION_HELP}

${READ_OPTIONS_HELP}`;

export const monitorCommand: Command = {
  name: 'monitor',
  summary: 'check a served model for drift and decay; exit 1 when found',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs('monitor', args, {
      ...READ_OPTIONS,
      ...STORE_OPTION,
      window: { type: 'string' },
      windows: { type: 'string' },
      'min-rows': { type: 'string' },
      reference: { type: 'string' },
      current: { type: 'string' },
      metric: { type: 'string' },
      target: { type: 'string' },
      tolerance: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      webhook: { type: 'string' },
      'no-alerts': { type: 'boolean' },
    });
    if (values.webhook !== undefined) checkWebhookUrl(values.webhook);
    const request = requestFrom(onePositional('monitor', positionals, 'model name'), values);
    const store = await openStore(values.store === undefined ? {} : { url: values.store });
    let report: MonitorReport;
    let raised: Raised | null = null;
    try {
      report = await monitorModel(store, request);
      if (!values['no-alerts']) raised = await raiseAlerts(store, alertsFrom(report), values.webhook);
    } finally {
      await store.close();
    }
    if (values.out !== undefined) writeReport(values.out, report);
    process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : renderMonitorSummary(report));
    if (!values.json) {
      if (raised !== null && raised.alerts.length > 0) process.stdout.write(`${describeAlerts(raised)}\n`);
      if (values.out !== undefined) process.stdout.write(`report: ${resolve(values.out)}\n`);
    }
    if (raised?.webhook?.ok === false) {
      process.stderr.write(
        `keel: the webhook did not take the alerts: ${raised.webhook.error ?? raised.webhook.status}\n`,
      );
    }
    return report.verdict.drifted || report.verdict.decayed ? 1 : 0;
  },
};

type MonitorFlags = ReadFlags & {
  readonly window?: string;
  readonly windows?: string;
  readonly 'min-rows'?: string;
  readonly reference?: string;
  readonly current?: string;
  readonly metric?: string;
  readonly target?: string;
  readonly tolerance?: string;
};

function requestFrom(ref: string, values: MonitorFlags): MonitorRequest {
  return {
    ref,
    ...(values.window === undefined ? {} : { window: parseWindow(values.window) }),
    ...(values.windows === undefined ? {} : { windows: integerOption(values.windows, 'windows', 1) }),
    ...(values['min-rows'] === undefined
      ? {}
      : { minRows: integerOption(values['min-rows'], 'min-rows', 1) }),
    ...(values.reference === undefined ? {} : { referenceFile: values.reference }),
    ...(values.current === undefined ? {} : { currentFile: values.current }),
    ...(values.metric === undefined ? {} : { metric: values.metric }),
    ...(values.target === undefined ? {} : { target: values.target }),
    ...(values.tolerance === undefined ? {} : { tolerance: fraction(values.tolerance) }),
    readOptions: readOptionsFrom(values),
  };
}

function describeAlerts(raised: Raised): string {
  const kinds = raised.alerts.map((a) => `${a.kind} (${a.severity})`).join(', ');
  const hook = raised.webhook === null ? '' : raised.webhook.ok ? '; webhook delivered' : '; webhook FAILED';
  return `alerts recorded: ${kinds}${hook} (keel alerts ${raised.alerts[0]!.model})`;
}

function fraction(text: string): number {
  const value = Number(text);
  if (Number.isFinite(value) && value >= 0 && value < 1) return value;
  throw new UsageError('usage.bad-option', `--tolerance must be a number from 0 to below 1, not "${text}"`, {
    location: { field: 'tolerance' },
  });
}

/** Atomically: a temporary file renamed into place, so a reader never sees half a report. */
function writeReport(path: string, report: MonitorReport): void {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(`${target}.tmp`, renderMonitorHtml(report));
  renameSync(`${target}.tmp`, target);
}
