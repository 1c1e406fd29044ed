import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { alertsFrom, type Raised, raiseAlerts } from '../monitor/alerting.js';
import type { MonitorReport } from '../monitor/monitor-report.js';
import { renderMonitorHtml } from '../monitor/report/index.js';
import { type MonitorRequest, monitorModel } from '../monitor/sources.js';
import { checkWebhookUrl } from '../monitor/webhook.js';
import { openStore } from '../registry/open.js';
import { defineCommand } from './command.js';
import { MONITOR_OPTIONS } from './monitor-options.js';
import { renderMonitorSummary } from './monitor-output.js';
import { number } from './option-kinds.js';
import { flag, text, type Values } from './options.js';
import { READ_OPTIONS, readOptionsFrom } from './read-options.js';
import { STORE_OPTIONS } from './store-option.js';

const OPTIONS = {
  ...MONITOR_OPTIONS,
  reference: text({
    placeholder: 'FILE',
    help: 'compare against this file (training-like data) instead of the stored reference',
  }),
  current: text({
    placeholder: 'FILE',
    help: 'compare this file (with the target column for performance) instead of the prediction log',
  }),
  target: text({
    placeholder: 'COL',
    help: "the files' column of true outcomes",
    defaultHelp: 'the target the model learned, when the file has it',
  }),
  metric: text({
    placeholder: 'NAME',
    help: 'the metric to watch',
    defaultHelp: 'the one the version was chosen by',
  }),
  tolerance: number({
    placeholder: 'F',
    help: 'relative fall from the validation score counted as decay; the whole 95% interval must be worse too',
    min: 0,
    below: 1,
    defaultHelp: '0.05',
  }),
  out: text({
    placeholder: 'FILE',
    help: 'write the HTML report (histograms per feature, drift and score over time)',
  }),
  json: flag({ help: 'print the report as JSON' }),
  ...STORE_OPTIONS,
  ...READ_OPTIONS,
};

export const monitorCommand = defineCommand({
  name: 'monitor',
  summary: 'check a served model for drift and decay; exit 1 when found',
  usage: [
    `keel monitor NAME[@ALIAS|@VERSION] [--window 1h|5000rows] [--windows N]
                    [--reference FILE] [--current FILE] [--out report.html] [--json]`,
  ],
  about: `Checks a served model for drift and decay. The reference is what the version
learned from (kept with every version keel train and keel automl register);
the current data is the server's prediction log cut into windows (or a file).
Per feature it runs the tests users know — Kolmogorov–Smirnov and chi-squared
for small references, normalised Wasserstein and Jensen–Shannon for large
ones — ranks the drifted features by how much the model relies on them, checks
data quality (new categories, missing values, out-of-range values), and, where
feedback labels came back, scores the model per window against its validation
score. Exits 1 when the most recent window drifted or decayed (for cron and CI).`,
  args: [{ name: 'NAME[@ALIAS|@VERSION]', what: 'the model to monitor' }],
  options: OPTIONS,
  async run({ values, args: [ref] }) {
    if (values.webhook !== undefined) checkWebhookUrl(values.webhook);
    const request = requestFrom(ref, values);
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
});

function requestFrom(ref: string, values: Values<typeof OPTIONS>): MonitorRequest {
  return {
    ref,
    ...(values.window === undefined ? {} : { window: values.window }),
    ...(values.windows === undefined ? {} : { windows: values.windows }),
    ...(values['min-rows'] === undefined ? {} : { minRows: values['min-rows'] }),
    ...(values.reference === undefined ? {} : { referenceFile: values.reference }),
    ...(values.current === undefined ? {} : { currentFile: values.current }),
    ...(values.metric === undefined ? {} : { metric: values.metric }),
    ...(values.target === undefined ? {} : { target: values.target }),
    ...(values.tolerance === undefined ? {} : { tolerance: values.tolerance }),
    readOptions: readOptionsFrom(values),
  };
}

function describeAlerts(raised: Raised): string {
  const kinds = raised.alerts.map((a) => `${a.kind} (${a.severity})`).join(', ');
  const hook = raised.webhook === null ? '' : raised.webhook.ok ? '; webhook delivered' : '; webhook FAILED';
  return `alerts recorded: ${kinds}${hook} (keel alerts ${raised.alerts[0]!.model})`;
}

/** Atomically: a temporary file renamed into place, so a reader never sees half a report. */
function writeReport(path: string, report: MonitorReport): void {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(`${target}.tmp`, renderMonitorHtml(report));
  renameSync(`${target}.tmp`, target);
}
