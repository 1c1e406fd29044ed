/**
 * The server's metrics in the Prometheus text format (version 0.0.4):
 * counters and histograms keyed by label values, rendered on each scrape.
 * Small and dependency-free; a scrape costs a walk over a few maps.
 */

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
    ];
    return `${all.map((m) => m.render()).join('\n')}\n`;
  }
}
