import { describe, expect, it } from 'vitest';
import { SchemaError, UsageError } from '../../src/core/errors.js';
import { Frame } from '../../src/data/frame.js';
import type { Target } from '../../src/estimator/contract.js';
import { loadTransformer, saveModel } from '../../src/estimator/persist.js';
import { lasso } from '../../src/models/linear/coordinate-descent.js';
import { logistic } from '../../src/models/linear/logistic.js';
import { linearRegression } from '../../src/models/linear/ridge.js';
import { knn } from '../../src/models/neighbors/knn.js';
import { targetFromFrame } from '../../src/models/target.js';
import { decisionTreeClassifier } from '../../src/models/tree/cart.js';
import { randomForestClassifier } from '../../src/models/tree/forest.js';
import { fSurvival } from '../../src/numeric/special.js';
import { mutualInfoClassif, mutualInfoRegression } from '../../src/prep/mutual-info.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { selectKBest } from '../../src/prep/select-kbest.js';
import { selectFromModel } from '../../src/prep/select-model.js';
import { varianceThreshold } from '../../src/prep/select-variance.js';
import type { FittedTransformer } from '../../src/prep/transformer.js';
import { conformanceSuite } from '../models/conformance.js';
import { expectOracleMatrix, oracleCase, sharedTable } from './more-fixture.js';
import { selectionCase, selectionCases } from './selection-fixture.js';

async function dataset(file: string, target: string) {
  const frame = await sharedTable(file);
  return { frame, X: frame.drop([target]), y: targetFromFrame(frame, target) };
}

/** Largest |a − b| / max(1, |b|). */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

function expectSameAfterReload(fitted: FittedTransformer, frame: Frame): void {
  const reloaded = loadTransformer(saveModel(fitted));
  expect(reloaded.outputNames).toEqual(fitted.outputNames);
  expect(reloaded.transform(frame).toMatrix()).toEqual(fitted.transform(frame).toMatrix());
}

describe('variance threshold', () => {
  it('keeps wine’s columns of variance above 0.5, as scikit-learn’s VarianceThreshold', async () => {
    const c = oracleCase('variance-threshold');
    const frame = (await sharedTable(c.file!)).select(c.columns!);
    const fitted = varianceThreshold({ threshold: 0.5 }).fit(frame);
    expect(fitted.outputNames).toEqual(c.outputNames);
    expectOracleMatrix(fitted, frame, c.matrix, 0);
  });

  it('drops constant columns by default, ignores missing values, needs no target', () => {
    const frame = new Frame([
      {
        storage: 'number',
        name: 'same',
        kind: 'numeric',
        values: Float64Array.of(0.1, 0.1, 0.1, Number.NaN),
      },
      { storage: 'number', name: 'varies', kind: 'numeric', values: Float64Array.of(1, 2, Number.NaN, 3) },
    ]);
    const fitted = varianceThreshold().fit(frame);
    expect(fitted.outputNames).toEqual(['varies']);
    expect(fitted.variances[1]).toBeCloseTo(2 / 3, 15);
    expectSameAfterReload(fitted, frame);
  });

  it('refuses a threshold no column passes, and a text column, naming them', () => {
    const frame = new Frame([
      { storage: 'number', name: 'x', kind: 'numeric', values: Float64Array.of(1, 2) },
      { storage: 'string', name: 'note', kind: 'text', values: ['a', 'b'] },
    ]);
    expect(() => varianceThreshold({ threshold: 10 }).fit(frame.select(['x']))).toThrow(UsageError);
    expect(() => varianceThreshold().fit(frame)).toThrow(SchemaError);
    expect(() => varianceThreshold().fit(frame)).toThrow(/"note"/);
  });
});

describe('SelectKBest with F tests', () => {
  for (const [name, score, k, pCase] of [
    ['kbest-f-classif', 'f-classif', 5, 'f-classif-wine'],
    ['kbest-f-regression', 'f-regression', 4, 'f-regression-diabetes'],
  ] as const) {
    // p falls steeply with F (wine's alcohol: F = 135, p = 3e-36), so F's last-digit differences
    // from scikit-learn's one-pass sums (1e-14) reach p magnified ~1000 times.
    it(`${name}: scikit-learn’s F (1e-12), p-values (1e-10 relative) and columns`, async () => {
      const c = oracleCase(name);
      const { X, y } = await dataset(c.file!, c.target!);
      const fitted = selectKBest({ k, score }).fit(X, y);
      expect(relativeError(fitted.scores, c.scores!)).toBeLessThan(1e-12);
      const p = selectionCase(pCase).pValues!;
      fitted.pValues!.forEach((got, j) => {
        expect(Math.abs(got - p[j]!) / p[j]!, c.columns![j]).toBeLessThan(1e-10);
      });
      expect(fitted.outputNames).toEqual(c.outputNames);
      // The columns pass through untouched; 1e-15 covers pandas's and keel's CSV number parsing.
      expectOracleMatrix(fitted, X, c.matrix, 1e-15);
    });
  }

  it('computes the F distribution’s survival function as scipy (1e-12 relative, p down to 1e-60)', () => {
    for (const [f, d1, d2, p] of selectionCase('f-survival').grid!) {
      expect(Math.abs(fSurvival(f!, d1!, d2!) - p!) / p!).toBeLessThan(1e-12);
    }
  });

  it('gives a constant column F = 0 and p = 1, and keeps the later column on a tie', () => {
    const frame = new Frame([
      { storage: 'number', name: 'a', kind: 'numeric', values: Float64Array.of(1, 2, 3, 4) },
      { storage: 'number', name: 'flat', kind: 'numeric', values: Float64Array.of(5, 5, 5, 5) },
      { storage: 'number', name: 'b', kind: 'numeric', values: Float64Array.of(1, 2, 3, 4) },
    ]);
    const y: Target = { name: 'y', task: 'regression', values: Float64Array.of(1, 3, 2, 5), classes: [] };
    const fitted = selectKBest({ k: 1, score: 'f-regression' }).fit(frame, y);
    expect([fitted.scores[1], fitted.pValues![1]]).toEqual([0, 1]);
    expect(fitted.outputNames).toEqual(['b']);
  });
});

describe('mutual information', () => {
  const c = selectionCase('mi-synthetic');
  const columns = c.X![0]!.map((_, j) => Float64Array.from(c.X!, (row) => row[j]!));
  const continuous = columns.slice(0, 4);
  const discrete = [false, false, false, false, true];
  const yClass = Float64Array.from(c.yClass!);
  const yReg = Float64Array.from(c.yReg!);

  // Without ties, scikit-learn's 1e-10 noise changes no neighbour: the estimates are its own exactly.
  it('equals scikit-learn’s estimates on tie-free data (1e-12), with continuous and discrete features', () => {
    const options = { neighbors: 3, seed: 0 };
    const none = { ...options, discrete: [false, false, false, false] };
    expect(relativeError(mutualInfoClassif(continuous, yClass, none), c.classif!)).toBeLessThan(1e-12);
    expect(relativeError(mutualInfoRegression(continuous, yReg, none), c.regression!)).toBeLessThan(1e-12);
    const some = { ...options, discrete };
    expect(relativeError(mutualInfoClassif(columns, yClass, some), c.classifDiscrete!)).toBeLessThan(1e-12);
    expect(relativeError(mutualInfoRegression(columns, yReg, some), c.regressionDiscrete!)).toBeLessThan(
      1e-12,
    );
  });

  // With ties, the noise decides them; scikit-learn's own seeds 0–9 spread by up to 0.05 nats.
  for (const [name, score] of [
    ['mi-wine', 'mutual-info-classif'],
    ['mi-diabetes', 'mutual-info-regression'],
  ] as const) {
    it(`${name}: on tied data, within scikit-learn’s range over ten seeds (± 0.02)`, async () => {
      const m = selectionCase(name);
      const { X, y } = await dataset(m.file!, m.target!);
      for (const seed of [0, 1]) {
        const fitted = selectKBest({ k: 'all', score, seed }).fit(X, y);
        expect(fitted.pValues).toBeNull();
        fitted.scores.forEach((got, j) => {
          expect(got, m.columns![j]).toBeGreaterThanOrEqual(m.min![j]! - 0.02);
          expect(got, m.columns![j]).toBeLessThanOrEqual(m.max![j]! + 0.02);
        });
      }
    });
  }

  it('selects the five columns of wine scikit-learn selects with every seed, and is deterministic', async () => {
    const m = selectionCase('kbest-mi-wine');
    const { X, y } = await dataset(m.file!, m.target!);
    const fitted = selectKBest({ k: 5, score: 'mutual-info-classif' }).fit(X, y);
    expect(fitted.outputNames).toEqual(m.selectedBySeed![0]);
    const again = selectKBest({ k: 5, score: 'mutual-info-classif' }).fit(X, y);
    expect(again.scores).toEqual(fitted.scores);
    expectSameAfterReload(fitted, X);
  });
});

describe('SelectKBest errors', () => {
  const frame = new Frame([
    { storage: 'number', name: 'x', kind: 'numeric', values: Float64Array.of(1, 2, Number.NaN) },
    {
      storage: 'categorical',
      name: 'colour',
      kind: 'categorical',
      codes: Int32Array.of(0, 1, 0),
      levels: ['r', 'g'],
    },
  ]);
  const y: Target = { name: 'y', task: 'binary', values: Float64Array.of(0, 1, 0), classes: ['a', 'b'] };

  it('needs a target, a score that fits it, and k within the features', () => {
    expect(() => selectKBest({ k: 1 }).fit(frame.select(['x']))).toThrow(UsageError);
    expect(() => selectKBest({ k: 1, score: 'f-regression' }).fit(frame.select(['x']), y)).toThrow(
      /"f-regression" does not fit "y", a binary target/,
    );
    expect(() => selectKBest({ k: 3 }).fit(frame.select(['x']), y)).toThrow(/k is 3/);
    expect(() => selectKBest({ score: 'chi2' as never })).toThrow(/score must be "f-classif", .* not "chi2"/);
  });

  it('refuses a categorical column and a missing value, naming the column', () => {
    expect(() => selectKBest({ k: 1 }).fit(frame, y)).toThrow(SchemaError);
    expect(() => selectKBest({ k: 1 }).fit(frame, y)).toThrow(/"colour"/);
    try {
      selectKBest({ k: 1 }).fit(frame.select(['x']), y);
      expect.unreachable();
    } catch (error) {
      expect((error as SchemaError).location.column).toBe('x');
    }
  });
});

describe('SelectFromModel against scikit-learn 1.2', () => {
  const TIGHT = { tol: 1e-10, maxIter: 10000 };
  const ESTIMATORS = {
    'sfm-tree-iris-mean': () => selectFromModel({ estimator: decisionTreeClassifier() }),
    'sfm-tree-iris-median': () =>
      selectFromModel({ estimator: decisionTreeClassifier(), threshold: 'median' }),
    'sfm-tree-wine-scaled-mean': () =>
      selectFromModel({ estimator: decisionTreeClassifier({ maxDepth: 2 }), threshold: '0.5*mean' }),
    'sfm-lasso-diabetes': () => selectFromModel({ estimator: lasso({ alpha: 0.5 }) }),
    'sfm-lasso-diabetes-max3': () =>
      selectFromModel({
        estimator: lasso({ alpha: 0.05 }),
        threshold: Number.NEGATIVE_INFINITY,
        maxFeatures: 3,
      }),
    'sfm-logistic-iris': () => selectFromModel({ estimator: logistic(TIGHT) }),
    'sfm-logistic-iris-number': () => selectFromModel({ estimator: logistic(TIGHT), threshold: 1.5 }),
  } as const;

  // Iris's fully grown tree may break a tie as another of scikit-learn's seeds does (see
  // test/models/importance.test.ts), so importances get 0.03; the selection must agree.
  // Logistic: scikit-learn's lbfgs stops on its relative-decrease test before tol (see
  // test/models/logistic.test.ts), so |coef| agrees to 1e-3, not to keel's own 1e-8.
  for (const c of selectionCases('sfm-').filter((s) => s.name in ESTIMATORS)) {
    it(`${c.name}: selects ${c.selected!.join(', ')}, threshold and importances as scikit-learn`, async () => {
      const { X, y } = await dataset(c.file!, c.target!);
      const fitted = ESTIMATORS[c.name as keyof typeof ESTIMATORS]().fit(X, y);
      expect(fitted.outputNames).toEqual(c.selected);
      const tolerance = c.name.startsWith('sfm-tree-iris') ? 0.03 : c.name.includes('logistic') ? 1e-3 : 1e-6;
      expect(relativeError(fitted.importances, c.importances!)).toBeLessThan(tolerance);
      if (c.threshold === null) expect(fitted.threshold).toBe(Number.NEGATIVE_INFINITY);
      else
        expect(Math.abs(fitted.threshold - c.threshold!)).toBeLessThan(tolerance * Math.max(1, c.threshold!));
      expectSameAfterReload(fitted, X);
    });
  }

  it('sfm-forest-wine: importances within scikit-learn’s seed spread, the clear choices the same', async () => {
    const c = selectionCase('sfm-forest-wine');
    const spread = selectionCase('forest-wine.csv:random_forest');
    const { X, y } = await dataset(c.file!, c.target!);
    const fitted = selectFromModel({ estimator: randomForestClassifier({ trees: 200, threads: 1 }) }).fit(
      X,
      y,
    );
    expect(fitted.threshold).toBeCloseTo(1 / 13, 12);
    fitted.importances.forEach((got, j) => {
      const margin = Math.max(0.02, spread.max![j]! - spread.min![j]!);
      expect(Math.abs(got - spread.mean![j]!), X.names[j]).toBeLessThanOrEqual(margin);
    });
    // Columns far (> 0.02) from the threshold in scikit-learn's fit must be decided alike.
    X.names.forEach((name, j) => {
      const margin = c.importances![j]! - c.threshold!;
      if (Math.abs(margin) > 0.02) expect(fitted.outputNames.includes(name), name).toBe(margin > 0);
    });
  });

  it('needs a target, a model with importances or coefficients, and an understood threshold', async () => {
    const { X, y } = await dataset('iris.csv', 'target');
    expect(() => selectFromModel({ estimator: decisionTreeClassifier() }).fit(X)).toThrow(UsageError);
    expect(() => selectFromModel({ estimator: knn() }).fit(X, y)).toThrow(/neither feature importances/);
    expect(() => selectFromModel({ estimator: lasso(), threshold: 'mode' })).toThrow(/not understood/);
    expect(() => selectFromModel({ estimator: lasso(), maxFeatures: 9 }).fit(X, y)).toThrow(/maxFeatures/);
  });
});

// Selectors learn from the target inside a pipeline, which passes it to them.
conformanceSuite({
  name: 'pipeline(select-k-best mutual information → linear)',
  make: (seed) =>
    pipeline([selectKBest({ k: 2, score: 'mutual-info-regression', seed })], linearRegression()),
  task: 'regression',
});
conformanceSuite({
  name: 'pipeline(variance-threshold → select-from-model(tree) → logistic)',
  make: (seed) =>
    pipeline(
      [varianceThreshold(), selectFromModel({ estimator: decisionTreeClassifier({ seed }) })],
      logistic(),
    ),
  task: 'multiclass',
});
