/**
 * The server's metrics in the Prometheus text format (version 0.0.4):
 * counters, histograms and gauges keyed by label values, rendered on each
 * scrape. Small and dependency-free; a scrape costs a walk over a few maps
 * (plus, with live drift on, the drift tests of windows that took new rows).
 */
import type { LiveDrift } from './drift-window.js';

type Labels = Readonly<Record<string, string>>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`,
  );
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key);
    if (entry === undefined) this.values.set(key, { labels, value: by });
    else entry.value += by;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, { value }] of this.values) lines.push(`${this.name}${key} ${value}`);
    return lines.join('\n');
  }
}

class Histogram {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: Float64Array; sum: number; count: number }
  >();

  constructor(
    readonly name: string,
    readonly help: string,
    /** Upper bounds, ascending; +Inf is implied. */
    readonly bounds: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (s === undefined) {
      s = { labels, counts: new Float64Array(this.bounds.length), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    // Counts per bucket are kept exclusive and summed on render: one increment per observation.
    let b = 0;
    while (b < this.bounds.length && value > this.bounds[b]!) b++;
    if (b < this.bounds.length) s.counts[b]!++;
    s.sum += value;
    s.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, b) => {
        cumulative += counts[b]!;
        lines.push(`${this.name}_bucket${labelText({ ...labels, le: String(bound) })} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket${labelText({ ...labels, le: '+Inf' })} ${count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${sum}`);
      lines.push(`${this.name}_count${labelText(labels)} ${count}`);
    }
    return lines.join('\n');
  }
}

/** Prometheus spells the infinities +Inf and -Inf. */
function sampleText(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** A value per label set, replaced wholesale when it is measured again. */
class Gauge {
  private readonly values = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  set(labels: Labels, value: number): void {
    this.values.set(labelText(labels), value);
  }

  clear(): void {
    this.values.clear();
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const [key, value] of this.values) lines.push(`${this.name}${key} ${sampleText(value)}`);
    return lines.join('\n');
  }
}

/** Live drift of each served version against its reference profile (see drift-window.ts). */
export class DriftGauges {
  readonly statistic = new Gauge(
    'keel_drift_statistic',
    "Drift test statistic of a feature or model output, recent requests against the version's reference (test: ks, chi2, wasserstein, jensenshannon or psi).",
  );
  readonly detected = new Gauge(
    'keel_drift_detected',
    'Whether a feature or model output drifted (1) or not (0), by its test and threshold.',
  );
  readonly dataset = new Gauge(
    'keel_dataset_drift',
    'Whether the share of drifted features reached the dataset threshold (1) or not (0).',
  );
  readonly share = new Gauge('keel_drift_share', 'Share of tested features that drifted.');
  readonly windowRows = new Gauge(
    'keel_drift_window_rows',
    'Recent request rows held for drift measurement, by model and version.',
  );

  /** Replaces every series: a version no longer served drops out. */
  update(measured: readonly LiveDrift[]): void {
    const all = [this.statistic, this.detected, this.dataset, this.share, this.windowRows];
    for (const gauge of all) gauge.clear();
    for (const { model, version, rows, report } of measured) {
      const labels = { model, version: String(version) };
      this.windowRows.set(labels, rows);
      if (report === undefined) continue;
      this.dataset.set(labels, report.dataset.drifted ? 1 : 0);
      this.share.set(labels, report.dataset.share);
      // Untested columns (absent, all missing) have no figure: a 0 would read as "no drift".
      for (const c of [...report.features, ...report.outputs]) {
        if (c.test === null || c.statistic === null) continue;
        this.statistic.set({ ...labels, column: c.column, role: c.role, test: c.test }, c.statistic);
        this.detected.set({ ...labels, column: c.column }, c.drifted ? 1 : 0);
      }
    }
  }

  render(): string {
    return [this.statistic, this.detected, this.dataset, this.share, this.windowRows]
      .map((g) => g.render())
      .join('\n');
  }
}

const LATENCY_BOUNDS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const PROBABILITY_BOUNDS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];

/**
 * Regression outputs have no known scale, so their buckets are 1-2.5-5 steps
 * over ten decades on both sides of zero: coarse, but the same for every
 * model, so dashboards compare them.
 */
const VALUE_BOUNDS = (() => {
  const positive: number[] = [];
  for (let e = -2; e <= 6; e++)
    for (const m of [1, 2.5, 5]) positive.push(Number((m * 10 ** e).toPrecision(3)));
  return [...positive.map((v) => -v).reverse(), 0, ...positive];
})();

export class ServerMetrics {
  readonly requests = new Counter(
    'keel_http_requests_total',
    'HTTP requests answered, by route, method and status.',
  );
  readonly latency = new Histogram(
    'keel_http_request_duration_seconds',
    'Time from receiving a request to sending its answer, by route.',
    LATENCY_BOUNDS_S,
  );
  readonly rows = new Counter('keel_rows_scored_total', 'Rows predicted, by model and version.');
  readonly classes = new Counter(
    'keel_predicted_class_total',
    'Predicted classes, by model, version and class.',
  );
  readonly confidence = new Histogram(
    'keel_prediction_probability',
    "Classifiers: the predicted class's probability, by model and version.",
    PROBABILITY_BOUNDS,
  );
  readonly values = new Histogram(
    'keel_prediction_value',
    'Regression and other numeric outputs: the predicted values, by model and version.',
    VALUE_BOUNDS,
  );
  readonly batches = new Histogram(
    'keel_predict_call_rows',
    'Rows per predict call, by model (above 1 for single-row requests when micro-batching gathers them).',
    [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096],
  );
  readonly swaps = new Counter(
    'keel_model_swaps_total',
    'Versions swapped in after an alias moved, by model.',
  );
  /** Absent when live drift is off (no window): then no drift series at all. */
  readonly drift: DriftGauges | undefined;

  constructor(options: { readonly drift?: boolean } = {}) {
    this.drift = options.drift === true ? new DriftGauges() : undefined;
  }

  render(): string {
    const all = [
      this.requests,
      this.latency,
      this.rows,
      this.classes,
      this.confidence,
      this.values,
      this.batches,
      this.swaps,
      ...(this.drift === undefined ? [] : [this.drift]),
    ];
    return `${all.map((m) => m.render()).join('\n')}\n`;
  }
}
