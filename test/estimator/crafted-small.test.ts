import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../src/core/artifact.js';
import { loadModel, saveModel } from '../../src/estimator/persist.js';
import '../../src/serve/loaders.js';
import { bernoulliNb, gaussianNb, multinomialNb } from '../../src/models/bayes/naive-bayes.js';
import { dbscan } from '../../src/models/cluster/dbscan.js';
import { kmeans } from '../../src/models/cluster/kmeans.js';
import { pca } from '../../src/models/decomposition/pca.js';
import { knn } from '../../src/models/neighbors/knn.js';
import { mlpClassifier, mlpRegressor } from '../../src/models/neural/mlp.js';
import { syntheticData } from '../models/conformance.js';
import { expectRefused, recoded } from './crafted.js';

const withArrays = (a: Artifact, arrays: Artifact['arrays']): Artifact => ({
  ...a,
  arrays: { ...a.arrays, ...arrays },
});
const withMeta = (a: Artifact, meta: Artifact['meta']): Artifact => ({ ...a, meta: { ...a.meta, ...meta } });

const regression = syntheticData('regression', 40, 3);
const multiclass = syntheticData('multiclass', 60, 3);

describe('knn', () => {
  const regressor = saveModel(knn().fit(regression.X, regression.y));
  const classifier = saveModel(knn({ k: 3 }).fit(multiclass.X, multiclass.y));

  it('loads the untouched models', () => {
    expect(loadModel(regressor).predict(regression.X)).toHaveLength(40);
    expect(loadModel(classifier).predict(multiclass.X)).toHaveLength(60);
  });

  it('refuses targets that disagree in length with the training points', () => {
    const crafted = recoded(regressor, (a) => withArrays(a, { targets: new Float64Array(39) }));
    expectRefused(crafted, 'arrays.targets', /39 values, expected 40/);
  });

  it('refuses training points that disagree with rows × inputs', () => {
    const crafted = recoded(regressor, (a) => withMeta(a, { rows: 41 }));
    expectRefused(crafted, 'arrays.train', /120 values, expected 123/);
  });

  it('refuses fewer training rows than k', () => {
    const crafted = recoded(regressor, (a) => ({
      ...withMeta(a, { rows: 4 }),
      arrays: { train: new Float64Array(12), targets: new Float64Array(4) },
    }));
    expectRefused(crafted, 'meta.rows', /≥ 5/);
  });

  it('refuses a class index past the classes', () => {
    const crafted = recoded(classifier, (a) =>
      withArrays(a, { targets: (a.arrays['targets'] as Float64Array).map((v, i) => (i === 7 ? 3 : v)) }),
    );
    expectRefused(crafted, 'arrays.targets[7]', /index from 0 to 2/);
  });
});

describe('naive Bayes', () => {
  const counts = { ...multiclass.X, data: multiclass.X.data.map(Math.abs) };
  const gaussian = saveModel(gaussianNb().fit(multiclass.X, multiclass.y));
  const multinomial = saveModel(multinomialNb().fit(counts, multiclass.y));
  const bernoulli = saveModel(bernoulliNb({ binarize: null }).fit(multiclass.X, multiclass.y));

  it('loads the untouched models', () => {
    for (const bytes of [gaussian, multinomial, bernoulli]) {
      expect(loadModel(bytes).predict(multiclass.X)).toHaveLength(60);
    }
  });

  it('refuses a log prior that disagrees with the classes', () => {
    const crafted = recoded(gaussian, (a) => withArrays(a, { logPrior: Float64Array.of(-1, -1) }));
    expectRefused(crafted, 'arrays.logPrior', /2 values, expected 3/);
  });

  it('refuses classes the per-class arrays were not fitted for', () => {
    const crafted = recoded(multinomial, (a) => withMeta(a, { classes: ['a', 'b', 'c', 'd'] }));
    expectRefused(crafted, 'arrays.logPrior', /3 values, expected 4/);
  });

  it('refuses per-feature arrays that are not classes × inputs', () => {
    const variance = recoded(gaussian, (a) => withArrays(a, { variance: new Float64Array(8) }));
    expectRefused(variance, 'arrays.variance', /8 values, expected 9/);
    const featureLogProb = recoded(bernoulli, (a) => withArrays(a, { featureLogProb: new Float64Array(10) }));
    expectRefused(featureLogProb, 'arrays.featureLogProb', /10 values, expected 9/);
  });

  it("refuses another variant's arrays and parameters", () => {
    const arrays = recoded(multinomial, (a) => withArrays(a, { mean: new Float64Array(9) }));
    expectRefused(arrays, 'arrays.mean', /not an array this kind stores/);
    const params = recoded(bernoulli, (a) => withMeta(a, { params: { varSmoothing: 1e-9 } }));
    expectRefused(params, 'meta.params.varSmoothing', /not a parameter of bernoulli-nb/);
  });
});

describe('mlp', () => {
  const small = { hiddenLayers: [4, 3], maxIter: 5 };
  const classifier = saveModel(mlpClassifier(small).fit(multiclass.X, multiclass.y));
  const regressor = saveModel(mlpRegressor(small).fit(regression.X, regression.y));

  it('loads the untouched models', () => {
    expect(loadModel(classifier).predict(multiclass.X)).toHaveLength(60);
    expect(loadModel(regressor).predict(regression.X)).toHaveLength(40);
  });

  it('refuses a weight matrix shorter than its layer sizes say', () => {
    const crafted = recoded(classifier, (a) => withArrays(a, { weights1: new Float64Array(11) }));
    expectRefused(crafted, 'arrays.weights1', /11 values, expected 12/);
  });

  it('refuses biases of the wrong width, and a missing layer', () => {
    const biases = recoded(regressor, (a) => withArrays(a, { biases2: Float64Array.of(0, 0) }));
    expectRefused(biases, 'arrays.biases2', /2 values, expected 1/);
    const missing = recoded(regressor, (a) => {
      const { weights2: _, ...arrays } = a.arrays;
      return { ...a, arrays };
    });
    expectRefused(missing, 'arrays.weights2', /missing/);
  });

  it('refuses layer sizes that are not inputs, hidden layers and outputs', () => {
    const wider = recoded(classifier, (a) => withMeta(a, { sizes: [3, 4, 3, 4] }));
    expectRefused(wider, 'meta.sizes', /must be \[3,4,3,3\]/);
    const layers = recoded(regressor, (a) => withMeta(a, { sizes: [3, 4, 1] }));
    expectRefused(layers, 'meta.sizes');
  });

  it('refuses an output link other than the task and classes imply, and a task not its kind', () => {
    const link = recoded(classifier, (a) => withMeta(a, { output: 'logistic' }));
    expectRefused(link, 'meta.output', /"softmax"/);
    const task = recoded(regressor, (a) => withMeta(a, { task: 'binary' }));
    expectRefused(task, 'meta.task', /"regression"/);
  });

  it('refuses hidden layers of no units in its parameters', () => {
    const crafted = recoded(regressor, (a) =>
      withMeta(a, { params: { ...(a.meta['params'] as object), hiddenLayers: [4, 0] } }),
    );
    expectRefused(crafted, 'meta.params.hiddenLayers', /list of whole numbers ≥ 1/);
  });
});

describe('k-means and DBSCAN', () => {
  const centred = saveModel(kmeans({ k: 4 }).fit(regression.X));
  const dense = saveModel(dbscan({ eps: 1.2, minSamples: 3 }).fit(regression.X));

  it('loads the untouched models', () => {
    expect(loadModel(centred).predict(regression.X)).toHaveLength(40);
    const labels = loadModel(dense).predict(regression.X);
    expect(labels.some((label) => label >= 0)).toBe(true);
  });

  it('refuses centres that are not k × inputs', () => {
    const fewer = recoded(centred, (a) => withArrays(a, { centres: new Float64Array(9) }));
    expectRefused(fewer, 'arrays.centres', /9 values, expected 12/);
    const k = recoded(centred, (a) => withMeta(a, { params: { ...(a.meta['params'] as object), k: 5 } }));
    expectRefused(k, 'arrays.centres', /12 values, expected 15/);
  });

  it('refuses core points that are not core rows × inputs, and a core row without a cluster', () => {
    const points = recoded(dense, (a) =>
      withArrays(a, { corePoints: (a.arrays['corePoints'] as Float64Array).subarray(3) }),
    );
    expectRefused(points, 'arrays.corePoints', /expected/);
    const label = recoded(dense, (a) =>
      withArrays(a, { coreLabels: (a.arrays['coreLabels'] as Int32Array).map((v, i) => (i === 0 ? -1 : v)) }),
    );
    expectRefused(label, 'arrays.coreLabels[0]', /≥ 0/);
  });
});

describe('pca', () => {
  const two = saveModel(pca({ components: 2 }).fit(regression.X));
  const all = saveModel(pca().fit(regression.X));

  it('loads the untouched models', () => {
    expect(loadModel(two).transform?.(regression.X).cols).toBe(2);
    expect(loadModel(all).transform?.(regression.X).cols).toBe(3);
  });

  it('refuses components that are not components × inputs', () => {
    const crafted = recoded(two, (a) => withArrays(a, { components: new Float64Array(3) }));
    expectRefused(crafted, 'arrays.components', /3 values, expected 6/);
    const kept = recoded(all, (a) => withArrays(a, { explainedVariance: Float64Array.of(2, 1) }));
    expectRefused(kept, 'arrays.components', /9 values, expected 6/);
  });

  it('refuses more variances than the count of components asks for, and a mean per input', () => {
    const variances = recoded(two, (a) => withArrays(a, { explainedVariance: Float64Array.of(3, 2, 1) }));
    expectRefused(variances, 'arrays.explainedVariance', /3 values, expected 2/);
    const mean = recoded(two, (a) => withArrays(a, { mean: Float64Array.of(0, 0) }));
    expectRefused(mean, 'arrays.mean', /2 values, expected 3/);
  });

  it('refuses a components parameter that is neither null, a share nor a count', () => {
    const crafted = recoded(two, (a) => withMeta(a, { params: { components: 1.5, whiten: false } }));
    expectRefused(crafted, 'meta.params.components', /null, a number in \(0, 1\) or a whole number ≥ 1/);
  });
});
