import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import {
  accuracy,
  balancedAccuracy,
  confusionMatrix,
  f1,
  matthewsCorrelation,
  precision,
  recall,
} from '../../src/evaluate/classification.js';
import { expectAllClose, expectClose, expectUsageError, ORACLE, weightsOf } from './oracle.js';

const SCORES = { precision, recall, f1 } as const;
const AVERAGES = ['micro', 'macro', 'weighted'] as const;
const LABEL_CASES = [...ORACLE.binary, ...ORACLE.multiclass];

describe('label metrics against scikit-learn', () => {
  for (const c of LABEL_CASES) {
    it(`match on ${c.name}`, () => {
      const options = weightsOf(c);
      const expected = c.metrics;
      expectClose(accuracy(c.yTrue, c.yPred, options), expected['accuracy']!, 'accuracy');
      expectClose(
        balancedAccuracy(c.yTrue, c.yPred, options),
        expected['balanced_accuracy']!,
        'balanced_accuracy',
      );
      expectClose(matthewsCorrelation(c.yTrue, c.yPred, options), expected['mcc']!, 'mcc');
      for (const [name, score] of Object.entries(SCORES)) {
        for (const average of AVERAGES) {
          const actual = score(c.yTrue, c.yPred, { ...options, average });
          expectClose(actual, expected[`${name}_${average}`]!, `${name} ${average}`);
        }
      }
      const k = 'classCount' in c ? c.classCount : 2;
      const matrix = confusionMatrix(c.yTrue, c.yPred, { ...options, classCount: k });
      expectAllClose(matrix.counts, expected.confusion_matrix, 'confusion matrix');
    });
  }

  for (const c of ORACLE.binary) {
    it(`match with average 'binary' for either positive class on ${c.name}`, () => {
      for (const [name, score] of Object.entries(SCORES)) {
        const options = weightsOf(c);
        expectClose(score(c.yTrue, c.yPred, options), c.metrics[`${name}_binary`]!, `${name} binary`);
        expectClose(
          score(c.yTrue, c.yPred, { ...options, posLabel: 0 }),
          c.metrics[`${name}_binary_pos0`]!,
          `${name} binary, posLabel 0`,
        );
      }
    });
  }
});

describe('label metrics at the edges', () => {
  it('score 0/0 as 0, as scikit-learn does by default', () => {
    // Nothing predicted positive: precision is 0/0.
    expect(precision([1, 0, 1], [0, 0, 0])).toBe(0);
    expect(f1([1, 0, 1], [0, 0, 0])).toBe(0);
    // No true positives exist: recall is 0/0.
    expect(recall([0, 0], [0, 1])).toBe(0);
  });

  it('score a binary target that holds only class 0', () => {
    expect(precision([0, 0, 0], [0, 0, 0])).toBe(0);
    expect(f1([0, 0, 0], [0, 0, 0], { posLabel: 0 })).toBe(1);
  });

  it('average over the classes that occur, skipping a class index that never appears', () => {
    // Class 1 occurs in neither array; scikit-learn (labels=None) gives 0.7333… and 0.8333….
    expect(f1([0, 2, 2, 0], [0, 2, 0, 0], { average: 'macro' })).toBeCloseTo(0.7333333333333334, 15);
    expect(precision([0, 2, 2, 0], [0, 2, 0, 0], { average: 'weighted' })).toBeCloseTo(
      0.8333333333333333,
      15,
    );
  });

  it('give MCC 0 when one side is constant', () => {
    expect(matthewsCorrelation([0, 1, 1, 0], [1, 1, 1, 1])).toBe(0);
  });

  it('size the confusion matrix to the labels unless told', () => {
    expect(confusionMatrix([0, 2], [2, 2]).classCount).toBe(3);
    expect(confusionMatrix([0, 1], [1, 1], { classCount: 4 }).counts.length).toBe(16);
  });
});

describe('label metrics refuse bad input', () => {
  it('names both lengths when they differ', () => {
    expectUsageError(
      () => accuracy([0, 1, 1], [0, 1]),
      UsageError,
      'yPred',
      /yTrue has 3 values but yPred has 2/,
    );
  });

  it('refuses empty input', () => {
    expectUsageError(() => accuracy([], []), UsageError, 'yTrue', /empty/);
  });

  it('refuses NaN labels, pointing at the row', () => {
    expectUsageError(() => f1([0, Number.NaN, 1], [0, 1, 1]), UsageError, 'yTrue', /yTrue\[1\] is NaN/);
    expectUsageError(() => f1([0, 1, 1], [0, 1, Number.NaN]), UsageError, 'yPred', /yPred\[2\]/);
  });

  it('refuses labels that are not class indices', () => {
    expectUsageError(() => accuracy([0, 1.5], [0, 1]), UsageError, 'yTrue', /not a class index/);
    expectUsageError(() => accuracy([0, -1], [0, 1]), UsageError, 'yTrue', /not a class index/);
  });

  it("refuses average 'binary' with more than two classes", () => {
    expectUsageError(() => f1([0, 1, 2], [0, 1, 2]), UsageError, 'average', /class 2/);
  });

  it('refuses a posLabel that is not 0 or 1, and an unknown average', () => {
    expectUsageError(() => precision([0, 1], [0, 1], { posLabel: 2 }), UsageError, 'posLabel');
    // @ts-expect-error: an average a user might type from another library
    expectUsageError(() => recall([0, 1], [0, 1], { average: 'samples' }), UsageError, 'average');
  });

  it('refuses bad weights', () => {
    expectUsageError(
      () => accuracy([0, 1], [0, 1], { sampleWeight: [1] }),
      UsageError,
      'sampleWeight',
      /2 values.*1/,
    );
    expectUsageError(
      () => accuracy([0, 1], [0, 1], { sampleWeight: [1, Number.NaN] }),
      UsageError,
      'sampleWeight',
    );
    expectUsageError(() => accuracy([0, 1], [0, 1], { sampleWeight: [1, -1] }), UsageError, 'sampleWeight');
    expectUsageError(() => accuracy([0, 1], [0, 1], { sampleWeight: [0, 0] }), UsageError, 'sampleWeight');
  });

  it('refuses a confusion matrix too small for the labels', () => {
    expectUsageError(() => confusionMatrix([0, 3], [0, 1], { classCount: 2 }), UsageError, 'classCount');
  });
});
