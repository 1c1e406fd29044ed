import type { ColumnKind } from '../data/column.js';

/**
 * The full profile of a table: what `keel profile --json` prints and what the
 * HTML and terminal reports draw. Plain JSON data only (no typed arrays), so
 * it can be stored, sent over HTTP and compared.
 */
export interface Profile {
  readonly source: string | undefined;
  readonly rows: number;
  readonly columns: number;
  readonly target: string | undefined;
  readonly timeColumn: string | undefined;
  /** The task the target suggests, when a target is named. */
  readonly task: 'binary' | 'multiclass' | 'regression' | undefined;
  readonly columnProfiles: readonly ColumnProfile[];
  readonly correlations: Correlations;
  /** Mutual information (nats) of every other column with the target, highest first. */
  readonly targetAssociation: readonly TargetAssociation[];
  readonly duplicateRows: number;
  readonly findings: readonly Finding[];
  readonly seconds: number;
}

export interface ColumnProfile {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly count: number; // non-missing values
  readonly missing: number;
  readonly missingRate: number;
  readonly distinct: number;
  /** Present for number-stored kinds (numeric, integer, boolean, datetime, numeric IDs). */
  readonly numeric?: NumericSummary;
  /** Most frequent values (categorical, text, id, and low-cardinality numbers), at most 10. */
  readonly topValues: readonly ValueCount[];
  /** For numbers: equal-width bins. For categories: the top levels (+ "other"). */
  readonly histogram: Histogram;
}

export interface NumericSummary {
  readonly mean: number;
  /** Sample standard deviation (n - 1), as pandas reports it. */
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Quantiles with linear interpolation (numpy's default) at 1, 5, 25, 50, 75, 95, 99 %. */
  readonly quantiles: Readonly<Record<'p1' | 'p5' | 'p25' | 'p50' | 'p75' | 'p95' | 'p99', number>>;
  /** Sample skewness, adjusted Fisher–Pearson (as pandas' `skew()`). */
  readonly skewness: number;
  readonly zeros: number;
  /** Values outside [Q1 - 1.5 IQR, Q3 + 1.5 IQR]. */
  readonly outliersIqr: number;
  /** Values with |z| > 3. */
  readonly outliersZ: number;
}

export interface ValueCount {
  readonly value: string;
  readonly count: number;
}

export interface Histogram {
  /** Bin labels for categories; for numbers, `edges` has bins + 1 entries. */
  readonly labels?: readonly string[];
  readonly edges?: readonly number[];
  readonly counts: readonly number[];
}

export interface Correlations {
  /** Column names of the numeric matrices below (number-stored, non-id columns). */
  readonly numeric: readonly string[];
  readonly pearson: readonly (readonly number[])[];
  readonly spearman: readonly (readonly number[])[];
  /** Column names of the Cramér's V matrix (categorical and boolean columns). */
  readonly categorical: readonly string[];
  readonly cramersV: readonly (readonly number[])[];
  /** Correlation ratio η, rows = categorical columns, columns = numeric columns. */
  readonly correlationRatio: readonly (readonly number[])[];
}

export interface TargetAssociation {
  readonly column: string;
  readonly mutualInformation: number;
}

export type Severity = 'high' | 'medium' | 'low' | 'info';

export type FindingKind =
  | 'high-missing'
  | 'constant'
  | 'quasi-constant'
  | 'id-like'
  | 'duplicate-rows'
  | 'duplicate-columns'
  | 'high-cardinality'
  | 'mixed-types'
  | 'outliers'
  | 'class-imbalance'
  | 'target-leakage'
  | 'time-shift'
  | 'target-missing';

export interface Finding {
  readonly kind: FindingKind;
  readonly severity: Severity;
  /** The columns concerned; empty for table-wide findings. */
  readonly columns: readonly string[];
  /** One sentence a learner understands: what was seen and why it matters. */
  readonly message: string;
  /** The figure behind the finding (a rate, a count, a score). */
  readonly value: number;
}
