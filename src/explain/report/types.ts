/**
 * Everything the AutoML report shows, as plain JSON-able data: the search,
 * its winner, the winner's out-of-fold diagnostics and explanations, a
 * fairness audit and a model card. Other modules compute it; the renderer only
 * draws it, so a report can be rebuilt from the JSON embedded in an old page.
 *
 * Conventions:
 * - Arrays of numbers are plain `number[]`. A figure that can be undefined
 *   (a rate over an empty group) is `number | null`, because JSON turns NaN into null.
 * - "Out-of-fold" means each row was predicted by the model of the one
 *   cross-validation fold that did not train on it.
 * - Optional sections may be absent; `omitted` may then say why, and the
 *   renderer falls back to a default reason.
 */

export type ReportTask = 'binary' | 'multiclass' | 'regression';

export type ReportSeverity = 'high' | 'medium' | 'low' | 'info';

export interface ModelReport {
  readonly meta: ReportMeta;
  readonly data: DataSummary;
  /** Best first by the search metric; exactly one row has `chosen: true`. */
  readonly leaderboard: readonly LeaderboardRow[];
  readonly choice: ChosenPipeline;
  /** The chosen model's cross-validation figures; the search metric first. */
  readonly cvMetrics: readonly CvMetric[];
  /** Binary and multiclass tasks. */
  readonly classification?: ClassificationDiagnostics;
  /** Regression tasks. */
  readonly regression?: RegressionDiagnostics;
  readonly importance?: ReportImportance;
  readonly shap?: ReportShap;
  readonly pdp?: ReportPdp;
  /** One audit per sensitive column (`--sensitive`). */
  readonly fairness?: readonly ReportFairness[];
  /** Text the caller wrote; whatever is missing the renderer writes from the other fields. */
  readonly modelCard?: ModelCardText;
  /** Why an optional part is absent, in a sentence a learner understands. */
  readonly omitted?: Readonly<Partial<Record<OptionalPart, string>>>;
}

export type OptionalPart =
  | 'curves'
  | 'calibration'
  | 'regression'
  | 'importance'
  | 'shap'
  | 'pdp'
  | 'fairness';

// ---------------------------------------------------------------- meta

export interface ReportMeta {
  /** Defaults to "Predicting TARGET from FILE". */
  readonly title?: string;
  /** The file path or query the data came from. */
  readonly source: string;
  readonly target: string;
  readonly task: ReportTask;
  readonly metric: ReportMetric;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly keelVersion: string;
  readonly seed: number;
  /** null: the search was bounded by a trial count only. */
  readonly timeBudgetSeconds: number | null;
  readonly elapsedSeconds: number;
  readonly trials: number;
  readonly stopped: ReportStop;
  readonly registered?: RegisteredModel;
  readonly runId: string;
}

export interface ReportMetric {
  /** As keel names it: 'roc_auc', 'rmse', 'log_loss', … */
  readonly name: string;
  readonly greaterIsBetter: boolean;
  /** For people: "ROC AUC". Defaults to `name`. */
  readonly label?: string;
}

export interface ReportStop {
  readonly reason: 'time-budget' | 'max-trials' | 'exhausted' | 'interrupted' | 'no-improvement';
  /** Extra words, e.g. "Ctrl-C after 41 s". */
  readonly detail?: string;
}

export interface RegisteredModel {
  readonly name: string;
  readonly version: number;
  readonly aliases?: readonly string[];
}

// ---------------------------------------------------------------- data

export interface DataSummary {
  readonly rows: number;
  /** Columns in the file, the target included. */
  readonly columns: number;
  /** Columns the models saw after drops and exclusions. */
  readonly featuresUsed: number;
  readonly target: ClassBalance | TargetSummary;
  /** From the profile, most severe first or in any order (the renderer ranks them). */
  readonly findings: readonly ReportFinding[];
  readonly dropped: readonly ReportDroppedColumn[];
  readonly sensitive: readonly SensitiveColumn[];
}

export interface ClassBalance {
  readonly kind: 'classes';
  readonly classes: readonly { readonly label: string; readonly count: number }[];
}

export interface TargetSummary {
  readonly kind: 'numeric';
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly missing?: number;
}

export interface ReportFinding {
  readonly severity: ReportSeverity;
  readonly message: string;
  readonly columns?: readonly string[];
}

export interface ReportDroppedColumn {
  readonly column: string;
  /** "ID-like: every value is different", "leaks the target: …". */
  readonly reason: string;
}

export interface SensitiveColumn {
  readonly column: string;
  /** False when `--allow-sensitive-features` kept it among the features. */
  readonly excluded: boolean;
}

// ---------------------------------------------------------------- search

export type ParamValue = number | string | boolean | null;

export interface LeaderboardRow {
  /** Unique on the board: "gbdt #7", "ensemble". */
  readonly model: string;
  /** The family: "gbdt", "random forest", "logistic regression", "ensemble". */
  readonly algorithm: string;
  /** Mean cross-validated score in the search metric. */
  readonly score: number;
  /** Standard deviation of the score over folds. */
  readonly std: number;
  readonly fitSeconds: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly chosen?: boolean;
}

export interface ChosenPipeline {
  /** The leaderboard `model` that was chosen. */
  readonly model: string;
  /** In order, as a reader would describe them: "numeric: median imputation + missing indicator". */
  readonly steps: readonly string[];
  /** Why this one: one or more sentences. */
  readonly why: readonly string[];
  /** Notes on preprocessing decisions, e.g. "carat was log-transformed because it is right-skewed". */
  readonly preprocessing: readonly string[];
  readonly cv: CvDescription;
  readonly ensemble?: EnsembleDescription;
}

export interface CvDescription {
  readonly kind: 'kfold' | 'stratified' | 'time-series' | 'group';
  readonly folds: number;
  /** Why this splitter fits the data. */
  readonly why: string;
  readonly repeats?: number;
}

export interface EnsembleDescription {
  readonly method: 'greedy-selection' | 'stacking';
  /** Weights sum to 1 for greedy selection; stacking gives the meta-model's coefficients. */
  readonly members: readonly { readonly model: string; readonly weight: number }[];
}

export interface CvMetric {
  /** As keel names it: 'roc_auc', 'accuracy', 'rmse'. */
  readonly name: string;
  readonly label?: string;
  readonly greaterIsBetter: boolean;
  readonly mean: number;
  readonly std: number;
  /** One score per fold, in fold order. */
  readonly folds: readonly number[];
}

// ---------------------------------------------------------------- out-of-fold diagnostics

export interface ClassificationDiagnostics {
  /** Class labels as text, in the model's order. */
  readonly classes: readonly string[];
  /** Binary: the class whose probability the curves rank by. */
  readonly positiveClass?: string;
  /** Binary: the probability above which a row is predicted positive (0.5 unless tuned). */
  readonly threshold?: number;
  readonly confusion: ReportConfusion;
  /** Binary. */
  readonly roc?: RocData;
  /** Binary. */
  readonly pr?: PrData;
  /** Binary. */
  readonly calibration?: CalibrationData;
  /** Multiclass, optional: one curve per class against all others. */
  readonly rocOneVsRest?: readonly (RocData & { readonly label: string })[];
}

export interface ReportConfusion {
  readonly labels: readonly string[];
  /** matrix[actual][predicted] = rows. */
  readonly matrix: readonly (readonly number[])[];
}

export interface RocData {
  readonly fpr: readonly number[];
  readonly tpr: readonly number[];
  readonly auc: number;
}

export interface PrData {
  readonly recall: readonly number[];
  readonly precision: readonly number[];
  readonly averagePrecision: number;
}

export interface CalibrationData {
  /** Per non-empty bin. */
  readonly meanPredicted: readonly number[];
  readonly fractionPositive: readonly number[];
  readonly counts: readonly number[];
}

export interface RegressionDiagnostics {
  /** Out-of-fold predictions for a sample of rows (up to about 2,000), paired with the actual values. */
  readonly predicted: readonly number[];
  readonly actual: readonly number[];
  /** Rows the sample was drawn from; equal to `predicted.length` when nothing was sampled. */
  readonly totalRows: number;
  /** Residuals (actual − predicted) of all rows; when absent the sample is binned. */
  readonly residualHistogram?: { readonly edges: readonly number[]; readonly counts: readonly number[] };
}

// ---------------------------------------------------------------- explanations

export interface ReportImportance {
  /** The metric whose drop is measured, usually the search metric. */
  readonly metric: string;
  readonly repeats: number;
  /**
   * The highest first; up to 20 are drawn. `mean` is how much the metric got
   * worse when the column was shuffled, in the metric's units, positive when
   * the model relies on the column (whichever way the metric points); `std` is
   * its spread over the repeats.
   */
  readonly features: readonly { readonly column: string; readonly mean: number; readonly std: number }[];
  /** Columns measured, when more than `features` lists. */
  readonly totalColumns?: number;
}

export interface ReportShap {
  /** What a SHAP value is measured in: "log-odds of diabetes = pos", "charges (USD)". */
  readonly output: string;
  /** Most important first; up to 12 are drawn, each with at most 400 of its rows. */
  readonly columns: readonly ShapColumn[];
}

export interface ShapColumn {
  readonly column: string;
  /** Mean |SHAP| over all explained rows. */
  readonly meanAbs: number;
  /** A sample of rows: SHAP values and the feature value scaled to 0..1 (null: missing or unordered). */
  readonly shap: readonly number[];
  readonly value: readonly (number | null)[];
}

export interface ReportPdp {
  /** What the curves show: "predicted probability of diabetes = pos". */
  readonly output: string;
  /** Up to 6 are drawn, each numeric one with at most 40 ICE curves. */
  readonly features: readonly PdpFeature[];
}

export type PdpFeature = NumericPdp | CategoricalPdp;

export interface NumericPdp {
  readonly column: string;
  readonly kind: 'numeric';
  readonly grid: readonly number[];
  /** The model's average output with the column set to each grid value. */
  readonly average: readonly number[];
  /** A few individual rows' curves (ICE), each as long as `grid`. */
  readonly ice?: readonly (readonly number[])[];
}

export interface CategoricalPdp {
  readonly column: string;
  readonly kind: 'categorical';
  readonly grid: readonly string[];
  readonly average: readonly number[];
}

// ---------------------------------------------------------------- fairness

export type ReportFairness = ReportClassificationFairness | ReportRegressionFairness;

interface FairnessCommon {
  readonly column: string;
  /** Plain-language warnings: a broken four-fifths rule, a gap above the threshold. */
  readonly warnings: readonly string[];
  /** Groups with too few rows for their figures to mean much. */
  readonly smallGroups: readonly string[];
  /** The size below which a group counts as small. */
  readonly minGroupSize?: number;
}

export interface ReportClassificationFairness extends FairnessCommon {
  readonly kind: 'classification';
  /** Binary: the class counted as "selected"; multiclass audits may leave it out. */
  readonly positiveClass?: string;
  readonly groups: readonly ReportClassificationGroup[];
  readonly summary: {
    /** Largest minus smallest selection rate. */
    readonly demographicParityDifference: number | null;
    /** Largest gap in TPR or FPR between groups. */
    readonly equalizedOddsDifference: number | null;
    /** Smallest over largest selection rate; the four-fifths rule wants ≥ 0.8. */
    readonly disparateImpactRatio: number | null;
  };
}

export interface ReportClassificationGroup {
  readonly group: string;
  readonly count: number;
  readonly selectionRate: number | null;
  readonly tpr: number | null;
  readonly fpr: number | null;
  readonly precision: number | null;
  readonly accuracy: number | null;
}

export interface ReportRegressionFairness extends FairnessCommon {
  readonly kind: 'regression';
  readonly groups: readonly ReportRegressionGroup[];
  readonly summary?: {
    /** Largest minus smallest group MAE. */
    readonly maeDifference: number | null;
    /** Largest minus smallest group mean prediction. */
    readonly meanPredictionDifference: number | null;
  };
}

export interface ReportRegressionGroup {
  readonly group: string;
  readonly count: number;
  readonly mae: number | null;
  readonly rmse: number | null;
  readonly meanPrediction: number | null;
  readonly meanTarget: number | null;
}

// ---------------------------------------------------------------- model card

export interface ModelCardText {
  readonly intendedUse?: string;
  readonly trainingData?: string;
  readonly metricsSummary?: string;
  readonly limitations?: readonly string[];
  readonly ethicalConsiderations?: readonly string[];
}
