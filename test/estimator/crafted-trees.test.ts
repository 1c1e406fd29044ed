import { describe, expect, it } from 'vitest';
import { type Artifact, decodeArtifact } from '../../src/core/artifact.js';
import { Rng } from '../../src/core/random.js';
import { categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import { loadModel, saveModel } from '../../src/estimator/persist.js';
import '../../src/serve/loaders.js';
import { isolationForest } from '../../src/models/anomaly/isolation-forest.js';
import { gbdtClassifier, gbdtRegressor } from '../../src/models/boost/gbdt.js';
import { decisionTreeClassifier, decisionTreeRegressor } from '../../src/models/tree/cart.js';
import { extraTreesRegressor, randomForestClassifier } from '../../src/models/tree/forest.js';
import { syntheticData } from '../models/conformance.js';
import { expectRefused, recoded } from './crafted.js';

/** A copy of the artifact with one array replaced by `change` of it. */
function withArray<T extends Artifact['arrays'][string]>(
  name: string,
  change: (values: T) => T,
): (a: Artifact) => Artifact {
  return (a) => ({ ...a, arrays: { ...a.arrays, [name]: change(a.arrays[name] as T) } });
}

/** A copy of the artifact with element `index` of one array set to `value`. */
function setAt(name: string, index: number, value: number): (a: Artifact) => Artifact {
  return withArray(name, (values) => {
    const copy = values.slice();
    copy[index] = value;
    return copy;
  });
}

/** The first node that splits (feature ≥ 0). */
function firstSplit(a: Artifact): number {
  return (a.arrays['feature'] as Int32Array).findIndex((f) => f >= 0);
}

const binary = syntheticData('binary', 80, 3);
const regression = syntheticData('regression', 80, 3);

describe('crafted trees and forests are refused, naming the field', () => {
  const tree = saveModel(decisionTreeClassifier({ maxDepth: 4 }).fit(binary.X, binary.y));
  const regressor = saveModel(decisionTreeRegressor({ maxDepth: 3 }).fit(regression.X, regression.y));
  const forest = saveModel(randomForestClassifier({ trees: 5, threads: 1 }).fit(binary.X, binary.y));
  const extra = saveModel(extraTreesRegressor({ trees: 4, threads: 1 }).fit(regression.X, regression.y));
  const split = firstSplit(decodeArtifact(tree));

  it('loads the untouched ones, predicting as before', () => {
    for (const bytes of [tree, regressor, forest, extra]) {
      const model = loadModel(bytes);
      const X = model.task === 'regression' ? regression.X : binary.X;
      expect(saveModel(model)).toEqual(bytes);
      expect([...model.predict(X)].every(Number.isFinite)).toBe(true);
    }
  });

  it('refuses a child index past the nodes, or below -1', () => {
    const nodes = decodeArtifact(tree).arrays['left']!.length;
    const past = recoded(tree, setAt('left', split, nodes + 3));
    expectRefused(past, `arrays.left[${split}]`, /must be an index from -1 to/);
    const below = recoded(tree, setAt('right', split, -2));
    expectRefused(below, `arrays.right[${split}]`, /must be an index from -1 to/);
  });

  it('refuses a child that points back to its node or an earlier one (a walk that never ends)', () => {
    const self = recoded(tree, setAt('left', split, split));
    expectRefused(self, `arrays.left[${split}]`, /must point after node/);
  });

  it('refuses a split without children, and a leaf with one', () => {
    const noChild = recoded(tree, setAt('right', split, -1));
    expectRefused(noChild, `arrays.right[${split}]`, /must point after node/);
    const a = decodeArtifact(tree);
    const leaf = (a.arrays['feature'] as Int32Array).indexOf(-1);
    const leafChild = recoded(tree, setAt('left', leaf, leaf + 1));
    expectRefused(leafChild, `arrays.left[${leaf}]`, /-1 at a leaf/);
  });

  it('refuses a feature index at or past the number of inputs', () => {
    const crafted = recoded(tree, setAt('feature', split, 3));
    expectRefused(crafted, `arrays.feature[${split}]`, /is 3, must be an index from -1 to 2/);
  });

  it('refuses a child that leaves its own tree of a forest', () => {
    const a = decodeArtifact(forest);
    const treeStart = a.arrays['treeStart'] as Int32Array;
    // The first tree's root, sent to the second tree's root (relative indices: its size).
    const crafted = recoded(forest, setAt('right', 0, treeStart[1]!));
    expectRefused(crafted, 'arrays.right[0]', /inside its tree/);
  });

  it('refuses a forest whose tree count disagrees with its arrays', () => {
    const moreTrees = recoded(forest, (a) => ({
      ...a,
      meta: { ...a.meta, params: { ...(a.meta['params'] as object), trees: 6 } },
    }));
    expectRefused(moreTrees, 'arrays.treeStart', /has 6 values, expected 7/);
    const shortStarts = recoded(
      extra,
      withArray<Int32Array>('treeStart', (v) => v.slice(0, 4)),
    );
    expectRefused(shortStarts, 'arrays.treeStart', /has 4 values, expected 5/);
  });

  it('refuses tree starts that do not rise, or do not end at the node count', () => {
    const a = decodeArtifact(extra);
    const nodes = a.arrays['feature']!.length;
    const backwards = recoded(extra, setAt('treeStart', 2, a.arrays['treeStart']![1]!));
    expectRefused(backwards, 'arrays.treeStart[2]', /must be above/);
    const longer = recoded(extra, setAt('treeStart', 4, nodes + 1));
    expectRefused(longer, 'arrays.feature', new RegExp(`has ${nodes} values, expected ${nodes + 1}`));
  });

  it('refuses node values that do not match the classes', () => {
    const crafted = recoded(
      tree,
      withArray<Float64Array>('value', (v) => v.slice(1)),
    );
    expectRefused(crafted, 'arrays.value');
    const classes = recoded(tree, (a) => ({ ...a, meta: { ...a.meta, classes: ['a', 'b', 'c'] } }));
    expectRefused(classes, 'meta.classes', /3 entries/);
  });

  it('refuses a regressor with a classifier criterion, and oobScore without bootstrap', () => {
    const gini = recoded(regressor, (a) => ({
      ...a,
      meta: { ...a.meta, params: { ...(a.meta['params'] as object), criterion: 'gini' } },
    }));
    expectRefused(gini, 'meta.params.criterion', /"squared_error"/);
    const oob = recoded(extra, (a) => ({
      ...a,
      meta: { ...a.meta, params: { ...(a.meta['params'] as object), oobScore: true } },
    }));
    expectRefused(oob, 'meta.params', /oobScore needs bootstrap/);
  });
});

/** A frame with a numeric and a categorical column, and a binary target that depends on both. */
function colours(rows: number) {
  const rng = new Rng(3);
  const names = ['red', 'green', 'blue', 'grey'];
  const labels = Array.from({ length: rows }, () => names[rng.int(names.length)]!);
  const x = Float64Array.from({ length: rows }, () => rng.normal());
  const frame = new Frame([
    { storage: 'number', name: 'x', kind: 'numeric', values: x },
    categoricalFromLabels('colour', labels),
  ]);
  const values = Float64Array.from(labels, (l, i) => (l === 'green' || x[i]! > 1 ? 1 : 0));
  return { frame, target: { name: 'y', task: 'binary' as const, values, classes: ['no', 'yes'] } };
}

describe('crafted boosters are refused, naming the field', () => {
  const data = colours(400);
  const booster = saveModel(gbdtClassifier({ trees: 5, minSamplesLeaf: 5 }).fit(data.frame, data.target));
  const multiclass = syntheticData('multiclass', 120, 3);
  const softmax = saveModel(gbdtClassifier({ trees: 3 }).fit(multiclass.X, multiclass.y));
  const regressor = saveModel(gbdtRegressor({ trees: 4 }).fit(regression.X, regression.y));
  const a = decodeArtifact(booster);
  const feature = a.arrays['feature'] as Int32Array;
  const categoryStart = a.arrays['categoryStart'] as Int32Array;
  const categorical = [...categoryStart].findIndex((c) => c >= 0);
  const numeric = [...feature].findIndex((f, node) => f >= 0 && categoryStart[node] === -1);
  const split = firstSplit(a);

  it('loads the untouched ones, with categorical and numeric splits', () => {
    expect(categorical).toBeGreaterThanOrEqual(0);
    expect(numeric).toBeGreaterThanOrEqual(0);
    for (const bytes of [booster, softmax, regressor]) expect(saveModel(loadModel(bytes))).toEqual(bytes);
  });

  it('refuses a leaf-value array shorter than its trees say', () => {
    const nodes = feature.length;
    const crafted = recoded(
      booster,
      withArray<Float64Array>('value', (v) => v.slice(0, nodes - 1)),
    );
    expectRefused(crafted, 'arrays.value', new RegExp(`has ${nodes - 1} values, expected ${nodes}`));
  });

  it('refuses a feature index at or past the number of inputs', () => {
    expectRefused(recoded(booster, setAt('feature', split, 2)), `arrays.feature[${split}]`, /from -1 to 1/);
  });

  it('refuses a child index past the nodes, below -1, or outside its tree', () => {
    const nodes = feature.length;
    expectRefused(recoded(booster, setAt('left', split, nodes)), `arrays.left[${split}]`);
    expectRefused(recoded(booster, setAt('right', split, -7)), `arrays.right[${split}]`);
    const treeStart = a.arrays['treeStart'] as Int32Array;
    const nextTree = recoded(booster, setAt('right', 0, treeStart[1]!));
    expectRefused(nextTree, 'arrays.right[0]', /inside its tree/);
  });

  it('refuses a category bitset on a numeric split, or past the categories', () => {
    const onNumeric = recoded(booster, setAt('categoryStart', numeric, 0));
    expectRefused(onNumeric, `arrays.categoryStart[${numeric}]`, /no categorical feature/);
    const words = a.arrays['categories']!.length;
    const past = recoded(booster, setAt('categoryStart', categorical, words - 4));
    expectRefused(past, `arrays.categoryStart[${categorical}]`, /8 words/);
  });

  it("refuses a category's bin beyond the bitset, and bins that do not match the levels", () => {
    expectRefused(recoded(booster, setAt('levelBins', 1, 300)), 'arrays.levelBins[1]', /from 0 to 255/);
    const fewer = recoded(
      booster,
      withArray<Int32Array>('levelBins', (v) => v.slice(1)),
    );
    expectRefused(fewer, 'arrays.levelBins', /has 3 values, expected 4/);
  });

  it('refuses a tree count other than iterations × outputs, and a baseline per output', () => {
    const more = recoded(softmax, (x) => ({ ...x, meta: { ...x.meta, iterations: 4 } }));
    expectRefused(more, 'meta.iterations', /more than trees \(3\)/);
    const fewer = recoded(softmax, (x) => ({ ...x, meta: { ...x.meta, iterations: 2 } }));
    expectRefused(fewer, 'arrays.treeStart', /has 10 values, expected 7/);
    const baseline = recoded(
      softmax,
      withArray<Float64Array>('baseline', (v) => v.slice(1)),
    );
    expectRefused(baseline, 'arrays.baseline', /has 2 values, expected 3/);
  });

  it('refuses parameters the kind does not take', () => {
    const params = (x: Artifact) => x.meta['params'] as object;
    const weighted = recoded(regressor, (x) => ({
      ...x,
      meta: { ...x.meta, params: { ...params(x), classWeight: 'balanced' } },
    }));
    expectRefused(weighted, 'meta.params.classWeight', /must be null/);
    const logLoss = recoded(regressor, (x) => ({
      ...x,
      meta: { ...x.meta, params: { ...params(x), loss: 'log-loss' } },
    }));
    expectRefused(logLoss, 'meta.params.loss');
    const threads = recoded(regressor, (x) => ({
      ...x,
      meta: { ...x.meta, params: { ...params(x), threads: 0 } },
    }));
    expectRefused(threads, 'meta.params.threads', /between 1 and 1024/);
  });
});

describe('crafted isolation forests are refused, naming the field', () => {
  const forest = saveModel(isolationForest({ trees: 4, maxSamples: 32 }).fit(regression.X));
  const a = decodeArtifact(forest);
  const split = firstSplit(a);
  const nodes = a.arrays['feature']!.length;
  const treeStart = a.arrays['treeStart'] as Int32Array;

  it('loads the untouched one', () => {
    expect(saveModel(loadModel(forest))).toEqual(forest);
  });

  it('refuses a negative or oversized child index', () => {
    expectRefused(recoded(forest, setAt('right', split, -4)), `arrays.right[${split}]`, /from -1 to/);
    expectRefused(recoded(forest, setAt('right', split, nodes)), `arrays.right[${split}]`, /from -1 to/);
  });

  it('refuses a right child outside its tree, or not after its node', () => {
    const nextTree = recoded(forest, setAt('right', 0, treeStart[1]!));
    expectRefused(nextTree, 'arrays.right[0]', /inside its tree/);
    const back = recoded(forest, setAt('right', split, split));
    expectRefused(back, `arrays.right[${split}]`, /must point after node/);
    // A split at the last node of a tree would send rows left into the next tree.
    const last = treeStart[1]! - 1;
    const lastSplits = recoded(forest, setAt('feature', last, 0));
    expectRefused(lastSplits, `arrays.right[${last}]`, /must point after node/);
  });

  it('refuses a feature index at or past the number of inputs', () => {
    expectRefused(recoded(forest, setAt('feature', split, 3)), `arrays.feature[${split}]`, /from -1 to 2/);
  });

  it('refuses node sizes beyond the sample, which index the path-length table', () => {
    const leaf = (a.arrays['feature'] as Int32Array).indexOf(-1);
    expectRefused(recoded(forest, setAt('size', leaf, 33)), `arrays.size[${leaf}]`, /from 1 to 32/);
    const bigger = recoded(forest, (x) => ({ ...x, meta: { ...x.meta, sampleSize: 64 } }));
    expectRefused(bigger, 'arrays.size[0]', /grown on 64 rows/);
  });

  it('loads a ψ near 2³¹ without allocating by ψ (its tables follow the stored nodes)', () => {
    // One tree of one leaf that holds every one of 2³¹ − 1 rows: legal, if odd.
    const psi = 2 ** 31 - 1;
    const huge = recoded(forest, (x) => ({
      ...x,
      meta: { ...x.meta, params: { ...(x.meta['params'] as object), trees: 1 }, sampleSize: psi },
      arrays: {
        feature: Int32Array.of(-1),
        threshold: Float64Array.of(0),
        right: Int32Array.of(-1),
        size: Int32Array.of(psi),
        treeStart: Int32Array.of(0, 1),
      },
    }));
    const model = loadModel(huge) as ReturnType<ReturnType<typeof isolationForest>['fit']>;
    const scores = model.scoreSamples(regression.X);
    // Every row ends in the root leaf: h = c(ψ), so s = 2^(−1).
    for (const s of scores) expect(s).toBeCloseTo(-0.5, 12);
  });

  it('refuses a tree count that disagrees with the parameters', () => {
    const more = recoded(forest, (x) => ({
      ...x,
      meta: { ...x.meta, params: { ...(x.meta['params'] as object), trees: 5 } },
    }));
    expectRefused(more, 'arrays.treeStart', /has 5 values, expected 6/);
  });
});
