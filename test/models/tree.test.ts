import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { readTable } from '../../src/data/read.js';
import type { SupervisedTask } from '../../src/estimator/contract.js';
import { targetFromFrame } from '../../src/models/target.js';
import { decisionTreeClassifier, decisionTreeRegressor } from '../../src/models/tree/cart.js';
import { DATASETS } from '../helpers.js';
import { conformanceSuite, syntheticData } from './conformance.js';

interface TreeCase {
  name: string;
  file: string;
  target: string;
  task: SupervisedTask;
  params: { max_depth?: number; min_samples_leaf?: number; criterion?: 'entropy' };
  trainRows: number[];
  nodes: number;
  predictions: number[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/models/trees.json', import.meta.url), 'utf8'),
) as { trees: TreeCase[] };

const treeFor = (task: SupervisedTask) =>
  task === 'regression' ? decisionTreeRegressor : decisionTreeClassifier;

for (const task of ['regression', 'binary', 'multiclass'] as const) {
  conformanceSuite({ name: `decision tree ${task}`, make: (seed) => treeFor(task)({ seed }), task });
  conformanceSuite({
    name: `decision tree ${task}, maxFeatures sqrt`,
    make: (seed) => treeFor(task)({ seed, maxFeatures: 'sqrt' }),
    task,
  });
}

async function load(c: TreeCase) {
  const frame = await readTable(join(DATASETS, c.file));
  const y = targetFromFrame(frame, c.target, c.task);
  const train = frame.take(Int32Array.from(c.trainRows));
  return {
    all: frame.drop([c.target]).toMatrix(),
    y,
    train: train.drop([c.target]).toMatrix(),
    trainY: targetFromFrame(train, c.target, c.task),
  };
}

/** Accuracy, or R², of `predicted` on `rows`. */
function score(
  task: SupervisedTask,
  predicted: ArrayLike<number>,
  truth: ArrayLike<number>,
  rows: number[],
): number {
  if (task !== 'regression') return rows.filter((i) => predicted[i] === truth[i]).length / rows.length;
  const mean = rows.reduce((s, i) => s + truth[i]!, 0) / rows.length;
  const residual = rows.reduce((s, i) => s + (truth[i]! - predicted[i]!) ** 2, 0);
  return 1 - residual / rows.reduce((s, i) => s + (truth[i]! - mean) ** 2, 0);
}

/**
 * Ties between features that split a node equally well are broken by the
 * order features are tried in, which is random in both libraries, so a tree
 * need not be scikit-learn's node for node: scikit-learn's own trees with
 * random_state 0…5 differ on up to 11 of boston's 354 training rows (min 5
 * per leaf). Measured here: the same number of nodes but for fully grown
 * boston (661 vs 669); every training row predicted the same but 2 of 124
 * (wine, depth 3) and 11 of 354 (boston, min 5 per leaf), exactly the spread
 * between scikit-learn's own seeds. Held-out scores differ by at most 4 of
 * wine's 54 rows (−0.074 accuracy, fully grown and depth 3), 5 of breast
 * cancer's 171 (−0.029, entropy), 0.024 R² (fully grown diabetes).
 */
const NODE_COUNT_MARGIN = 0.015;
const TRAINING_MISMATCH_SHARE = 0.035;
const HELD_OUT_MARGIN = { classification: 0.075, regression: 0.03 };

describe('decision tree against scikit-learn 1.2', () => {
  for (const c of fixture.trees) {
    it(`grows the same tree on ${c.name}, up to ties between features`, async () => {
      const { all, train, trainY, y } = await load(c);
      const model = treeFor(c.task)({
        maxDepth: c.params.max_depth ?? null,
        minSamplesLeaf: c.params.min_samples_leaf ?? 1,
        ...(c.params.criterion === undefined ? {} : { criterion: c.params.criterion }),
      }).fit(train, trainY);
      expect(Math.abs(model.trees.feature.length - c.nodes)).toBeLessThanOrEqual(c.nodes * NODE_COUNT_MARGIN);
      const predicted = model.predict(all);
      const expected =
        c.task === 'regression' ? c.predictions : c.predictions.map((v) => y.classes.indexOf(String(v)));
      const inTraining = new Set(c.trainRows);
      const held = Array.from({ length: all.rows }, (_, i) => i).filter((i) => !inTraining.has(i));
      const trainingMismatches = c.trainRows.filter((i) => Math.abs(predicted[i]! - expected[i]!) > 1e-9);
      expect(trainingMismatches.length).toBeLessThanOrEqual(c.trainRows.length * TRAINING_MISMATCH_SHARE);
      const margin = c.task === 'regression' ? HELD_OUT_MARGIN.regression : HELD_OUT_MARGIN.classification;
      const ours = score(c.task, predicted, y.values, held);
      const theirs = score(c.task, expected, y.values, held);
      expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(margin);
    });
  }
});

describe('decision tree', () => {
  it('stops at maxDepth', () => {
    const { X, y } = syntheticData('regression', 200);
    const model = decisionTreeRegressor({ maxDepth: 2 }).fit(X, y);
    expect(model.trees.feature.length).toBe(7);
  });

  it('counts sample weights as repeated rows', () => {
    const { X, y } = syntheticData('binary', 60);
    const weights = Float64Array.from({ length: X.rows }, (_, i) => 1 + (i % 3));
    const repeated = Array.from({ length: X.rows }, (_, i) => Array(1 + (i % 3)).fill(i)).flat();
    const data = Float64Array.from(
      repeated.flatMap((i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols))),
    );
    const values = Float64Array.from(repeated, (i) => y!.values[i]!);
    const weighted = decisionTreeClassifier({ maxDepth: 3 }).fit(X, y, { sampleWeight: weights });
    const copies = decisionTreeClassifier({ maxDepth: 3 }).fit(
      { ...X, data, rows: repeated.length },
      { ...y!, values },
    );
    expect(weighted.predictProba!(X)).toEqual(copies.predictProba!(X));
  });

  it('refuses a criterion of the other task, and a maxFeatures it cannot use', () => {
    const { X, y } = syntheticData('regression');
    expect(() => decisionTreeRegressor({ criterion: 'gini' })).toThrow(UsageError);
    expect(() => decisionTreeClassifier({ criterion: 'squared_error' })).toThrow(UsageError);
    expect(() => decisionTreeRegressor({ maxFeatures: 'half' as never })).toThrow(UsageError);
    expect(() => decisionTreeRegressor({ maxFeatures: 9 }).fit(X, y)).toThrow(UsageError);
  });
});
