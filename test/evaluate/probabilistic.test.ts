import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { averagePrecision, brierScore, logLoss, rocAuc } from '../../src/evaluate/probabilistic.js';
import { expectClose, expectUsageError, ORACLE, weightsOf } from './oracle.js';

describe('binary probability metrics against scikit-learn', () => {
  for (const c of ORACLE.binary) {
    it(`match on ${c.name}`, () => {
      const options = weightsOf(c);
      expectClose(rocAuc(c.yTrue, c.yScore, options), c.metrics['roc_auc']!, 'roc_auc');
      expectClose(
        averagePrecision(c.yTrue, c.yScore, options),
        c.metrics['average_precision']!,
        'average_precision',
      );
      expectClose(logLoss(c.yTrue, c.yScore, options), c.metrics['log_loss']!, 'log_loss');
      expectClose(
        logLoss(c.yTrue, c.yScore, { ...options, eps: 1e-15 }),
        c.metrics['log_loss_eps_1e-15']!,
        'log_loss eps',
      );
      expectClose(brierScore(c.yTrue, c.yScore, options), c.metrics['brier']!, 'brier');
    });
  }

  it('read column 1 of an n×2 matrix as P(class 1)', () => {
    const c = ORACLE.binary[0]!;
    const matrix = Float64Array.from(c.yScore.flatMap((p) => [1 - p, p]));
    expectClose(rocAuc(c.yTrue, matrix), c.metrics['roc_auc']!, 'roc_auc');
    expectClose(brierScore(c.yTrue, matrix), c.metrics['brier']!, 'brier');
  });
});

describe('multiclass probability metrics against scikit-learn', () => {
  for (const c of ORACLE.multiclass) {
    it(`match on ${c.name}`, () => {
      const options = weightsOf(c);
      const yProb = Float64Array.from(c.yProb);
      expectClose(logLoss(c.yTrue, yProb, options), c.metrics['log_loss']!, 'log_loss');
      if (c.metrics['roc_auc_ovr_macro'] === undefined) return;
      expectClose(rocAuc(c.yTrue, yProb, options), c.metrics['roc_auc_ovr_macro'], 'roc_auc ovr macro');
      expectClose(
        rocAuc(c.yTrue, yProb, { ...options, average: 'weighted' }),
        c.metrics['roc_auc_ovr_weighted']!,
        'roc_auc ovr weighted',
      );
    });
  }

  it('accept one-vs-rest scores whose rows do not sum to 1 (scikit-learn refuses them)', () => {
    const c = ORACLE.multiclass.find((m) => m.name === 'three_class')!;
    const doubled = Float64Array.from(c.yProb, (p) => 2 * p);
    expectClose(rocAuc(c.yTrue, doubled), c.metrics['roc_auc_ovr_macro']!, 'scaled scores');
  });
});

describe('probability metrics refuse bad input', () => {
  it('refuses an AUC over a single class', () => {
    expectUsageError(() => rocAuc([1, 1, 1], [0.2, 0.5, 0.9]), UsageError, 'yTrue', /no rows of class 0/);
    expectUsageError(() => rocAuc([0, 0], [0.2, 0.5]), UsageError, 'yTrue', /no rows of class 1/);
    expectUsageError(() => averagePrecision([0, 0], [0.2, 0.5]), UsageError, 'yTrue', /no rows of class 1/);
  });

  it('refuses a one-vs-rest AUC for a class that never occurs', () => {
    const yProb = [0.5, 0.3, 0.2, 0.2, 0.6, 0.2, 0.6, 0.2, 0.2];
    expectUsageError(() => rocAuc([0, 1, 0], yProb), UsageError, 'yTrue', /class 2 never occurs/);
  });

  it('treats all weight on one class as a single class', () => {
    const weights = { sampleWeight: [1, 0, 1] };
    expectUsageError(() => rocAuc([0, 1, 0], [0.1, 0.9, 0.3], weights), UsageError, 'yTrue', /class 1/);
  });

  it('refuses probabilities whose width does not match the classes', () => {
    const threeColumns = [0.2, 0.3, 0.5, 0.1, 0.8, 0.1];
    expectUsageError(
      () => logLoss([0, 3], threeColumns),
      UsageError,
      'yProb',
      /3 columns but yTrue holds 4 classes/,
    );
    expectUsageError(() => rocAuc([0, 1, 2, 3], new Float64Array(12)), UsageError, 'yScore', /4 classes/);
    expectUsageError(() => logLoss([0, 2], [0.2, 0.9]), UsageError, 'yProb', /1 column but yTrue holds 3/);
    expectUsageError(() => rocAuc([0, 1], [0.1, 0.2, 0.3]), UsageError, 'yScore', /whole number of columns/);
  });

  it('refuses NaN in scores and labels', () => {
    expectUsageError(() => rocAuc([0, 1], [0.1, Number.NaN]), UsageError, 'yScore', /yScore\[1\] is NaN/);
    expectUsageError(() => logLoss([0, Number.NaN], [0.1, 0.3]), UsageError, 'yTrue');
    expectUsageError(() => brierScore([0, 1], [Number.NaN, 0.3]), UsageError, 'yProb');
  });

  it('names both lengths when they differ', () => {
    expectUsageError(() => brierScore([0, 1, 1], [0.1, 0.2]), UsageError, 'yProb', /3/);
    expectUsageError(
      () => rocAuc([0, 1], [0.1, 0.2], { sampleWeight: [1, 2, 3] }),
      UsageError,
      'sampleWeight',
      /2.*3/,
    );
  });

  it('refuses empty input', () => {
    for (const metric of [rocAuc, averagePrecision, logLoss, brierScore]) {
      expectUsageError(() => metric([], []), UsageError, 'yTrue', /empty/);
    }
  });

  it('refuses a Brier score of a non-probability or of more than two classes', () => {
    expectUsageError(() => brierScore([0, 1], [0.2, 1.3]), UsageError, 'yProb', /outside \[0, 1\]/);
    expectUsageError(() => brierScore([0, 2], [0.2, 0.3]), UsageError, 'yTrue', /class 2/);
  });

  it('refuses a nonsensical eps and average', () => {
    expectUsageError(() => logLoss([0, 1], [0.2, 0.3], { eps: 0.7 }), UsageError, 'eps');
    const yProb = [0.5, 0.3, 0.2, 0.2, 0.6, 0.2, 0.2, 0.2, 0.6];
    // @ts-expect-error: 'micro' one-vs-rest is not offered
    expectUsageError(() => rocAuc([0, 1, 2], yProb, { average: 'micro' }), UsageError, 'average');
  });

  it('gives a perfect ranking AUC 1 and average precision 1', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(averagePrecision([1, 1], [0.1, 0.2])).toBe(1);
  });
});
