import { expect } from 'vitest';
import type { Frame } from '../../src/data/frame.js';
import { linearRegression } from '../../src/models/linear/ridge.js';
import { decisionTreeClassifier } from '../../src/models/tree/cart.js';
import {
  byKind,
  chainTransformers,
  columnTransformer,
  dateParts,
  defaultPreprocessing,
  knnImputer,
  minMaxScaler,
  oneHotEncoder,
  ordinalEncoder,
  outlierClipper,
  polynomialFeatures,
  powerTransformer,
  quantileTransformer,
  robustScaler,
  selectFromModel,
  selectKBest,
  simpleImputer,
  standardScaler,
  targetEncoder,
  tfidfVectorizer,
  varianceThreshold,
} from '../../src/prep/index.js';
import {
  syntheticFrame,
  syntheticTarget,
  type TransformerCase,
  transformerSuite,
} from './transformer-conformance.js';

/** Every transformer src/prep exports, through the one conformance suite (issue 3). */

/** The output columns that start with `prefix`, at `row`. */
function rowOf(output: Frame, prefix: string, row: number): number[] {
  return output.columns
    .filter((c) => c.name.startsWith(prefix))
    .map((c) => (c.storage === 'number' ? c.values[row]! : Number.NaN));
}

function allZero(prefix: string) {
  return (output: Frame, row: number) => {
    const values = rowOf(output, prefix, row);
    expect(values.length).toBeGreaterThan(0);
    expect(values).toEqual(values.map(() => 0));
  };
}

const mixed = ['x0', 'c0'] as const;
const everyKind = ['x0', 'x1', 'c0', 'c1', 'd0', 't0'] as const;
const regressionMean = (() => {
  const y = syntheticTarget(syntheticFrame(), 'regression');
  return y.values.reduce((a, b) => a + b, 0) / y.values.length;
})();

const cases: TransformerCase[] = [
  // Imputers take missing values by design: they are fitted on frames with gaps.
  { name: 'simpleImputer mean', make: () => simpleImputer(), withGaps: true, missing: 'fills' },
  {
    name: 'simpleImputer median + indicator',
    make: () => simpleImputer({ strategy: 'median', addIndicator: true }),
    withGaps: true,
    missing: 'fills',
  },
  {
    name: 'simpleImputer most_frequent (numbers and categories)',
    make: () => simpleImputer({ strategy: 'most_frequent' }),
    columns: mixed,
    withGaps: true,
    numericOutput: false,
    missing: 'fills',
  },
  {
    name: 'simpleImputer constant + indicator (numbers and categories)',
    make: () => simpleImputer({ strategy: 'constant', fillValue: 0, addIndicator: true }),
    columns: mixed,
    withGaps: true,
    numericOutput: false,
    missing: 'fills',
    missingIn: 'c0',
  },
  {
    name: 'knnImputer uniform + indicator',
    make: () => knnImputer({ k: 3, addIndicator: true }),
    withGaps: true,
    missing: 'fills',
  },
  {
    name: 'knnImputer distance',
    make: () => knnImputer({ weights: 'distance' }),
    withGaps: true,
    missing: 'fills',
  },

  // Scalers and other numeric maps: a missing value stays missing (documented).
  { name: 'standardScaler', make: () => standardScaler(), missing: 'keeps' },
  { name: 'standardScaler without mean', make: () => standardScaler({ withMean: false }), missing: 'keeps' },
  { name: 'minMaxScaler', make: () => minMaxScaler(), missing: 'keeps' },
  { name: 'robustScaler', make: () => robustScaler(), missing: 'keeps' },
  {
    name: 'quantileTransformer normal, subsampled',
    make: (seed) => quantileTransformer({ quantiles: 50, subsample: 100, output: 'normal', seed }),
    missing: 'keeps',
  },
  { name: 'quantileTransformer uniform', make: () => quantileTransformer(), missing: 'keeps' },
  { name: 'powerTransformer', make: () => powerTransformer(), missing: 'keeps' },
  { name: 'outlierClipper iqr', make: () => outlierClipper(), missing: 'keeps' },
  {
    name: 'outlierClipper quantile',
    make: () => outlierClipper({ method: 'quantile', lower: 0.05, upper: 0.95 }),
    missing: 'keeps',
  },
  // A missing factor makes its products missing (NaN propagates, as in arithmetic).
  { name: 'polynomialFeatures degree 2', make: () => polynomialFeatures(), missing: 'keeps' },
  {
    name: 'polynomialFeatures interactions + bias',
    make: () => polynomialFeatures({ degree: 3, interactionOnly: true, includeBias: true }),
    missing: 'keeps',
  },

  // Encoders.
  {
    name: 'oneHotEncoder handleUnknown error',
    make: () => oneHotEncoder(),
    columns: ['c0', 'c1'],
    missing: 'fills',
    unseen: { column: 'c0', expect: 'refuses' },
  },
  {
    name: 'oneHotEncoder handleUnknown ignore',
    make: () => oneHotEncoder({ handleUnknown: 'ignore' }),
    columns: ['c0', 'c1'],
    missing: 'fills',
    unseen: { column: 'c0', expect: allZero('c0=') },
  },
  {
    name: 'oneHotEncoder minFrequency + ignore',
    make: () => oneHotEncoder({ handleUnknown: 'ignore', minFrequency: 5 }),
    columns: ['c0', 'c1'],
    missing: 'fills',
    unseen: {
      column: 'c1',
      // With grouping, an unseen level joins the infrequent column.
      expect: (output, row) => {
        expect(rowOf(output, 'c1=(infrequent)', row)).toEqual([1]);
        expect(rowOf(output, 'c1=', row).reduce((a, b) => a + b, 0)).toBe(1);
      },
    },
  },
  {
    name: 'oneHotEncoder minFrequency share + error',
    make: () => oneHotEncoder({ minFrequency: 0.05 }),
    columns: ['c0', 'c1'],
    missing: 'fills',
    unseen: { column: 'c1', expect: 'refuses' },
  },
  {
    name: 'ordinalEncoder handleUnknown error',
    make: () => ordinalEncoder(),
    columns: ['c0', 'c1'],
    missing: 'keeps',
    unseen: { column: 'c1', expect: 'refuses' },
  },
  {
    name: 'ordinalEncoder use_encoded_value',
    make: () => ordinalEncoder({ handleUnknown: 'use_encoded_value', unknownValue: -1 }),
    columns: ['c0', 'c1'],
    missing: 'keeps',
    unseen: { column: 'c0', expect: (output, row) => expect(rowOf(output, 'c0', row)).toEqual([-1]) },
  },
  ...(['regression', 'binary', 'multiclass'] as const).map(
    (task): TransformerCase => ({
      name: `targetEncoder ${task}`,
      make: (seed) => targetEncoder({ seed }),
      columns: ['c0', 'c1'],
      target: task,
      // A missing value is a category of its own.
      missing: 'fills',
      unseen: {
        column: 'c0',
        // An unseen category gets the overall mean of the target.
        expect: (output, row) => {
          const values = rowOf(output, 'c0', row);
          expect(values.every(Number.isFinite)).toBe(true);
          if (task === 'regression') expect(values[0]).toBeCloseTo(regressionMean, 12);
        },
      },
    }),
  ),
  {
    name: 'targetEncoder smoothing 10, 3 folds',
    make: (seed) => targetEncoder({ smoothing: 10, folds: 3, seed }),
    columns: ['c0'],
    target: 'regression',
    missing: 'fills',
  },

  // Dates and text.
  { name: 'dateParts (varying parts)', make: () => dateParts(), columns: ['d0'], missing: 'keeps' },
  {
    name: 'dateParts cyclical, chosen parts',
    make: () => dateParts({ parts: ['year', 'month', 'dayOfWeek', 'hour', 'isMissing'], cyclical: true }),
    columns: ['d0'],
    missing: 'keeps',
  },
  {
    name: 'tfidfVectorizer',
    make: () => tfidfVectorizer(),
    columns: ['t0'],
    // Missing text is an empty document: a row of zeros.
    missing: 'fills',
    // Words never seen in training are ignored.
    unseen: { column: 't0', expect: allZero('t0:') },
  },
  {
    name: 'tfidfVectorizer bigrams, sublinear, l1',
    make: () => tfidfVectorizer({ ngramRange: [1, 2], minDf: 2, sublinearTf: true, norm: 'l1' }),
    columns: ['t0'],
    missing: 'fills',
  },

  // Feature selection.
  { name: 'varianceThreshold', make: () => varianceThreshold(), missing: 'keeps' },
  ...(
    [
      ['f-classif', 'binary'],
      ['f-regression', 'regression'],
      ['mutual-info-classif', 'multiclass'],
      ['mutual-info-regression', 'regression'],
    ] as const
  ).map(
    ([score, task]): TransformerCase => ({
      name: `selectKBest ${score}`,
      make: (seed) => selectKBest({ k: 2, score, seed }),
      target: task,
      missing: 'refuses',
    }),
  ),
  {
    name: 'selectFromModel linear regression',
    make: () => selectFromModel({ estimator: linearRegression() }),
    target: 'regression',
    missing: 'refuses',
  },
  {
    name: 'selectFromModel decision tree, median',
    make: (seed) =>
      selectFromModel({ estimator: decisionTreeClassifier({ maxDepth: 3, seed }), threshold: 'median' }),
    target: 'binary',
    missing: 'refuses',
    missingIn: 'x1',
  },

  // Composites.
  {
    name: 'chainTransformers impute → scale',
    make: () =>
      chainTransformers([simpleImputer({ strategy: 'median', addIndicator: true }), standardScaler()]),
    withGaps: true,
    missing: 'fills',
  },
  { name: 'chainTransformers (no steps)', make: () => chainTransformers([]), missing: 'keeps' },
  {
    name: 'columnTransformer passthrough',
    make: () =>
      columnTransformer(
        [
          { name: 'scaled', transformer: standardScaler(), columns: ['x0', 'x1'] },
          { name: 'codes', transformer: ordinalEncoder(), columns: ['c0'] },
        ],
        { remainder: 'passthrough' },
      ),
    columns: ['x0', 'x1', 'x2', 'c0', 't0'],
    numericOutput: false,
    missing: 'keeps',
    unseen: { column: 'c0', expect: 'refuses' },
  },
  {
    name: 'columnTransformer drop, cross-fitted target encoding',
    make: (seed) =>
      columnTransformer([
        {
          name: 'numbers',
          transformer: chainTransformers([simpleImputer(), standardScaler()]),
          columns: byKind('numeric'),
        },
        { name: 'target', transformer: targetEncoder({ seed }), columns: ['c0'] },
        { name: 'onehot', transformer: oneHotEncoder({ handleUnknown: 'ignore' }), columns: ['c1'] },
      ]),
    columns: ['x0', 'x1', 'c0', 'c1', 't0'],
    inputNames: ['x0', 'x1', 'c0', 'c1'],
    target: 'regression',
    missing: 'fills',
    unseen: { column: 'c1', expect: allZero('c1=') },
  },
  {
    name: 'defaultPreprocessing for a scaled model',
    make: () =>
      defaultPreprocessing(syntheticFrame().select(everyKind), { acceptsMissing: false, wantsScaling: true })
        .transformer,
    columns: everyKind,
    missing: 'fills',
    unseen: { column: 'c0', expect: allZero('c0=') },
  },
  {
    name: 'defaultPreprocessing for a model with native categories and missing values',
    make: () =>
      defaultPreprocessing(syntheticFrame().select(everyKind), {
        acceptsMissing: true,
        wantsScaling: false,
        nativeCategorical: true,
      }).transformer,
    columns: everyKind,
    numericOutput: false,
    missing: 'keeps',
  },
];

for (const c of cases) transformerSuite(c);
