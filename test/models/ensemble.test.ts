import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import type { Model, Spec, Target } from '../../src/estimator/contract.js';
import { build, buildEstimator, specOf } from '../../src/estimator/kinds.js';
import { loadModel, saveModel } from '../../src/estimator/persist.js';
import { catalogEntry } from '../../src/models/catalog.js';
import { ensemble, ensembleModel } from '../../src/models/ensemble.js';
import { LOGISTIC, logistic } from '../../src/models/linear/logistic.js';
import { targetFromFrame } from '../../src/models/target.js';
import { defaultPreprocessing } from '../../src/prep/defaults.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { DATASETS } from '../helpers.js';

/** A catalog model behind its default preprocessing, fitted on the given columns. */
function fitted(name: string, params: Record<string, number>, features: Frame, target: Target): Model {
  const entry = catalogEntry(name);
  const model = entry.make(params, target.task);
  return pipeline([defaultPreprocessing(features, entry).transformer], model).fit(features, target);
}

let features: Frame;
let target: Target;
let members: Model[];

beforeAll(async () => {
  const frame = await readTable(join(DATASETS, 'wine.csv'));
  target = targetFromFrame(frame, 'target');
  features = frame.drop(['target']);
  const names = features.names;
  members = [
    fitted('logistic', {}, features.select(names.slice(0, 7)), target),
    fitted('gbdt', { trees: 20, threads: 1 }, features.select(names.slice(4)), target),
    fitted('knn', { k: 7 }, features, target),
  ];
});

describe('ensembleModel', () => {
  it('predicts the weighted average of its members’ probabilities, and the most probable class', () => {
    const weights = [0.5, 0.3, 0.2];
    const ensemble = ensembleModel(members.map((model, k) => ({ model, weight: weights[k]! })));
    const probabilities = ensemble.predictProba!(features);
    const each = members.map((m) => m.predictProba!(features));
    const k = target.classes.length;
    for (let i = 0; i < probabilities.length; i++) {
      expect(probabilities[i]).toBeCloseTo(0.5 * each[0]![i]! + 0.3 * each[1]![i]! + 0.2 * each[2]![i]!, 12);
    }
    const predictions = ensemble.predict(features);
    for (let row = 0; row < features.rowCount; row++) {
      const p = probabilities.subarray(row * k, (row + 1) * k);
      expect(predictions[row]).toBe(p.indexOf(Math.max(...p)));
    }
    expect(ensemble).toMatchObject({ kind: 'ensemble', task: 'multiclass', classes: target.classes });
  });

  it('takes the union of its members’ inputs, in first-seen order', () => {
    const ensemble = ensembleModel(members.slice(0, 2).map((model) => ({ model, weight: 1 })));
    expect(ensemble.inputNames).toEqual(features.names);
  });

  it('scales weights to sum to 1', () => {
    const doubled = ensembleModel(members.map((model, k) => ({ model, weight: 2 * (k + 1) })));
    const plain = ensembleModel(members.map((model, k) => ({ model, weight: (k + 1) / 6 })));
    const a = doubled.predictProba!(features);
    const b = plain.predictProba!(features);
    a.forEach((value, i) => {
      expect(value).toBeCloseTo(b[i]!, 12);
    });
  });

  it('round-trips through saveModel and loadModel with identical predictions', () => {
    const ensemble = ensembleModel(members.map((model, k) => ({ model, weight: [0.6, 0.28, 0.12][k]! })));
    const loaded = loadModel(saveModel(ensemble));
    expect(loaded.kind).toBe('ensemble');
    expect(loaded.params).toEqual(ensemble.params);
    expect(loaded.inputNames).toEqual(ensemble.inputNames);
    expect(loaded.predictProba!(features)).toEqual(ensemble.predictProba!(features));
    expect(loaded.predict(features)).toEqual(ensemble.predict(features));
    expect(saveModel(loaded)).toEqual(saveModel(ensemble));
  });

  it('averages the values of regressors', async () => {
    const frame = await readTable(join(DATASETS, 'diabetes.csv'));
    const y = targetFromFrame(frame, 'target', 'regression');
    const x = frame.drop(['target']);
    const ridge = fitted('ridge', { alpha: 1 }, x, y);
    const forest = fitted('random-forest', { trees: 10, threads: 1 }, x, y);
    const ensemble = ensembleModel([
      { model: ridge, weight: 0.75 },
      { model: forest, weight: 0.25 },
    ]);
    const a = ridge.predict(x);
    const b = forest.predict(x);
    ensemble.predict(x).forEach((value, i) => {
      expect(value).toBeCloseTo(0.75 * a[i]! + 0.25 * b[i]!, 9);
    });
    expect(ensemble.classes).toBeUndefined();
    expect(ensemble.predictProba).toBeUndefined(); // regressors have no probabilities, as the contract says
    expect(loadModel(saveModel(ensemble)).predict(x)).toEqual(ensemble.predict(x));
    // A forest first: tree regressors carry an empty class list, and the ensemble still regresses.
    const forestFirst = ensembleModel([
      { model: forest, weight: 0.25 },
      { model: ridge, weight: 0.75 },
    ]);
    expect(forestFirst.classes).toBeUndefined();
    forestFirst.predict(x).forEach((value, i) => {
      expect(value).toBeCloseTo(0.75 * a[i]! + 0.25 * b[i]!, 9);
    });
    expect(loadModel(saveModel(forestFirst)).predict(x)).toEqual(forestFirst.predict(x));
  });

  it('refuses members that cannot be blended', () => {
    expect(() => ensembleModel([])).toThrow(/at least one/);
    expect(() => ensembleModel([{ model: members[0]!, weight: 0 }])).toThrow(/weights/);
    const relabelled = { ...target, classes: ['x', 'y', 'z'] };
    const other = fitted('logistic', {}, features, relabelled);
    expect(() =>
      ensembleModel([
        { model: members[0]!, weight: 1 },
        { model: other, weight: 1 },
      ]),
    ).toThrow(/different classes/);
  });
});

describe('an ensemble as a spec', () => {
  /** Members fitted on the same columns, as AutoML's refit fits a chosen blend. */
  const estimators = () => [
    {
      estimator: pipeline([defaultPreprocessing(features, LOGISTIC.tags).transformer], logistic()),
      weight: 0.7,
    },
    {
      estimator: pipeline([defaultPreprocessing(features, LOGISTIC.tags).transformer], logistic({ C: 0.05 })),
      weight: 0.3,
    },
  ];

  it('fits each member and blends them with the stored weights', () => {
    const blended = ensemble(estimators()).fit(features, target);
    const byHand = ensembleModel(
      estimators().map(({ estimator, weight }) => ({ model: estimator.fit(features, target), weight })),
    );
    expect(saveModel(blended)).toEqual(saveModel(byHand));
  });

  it('rebuilds from specOf(fitted ensemble): the same bytes when fitted on the same rows', () => {
    const fittedEnsemble = ensemble(estimators()).fit(features, target);
    const spec = JSON.parse(JSON.stringify(specOf(fittedEnsemble))) as Spec;
    expect(spec.params).toEqual({ members: ['pipeline', 'pipeline'], weights: [0.7, 0.3] });
    expect(Object.keys(spec.children!)).toEqual(['member0', 'member1']);
    const rebuilt = buildEstimator(spec).fit(features, target);
    expect(saveModel(rebuilt)).toEqual(saveModel(fittedEnsemble));
    // A loaded ensemble states the same spec.
    expect(specOf(loadModel(saveModel(fittedEnsemble)))).toEqual(specOf(fittedEnsemble));
  });

  it('refuses a spec whose weights do not match its members', () => {
    const spec = specOf(ensemble(estimators()));
    expect(() => build({ ...spec, params: { ...spec.params, weights: [1] } })).toThrow(
      /params\.weights has 1 weights for 2 members/,
    );
    expect(() => ensemble([])).toThrow(/at least one/);
  });
});
