import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { calibrationCurve, precisionRecallCurve, rocCurve } from '../../src/evaluate/curves.js';
import { expectAllClose, expectUsageError, ORACLE, weightsOf } from './oracle.js';

describe('curves against scikit-learn, element by element', () => {
  for (const c of ORACLE.binary) {
    it(`ROC curve on ${c.name}`, () => {
      const options = weightsOf(c);
      for (const [key, dropIntermediate] of [
        ['roc', true],
        ['roc_all', false],
      ] as const) {
        const curve = rocCurve(c.yTrue, c.yScore, { ...options, dropIntermediate });
        const expected = c.curves[key]!;
        expectAllClose(curve.fpr, expected['fpr']!, `${key} fpr`);
        expectAllClose(curve.tpr, expected['tpr']!, `${key} tpr`);
        expectAllClose(curve.thresholds, expected['thresholds']!, `${key} thresholds`);
      }
    });

    it(`precision–recall curve on ${c.name}`, () => {
      const curve = precisionRecallCurve(c.yTrue, c.yScore, weightsOf(c));
      const expected = c.curves['pr']!;
      expectAllClose(curve.precision, expected['precision']!, 'precision');
      expectAllClose(curve.recall, expected['recall']!, 'recall');
      expectAllClose(curve.thresholds, expected['thresholds']!, 'thresholds');
    });

    if (c.sampleWeight !== null) continue;
    it(`calibration curves on ${c.name}`, () => {
      for (const strategy of ['uniform', 'quantile'] as const) {
        for (const bins of [5, 10]) {
          const curve = calibrationCurve(c.yTrue, c.yScore, { bins, strategy });
          const expected = c.curves[`calibration_${strategy}_${bins}`]!;
          expectAllClose(curve.probTrue, expected['probTrue']!, `${strategy} ${bins} probTrue`);
          expectAllClose(curve.probPred, expected['probPred']!, `${strategy} ${bins} probPred`);
          expect(curve.counts.reduce((a, b) => a + b, 0)).toBe(c.yTrue.length);
        }
      }
    });
  }

  it('puts bin edges where numpy linspace does, not at i / bins', () => {
    // numpy's 5th of 7 edges is 5 · (1/7) = 0.7142857142857142, just below 5/7, so 5/7 falls in bin 5.
    const sevenBins = calibrationCurve([0, 1, 1, 0], [5 / 7, 5 / 7, 0.6000000000000001, 0.1], { bins: 7 });
    expect([...sevenBins.counts]).toEqual([1, 1, 2]);
    expect([...sevenBins.probPred]).toEqual([0.1, 0.6000000000000001, 5 / 7]);
    // And numpy's 3rd of 5 edges is 0.6000000000000001, so that value itself stays in bin 2.
    const fiveBins = calibrationCurve([0, 1], [0.6000000000000001, 0.61], { bins: 5 });
    expect([...fiveBins.counts]).toEqual([1, 1]);
  });
});

describe('curves refuse bad input', () => {
  it('refuses a ROC curve without both classes', () => {
    expectUsageError(() => rocCurve([1, 1], [0.3, 0.4]), UsageError, 'yTrue', /no rows of class 0/);
    expectUsageError(
      () => precisionRecallCurve([0, 0], [0.3, 0.4]),
      UsageError,
      'yTrue',
      /no rows of class 1/,
    );
  });

  it('refuses probabilities outside [0, 1] for calibration, and bad bin counts', () => {
    expectUsageError(() => calibrationCurve([0, 1], [0.2, 1.5]), UsageError, 'yProb', /yProb\[1\] is 1.5/);
    expectUsageError(() => calibrationCurve([0, 1], [0.2, 0.5], { bins: 0 }), UsageError, 'bins');
  });

  it('refuses multiclass labels, mismatched lengths and NaN', () => {
    expectUsageError(() => rocCurve([0, 1, 2], [0.1, 0.2, 0.3]), UsageError, 'yTrue', /class 2/);
    expectUsageError(() => rocCurve([0, 1, 1], [0.1, 0.2]), UsageError, 'yScore', /whole number of columns/);
    expectUsageError(() => precisionRecallCurve([0, 1], [0.1, Number.NaN]), UsageError, 'yScore', /NaN/);
  });
});
