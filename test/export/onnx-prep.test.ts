import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import type { Target, Transformer } from '../../src/estimator/contract.js';
import { exportOnnx } from '../../src/export/onnx/index.js';
import { gbdtClassifier, gbdtRegressor } from '../../src/models/boost/gbdt.js';
import { logistic } from '../../src/models/linear/logistic.js';
import { linearRegression } from '../../src/models/linear/ridge.js';
import { knn } from '../../src/models/neighbors/knn.js';
import { decisionTreeRegressor } from '../../src/models/tree/cart.js';
import { chainTransformers } from '../../src/prep/chain.js';
import { columnTransformer } from '../../src/prep/column-transformer.js';
import { simpleImputer } from '../../src/prep/impute.js';
import { oneHotEncoder } from '../../src/prep/one-hot.js';
import { ordinalEncoder } from '../../src/prep/ordinal.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { quantileTransformer } from '../../src/prep/quantile.js';
import { minMaxScaler, robustScaler, standardScaler } from '../../src/prep/scale.js';
import { varianceThreshold } from '../../src/prep/select-variance.js';
import { onnxParity } from './onnx-parity.js';

/**
 * The cases the shared datasets do not reach: categories missing in
 * training or unseen when scoring, rare levels grouped, categorical
 * imputation, the other scalers and a selector, and the errors for what
 * ONNX export cannot express.
 */

const COLOURS = ['red', 'green', 'blue', 'teal', 'plum'];

/** Rows with a numeric column (some missing), a constant one, and a category whose 'plum' is rare. */
function table(rows: number, seed: number, extraLabels: readonly (string | null)[] = []): Frame {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: rows }, () => (rng.next() < 0.1 ? Number.NaN : rng.next() * 10 - 3));
  const constant = new Float64Array(rows).fill(2);
  const labels = Array.from({ length: rows }, (_, i): string | null => {
    if (i < extraLabels.length) return extraLabels[i]!;
    const u = rng.next();
    return u < 0.08 ? null : u < 0.1 ? 'plum' : COLOURS[Math.floor(rng.next() * 4)]!;
  });
  return new Frame([
    { storage: 'number', name: 'x', kind: 'numeric', values: x },
    { storage: 'number', name: 'flat', kind: 'numeric', values: constant },
    categoricalFromLabels('colour', labels),
  ]);
}

function regressionTarget(frame: Frame): Target {
  const x = frame.column('x');
  const colour = frame.column('colour');
  if (x.storage !== 'number' || colour.storage !== 'categorical') throw new Error('bad table');
  const values = Float64Array.from(
    x.values,
    (v, i) => (Number.isNaN(v) ? 1 : v) * 3 + colour.codes[i]! * 2.5,
  );
  return { name: 'y', task: 'regression', values, classes: [] };
}

function binaryTarget(frame: Frame): Target {
  const y = regressionTarget(frame).values;
  return { name: 'y', task: 'binary', values: y.map((v) => (v > 8 ? 1 : 0)), classes: ['low', 'high'] };
}

const train = table(400, 1);
/** Scoring rows open with a missing category, an unseen one and the rare one. */
const score = table(200, 2, [null, 'mauve', 'plum', 'unheard-of']);

function prep(numeric: Transformer, categorical: Transformer): Transformer {
  return columnTransformer([
    { name: 'numbers', transformer: numeric, columns: ['x', 'flat'] },
    { name: 'categories', transformer: categorical, columns: ['colour'] },
  ]);
}

async function expectParity(
  steps: Transformer[],
  estimator: Parameters<typeof pipeline>[1],
  y: Target,
): Promise<void> {
  const model = pipeline(steps, estimator).fit(train, y);
  const parity = await onnxParity(model, score);
  expect(parity.labelMismatches).toBe(0);
  expect(parity.maxRel).toBeLessThanOrEqual(1e-9);
}

describe('ONNX export of preprocessing', () => {
  it('one-hot encodes missing, rare and unseen categories as keel does', async () => {
    const numbers = chainTransformers([
      simpleImputer({ strategy: 'mean', addIndicator: true }),
      standardScaler(),
    ]);
    const encode = oneHotEncoder({ handleUnknown: 'ignore', minFrequency: 0.05 });
    await expectParity([prep(numbers, encode)], linearRegression(), regressionTarget(train));
  });

  it('fills categories before encoding them (most frequent, then one-hot without grouping)', async () => {
    const numbers = chainTransformers([simpleImputer({ strategy: 'median' }), minMaxScaler()]);
    // The indicator column passes by the encoder (a nested column transformer's remainder).
    const categories = chainTransformers([
      simpleImputer({ strategy: 'most_frequent', addIndicator: true }),
      columnTransformer(
        [{ name: 'encode', transformer: oneHotEncoder({ handleUnknown: 'ignore' }), columns: ['colour'] }],
        { remainder: 'passthrough' },
      ),
    ]);
    await expectParity([prep(numbers, categories)], logistic(), binaryTarget(train));
  });

  it('ordinal codes (unknown → a set value), a robust scaler and a variance selector', async () => {
    const numbers = chainTransformers([
      simpleImputer({ strategy: 'constant', fillValue: -1 }),
      robustScaler(),
      varianceThreshold(),
    ]);
    const categories = chainTransformers([
      simpleImputer({ strategy: 'constant', fillValue: 'none' }),
      ordinalEncoder({ handleUnknown: 'use_encoded_value', unknownValue: -1 }),
    ]);
    await expectParity(
      [prep(numbers, categories)],
      decisionTreeRegressor({ maxDepth: 6 }),
      regressionTarget(train),
    );
  });

  it('leaves out a column the imputer dropped (no value in training), keeping its indicator', async () => {
    const withEmpty = (frame: Frame, fill: (i: number) => number) => {
      const values = Float64Array.from({ length: frame.rowCount }, (_, i) => fill(i));
      return new Frame([...frame.columns, { storage: 'number', name: 'empty', kind: 'numeric', values }]);
    };
    const numbers = chainTransformers([
      simpleImputer({ strategy: 'mean', addIndicator: true }),
      standardScaler(),
    ]);
    const steps = columnTransformer([
      { name: 'numbers', transformer: numbers, columns: ['x', 'flat', 'empty'] },
    ]);
    const fitFrame = withEmpty(train, () => Number.NaN);
    const model = pipeline([steps], linearRegression()).fit(fitFrame, regressionTarget(train));
    // Scoring rows may carry values in the column; neither keel nor the graph reads them.
    const parity = await onnxParity(
      model,
      withEmpty(score, (i) => (i % 3 === 0 ? Number.NaN : i)),
    );
    expect(parity.maxRel).toBeLessThanOrEqual(1e-9);
  });

  it('gradient boosting splits raw categories, sending missing and unseen ones where keel does', async () => {
    const passthrough = columnTransformer([], { remainder: 'passthrough' });
    await expectParity(
      [passthrough],
      gbdtRegressor({ trees: 15, minSamplesLeaf: 5 }),
      regressionTarget(train),
    );
    await expectParity([passthrough], gbdtClassifier({ trees: 15, minSamplesLeaf: 5 }), binaryTarget(train));
  });

  it('expresses category sets over many levels (120 levels: bins past one 64-bit word)', async () => {
    const rng = new Rng(3);
    const rows = 2000;
    const labels = Array.from({ length: rows }, () =>
      rng.next() < 0.05 ? null : `L${Math.floor(rng.next() * 120)}`,
    );
    const effect = Array.from({ length: 120 }, () => rng.next() * 10);
    const frame = new Frame([categoricalFromLabels('c', labels)]);
    const values = Float64Array.from(labels, (l) => (l === null ? 3 : effect[Number(l.slice(1))]!));
    const model = gbdtRegressor({ trees: 20, minSamplesLeaf: 5 }).fit(frame, {
      name: 'y',
      task: 'regression',
      values,
      classes: [],
    });
    const { categoryStart } = model.ensemble.trees;
    expect(categoryStart.some((at) => at >= 0)).toBe(true);
    expect((await onnxParity(model, frame)).maxRel).toBeLessThanOrEqual(1e-9);
  });

  it('exports a model fitted on a bare frame, without a pipeline', async () => {
    const model = gbdtRegressor({ trees: 5, minSamplesLeaf: 5 }).fit(train, regressionTarget(train));
    const session = await ort.InferenceSession.create(exportOnnx(model));
    expect([...session.inputNames].sort()).toEqual(['colour', 'flat', 'x']);
    expect((await onnxParity(model, score)).maxRel).toBeLessThanOrEqual(1e-9);
  });
});

describe('ONNX export refuses what it cannot express', () => {
  it('names a transformer it cannot convert', () => {
    const quantiles = columnTransformer([
      {
        name: 'q',
        transformer: chainTransformers([simpleImputer(), quantileTransformer()]),
        columns: ['x', 'flat'],
      },
    ]);
    const model = pipeline([quantiles], linearRegression()).fit(train, regressionTarget(train));
    expect(() => exportOnnx(model)).toThrow(UsageError);
    expect(() => exportOnnx(model)).toThrow(/quantile-transformer/);
  });

  it('names a model kind it cannot convert, and lists those it can', () => {
    const numbers = columnTransformer([{ name: 'n', transformer: simpleImputer(), columns: ['x', 'flat'] }]);
    const model = pipeline([numbers], knn({ k: 3 })).fit(train, regressionTarget(train));
    const error = (() => {
      try {
        exportOnnx(model);
      } catch (e) {
        return e as UsageError;
      }
      throw new Error('exported a knn model');
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/knn/);
    expect(error.hint).toMatch(/gbdt-regressor/);
  });
});
