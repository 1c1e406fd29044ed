import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import type { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import type { Model, Spec, Target, Transformer } from '../../src/estimator/contract.js';
import { build, buildEstimator, buildTransformer, specOf } from '../../src/estimator/kinds.js';
import { loadModel, saveModel } from '../../src/estimator/persist.js';
import '../../src/serve/loaders.js';
import { LASSO, lasso } from '../../src/models/linear/coordinate-descent.js';
import { LOGISTIC, logistic } from '../../src/models/linear/logistic.js';
import { RIDGE, ridge } from '../../src/models/linear/ridge.js';
import { targetFromFrame } from '../../src/models/target.js';
import { chainTransformers } from '../../src/prep/chain.js';
import { byKind, columnTransformer } from '../../src/prep/column-transformer.js';
import { defaultPreprocessing } from '../../src/prep/defaults.js';
import { simpleImputer } from '../../src/prep/impute.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { standardScaler } from '../../src/prep/scale.js';
import { selectFromModel } from '../../src/prep/select-model.js';
import { targetEncoder } from '../../src/prep/target-encoder.js';
import { DATASETS } from '../helpers.js';

/**
 * A fitted composite's spec is data that rebuilds what produced it:
 * `build(specOf(fitted))`, fitted on the same rows, gives the same bytes.
 * Each spec goes through JSON first, as one kept in a run record would.
 */
const throughJson = (spec: Spec): Spec => JSON.parse(JSON.stringify(spec)) as Spec;

function refitted(fitted: Model, X: Frame, y: Target): Uint8Array {
  return saveModel(buildEstimator(throughJson(specOf(fitted))).fit(X, y));
}

let diamonds: { X: Frame; y: Target };
let iris: { X: Frame; y: Target };

beforeAll(async () => {
  const table = (await readTable(join(DATASETS, 'diamonds.csv'))).head(2000);
  diamonds = { X: table.drop(['price']), y: targetFromFrame(table, 'price', 'regression') };
  const flowers = await readTable(join(DATASETS, 'iris.csv'));
  iris = { X: flowers.drop(['target']), y: targetFromFrame(flowers, 'target') };
});

describe('build(specOf(fitted pipeline)) fits the same pipeline again', () => {
  const cases = [
    {
      name: 'diamonds, default preprocessing, ridge',
      data: () => diamonds,
      tags: RIDGE.tags,
      make: () => ridge(),
    },
    {
      name: 'diamonds, default preprocessing, lasso',
      data: () => diamonds,
      tags: LASSO.tags,
      make: () => lasso({ alpha: 2 }),
    },
    {
      name: 'iris, default preprocessing, logistic',
      data: () => iris,
      tags: LOGISTIC.tags,
      make: () => logistic(),
    },
    {
      name: 'iris, default preprocessing, logistic (l1)',
      data: () => iris,
      tags: LOGISTIC.tags,
      make: () => logistic({ C: 0.5, penalty: 'l1' }),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { X, y } = c.data();
      const estimator = pipeline([defaultPreprocessing(X, c.tags).transformer], c.make());
      const fitted = estimator.fit(X, y);
      expect(refitted(fitted, X, y)).toEqual(saveModel(fitted));
      // The unfitted pipeline states the same spec as what it fits to.
      expect(throughJson(specOf(estimator))).toEqual(throughJson(specOf(fitted)));
    });
  }

  it('states its steps and model as children, and keeps its own params', () => {
    const { X, y } = diamonds;
    const fitted = pipeline([defaultPreprocessing(X, RIDGE.tags).transformer], ridge({ alpha: 3 })).fit(X, y);
    const spec = specOf(fitted);
    expect(spec.kind).toBe('pipeline');
    expect(spec.params).toEqual({ steps: ['column-transformer'], model: 'ridge' });
    expect(fitted.params).toEqual(spec.params);
    expect(Object.keys(spec.children!)).toEqual(['step0', 'model']);
    expect(spec.children!['model']).toEqual({ kind: 'ridge', params: { alpha: 3, fitIntercept: true } });
    const ct = spec.children!['step0']!;
    expect(ct.params['parts']).toEqual(['numeric', 'categorical']);
    expect(ct.params['columns']).toEqual([
      ['carat', 'depth', 'table', 'x', 'y', 'z'],
      ['cut', 'color', 'clarity'],
    ]);
    expect(ct.children!['part1']).toEqual({
      kind: 'one-hot',
      params: { handleUnknown: 'ignore', minFrequency: 0.01 },
    });
  });

  it('gives a loaded pipeline a spec that rebuilds it too', () => {
    const { X, y } = iris;
    const fitted = pipeline([defaultPreprocessing(X, LOGISTIC.tags).transformer], logistic()).fit(X, y);
    const loaded = loadModel(saveModel(fitted));
    expect(refitted(loaded, X, y)).toEqual(saveModel(fitted));
  });
});

describe('column transformers and chains as specs', () => {
  it('holds a selector by kind as data, and builds it back', () => {
    const { X, y } = diamonds;
    const ct = columnTransformer(
      [
        {
          name: 'numbers',
          transformer: chainTransformers([simpleImputer(), standardScaler()]),
          columns: byKind('numeric'),
        },
        { name: 'labels', transformer: targetEncoder({ folds: 3 }), columns: byKind('categorical') },
      ],
      { remainder: 'passthrough' },
    );
    const spec = throughJson(specOf(ct));
    expect(spec.params['columns']).toEqual([{ kinds: ['numeric'] }, { kinds: ['categorical'] }]);
    const estimator = pipeline([ct], ridge());
    const rebuilt = buildEstimator(throughJson(specOf(estimator)));
    expect(saveModel(rebuilt.fit(X, y))).toEqual(saveModel(estimator.fit(X, y)));
  });

  it('records the columns a fitted part was given, and whether it passed the rest through', () => {
    const { X, y } = diamonds;
    const ct = columnTransformer(
      [{ name: 'numbers', transformer: standardScaler(), columns: byKind('numeric') }],
      {
        remainder: 'passthrough',
      },
    );
    const fitted = ct.fit(X, y);
    const spec = throughJson(specOf(fitted));
    expect(spec.params).toEqual({
      remainder: 'passthrough',
      parts: ['numbers'],
      columns: [['carat', 'depth', 'table', 'x', 'y', 'z']],
    });
    const again = (buildTransformer(spec) as Transformer).fit(X, y);
    expect(saveModel(again)).toEqual(saveModel(fitted));
  });

  it('refuses to build a selector function, which a spec cannot hold', () => {
    const pick = (frame: Frame) => frame.names.slice(0, 2);
    const spec = throughJson(
      specOf(columnTransformer([{ name: 'first', transformer: standardScaler(), columns: pick }])),
    );
    expect(spec.params['columns']).toEqual([{ function: 'pick' }]);
    expect(() => build(spec)).toThrow(UsageError);
    expect(() => build(spec)).toThrow(/params\.columns\[0\].*selector function \("pick"\)/);
  });

  it('refuses a spec whose children do not match its parameters', () => {
    const spec = throughJson(specOf(chainTransformers([simpleImputer(), standardScaler()])));
    const swapped = {
      ...spec,
      children: { step0: spec.children!['step1']!, step1: spec.children!['step0']! },
    };
    expect(() => build(swapped)).toThrow(
      /children\.step0\.kind is "standard-scaler", and its parameters say "imputer"/,
    );
    const missing = { ...spec, children: { step0: spec.children!['step0']! } };
    expect(() => build(missing)).toThrow(/children\.step1 is missing/);
    const model = {
      ...spec,
      params: { steps: ['imputer', 'ridge'] },
      children: { ...spec.children, step1: specOf(ridge()) },
    };
    expect(() => build(model)).toThrow(/"ridge" is not a transformer/);
  });
});

describe('select-from-model as a spec', () => {
  it('holds its estimator as a child and rebuilds the same selection', () => {
    const { X, y } = diamonds;
    const numbers = X.select(['carat', 'depth', 'table', 'x', 'y', 'z']);
    const selector = selectFromModel({
      estimator: ridge({ alpha: 2 }),
      threshold: '0.5*mean',
      maxFeatures: 4,
    });
    const fitted = selector.fit(numbers, y);
    const spec = throughJson(specOf(fitted));
    expect(spec.children).toEqual({ estimator: { kind: 'ridge', params: { alpha: 2, fitIntercept: true } } });
    const rebuilt = (build(spec) as Transformer).fit(numbers, y);
    expect(saveModel(rebuilt)).toEqual(saveModel(fitted));
  });
});

describe('an estimator a spec builds is checked as its factory checks it', () => {
  it('refuses parameters outside a transformer’s declaration', () => {
    expect(() => build({ kind: 'one-hot', params: { minFrequency: -1 } })).toThrow(
      /minFrequency must be ≥ 0/,
    );
    expect(() => build({ kind: 'min-max-scaler', params: { withMean: true } })).toThrow(
      /no parameter "withMean"/,
    );
  });

  it('builds each transformer kind with its defaults from an empty spec', () => {
    const kinds = [
      'imputer',
      'knn-imputer',
      'standard-scaler',
      'min-max-scaler',
      'robust-scaler',
      'one-hot',
      'ordinal',
      'target-encoder',
      'quantile-transformer',
      'power-transformer',
      'outlier-clipper',
      'polynomial-features',
      'date-parts',
      'tfidf',
      'variance-threshold',
      'select-k-best',
    ];
    for (const kind of kinds) {
      const built = buildTransformer({ kind, params: {} });
      expect(built.kind).toBe(kind);
      expect(specOf(built)).toEqual({ kind, params: built.params });
    }
  });
});
