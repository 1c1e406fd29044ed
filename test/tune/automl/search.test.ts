import { beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../../src/data/frame.js';
import { readTable } from '../../../src/data/read.js';
import { catalogEntry } from '../../../src/models/catalog.js';
import { defaultPreprocessing } from '../../../src/prep/defaults.js';
import { pipeline } from '../../../src/prep/pipeline.js';
import { type AutomlEvent, type AutomlResult, automl } from '../../../src/tune/automl/search.js';
import { crossValidate } from '../../../src/tune/cross-validate.js';
import { stratifiedKFold } from '../../../src/tune/splitters.js';
import { DATASETS } from '../../helpers.js';

let iris: Frame;
let pima: Frame;

beforeAll(async () => {
  const read = (file: string) => readTable(`${DATASETS}${file}`);
  [iris, pima] = await Promise.all([read('iris.csv'), read('pima_indians_diabetes2.csv')]);
});

let pimaRun: Promise<{ result: AutomlResult; events: AutomlEvent['type'][] }> | undefined;

/** One search on pima (the portfolio's first 7 configurations), shared by the tests that read it. */
function pimaSearch() {
  pimaRun ??= (async () => {
    const events: AutomlEvent['type'][] = [];
    const result = await automl(pima, {
      target: 'diabetes',
      maxTrials: 7,
      threads: 2,
      onEvent: (event) => events.push(event.type),
    });
    return { result, events };
  })();
  return pimaRun;
}

/** What must not change between two runs with the same seed. */
function fingerprint(result: AutomlResult) {
  return {
    trials: result.trials.map(({ spec, outcome }) => ({
      spec,
      status: outcome.status,
      score: outcome.score,
    })),
    leaderboard: result.leaderboard.map((e) => [e.model, e.score, e.params]),
    best: result.best.model,
    ensemble: result.ensemble,
    oof: Array.from(result.oof.probabilities ?? result.oof.predictions),
  };
}

function isSortedBestFirst(result: AutomlResult): boolean {
  const scores = result.leaderboard.map((e) => (result.greaterIsBetter ? -e.score : e.score));
  return scores.every((s, i) => i === 0 || s >= scores[i - 1]!);
}

describe('automl', () => {
  it('ranks several algorithms best first and refits the winner on every row', async () => {
    const { result, events } = await pimaSearch();
    expect(result.task).toBe('binary');
    expect(result.metric).toBe('roc_auc');
    expect(result.stopped).toBe('max-trials');
    expect(result.trials).toHaveLength(7);
    expect(result.trials.map((t) => t.spec.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(isSortedBestFirst(result)).toBe(true);
    const algorithms = new Set(result.leaderboard.map((e) => e.algorithm).filter((a) => a !== 'ensemble'));
    expect(algorithms.size).toBeGreaterThanOrEqual(5);
    expect(result.leaderboard.every((e) => e.foldScores.length === result.cv.folds)).toBe(true);
    expect(result.why).toContain(result.best.model === 'ensemble' ? 'blend' : result.best.model);
    expect(events[0]).toBe('start');
    expect(events.filter((t) => t === 'trial')).toHaveLength(7);
    expect(events.slice(-3)).toEqual(['phase', 'phase', 'done']);
    // The refitted model scores the table it came from; its out-of-fold predictions cover every row.
    expect(result.model.predictProba!(pima)).toHaveLength(pima.rowCount * 2);
    expect(result.oof.probabilities).toHaveLength(pima.rowCount * 2);
    expect(result.oof.probabilities!.every(Number.isFinite)).toBe(true);
  });

  it('gives the same trials, leaderboard and ensemble for a seed with one thread or two', async () => {
    const options = {
      target: 'target',
      algorithms: ['logistic', 'knn', 'naive-bayes'],
      maxTrials: 16,
      seed: 4,
    };
    const one = await automl(iris, { ...options, threads: 1 });
    const two = await automl(iris, { ...options, threads: 2 });
    expect(fingerprint(two)).toEqual(fingerprint(one));
    // Past the portfolio (5 entries), TPE proposed the rest.
    expect(new Set(one.trials.map((t) => JSON.stringify(t.spec.params))).size).toBe(16);
    const other = await automl(iris, { ...options, threads: 2, seed: 5 });
    expect(fingerprint(other).trials).not.toEqual(fingerprint(one).trials);
  });

  it('stops starting trials when the time budget is spent', async () => {
    const result = await automl(pima, { target: 'diabetes', timeBudgetSeconds: 3, threads: 2 });
    expect(result.stopped).toBe('budget');
    expect(result.leaderboard.length).toBeGreaterThan(0);
    // Generous: the machine is shared, and the winner's refit comes after the budget.
    expect(result.elapsedSeconds).toBeLessThan(30);
    const lastStart = Math.max(...result.trials.map((t) => t.spec.id));
    expect(lastStart).toBeLessThan(40);
  });

  it('keeps the best model so far when aborted', async () => {
    const controller = new AbortController();
    let done = 0;
    const result = await automl(pima, {
      target: 'diabetes',
      algorithms: ['naive-bayes', 'logistic', 'knn', 'gbdt'],
      maxTrials: 40,
      threads: 2,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'trial' && ++done === 3) controller.abort();
      },
    });
    expect(result.stopped).toBe('aborted');
    expect(result.trials.length).toBeLessThan(40);
    expect(result.leaderboard.length).toBeGreaterThanOrEqual(2);
    expect(result.model.predict(pima)).toHaveLength(pima.rowCount);
  });

  it('ends as exhausted when no new configuration is left to try', async () => {
    const wine = await readTable(`${DATASETS}wine.csv`);
    const result = await automl(wine, {
      target: 'alcohol',
      algorithms: ['linear'],
      maxTrials: 5,
      threads: 1,
    });
    expect(result.stopped).toBe('exhausted');
    expect(result.trials).toHaveLength(1);
    expect(result.best.model).toBe('linear #0');
    expect(result.ensemble).toBeUndefined();
  });

  it('scores at least about as well on pima as a default gradient boosting model', async () => {
    const { result } = await pimaSearch();
    const features = pima.drop(['diabetes']);
    const entry = catalogEntry('gbdt');
    const estimator = pipeline([defaultPreprocessing(features, entry).transformer], entry.make({}, 'binary'));
    const cv = crossValidate(estimator, features, result.target, {
      cv: stratifiedKFold({ k: 5, shuffle: true, seed: 0 }),
      metrics: ['roc_auc'],
    });
    const gbdt = cv.metrics['roc_auc']!.mean;
    expect(result.best.score).toBeGreaterThan(gbdt - 0.005);
    // The search's own default gbdt trial is the same model on the same folds: the same score.
    const trial = result.leaderboard.find((e) => e.algorithm === 'gbdt' && e.params['learningRate'] === 0.1);
    expect(trial?.score).toBeCloseTo(gbdt, 12);
  });
});

describe('automl with successive halving', () => {
  it('trains new proposals on a third of the rows and promotes only the best to full data', async () => {
    const diamonds = await readTable(`${DATASETS}diamonds.csv`);
    const sample = diamonds.take(Int32Array.from({ length: 6000 }, (_, i) => i * 8));
    const result = await automl(sample, {
      target: 'price',
      algorithms: ['ridge', 'tree'],
      maxTrials: 18,
      threads: 2,
    });
    expect(result.task).toBe('regression');
    expect(result.metric).toBe('rmse');
    const rung = result.trials.filter((t) => t.spec.trainShare !== undefined);
    expect(rung.length).toBeGreaterThan(0);
    expect(rung.every((t) => Math.abs(t.spec.trainShare! - 1 / 3) < 1e-12)).toBe(true);
    expect(rung.every((t) => t.outcome.oofPredictions === undefined)).toBe(true);
    const leaderboardTrials = new Set(result.leaderboard.map((e) => e.trial));
    expect(rung.some((t) => leaderboardTrials.has(t.spec.id))).toBe(false);
    const promoted = result.trials.filter(
      (t) =>
        t.spec.trainShare === undefined &&
        rung.some(
          (r) => r.spec.id < t.spec.id && JSON.stringify(r.spec.params) === JSON.stringify(t.spec.params),
        ),
    );
    expect(promoted.length).toBeGreaterThan(0);
    expect(promoted.length).toBeLessThan(rung.length);
    expect(result.notes.some((n) => n.includes('successive halving'))).toBe(true);
  });
});
