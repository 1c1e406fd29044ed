import { describe, expect, it } from 'vitest';
import * as models from '../../src/models/index.js';
import { syntheticData } from './conformance.js';

describe('the models index', () => {
  it('exports every linear-family estimator, and loads what each saves', () => {
    const cases = [
      { make: models.linearRegression, task: 'regression' },
      { make: models.ridge, task: 'regression' },
      { make: models.lasso, task: 'regression' },
      { make: models.elasticNet, task: 'regression' },
      { make: models.logistic, task: 'multiclass' },
    ] as const;
    for (const { make, task } of cases) {
      const { X, y } = syntheticData(task);
      const model = make().fit(X, y);
      const loaded = models.loadModel(models.saveModel(model));
      expect(loaded.kind).toBe(model.kind);
      expect(loaded.predict(X)).toEqual(model.predict(X));
    }
  });
});
