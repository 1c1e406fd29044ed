import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { METRIC_NAMES, METRICS, metricByName } from '../../src/evaluate/registry.js';
import { expectClose, expectUsageError, ORACLE } from './oracle.js';

/** Registry name → the key of scikit-learn's value in the fixture. */
const ORACLE_KEYS: Record<string, string> = {
  precision: 'precision_binary',
  recall: 'recall_binary',
  f1: 'f1_binary',
  precision_macro: 'precision_macro',
  recall_macro: 'recall_macro',
  f1_macro: 'f1_macro',
  f1_micro: 'f1_micro',
  f1_weighted: 'f1_weighted',
  roc_auc_ovr: 'roc_auc_ovr_macro',
  roc_auc_ovr_weighted: 'roc_auc_ovr_weighted',
};

function prediction(
  name: string,
  c: { yPred: number[] },
  probabilities: ArrayLike<number>,
): ArrayLike<number> {
  return METRICS[name as keyof typeof METRICS].needs === 'probabilities' ? probabilities : c.yPred;
}

describe('the METRICS registry', () => {
  it('computes each binary metric as scikit-learn does', () => {
    const c = ORACLE.binary.find((b) => b.name === 'breast_cancer_weighted')!;
    for (const name of METRIC_NAMES) {
      const metric = METRICS[name];
      if (metric.task !== 'binary' && !(metric.task === 'multiclass' && !name.startsWith('roc_auc_ovr')))
        continue;
      const key = ORACLE_KEYS[name] ?? name;
      const value = metric.compute(c.yTrue, prediction(name, c, c.yScore), c.sampleWeight!);
      expectClose(value, c.metrics[key]!, name);
    }
  });

  it('computes each multiclass metric as scikit-learn does', () => {
    const c = ORACLE.multiclass.find((m) => m.name === 'five_class_ties_weighted')!;
    for (const name of METRIC_NAMES) {
      const metric = METRICS[name];
      if (metric.task !== 'multiclass') continue;
      const value = metric.compute(c.yTrue, prediction(name, c, c.yProb), c.sampleWeight!);
      expectClose(value, c.metrics[ORACLE_KEYS[name] ?? name]!, name);
    }
  });

  it('computes each regression metric as scikit-learn does', () => {
    const c = ORACLE.regression.find((r) => r.name === 'diabetes_weighted')!;
    for (const name of METRIC_NAMES) {
      const metric = METRICS[name];
      if (metric.task !== 'regression') continue;
      expectClose(metric.compute(c.yTrue, c.yPred, c.sampleWeight!), c.metrics[name]!, name);
    }
  });

  it('scores a clustering from points and labels', () => {
    const c = ORACLE.clustering[0]!;
    const points = { data: Float64Array.from(c.points), rows: c.labels.length, cols: c.cols };
    expectClose(METRICS.silhouette.compute(points, c.labels), c.silhouette, 'silhouette');
  });

  it('says which way is better: losses and errors down, scores up', () => {
    const lowerIsBetter = METRIC_NAMES.filter((name) => !METRICS[name].greaterIsBetter).sort();
    expect(lowerIsBetter).toEqual(['brier', 'log_loss', 'mae', 'mape', 'median_ae', 'mse', 'rmse', 'sse']);
  });

  it('names the choices when a metric is unknown', () => {
    expect(metricByName('f1_macro')).toBe(METRICS.f1_macro);
    const error = expectUsageError(() => metricByName('auc'), UsageError, 'metric', /unknown metric "auc"/);
    expect(error.hint).toContain('roc_auc');
    expectUsageError(() => metricByName('toString'), UsageError, 'metric');
  });
});
