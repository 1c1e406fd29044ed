import type { ColumnDrift, DriftReport, DriftTest } from '../drift/drift.js';

/**
 * What `keel monitor` finds about a model version, as plain JSON: the
 * terminal summary, `--json` and the HTML report all read this one shape.
 *
 * The data is cut into windows (by time or by rows, oldest first); each has
 * a drift summary and, when feedback labels arrived for its rows, the
 * model's metric with a confidence interval. The most recent window (or the
 * `--current` file) also gets the full drift report and per-column
 * histograms of reference against current.
 */
export interface MonitorReport {
  readonly format: 'keel.monitor-report';
  readonly version: 1;
  readonly generatedAt: number;
  readonly model: MonitoredModel;
  /** Where the reference and current data came from, for the report's header. */
  readonly sources: {
    /** `stored` (the version's reference profile) or the --reference file's path. */
    readonly reference: string;
    /** `prediction log` or the --current file's path. */
    readonly current: string;
    /** How the current data was cut into windows, e.g. `1h` or `5000 rows`; null for one file. */
    readonly window: string | null;
  };
  /** Oldest first; the last one is `latest`. */
  readonly windows: readonly WindowSummary[];
  /** The full drift report of the most recent window. */
  readonly latest: DriftReport;
  /** Reference against current (the most recent window) per compared feature and model output. */
  readonly histograms: readonly ColumnHistogram[];
  /** Features ranked by importance × drift statistic, most worrying first. */
  readonly ranking: readonly RankedFeature[];
  /** Null when no window had feedback labels, or the model has no validation score. */
  readonly performance: PerformanceSeries | null;
  readonly verdict: Verdict;
}

export interface MonitoredModel {
  readonly name: string;
  readonly version: number;
  /** As the user named it: `diamonds@champion`, `diamonds@3`, `diamonds`. */
  readonly ref: string;
  readonly task: string;
  readonly classes?: readonly string[];
}

export interface WindowSummary {
  readonly index: number;
  /** Epoch ms of the first and last request in the window; null for a file. */
  readonly from: number | null;
  readonly to: number | null;
  readonly rows: number;
  /** Logged requests in it; null for a file. */
  readonly requests: number | null;
  /** Rows with a feedback label. */
  readonly labelled: number;
  readonly drifted: boolean;
  /** Share of tested features that drifted. */
  readonly driftShare: number;
  readonly driftedFeatures: readonly string[];
  /** Each compared column's statistic (features and outputs), for the drift-over-time plot. */
  readonly scores: readonly WindowScore[];
  readonly performance: PerformancePoint | null;
}

export interface WindowScore {
  readonly column: string;
  readonly role: ColumnDrift['role'];
  readonly test: DriftTest | null;
  readonly statistic: number | null;
  readonly threshold: number | null;
  readonly drifted: boolean;
}

export interface ColumnHistogram {
  readonly column: string;
  readonly role: ColumnDrift['role'];
  readonly kind: 'numeric' | 'categorical';
  /** Bin labels: `[a, b)` ranges for numbers (equal widths over both samples), levels for categories. */
  readonly bins: readonly string[];
  /** Numeric only: the bins' edges, bins.length + 1 of them. */
  readonly edges?: readonly number[];
  /** Share of present values per bin (each array sums to 1, or is all 0 when nothing was present). */
  readonly reference: readonly number[];
  readonly current: readonly number[];
  readonly drifted: boolean;
  readonly test: DriftTest | null;
  readonly statistic: number | null;
  readonly threshold: number | null;
}

export interface RankedFeature {
  readonly column: string;
  /** How much the model's predictions move when the column is shuffled (≥ 0), normalised to sum to 1. */
  readonly importance: number;
  /** The drift test's statistic; for p-value tests, 1 − p so that larger means more drift. */
  readonly drift: number;
  /** importance × drift: the order of the ranking. */
  readonly score: number;
  readonly drifted: boolean;
  readonly test: DriftTest | null;
}

export interface PerformanceSeries {
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  /** The score the version was registered with (cross-validated), and its spread over folds. */
  readonly validation: { readonly score: number; readonly std: number | null } | null;
  /** Relative fall from the validation score that counts as decay (with the CI wholly on the worse side). */
  readonly tolerance: number;
  /** One per window with labels, oldest first. */
  readonly points: readonly PerformancePoint[];
}

export interface PerformancePoint {
  readonly window: number;
  /** Labelled rows scored. */
  readonly rows: number;
  readonly score: number;
  /** A 95% bootstrap percentile interval; null when too few rows to resample. */
  readonly low: number | null;
  readonly high: number | null;
  readonly decayed: boolean;
}

export interface Verdict {
  readonly drifted: boolean;
  readonly decayed: boolean;
  /** One sentence per finding, most important first; empty when all is well. */
  readonly reasons: readonly string[];
}
