/**
 * Every metric by the name a user types (`--metric f1_macro`, a CV report's
 * column): what task it scores, what prediction it needs, and which way is
 * better. Names follow scikit-learn's scorer names without the `neg_`
 * prefix; `greaterIsBetter` carries the direction instead.
 */
import { UsageError } from '../core/errors.js';
import { accuracy, balancedAccuracy, f1, matthewsCorrelation, precision, recall } from './classification.js';
import { type Points, silhouetteScore } from './clustering.js';
import { averagePrecision, brierScore, logLoss, rocAuc } from './probabilistic.js';
import {
  explainedVariance,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  r2,
  rootMeanSquaredError,
  sumSquaredError,
} from './regression.js';

/**
 * 'binary': defined for two classes only; 'multiclass': any number of
 * classes (two included); 'regression'; 'clustering'.
 */
export type MetricTask = 'binary' | 'multiclass' | 'regression' | 'clustering';

/** Predicted class indices, class probabilities (or scores), or predicted numbers. */
export type MetricNeeds = 'labels' | 'probabilities' | 'values';

export interface SupervisedMetric {
  readonly task: 'binary' | 'multiclass' | 'regression';
  readonly needs: MetricNeeds;
  readonly greaterIsBetter: boolean;
  readonly compute: (
    yTrue: ArrayLike<number>,
    prediction: ArrayLike<number>,
    sampleWeight?: ArrayLike<number>,
  ) => number;
}

/** Scores a clustering from the points and their cluster labels. */
export interface ClusteringMetric {
  readonly task: 'clustering';
  readonly needs: 'labels';
  readonly greaterIsBetter: boolean;
  readonly compute: (points: Points, labels: ArrayLike<number>) => number;
}

export type MetricDefinition = SupervisedMetric | ClusteringMetric;

type Compute = SupervisedMetric['compute'];

function metric(
  task: SupervisedMetric['task'],
  needs: MetricNeeds,
  greaterIsBetter: boolean,
  compute: Compute,
): SupervisedMetric {
  return { task, needs, greaterIsBetter, compute };
}

const byAverage =
  (score: typeof f1, average: 'micro' | 'macro' | 'weighted'): Compute =>
  (yTrue, yPred, sampleWeight) =>
    score(yTrue, yPred, { average, sampleWeight });

export const METRICS = {
  accuracy: metric('multiclass', 'labels', true, (t, p, w) => accuracy(t, p, { sampleWeight: w })),
  balanced_accuracy: metric('multiclass', 'labels', true, (t, p, w) =>
    balancedAccuracy(t, p, { sampleWeight: w }),
  ),
  precision: metric('binary', 'labels', true, (t, p, w) => precision(t, p, { sampleWeight: w })),
  recall: metric('binary', 'labels', true, (t, p, w) => recall(t, p, { sampleWeight: w })),
  f1: metric('binary', 'labels', true, (t, p, w) => f1(t, p, { sampleWeight: w })),
  precision_macro: metric('multiclass', 'labels', true, byAverage(precision, 'macro')),
  recall_macro: metric('multiclass', 'labels', true, byAverage(recall, 'macro')),
  f1_macro: metric('multiclass', 'labels', true, byAverage(f1, 'macro')),
  f1_micro: metric('multiclass', 'labels', true, byAverage(f1, 'micro')),
  f1_weighted: metric('multiclass', 'labels', true, byAverage(f1, 'weighted')),
  mcc: metric('multiclass', 'labels', true, (t, p, w) => matthewsCorrelation(t, p, { sampleWeight: w })),
  roc_auc: metric('binary', 'probabilities', true, (t, p, w) => rocAuc(t, p, { sampleWeight: w })),
  roc_auc_ovr: metric('multiclass', 'probabilities', true, (t, p, w) => rocAuc(t, p, { sampleWeight: w })),
  roc_auc_ovr_weighted: metric('multiclass', 'probabilities', true, (t, p, w) =>
    rocAuc(t, p, { average: 'weighted', sampleWeight: w }),
  ),
  average_precision: metric('binary', 'probabilities', true, (t, p, w) =>
    averagePrecision(t, p, { sampleWeight: w }),
  ),
  log_loss: metric('multiclass', 'probabilities', false, (t, p, w) => logLoss(t, p, { sampleWeight: w })),
  brier: metric('binary', 'probabilities', false, (t, p, w) => brierScore(t, p, { sampleWeight: w })),
  mae: metric('regression', 'values', false, (t, p, w) => meanAbsoluteError(t, p, { sampleWeight: w })),
  mse: metric('regression', 'values', false, (t, p, w) => meanSquaredError(t, p, { sampleWeight: w })),
  rmse: metric('regression', 'values', false, (t, p, w) => rootMeanSquaredError(t, p, { sampleWeight: w })),
  sse: metric('regression', 'values', false, (t, p, w) => sumSquaredError(t, p, { sampleWeight: w })),
  r2: metric('regression', 'values', true, (t, p, w) => r2(t, p, { sampleWeight: w })),
  mape: metric('regression', 'values', false, (t, p, w) =>
    meanAbsolutePercentageError(t, p, { sampleWeight: w }),
  ),
  median_ae: metric('regression', 'values', false, (t, p, w) =>
    medianAbsoluteError(t, p, { sampleWeight: w }),
  ),
  explained_variance: metric('regression', 'values', true, (t, p, w) =>
    explainedVariance(t, p, { sampleWeight: w }),
  ),
  silhouette: {
    task: 'clustering',
    needs: 'labels',
    greaterIsBetter: true,
    compute: silhouetteScore,
  } satisfies ClusteringMetric,
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;

export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** The metric called `name`; a `UsageError` listing the names otherwise (for `--metric`). */
export function metricByName(name: string): MetricDefinition {
  if (Object.hasOwn(METRICS, name)) return METRICS[name as MetricName];
  throw new UsageError('metric.unknown', `unknown metric "${name}"`, {
    location: { field: 'metric' },
    hint: `choose one of: ${METRIC_NAMES.join(', ')}`,
  });
}

/** The metrics of each task a user is pointed to when a metric does not fit. */
const SUGGESTED: Readonly<Record<SupervisedMetric['task'], string>> = {
  binary: 'roc_auc, accuracy, log_loss, f1',
  multiclass: 'accuracy, balanced_accuracy, f1_macro, log_loss',
  regression: 'rmse, mae, r2',
};

/**
 * The metric `name` for a supervised task, refused (naming the task) when it
 * scores another kind of problem; a multiclass metric scores two classes too.
 */
export function supervisedMetricFor(name: string, task: SupervisedMetric['task']): SupervisedMetric {
  const metric = metricByName(name);
  const fits = metric.task === task || (metric.task === 'multiclass' && task === 'binary');
  if (metric.task === 'clustering' || !fits) {
    throw new UsageError(
      'metric.wrong-task',
      `the metric "${name}" is for ${metric.task}, and this is ${task}`,
      {
        location: { field: 'metric' },
        hint: `for ${task}, try: ${SUGGESTED[task]}`,
      },
    );
  }
  return metric;
}
