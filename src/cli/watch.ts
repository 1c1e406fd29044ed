import { UsageError } from '../core/errors.js';
import { readTable } from '../data/read.js';
import { redactPassword } from '../data/sql.js';
import { DEFAULT_WINDOWS } from '../monitor/sources.js';
import { WATCH_POLICIES, type WatchCycle, type WatchPolicy, watchModel } from '../monitor/watch.js';
import { checkWebhookUrl } from '../monitor/webhook.js';
import { parseWindow } from '../monitor/window.js';
import { openStore } from '../registry/open.js';
import { onePositional, parseCommandArgs, READ_OPTIONS, READ_OPTIONS_HELP, readOptionsFrom } from './args.js';
import { parseDuration } from './duration.js';
import type { Command } from './main.js';
import { STORE_OPTION, STORE_OPTION_HELP } from './store-option.js';
import { shortTime } from './table.js';
import { fmt, integerOption } from './train-options.js';

const USAGE = `Usage: keel watch NAME --every 10m [--policy drift|performance|schedule]
                  [--data SOURCE] [--time 5m] [--margin M] [--webhook URL] [--once]

Runs monitor → retrain → promote in a loop: every --every it checks
NAME@champion for drift and decay (as keel monitor does), records alerts
(and POSTs them to --webhook), and when the policy calls for it retrains on
--data (as keel retrain does), promoting the challenger only when it wins on
a recent holdout. A server started with keel serve NAME@champion answers
with the promoted version on its next poll, without a restart.

Run it as one long process, or from cron with --once:
  */10 * * * *  keel watch diamonds --once --data new.csv

Options:
  --every T            time between checks: 30s, 10m, 1h (default 10m)
  --policy P           when to retrain: drift (the latest window drifted or decayed; default),
                       performance (feedback labels show decay), schedule (every check)
  --data SOURCE        the new labelled data to retrain on (a file or database URL, read
                       again at every check); without it, watch only alerts
  --alias A            the champion's alias (default champion)
  --time T             the AutoML budget of a retrain (default 5m)
  --margin M           how much better a challenger must score to be promoted (default 0)
  --holdout SHARE      the share of the newest rows held out to compare the models (default 0.2)
  --window W           monitoring windows: 1h, 30m, 5000rows (default 1h)
  --windows N          windows back from now (default ${DEFAULT_WINDOWS})
  --min-rows N         rows a window needs for a verdict (default 1000 against a large reference)
  --webhook URL        POST every alert as JSON to this URL
  --no-alerts          do not record alerts in the store
  --once               one check, then exit (for cron)
  --cycles N           stop after N checks
${STORE_OPTION_HELP}

${READ_OPTIONS_HELP}`;

export const watchCommand: Command = {
  name: 'watch',
  summary: 'monitor, retrain and promote in a loop (or once, from cron)',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs('watch', args, {
      ...READ_OPTIONS,
      ...STORE_OPTION,
      every: { type: 'string' },
      policy: { type: 'string' },
      data: { type: 'string' },
      alias: { type: 'string' },
      time: { type: 'string' },
      margin: { type: 'string' },
      holdout: { type: 'string' },
      window: { type: 'string' },
      windows: { type: 'string' },
      'min-rows': { type: 'string' },
      webhook: { type: 'string' },
      'no-alerts': { type: 'boolean' },
      once: { type: 'boolean' },
      cycles: { type: 'string' },
    });
    const model = onePositional('watch', positionals, 'model name');
    const policy = policyOf(values.policy ?? 'drift');
    const readOptions = readOptionsFrom(values);
    const data = values.data;
    if (values.webhook !== undefined) checkWebhookUrl(values.webhook);
    const cycles = values.once
      ? 1
      : values.cycles === undefined
        ? undefined
        : integerOption(values.cycles, 'cycles', 1);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const store = await openStore(values.store === undefined ? {} : { url: values.store });
    try {
      await watchModel(store, {
        model,
        policy,
        everyMs: parseDuration(values.every ?? '10m', 'every') * 1000,
        ...(cycles === undefined ? {} : { cycles }),
        ...(values.alias === undefined ? {} : { alias: values.alias }),
        monitor: {
          ...(values.window === undefined ? {} : { window: parseWindow(values.window) }),
          ...(values.windows === undefined ? {} : { windows: integerOption(values.windows, 'windows', 1) }),
          ...(values['min-rows'] === undefined
            ? {}
            : { minRows: integerOption(values['min-rows'], 'min-rows', 1) }),
        },
        ...(data === undefined
          ? {}
          : { data: { source: redactPassword(data), read: () => readTable(data, readOptions) } }),
        retrain: {
          ...(values.time === undefined ? {} : { timeBudgetSeconds: parseDuration(values.time, 'time') }),
          ...(values.margin === undefined ? {} : { margin: numberOption(values.margin, 'margin') }),
          ...(values.holdout === undefined ? {} : { holdoutShare: numberOption(values.holdout, 'holdout') }),
        },
        ...(values.webhook === undefined ? {} : { webhook: values.webhook }),
        alerts: values['no-alerts'] !== true,
        signal: stop.signal,
        onCycle: (cycle) => process.stdout.write(describeCycle(model, cycle)),
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await store.close();
    }
    return 0;
  },
};

function policyOf(text: string): WatchPolicy {
  if ((WATCH_POLICIES as readonly string[]).includes(text)) return text as WatchPolicy;
  throw new UsageError('usage.bad-option', `unknown policy "${text}"`, {
    location: { field: 'policy' },
    hint: `the policies are: ${WATCH_POLICIES.join(', ')}`,
  });
}

function numberOption(text: string, field: string): number {
  const value = Number(text);
  if (text.trim() !== '' && Number.isFinite(value)) return value;
  throw new UsageError('usage.bad-option', `--${field} must be a number, not "${text}"`, {
    location: { field },
  });
}

/** A few lines per check: what monitoring found, what was alerted, what the retrain decided. */
export function describeCycle(model: string, c: WatchCycle): string {
  const head = `[${shortTime(c.at)}] check ${c.cycle} · ${model}${c.version === null ? '' : ` version ${c.version}`}`;
  const lines = [`${head} · ${findings(c)}`];
  if (c.raised !== null && c.raised.alerts.length > 0) {
    const kinds = c.raised.alerts.map((a) => a.kind).join(', ');
    const hook = c.raised.webhook;
    const delivery =
      hook === null
        ? ''
        : hook.ok
          ? ' · webhook delivered'
          : ` · webhook FAILED (${hook.error ?? hook.status})`;
    lines.push(`  alerts recorded: ${kinds}${delivery}`);
  }
  if (c.trigger !== null) lines.push(`  ${c.trigger} → ${retrainOutcome(c)}`);
  return `${lines.join('\n')}\n`;
}

function findings(c: WatchCycle): string {
  if (c.report === null) return c.skipped ?? 'nothing to monitor';
  const { verdict, latest, performance } = c.report;
  const parts: string[] = [];
  if (verdict.drifted) parts.push(`DRIFT (${latest.dataset.driftedFeatures.join(', ') || 'model outputs'})`);
  const last = performance?.points[performance.points.length - 1];
  if (verdict.decayed && last !== undefined) {
    parts.push(`DECAY (${performance!.metric} ${fmt(last.score)} vs ${fmt(performance!.validation!.score)})`);
  }
  return parts.length === 0 ? 'OK' : parts.join(' · ');
}

function retrainOutcome(c: WatchCycle): string {
  if (c.decision === null) return c.retrainError ?? 'no retrain';
  const d = c.decision;
  const scores = `${d.metric} ${fmt(d.challenger.score)} vs ${fmt(d.champion.score)} on ${d.rows.holdout} holdout rows`;
  return d.promoted
    ? `promoted version ${d.challenger.version} to ${d.alias} (${scores})`
    : `kept version ${d.champion.version} (${scores}): ${d.reasons.join('; ')}`;
}
