import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SchemaError } from '../../src/core/errors.js';
import { categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import type { Transformer } from '../../src/estimator/contract.js';
import { loadModel, loadTransformer, saveModel } from '../../src/estimator/persist.js';
import { linearRegression, ridge } from '../../src/models/linear/ridge.js';
import { targetFromFrame } from '../../src/models/target.js';
import { chainTransformers } from '../../src/prep/chain.js';
import { byKind, columnTransformer } from '../../src/prep/column-transformer.js';
import { defaultPreprocessing } from '../../src/prep/defaults.js';
import { simpleImputer } from '../../src/prep/impute.js';
import { oneHotEncoder } from '../../src/prep/one-hot.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { minMaxScaler, robustScaler, standardScaler } from '../../src/prep/scale.js';
import { DATASETS } from '../helpers.js';
import { conformanceSuite } from '../models/conformance.js';

interface PrepCase {
  name: string;
  file: string;
  columns?: string[];
  outputNames?: string[];
  matrix?: (number | null)[][];
  trainRows?: number;
  predictions?: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/prep/prep.json', import.meta.url), 'utf8')) as {
  cases: PrepCase[];
};

const TRANSFORMERS: Record<string, () => Transformer> = {
  'imputer-mean': () => simpleImputer({ strategy: 'mean' }),
  'imputer-median-indicator': () => simpleImputer({ strategy: 'median', addIndicator: true }),
  'imputer-most-frequent': () => simpleImputer({ strategy: 'most_frequent' }),
  'imputer-constant': () => simpleImputer({ strategy: 'constant', fillValue: -1 }),
  'standard-scaler': () => standardScaler(),
  'min-max-scaler': () => minMaxScaler(),
  'robust-scaler': () => robustScaler(),
  'one-hot': () => oneHotEncoder(),
  'one-hot-min-frequency': () => oneHotEncoder({ minFrequency: 2000, handleUnknown: 'ignore' }),
};

/** scikit-learn's output names, in keel's spelling. */
function keelName(sklearnName: string): string {
  const indicator = /^missingindicator_(.*)$/.exec(sklearnName);
  if (indicator) return `${indicator[1]}__missing`;
  const level = /^(cut|color|clarity)_(.*)$/.exec(sklearnName);
  if (level) return `${level[1]}=${level[2] === 'infrequent_sklearn' ? '(infrequent)' : level[2]}`;
  return sklearnName;
}

const frames = new Map<string, Frame>();
beforeAll(async () => {
  for (const file of ['pima_indians_diabetes2.csv', 'diamonds.csv'])
    frames.set(file, await readTable(join(DATASETS, file)));
});

describe('transformers against scikit-learn', () => {
  for (const c of fixture.cases.filter((c) => c.matrix !== undefined)) {
    it(`${c.name}: same output columns and values (1e-12), and the same after save and load`, () => {
      const frame = frames.get(c.file)!.select(c.columns!);
      const fitted = TRANSFORMERS[c.name]!().fit(frame);
      expect(fitted.outputNames).toEqual(c.outputNames!.map(keelName));
      const out = fitted.transform(frame.head(c.matrix!.length));
      const reloaded = loadTransformer(saveModel(fitted)).transform(frame.head(c.matrix!.length));
      for (const result of [out, reloaded]) {
        const got = result.toMatrix();
        c.matrix!.forEach((row, i) => {
          row.forEach((expected, j) => {
            const actual = got.data[i * got.cols + j]!;
            if (expected === null) expect(actual).toBeNaN();
            else
              expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
                1e-12 * Math.max(1, Math.abs(expected)),
              );
          });
        });
      }
    });
  }

  it('a column transformer and ridge in a pipeline predict as scikit-learn’s (1e-8)', () => {
    const c = fixture.cases.find((c) => c.name === 'pipeline-ridge')!;
    const diamonds = frames.get('diamonds.csv')!;
    const train = diamonds.head(c.trainRows!);
    const estimator = pipeline(
      [
        columnTransformer([
          {
            name: 'num',
            transformer: chainTransformers([simpleImputer({ strategy: 'median' }), standardScaler()]),
            columns: ['carat', 'depth', 'table', 'x', 'y', 'z'],
          },
          {
            name: 'cat',
            transformer: oneHotEncoder({ handleUnknown: 'ignore' }),
            columns: byKind('categorical'),
          },
        ]),
      ],
      ridge({ alpha: 1 }),
    );
    const model = estimator.fit(train, targetFromFrame(train, 'price'));
    const test = diamonds.head(c.predictions!.length);
    const predictions = model.predict(test);
    c.predictions!.forEach((expected, i) => {
      expect(Math.abs(predictions[i]! - expected) / Math.abs(expected)).toBeLessThan(1e-8);
    });
    const reloaded = loadModel(saveModel(model));
    expect(reloaded.predict(test)).toEqual(predictions);
    expect((reloaded as typeof model).schema.columns.find((c) => c.name === 'cut')).toEqual({
      name: 'cut',
      kind: 'categorical',
      missingRate: 0,
      levels: ['Fair', 'Good', 'Ideal', 'Premium', 'Very Good'],
    });
  });
});

describe('encoders and imputers on awkward input', () => {
  const train = new Frame([categoricalFromLabels('c', ['a', 'b', 'a', null, 'rare'])]);

  it('one-hot names an unseen category by row and column, or ignores it when told', () => {
    const other = new Frame([categoricalFromLabels('c', ['b', 'zebra'])], 'new.csv');
    const error = (() => {
      try {
        oneHotEncoder().fit(train).transform(other);
      } catch (e) {
        return e as SchemaError;
      }
    })();
    expect(error).toBeInstanceOf(SchemaError);
    expect(error!.message).toBe('row 2 has "zebra", which training never saw');
    expect(error!.location).toMatchObject({ source: 'new.csv', column: 'c' });
    const ignored = oneHotEncoder({ handleUnknown: 'ignore' }).fit(train).transform(other).toMatrix();
    expect(Array.from(ignored.data)).toEqual([0, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('one-hot encodes by label whatever the new frame’s level order, with missing as a category', () => {
    const fitted = oneHotEncoder().fit(train);
    expect(fitted.outputNames).toEqual(['c=a', 'c=b', 'c=rare', 'c=(missing)']);
    const reordered = new Frame([categoricalFromLabels('c', [null, 'a'], ['rare', 'b', 'a'])]);
    expect(Array.from(fitted.transform(reordered).toMatrix().data)).toEqual([0, 0, 0, 1, 1, 0, 0, 0]);
  });

  it('groups rare levels, and sends unseen ones there when ignoring unknowns', () => {
    const fitted = oneHotEncoder({ minFrequency: 2, handleUnknown: 'ignore' }).fit(train);
    expect(fitted.outputNames).toEqual(['c=a', 'c=(infrequent)']);
    const other = new Frame([categoricalFromLabels('c', ['rare', 'new', 'a'])]);
    expect(Array.from(fitted.transform(other).toMatrix().data)).toEqual([0, 1, 0, 1, 1, 0]);
  });

  it('fills categorical columns with the most frequent label and refuses a mean for them', () => {
    const filled = simpleImputer({ strategy: 'most_frequent' }).fit(train).transform(train);
    const column = filled.column('c');
    expect(column.storage === 'categorical' && Array.from(column.codes)).toEqual([0, 1, 0, 0, 2]);
    expect(() => simpleImputer({ strategy: 'mean' }).fit(train)).toThrow(/mean imputation needs numbers/);
    expect(() => simpleImputer({ strategy: 'avg' as never })).toThrow(
      /strategy must be "mean", "median", "most_frequent" or "constant", not "avg"/,
    );
  });

  it('scalers refuse categorical columns with a hint to route them', () => {
    try {
      standardScaler().fit(train);
      expect.unreachable();
    } catch (error) {
      expect((error as SchemaError).message).toBe(
        'standard-scaler needs numbers, and column "c" is categorical',
      );
      expect((error as SchemaError).hint).toContain('column transformer');
    }
  });
});

conformanceSuite({
  name: 'pipeline(standard-scaler → linear)',
  make: () => pipeline([standardScaler()], linearRegression()),
  task: 'regression',
});

describe('default preprocessing', () => {
  it('imputes with indicators, scales and one-hot encodes, and says so', () => {
    const pima = frames.get('pima_indians_diabetes2.csv')!.drop(['diabetes']);
    const { transformer, notes } = defaultPreprocessing(pima, { acceptsMissing: false, wantsScaling: true });
    const fitted = transformer.fit(pima);
    expect(fitted.outputNames).toContain('insulin__missing');
    const out = fitted.transform(pima).toMatrix();
    expect(out.data.every(Number.isFinite)).toBe(true);
    expect(notes.join(' ')).toMatch(/median/);
    expect(loadTransformer(saveModel(fitted)).transform(pima).toMatrix()).toEqual(out);
  });

  it('passes numbers through untouched for a model that needs neither step, and leaves out text', () => {
    const frame = new Frame([
      { storage: 'number', name: 'x', kind: 'numeric', values: Float64Array.of(1, Number.NaN, 3) },
      { storage: 'string', name: 'note', kind: 'text', values: ['a b c', 'd e f', null] },
      categoricalFromLabels('c', ['u', 'v', 'u']),
    ]);
    const { transformer, notes } = defaultPreprocessing(frame, { acceptsMissing: true, wantsScaling: false });
    const fitted = transformer.fit(frame);
    expect(fitted.outputNames).toEqual(['x', 'c=u', 'c=v']);
    expect(Array.from(fitted.transform(frame).toMatrix().data)).toEqual([1, 1, 0, Number.NaN, 0, 1, 3, 1, 0]);
    expect(notes.some((n) => n.startsWith('"note" (text) is left out'))).toBe(true);
  });
});
