import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { readTable } from '../../src/data/read.js';
import { saveModel } from '../../src/estimator/persist.js';
import { openStore } from '../../src/registry/open.js';
import { readRecipe } from '../../src/registry/recipe.js';
import { recipeOfRun } from '../../src/train/recording.js';
import { train } from '../../src/train/train.js';
import '../../src/serve/loaders.js';
import { DATASETS, tempDir } from '../helpers.js';

describe('train(request, frame) from a program', () => {
  const dir = tempDir('keel-train-');

  it('fits, cross-validates and returns a recipe that says how', async () => {
    const frame = await readTable(join(DATASETS, 'iris.csv'));
    const trained = await train(
      {
        model: 'logistic',
        params: { C: 0.5 },
        target: 'target',
        validation: { folds: 3 },
        seed: 2,
        source: 'iris.csv',
      },
      frame,
    );
    expect(trained.validation?.kind).toBe('cv');
    expect(trained.model.kind).toBe('pipeline');
    expect(trained.params).toMatchObject({ C: 0.5, penalty: 'l2' });
    const { recipe } = trained;
    expect(recipe).toMatchObject({
      format: 'keel.training-recipe',
      target: 'target',
      task: 'multiclass',
      seed: 2,
      data: { source: 'iris.csv', rows: 150 },
      training: { kind: 'estimator', model: 'logistic', params: { C: 0.5 }, preprocessing: 'default' },
      validation: { kind: 'cv', folds: 3, shuffle: true, stratified: true },
    });
    expect(recipe.training.kind === 'estimator' && recipe.training.spec.kind).toBe('pipeline');
    // The recipe survives JSON and the checked reader unchanged.
    expect(readRecipe(JSON.parse(JSON.stringify(recipe)), 'recipe.json')).toEqual(recipe);
  });

  it('records the run with its recipe and registers the model with schema and reference', async () => {
    const store = await openStore({ home: join(dir, 'home') });
    try {
      const frame = await readTable(join(DATASETS, 'diabetes.csv'));
      const trained = await train({ model: 'ridge', target: 'target', source: 'diabetes.csv' }, frame, {
        recording: { store, register: 'diabetes' },
      });
      const runId = trained.recorded!.runId;
      const run = (await store.getRun(runId))!;
      expect(run.status).toBe('finished');
      expect(run.params).toMatchObject({ model: 'ridge', target: 'target', cv: 5, alpha: 1 });
      expect(await recipeOfRun(store, run)).toEqual(trained.recipe);
      const [version] = await store.listVersions('diabetes');
      expect(version!.runId).toBe(runId);
      expect(version!.datasetHash).toBe(trained.recipe.data.datasetHash);
      expect(version!.schema.columns.map((c) => c.name)).toEqual(frame.names.filter((n) => n !== 'target'));
      expect(version!.reference).toMatchObject({ format: 'keel.reference-profile' });
      expect(version!.artifactHash).toMatch(/^[0-9a-f]{64}$/);
      expect(saveModel(trained.model).length).toBe(version!.artifactBytes);
    } finally {
      await store.close();
    }
  });

  it('refuses a stored recipe with a wrong field, naming it', () => {
    const bad = { format: 'keel.training-recipe', version: 1, keelVersion: '0.1.0' };
    expect(() => readRecipe(bad, 'run/recipe.json')).toThrow(DataError);
    expect(() => readRecipe(bad, 'run/recipe.json')).toThrow(/field "data" is missing/);
  });
});
