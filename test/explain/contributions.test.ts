import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeArtifact } from '../../src/core/artifact.js';
import { UsageError } from '../../src/core/errors.js';
import { type CategoricalColumn, categoricalFromLabels, type NumberColumn } from '../../src/data/column.js';
import type { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import type { Model, SupervisedTask } from '../../src/estimator/contract.js';
import { loadModel, saveModel } from '../../src/estimator/persist.js';
import { canExplain, explainRows, type RowExplanation } from '../../src/explain/contributions.js';
import { expectedOutput, TreeExplainer, treeDepth } from '../../src/explain/tree-shap.js';
import { boostedView, forestView, type TreeEnsembleView } from '../../src/explain/tree-views.js';
import { gaussianNb } from '../../src/models/bayes/naive-bayes.js';
import { gbdtClassifier, gbdtRegressor } from '../../src/models/boost/gbdt.js';
import type { GbdtModel } from '../../src/models/boost/gbdt-model.js';
import { kmeans } from '../../src/models/cluster/kmeans.js';
import { lasso } from '../../src/models/linear/coordinate-descent.js';
import { type LogisticRegressionModel, logistic } from '../../src/models/linear/logistic.js';
import { ridge } from '../../src/models/linear/ridge.js';
import { knn } from '../../src/models/neighbors/knn.js';
import { mlpClassifier } from '../../src/models/neural/mlp.js';
import { targetFromFrame } from '../../src/models/target.js';
import { decisionTreeRegressor } from '../../src/models/tree/cart.js';
import { randomForestClassifier, randomForestRegressor } from '../../src/models/tree/forest.js';
import type { TreeModel } from '../../src/models/tree/tree-model.js';
import { chainTransformers } from '../../src/prep/chain.js';
import { byKind, columnTransformer } from '../../src/prep/column-transformer.js';
import { simpleImputer } from '../../src/prep/impute.js';
import { oneHotEncoder } from '../../src/prep/one-hot.js';
import { type PipelineModel, pipeline } from '../../src/prep/pipeline.js';
import { polynomialFeatures } from '../../src/prep/polynomial.js';
import { standardScaler } from '../../src/prep/scale.js';
import { DATASETS } from '../helpers.js';
import { bruteForceShapley, type XgbNode, xgboostTrees } from './shapley.js';

/** Measured: additivity within 4.3e-12 (diamond prices, ~1e4), else 3e-13; TreeSHAP − brute force within 2.9e-13 (prices), 5.7e-14 (diabetes, ~300), 1e-15 on probabilities and log-odds. */
const ADDITIVITY = 1e-9;
const EXACTNESS = 1e-12;

const data: Record<string, Frame> = {};

beforeAll(async () => {
  for (const name of ['pima_indians_diabetes2', 'diamonds', 'iris', 'breast_cancer', 'diabetes']) {
    data[name] = await readTable(join(DATASETS, `${name}.csv`));
  }
  // 1500 diamonds, with missing carats (on dear stones, so the gap says something) and colours.
  const d = data['diamonds']!.head(1500);
  const carat = d.column('carat') as NumberColumn;
  const price = (d.column('price') as NumberColumn).values;
  const color = d.column('color') as CategoricalColumn;
  data['diamonds'] = d
    .withColumn({
      ...carat,
      values: carat.values.map((v, i) => (i % 4 === 0 && price[i]! > 2000 ? Number.NaN : v)),
    })
    .withColumn(
      categoricalFromLabels(
        'color',
        Array.from(color.codes, (c, i) => (i % 9 === 0 ? null : color.levels[c]!)),
      ),
    );
});

function features(name: string, target: string, keep?: readonly string[]): Frame {
  const frame = data[name]!.drop([target]);
  return keep === undefined ? frame : frame.select(keep);
}

function targetOf(name: string, column: string, task: SupervisedTask) {
  return targetFromFrame(data[name]!, column, task);
}

/** The largest |baseline + Σ contributions − raw output| over the rows. */
function additivityError(explained: readonly RowExplanation[], raw: (row: number) => number): number {
  let worst = 0;
  explained.forEach((e, i) => {
    const total = e.contributions.reduce((s, c) => s + c.value, e.baseline);
    worst = Math.max(worst, Math.abs(total - raw(i)));
  });
  return worst;
}

/** Row-major probabilities' entry for (row, class). */
const probability = (model: Model, X: Frame) => {
  const proba = model.predictProba!(X);
  const k = model.classes!.length;
  const predicted = model.predict(X);
  return { at: (i: number, c: number) => proba[i * k + c]!, predicted };
};

/** Every row's TreeSHAP values for raw output `o` against the brute-force Shapley values. */
function exactnessError(view: TreeEnsembleView, X: Frame, inputs: number, rows: number, o: number): number {
  const x = view.input(X);
  const output = view.output(o);
  const explainer = new TreeExplainer(view.trees, view.maxDepth);
  const phi = new Float64Array(rows * inputs);
  let worst = 0;
  for (let i = 0; i < rows; i++) {
    explainer.explain(output, x, i * inputs, phi);
    const brute = bruteForceShapley(view.trees, output, x, i * inputs, inputs);
    for (let j = 0; j < inputs; j++) worst = Math.max(worst, Math.abs(phi[i * inputs + j]! - brute[j]!));
  }
  return worst;
}

describe('TreeSHAP equals the Shapley values computed from their definition', () => {
  it('on a decision tree (8 features of diabetes)', () => {
    const X = features('diabetes', 'target').select(['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's5']);
    const model = decisionTreeRegressor({ maxDepth: 6 }).fit(X, targetOf('diabetes', 'target', 'regression'));
    expect(exactnessError(forestView(model), X, 8, 25, 0)).toBeLessThan(EXACTNESS);
  });

  it('on a random forest classifier (8 features of breast cancer, probability of class 1)', () => {
    const X = features('breast_cancer', 'target').select(data['breast_cancer']!.names.slice(0, 8));
    const model = randomForestClassifier({ trees: 8, maxDepth: 5 }).fit(
      X,
      targetOf('breast_cancer', 'target', 'binary'),
    );
    expect(exactnessError(forestView(model), X, 8, 20, 1)).toBeLessThan(EXACTNESS);
  });

  it('on gradient boosting with missing values (pima) and categories (diamonds)', () => {
    const pima = features('pima_indians_diabetes2', 'diabetes');
    const binary = gbdtClassifier({ trees: 10, maxLeaves: 8, earlyStopping: false }).fit(
      pima,
      targetOf('pima_indians_diabetes2', 'diabetes', 'binary'),
    );
    expect(exactnessError(boostedView(binary), pima, 8, 25, 0)).toBeLessThan(EXACTNESS);
    const stones = features('diamonds', 'price').drop(['depth']);
    const regression = gbdtRegressor({ trees: 10, maxLeaves: 8, earlyStopping: false }).fit(
      stones,
      targetFromFrame(data['diamonds']!, 'price', 'regression'),
    );
    const view = boostedView(regression);
    expect(
      view.trees.feature.some((f, n) => f >= 0 && regression.ensemble.trees.categoryStart[n]! >= 0),
    ).toBe(true);
    // Brute-force values are computed in the model's own scale (prices in the thousands).
    expect(exactnessError(view, stones, 8, 25, 0)).toBeLessThan(EXACTNESS * 1e4);
  });

  it('on each class of a multiclass booster (iris)', () => {
    const X = features('iris', 'target');
    const model = gbdtClassifier({ trees: 5, earlyStopping: false }).fit(
      X,
      targetOf('iris', 'target', 'multiclass'),
    );
    for (let o = 0; o < 3; o++)
      expect(exactnessError(boostedView(model), X, 4, 30, o)).toBeLessThan(EXACTNESS);
  });
});

interface XgbCase {
  name: string;
  columns: string[];
  trees: XgbNode[];
  rows: (number | null)[][];
  contribs: number[][];
  bias: number[];
  margin: number[];
}

describe("TreeSHAP on XGBoost's own trees matches XGBoost's pred_contribs", () => {
  const fixture = JSON.parse(
    readFileSync(new URL('../fixtures/explain/xgboost_contribs.json', import.meta.url), 'utf8'),
  ) as { cases: XgbCase[] };
  // XGBoost 1.7 computes in float32; measured: within 7.5e-8 of the largest |margin| (pima 3.0e-7, diabetes 1.4e-5).
  for (const c of fixture.cases) {
    it(`on ${c.name} (${c.trees.length} trees, ${c.rows.length} rows)`, () => {
      const { trees, output } = xgboostTrees(c.trees);
      const inputs = c.columns.length;
      const x = Float64Array.from(c.rows.flat(), (v) => v ?? Number.NaN);
      let depth = 0;
      for (const root of output.roots) depth = Math.max(depth, treeDepth(trees, root));
      const explainer = new TreeExplainer(trees, depth);
      const phi = new Float64Array(x.length);
      const scale = Math.max(...c.margin.map(Math.abs));
      const baseMargin = c.bias[0]! - expectedOutput(trees, output);
      c.rows.forEach((_, i) => {
        explainer.explain(output, x, i * inputs, phi);
        for (let j = 0; j < inputs; j++) {
          expect(Math.abs(phi[i * inputs + j]! - c.contribs[i]![j]!)).toBeLessThan(2e-7 * scale);
        }
      });
      // XGBoost's bias column is its base margin plus the same expectation.
      expect(baseMargin).toBeCloseTo(c.name === 'pima' ? 0 : 0.5, 4);
    });
  }
});

describe('explainRows adds up to the raw output of every row', () => {
  it('for a decision tree and a random forest regressor (the prediction)', () => {
    const X = features('diabetes', 'target');
    const y = targetOf('diabetes', 'target', 'regression');
    for (const model of [
      decisionTreeRegressor({ maxDepth: 8 }).fit(X, y),
      randomForestRegressor({ trees: 10, maxDepth: 8, threads: 1 }).fit(X, y),
    ]) {
      const explained = explainRows(model, X);
      const predicted = model.predict(X);
      expect(explained[0]!.scale).toBe('predicted value');
      expect(additivityError(explained, (i) => predicted[i]!)).toBeLessThan(ADDITIVITY);
    }
  });

  it('for a forest classifier: the positive class probability (binary), the predicted class (multiclass)', () => {
    const bc = features('breast_cancer', 'target');
    const binary = randomForestClassifier({ trees: 20, threads: 1 }).fit(
      bc,
      targetOf('breast_cancer', 'target', 'binary'),
    );
    const p = probability(binary, bc);
    const explained = explainRows(binary, bc);
    expect(explained[0]!.scale).toBe(`probability of ${JSON.stringify(binary.classes[1])}`);
    expect(additivityError(explained, (i) => p.at(i, 1))).toBeLessThan(ADDITIVITY);
    const iris = features('iris', 'target');
    const multi = randomForestClassifier({ trees: 20, threads: 1 }).fit(
      iris,
      targetOf('iris', 'target', 'multiclass'),
    );
    const q = probability(multi, iris);
    const rows = explainRows(multi, iris);
    expect(additivityError(rows, (i) => q.at(i, q.predicted[i]!))).toBeLessThan(ADDITIVITY);
    expect(rows[140]!.scale).toBe(`probability of class ${JSON.stringify(multi.classes[q.predicted[140]!])}`);
  });

  it('for gradient boosting: log-odds (pima, with missing values), class scores (iris), values (diamonds, with categories and missing)', () => {
    const cases: [GbdtModel, Frame][] = [];
    const pima = features('pima_indians_diabetes2', 'diabetes');
    cases.push([
      gbdtClassifier({ trees: 25 }).fit(pima, targetOf('pima_indians_diabetes2', 'diabetes', 'binary')),
      pima,
    ]);
    const iris = features('iris', 'target');
    cases.push([gbdtClassifier({ trees: 20 }).fit(iris, targetOf('iris', 'target', 'multiclass')), iris]);
    const stones = features('diamonds', 'price');
    cases.push([
      gbdtRegressor({ trees: 25 }).fit(stones, targetOf('diamonds', 'price', 'regression')),
      stones,
    ]);
    for (const [model, X] of cases) {
      const raw = model.rawScores(X);
      const predicted = model.predict(X);
      const k = model.outputs;
      const explained = explainRows(model, X);
      const scale = Math.max(1, ...raw.map(Math.abs));
      expect(additivityError(explained, (i) => raw[i * k + (k === 1 ? 0 : predicted[i]!)]!)).toBeLessThan(
        ADDITIVITY * scale,
      );
    }
    expect(explainRows(cases[0]![0], pima.head(1))[0]!.scale).toBe('log-odds of "pos"');
  });

  it('for linear models (centred by a scaler) and logistic regression, binary and multiclass', () => {
    const diabetes = features('diabetes', 'target');
    const scaled = (estimator: Parameters<typeof pipeline>[1]) => pipeline([standardScaler()], estimator);
    for (const estimator of [ridge({ alpha: 0.1 }), lasso({ alpha: 0.1 })]) {
      const model = scaled(estimator).fit(diabetes, targetOf('diabetes', 'target', 'regression'));
      const predicted = model.predict(diabetes);
      expect(additivityError(explainRows(model, diabetes), (i) => predicted[i]!)).toBeLessThan(ADDITIVITY);
    }
    const bc = features('breast_cancer', 'target');
    const binary = scaled(logistic()).fit(bc, targetOf('breast_cancer', 'target', 'binary'));
    const explained = explainRows(binary, bc);
    const scores = linearScores(binary, bc);
    expect(additivityError(explained, (i) => scores(i, 0))).toBeLessThan(ADDITIVITY);
    // The log-odds the probabilities imply, as a second route to the same number.
    const proba = binary.predictProba!(bc);
    expect(Math.abs(Math.log(proba[1]! / proba[0]!) - scores(0, 0))).toBeLessThan(1e-9);
    const iris = features('iris', 'target');
    const multi = scaled(logistic()).fit(iris, targetOf('iris', 'target', 'multiclass'));
    const predicted = multi.predict(iris);
    const irisScores = linearScores(multi, iris);
    expect(additivityError(explainRows(multi, iris), (i) => irisScores(i, predicted[i]!))).toBeLessThan(
      ADDITIVITY,
    );
  });
});

/** A pipeline's logistic scores, from its coefficients. */
function linearScores(model: PipelineModel, X: Frame): (row: number, c: number) => number {
  const inner = model.model as LogisticRegressionModel;
  const prepared = model.prepare(X).toMatrix(inner.inputNames);
  const p = prepared.cols;
  return (i, c) => {
    let s = inner.intercept[c]!;
    for (let j = 0; j < p; j++) s += inner.coef[c * p + j]! * prepared.data[i * p + j]!;
    return s;
  };
}

describe('pipelines credit transformed columns to the input columns they came from', () => {
  const byColumn = (e: RowExplanation) => new Map(e.contributions.map((c) => [c.column, c.value]));

  it('one-hot levels to their column, missing-value indicators to theirs, with the same baseline and total', () => {
    const X = features('diamonds', 'price');
    const prep = columnTransformer([
      {
        name: 'numeric',
        transformer: chainTransformers([simpleImputer({ strategy: 'median', addIndicator: true })]),
        columns: byKind('numeric', 'integer'),
      },
      {
        name: 'categorical',
        transformer: oneHotEncoder({ handleUnknown: 'ignore' }),
        columns: byKind('categorical'),
      },
    ]);
    const model = pipeline([prep], randomForestRegressor({ trees: 10, maxDepth: 6, threads: 1 })).fit(
      X,
      targetOf('diamonds', 'price', 'regression'),
    );
    const rows = X.head(500);
    const inner = explainRows(model.model, model.prepare(rows));
    const outer = explainRows(model, rows);
    expect(outer[0]!.contributions.map((c) => c.column).sort()).toEqual([...model.inputNames].sort());
    let indicatorUsed = 0;
    outer.forEach((e, i) => {
      const o = byColumn(e);
      const n = byColumn(inner[i]!);
      expect(e.baseline).toBe(inner[i]!.baseline);
      const levels = (name: string) =>
        [...n].filter(([column]) => column.startsWith(`${name}=`)).reduce((s, [, v]) => s + v, 0);
      for (const name of ['cut', 'color', 'clarity']) expect(o.get(name)!).toBeCloseTo(levels(name), 12);
      expect(o.get('carat')!).toBeCloseTo(n.get('carat')! + n.get('carat__missing')!, 12);
      indicatorUsed = Math.max(indicatorUsed, Math.abs(n.get('carat__missing')!));
      const total = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0);
      expect(total(o)).toBeCloseTo(total(n), 9);
    });
    // Else the indicator test above could not fail.
    expect(indicatorUsed).toBeGreaterThan(1);
  });

  it('explains gradient boosting on native categories behind a pass-through part', () => {
    const X = features('diamonds', 'price');
    const prep = columnTransformer([
      { name: 'numeric', transformer: chainTransformers([]), columns: byKind('numeric', 'integer') },
      { name: 'categorical', transformer: chainTransformers([]), columns: byKind('categorical') },
    ]);
    const model = pipeline([prep], gbdtRegressor({ trees: 30 })).fit(
      X,
      targetOf('diamonds', 'price', 'regression'),
    );
    const raw = (model.model as GbdtModel).rawScores(model.prepare(X));
    expect(additivityError(explainRows(model, X), (i) => raw[i]!)).toBeLessThan(ADDITIVITY * 1e4);
  });

  it('linear models: measured from their stored training means, or from zero means after a scaler in older artifacts', () => {
    const X = features('diamonds', 'price');
    const y = targetOf('diamonds', 'price', 'regression');
    const parts = (categorical: ReturnType<typeof oneHotEncoder> | ReturnType<typeof chainTransformers>) =>
      columnTransformer([
        {
          name: 'numeric',
          transformer: chainTransformers([simpleImputer({ addIndicator: true }), standardScaler()]),
          columns: byKind('numeric', 'integer'),
        },
        { name: 'categorical', transformer: categorical, columns: byKind('categorical') },
      ]);
    const unscaled = pipeline([parts(oneHotEncoder({ handleUnknown: 'ignore' }))], ridge()).fit(X, y);
    expect(canExplain(unscaled)).toBe(true);
    const unscaledPredicted = unscaled.predict(X);
    expect(additivityError(explainRows(unscaled, X), (i) => unscaledPredicted[i]!)).toBeLessThan(
      ADDITIVITY * 1e4,
    );
    // An artifact written before linear models kept their means: unscaled one-hot columns have none.
    const artifact = unscaled.model.toArtifact();
    const { inputMeans: _, ...arrays } = artifact.arrays;
    const older = loadModel(encodeArtifact({ ...artifact, arrays }));
    const olderPipeline = pipeline([parts(oneHotEncoder({ handleUnknown: 'ignore' }))], {
      kind: 'ridge',
      params: {},
      acceptsMissing: false,
      fit: () => older,
    }).fit(X, y);
    expect(canExplain(olderPipeline)).toBe(false);
    expect(() => explainRows(olderPipeline, X)).toThrow(UsageError);
    const scaled = pipeline(
      [parts(chainTransformers([oneHotEncoder({ handleUnknown: 'ignore' }), standardScaler()]))],
      ridge(),
    ).fit(X, y);
    expect(canExplain(scaled)).toBe(true);
    const predicted = scaled.predict(X);
    const explained = explainRows(scaled, X);
    expect(additivityError(explained, (i) => predicted[i]!)).toBeLessThan(ADDITIVITY * 1e4);
    expect(explained[0]!.contributions.map((c) => c.column).sort()).toEqual([...scaled.inputNames].sort());
  });

  it('polynomial products are shared among their factors, keeping the total', () => {
    const X = features('diabetes', 'target').select(['bmi', 'bp', 's5']);
    const model = pipeline([polynomialFeatures({ degree: 2 }), standardScaler()], ridge({ alpha: 0.01 })).fit(
      X,
      targetOf('diabetes', 'target', 'regression'),
    );
    const predicted = model.predict(X);
    const explained = explainRows(model, X);
    expect(explained[0]!.contributions.map((c) => c.column).sort()).toEqual(['bmi', 'bp', 's5']);
    expect(additivityError(explained, (i) => predicted[i]!)).toBeLessThan(ADDITIVITY);
  });
});

describe('explainRows', () => {
  it('sorts by |contribution|, keeps the top N, and is deterministic across a save and load', () => {
    const X = features('pima_indians_diabetes2', 'diabetes');
    const model = gbdtClassifier({ trees: 20 }).fit(
      X,
      targetOf('pima_indians_diabetes2', 'diabetes', 'binary'),
    );
    const all = explainRows(model, X.head(30));
    for (const e of all) {
      const sizes = e.contributions.map((c) => Math.abs(c.value));
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
      expect(e.contributions).toHaveLength(8);
    }
    const top = explainRows(model, X.head(30), { top: 3 });
    expect(top.map((e) => e.contributions)).toEqual(all.map((e) => e.contributions.slice(0, 3)));
    expect(explainRows(loadModel(saveModel(model)), X.head(30))).toEqual(all);
    expect(() => explainRows(model, X, { top: 0 })).toThrow(UsageError);
  });

  it('says no for models it cannot explain: kNN, naive Bayes, MLP, k-means', () => {
    const X = features('iris', 'target');
    const y = targetOf('iris', 'target', 'multiclass');
    expect(canExplain(knn().fit(X, y))).toBe(false);
    expect(canExplain(gaussianNb().fit(X, y))).toBe(false);
    expect(canExplain(mlpClassifier({ maxIter: 5 }).fit(X, y))).toBe(false);
    expect(canExplain(kmeans({ k: 3 }).fit(X))).toBe(false);
    expect(canExplain(logistic().fit(X, y))).toBe(true);
    expect(canExplain(pipeline([standardScaler()], logistic()).fit(X, y))).toBe(true);
    const tree: TreeModel = decisionTreeRegressor().fit(
      features('diabetes', 'target'),
      targetOf('diabetes', 'target', 'regression'),
    );
    expect(canExplain(tree)).toBe(true);
  });
});
