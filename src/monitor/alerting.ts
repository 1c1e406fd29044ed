import type { Json } from '../core/artifact.js';
import type { AlertInput, AlertRecord, JsonObject, Store } from '../registry/types.js';
import type { MonitorReport } from './monitor-report.js';
import { postAlert, type WebhookResult } from './webhook.js';

/**
 * What a monitoring run found, as alerts: one per kind of finding (drift,
 * decay, data quality), so a person gets one message per problem rather
 * than one per column. Drift is critical when the dataset rule fired or a
 * model output moved (the model's answers changed), a warning when only
 * some features moved; decay is always critical.
 */
export function alertsFrom(report: MonitorReport): AlertInput[] {
  const { model, latest, verdict } = report;
  const base = { model: model.name, version: model.version };
  const window = report.windows[report.windows.length - 1]!;
  const alerts: AlertInput[] = [];
  if (verdict.drifted) {
    const outputs = latest.outputs.filter((o) => o.drifted).map((o) => o.column);
    alerts.push({
      ...base,
      kind: 'drift',
      severity: latest.dataset.drifted || outputs.length > 0 ? 'critical' : 'warning',
      message: latest.dataset.message,
      details: {
        driftedFeatures: latest.dataset.driftedFeatures,
        driftedOutputs: outputs,
        share: latest.dataset.share,
        window: windowDetails(window),
      },
    });
  }
  const performance = report.performance;
  const last = performance?.points[performance.points.length - 1];
  if (verdict.decayed && performance !== null && last !== undefined) {
    alerts.push({
      ...base,
      kind: 'decay',
      severity: 'critical',
      message:
        verdict.reasons.find((r) => r.startsWith(performance.metric)) ?? `${performance.metric} decayed`,
      details: {
        metric: performance.metric,
        score: last.score,
        low: last.low,
        high: last.high,
        rows: last.rows,
        validation: performance.validation?.score ?? null,
        tolerance: performance.tolerance,
      },
    });
  }
  if (latest.quality.length > 0) {
    const shown = latest.quality.slice(0, 3).map((q) => q.message);
    alerts.push({
      ...base,
      kind: 'quality',
      severity: 'warning',
      message: clip(`${latest.quality.length} data-quality issue(s): ${shown.join(' ')}`),
      details: { issues: latest.quality as unknown as Json[], window: windowDetails(window) },
    });
  }
  return alerts;
}

/** Messages are for a chat line; the details hold everything (and the store refuses very long messages). */
const MAX_MESSAGE = 600;

function clip(text: string): string {
  return text.length <= MAX_MESSAGE ? text : `${text.slice(0, MAX_MESSAGE - 1)}…`;
}

function windowDetails(w: MonitorReport['windows'][number]): JsonObject {
  return { from: w.from, to: w.to, rows: w.rows };
}

export interface Raised {
  readonly alerts: readonly AlertRecord[];
  /** The webhook's answer, when one was asked for and there was something to send. */
  readonly webhook: WebhookResult | null;
}

/**
 * Stores the alerts, then POSTs them (all in one message) to the webhook.
 * Stored first: a webhook that is down must not lose the record.
 */
export async function raiseAlerts(
  store: Store,
  alerts: readonly AlertInput[],
  webhook?: string,
): Promise<Raised> {
  const stored: AlertRecord[] = [];
  for (const alert of alerts) stored.push(await store.recordAlert(alert));
  if (webhook === undefined || stored.length === 0) return { alerts: stored, webhook: null };
  const payload = {
    source: 'keel',
    text: stored.map((a) => `[${a.severity}] ${a.model} v${a.version} ${a.kind}: ${a.message}`).join('\n'),
    alerts: stored as unknown as Json[],
  };
  return { alerts: stored, webhook: await postAlert(webhook, payload) };
}
