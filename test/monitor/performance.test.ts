import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { Frame } from '../../src/data/frame.js';
import { rootMeanSquaredError } from '../../src/evaluate/regression.js';
import { monitoredMetric, windowPerformance } from '../../src/monitor/performance.js';
import type { CurrentData } from '../../src/monitor/window.js';

/** A regression window: predictions = truth + noise of the given spread, every row labelled. */
function window(rows: number, noise: number, seed = 1): CurrentData {
  const rng = new Rng(seed);
  const truth = Float64Array.from({ length: rows }, () => rng.normal() * 10);
  const predictions = truth.map((t) => t + rng.normal() * noise);
  return {
    frame: new Frame([]),
    predictions,
    labelled: { rows: Int32Array.from({ length: rows }, (_, i) => i), values: truth },
    unusableLabels: 0,
  };
}

const settings = { metric: 'rmse', task: 'regression' as const, validation: 1 };

describe('windowPerformance', () => {
  it('scores the labelled rows with the metric and brackets the score with a bootstrap interval', () => {
    const data = window(400, 1);
    const point = windowPerformance(data, 3, settings)!;
    expect(point.window).toBe(3);
    expect(point.rows).toBe(400);
    expect(point.score).toBeCloseTo(rootMeanSquaredError(data.labelled.values, data.predictions), 12);
    expect(point.low!).toBeLessThan(point.score);
    expect(point.high!).toBeGreaterThan(point.score);
    // The RMSE of 400 unit-noise residuals has a standard error near 1/sqrt(2·400) ≈ 0.035.
    expect(point.high! - point.low!).toBeGreaterThan(0.08);
    expect(point.high! - point.low!).toBeLessThan(0.2);
    expect(point.decayed).toBe(false);
    expect(windowPerformance(data, 3, settings)).toEqual(point);
  });

  it('calls decay only when the score is worse by the tolerance and the whole interval is worse', () => {
    expect(windowPerformance(window(400, 2), 0, settings)!.decayed).toBe(true);
    // 3% worse is inside the 5% tolerance.
    expect(windowPerformance(window(400, 1), 0, { ...settings, validation: 0.97 })!.decayed).toBe(false);
    // Few labels: a score, no interval, no verdict.
    const few = windowPerformance(window(10, 3), 0, settings)!;
    expect(few.low).toBeNull();
    expect(few.decayed).toBe(false);
    // Higher-is-better metrics decay downwards.
    expect(
      windowPerformance(window(400, 5), 0, { metric: 'r2', task: 'regression', validation: 0.99 })!.decayed,
    ).toBe(true);
  });

  it('has no point for a window without labels', () => {
    const data = { ...window(50, 1), labelled: { rows: new Int32Array(0), values: new Float64Array(0) } };
    expect(windowPerformance(data, 0, settings)).toBeNull();
  });
});

describe('monitoredMetric', () => {
  it('takes the first registered metric of the task, or the one asked for', () => {
    expect(monitoredMetric({ fit_seconds: 1, rmse: 3, r2: 0.9 }, 'regression')).toBe('rmse');
    expect(monitoredMetric({ roc_auc: 0.8, roc_auc_std: 0.01 }, 'binary')).toBe('roc_auc');
    expect(monitoredMetric({ trials: 3 }, 'binary')).toBeNull();
    expect(monitoredMetric({}, 'regression', 'mae')).toBe('mae');
    expect(() => monitoredMetric({}, 'regression', 'roc_auc')).toThrow(/for binary/);
  });
});
