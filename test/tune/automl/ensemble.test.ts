import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { readTable } from '../../../src/data/read.js';
import type { Target } from '../../../src/estimator/contract.js';
import { targetFromFrame } from '../../../src/models/target.js';
import { selectEnsemble } from '../../../src/tune/automl/ensemble.js';
import { runTrial, type TrialSpec } from '../../../src/tune/automl/trial.js';
import { stratifiedKFold } from '../../../src/tune/splitters.js';
import { DATASETS } from '../../helpers.js';

const FOLDS = [
  { train: Int32Array.of(2, 3), test: Int32Array.of(0, 1) },
  { train: Int32Array.of(0, 1), test: Int32Array.of(2, 3) },
];
const NUMBERS: Target = { name: 'y', task: 'regression', values: Float64Array.of(1, 2, 3, 4), classes: [] };
const CLASSES: Target = {
  name: 'y',
  task: 'binary',
  values: Float64Array.of(0, 1, 0, 1),
  classes: ['a', 'b'],
};

const sum = (weights: readonly { weight: number }[]) => weights.reduce((a, m) => a + m.weight, 0);

describe('selectEnsemble', () => {
  it('blends two candidates that err in opposite directions into one that does not err', () => {
    // A predicts y + 1 and B y - 1: each has rmse 1, their average is exact.
    const a = { id: 1, predictions: Float64Array.of(2, 3, 4, 5) };
    const b = { id: 2, predictions: Float64Array.of(0, 1, 2, 3) };
    const selection = selectEnsemble([a, b], NUMBERS, FOLDS, 'rmse', { rounds: 2 });
    expect(selection.members).toEqual([
      { id: 1, weight: 0.5 },
      { id: 2, weight: 0.5 },
    ]);
    expect(selection.score).toBe(0);
    expect(selection.foldScores).toEqual([0, 0]);
    expect(selection.std).toBe(0);
  });

  it('finds uneven weights by choosing a candidate more than once', () => {
    // A errs by +3, B by -1: one A and three Bs cancel.
    const a = { id: 1, predictions: Float64Array.of(4, 5, 6, 7) };
    const b = { id: 2, predictions: Float64Array.of(0, 1, 2, 3) };
    const selection = selectEnsemble([a, b], NUMBERS, FOLDS, 'mae', { rounds: 4 });
    expect(selection.members).toEqual([
      { id: 2, weight: 0.75 },
      { id: 1, weight: 0.25 },
    ]);
    expect(selection.score).toBe(0);
  });

  it('keeps the best single candidate when no blend beats it (stopping at the best round)', () => {
    const exact = { id: 7, predictions: Float64Array.of(1, 2, 3, 4) };
    const off = { id: 8, predictions: Float64Array.of(9, 9, 9, 9) };
    const selection = selectEnsemble([off, exact], NUMBERS, FOLDS, 'rmse');
    expect(selection.members).toEqual([{ id: 7, weight: 1 }]);
    expect(selection.score).toBe(0);
  });

  it('follows the metric: lower log loss and higher accuracy are better, blended from probabilities', () => {
    const sure = {
      id: 1,
      predictions: Float64Array.of(0, 1, 0, 1),
      probabilities: Float64Array.of(0.9, 0.1, 0.2, 0.8, 0.7, 0.3, 0.4, 0.6),
    };
    const wrong = {
      id: 2,
      predictions: Float64Array.of(1, 0, 1, 0),
      probabilities: Float64Array.of(0.1, 0.9, 0.8, 0.2, 0.3, 0.7, 0.6, 0.4),
    };
    for (const metric of ['log_loss', 'accuracy', 'roc_auc']) {
      const selection = selectEnsemble([wrong, sure], CLASSES, FOLDS, metric);
      expect(selection.members).toEqual([{ id: 1, weight: 1 }]);
    }
    expect(selectEnsemble([wrong, sure], CLASSES, FOLDS, 'accuracy').score).toBe(1);
  });

  it('only lets the best maxCandidates candidates in', () => {
    // A errs by +1, B by +1.5, C by -2: two As and a C cancel, but C alone is the worst, so with two places it is left out.
    const a = { id: 1, predictions: Float64Array.of(2, 3, 4, 5) };
    const b = { id: 2, predictions: Float64Array.of(2.5, 3.5, 4.5, 5.5) };
    const c = { id: 3, predictions: Float64Array.of(-1, 0, 1, 2) };
    const all = selectEnsemble([c, b, a], NUMBERS, FOLDS, 'rmse', { maxCandidates: 3 });
    expect(all.members).toEqual([
      { id: 1, weight: 2 / 3 },
      { id: 3, weight: 1 / 3 },
    ]);
    expect(all.score).toBe(0);
    const two = selectEnsemble([c, b, a], NUMBERS, FOLDS, 'rmse', { maxCandidates: 2 });
    expect(two.members).toEqual([{ id: 1, weight: 1 }]);
    expect(two.score).toBe(1);
  });

  it('refuses classification candidates without probabilities, and bad options', () => {
    const labels = { id: 1, predictions: Float64Array.of(0, 1, 0, 1) };
    expect(() => selectEnsemble([labels], CLASSES, FOLDS, 'accuracy')).toThrow(UsageError);
    expect(() => selectEnsemble([labels], NUMBERS, FOLDS, 'rmse', { rounds: 0 })).toThrow(/rounds/);
  });

  it('on real trials, scores each candidate as its trial did, and blends to at least the best of them', async () => {
    const frame = await readTable(join(DATASETS, 'pima_indians_diabetes2.csv'));
    const target = targetFromFrame(frame, 'diabetes');
    const folds = [...stratifiedKFold({ k: 5, shuffle: true, seed: 3 }).split({ labels: target.values })];
    const data = { features: frame.drop(['diabetes']), target, folds, metric: 'log_loss', seed: 0 };
    const specs: TrialSpec[] = [
      { id: 1, algorithm: 'logistic', params: {} },
      { id: 2, algorithm: 'gbdt', params: { trees: 40, learningRate: 0.05 } },
      { id: 3, algorithm: 'random-forest', params: { trees: 60, minSamplesLeaf: 3 } },
      { id: 4, algorithm: 'knn', params: { k: 25 } },
    ];
    const outcomes = specs.map((spec) => runTrial(spec, data));
    const candidates = outcomes.map((o) => ({
      id: o.id,
      predictions: o.oofPredictions!,
      probabilities: o.oofProbabilities!,
    }));
    const bestSingle = Math.min(...outcomes.map((o) => o.score));
    const selection = selectEnsemble(candidates, target, folds, 'log_loss');
    expect(sum(selection.members)).toBeCloseTo(1, 12);
    expect(selection.score).toBeLessThanOrEqual(bestSingle);
    expect(selection.members.length).toBeGreaterThan(1);
    // One round picks the single best candidate, scored exactly as its trial was.
    const single = selectEnsemble(candidates, target, folds, 'log_loss', { rounds: 1 });
    const best = outcomes.find((o) => o.score === bestSingle)!;
    expect(single.members).toEqual([{ id: best.id, weight: 1 }]);
    expect(single.foldScores).toEqual(best.foldScores);
  });
});
