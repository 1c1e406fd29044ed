import { readTable } from '../data/read.js';
import { redactPassword } from '../data/sql.js';
import { WATCH_POLICIES, type WatchCycle, watchModel } from '../monitor/watch.js';
import { checkWebhookUrl } from '../monitor/webhook.js';
import { openStore } from '../registry/open.js';
import { defineCommand } from './command.js';
import { MONITOR_OPTIONS } from './monitor-options.js';
import { duration, whole } from './option-kinds.js';
import { choice, flag, text } from './options.js';
import { READ_OPTIONS, readOptionsFrom } from './read-options.js';
import { CHALLENGER_OPTIONS } from './retrain-options.js';
import { STORE_OPTIONS } from './store-option.js';
import { shortTime } from './table.js';
import { fmt } from './train-options.js';

export const watchCommand = defineCommand({
  name: 'watch',
  summary: 'monitor, retrain and promote in a loop (or once, from cron)',
  usage: [
    `keel watch NAME --every 10m [--policy drift|performance|schedule]
                  [--data SOURCE] [--time 5m] [--margin M] [--webhook URL] [--once]`,
  ],
  about: `Runs monitor → retrain → promote in a loop: every --every it checks
NAME@champion for drift and decay (as keel monitor does), records alerts
(and POSTs them to --webhook), and when the policy calls for it retrains on
--data (as keel retrain does), promoting the challenger only when it wins on
a recent holdout. A server started with keel serve NAME@champion answers
with the promoted version on its next poll, without a restart.

Run it as one long process, or from cron with --once:
  */10 * * * *  keel watch diamonds --once --data new.csv`,
  args: [{ name: 'NAME', what: 'the model to watch' }],
  options: {
    every: duration({ help: 'time between checks: 30s, 10m, 1h', default: 600 }),
    policy: choice(WATCH_POLICIES, {
      placeholder: 'P',
      help: 'when to retrain: drift (the latest window drifted or decayed), performance (feedback labels show decay), schedule (every check)',
      default: 'drift',
    }),
    data: text({
      placeholder: 'SOURCE',
      help: 'the new labelled data to retrain on (a file or database URL, read again at every check); without it, watch only alerts',
    }),
    ...CHALLENGER_OPTIONS,
    ...MONITOR_OPTIONS,
    once: flag({ help: 'one check, then exit (for cron)' }),
    cycles: whole({ help: 'stop after N checks', min: 1 }),
    ...STORE_OPTIONS,
    ...READ_OPTIONS,
  },
  async run({ values, args: [model] }) {
    const { policy, data } = values;
    const readOptions = readOptionsFrom(values);
    if (values.webhook !== undefined) checkWebhookUrl(values.webhook);
    const cycles = values.once ? 1 : values.cycles;
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const store = await openStore(values.store === undefined ? {} : { url: values.store });
    try {
      await watchModel(store, {
        model,
        policy,
        everyMs: values.every * 1000,
        ...(cycles === undefined ? {} : { cycles }),
        ...(values.alias === undefined ? {} : { alias: values.alias }),
        monitor: {
          ...(values.window === undefined ? {} : { window: values.window }),
          ...(values.windows === undefined ? {} : { windows: values.windows }),
          ...(values['min-rows'] === undefined ? {} : { minRows: values['min-rows'] }),
        },
        ...(data === undefined
          ? {}
          : { data: { source: redactPassword(data), read: () => readTable(data, readOptions) } }),
        retrain: {
          ...(values.time === undefined ? {} : { timeBudgetSeconds: values.time }),
          ...(values.margin === undefined ? {} : { margin: values.margin }),
          ...(values.holdout === undefined ? {} : { holdoutShare: values.holdout }),
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
});

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
