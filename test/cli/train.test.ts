import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Frame, Matrix } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import type { Estimator } from '../../src/estimator/contract.js';
import { silhouetteScore } from '../../src/evaluate/clustering.js';
import { type IsolationForestModel, isolationForest } from '../../src/models/anomaly/isolation-forest.js';
import { catalogEntry } from '../../src/models/catalog.js';
import { type DbscanModel, dbscan } from '../../src/models/cluster/dbscan.js';
import { type KmeansModel, kmeans } from '../../src/models/cluster/kmeans.js';
import { type PcaModel, pca } from '../../src/models/decomposition/pca.js';
import { defaultPreprocessing } from '../../src/prep/defaults.js';
import { type PipelineModel, pipeline } from '../../src/prep/pipeline.js';
import { DATASETS, EXAMPLES } from '../helpers.js';

const KEEL = new URL('../../bin/keel.js', import.meta.url).pathname;
const cv = JSON.parse(readFileSync(new URL('../fixtures/tune/cv.json', import.meta.url), 'utf8')) as {
  cases: { name: string; r2?: number[]; rmse?: number[]; roc_auc?: number[] }[];
};

function keel(...args: string[]) {
  const result = spawnSync('node', [KEEL, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('keel train', () => {
  it('cross-validates a ridge pipeline exactly as scikit-learn does on the same folds', () => {
    const { code, stdout } = keel(
      'train',
      join(DATASETS, 'diabetes.csv'),
      '--target',
      'target',
      '--model',
      'ridge',
      '--no-shuffle',
      '--json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({
      task: 'regression',
      model: 'ridge',
      rows: 442,
      params: { alpha: 1, fitIntercept: true },
    });
    expect(result.validation).toEqual({ kind: 'cv', folds: 5, stratified: false, shuffled: false });
    const expected = cv.cases.find((c) => c.name === 'train:diabetes:ridge')!;
    result.folds.r2.forEach((r2: number, f: number) => {
      expect(r2).toBeCloseTo(expected.r2![f]!, 9);
    });
    expect(typeof result.fitSeconds).toBe('number');
  });

  it('reports breast-cancer ROC AUC of a logistic pipeline as scikit-learn’s on the same folds (the issue’s check)', () => {
    const file = join(DATASETS, 'breast_cancer.csv');
    const { code, stdout } = keel(
      'train',
      file,
      '--target',
      'target',
      '--model',
      'logistic',
      '--cv',
      '5',
      '--no-shuffle',
      '--json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    const expected = cv.cases.find((c) => c.name === 'train:breast_cancer:logistic')! as {
      roc_auc: number[];
    };
    const sklearnMean = expected.roc_auc.reduce((a, b) => a + b, 0) / expected.roc_auc.length;
    expect(Math.abs(result.metrics.roc_auc - sklearnMean)).toBeLessThan(0.005);
    result.folds.roc_auc.forEach((auc: number, f: number) => {
      expect(auc).toBeCloseTo(expected.roc_auc[f]!, 3);
    });
    expect(result).toMatchObject({ task: 'binary', classes: ['0', '1'], validation: { stratified: true } });
  });

  it('shuffles folds by default, the same for the same seed and differently for another', () => {
    const run = (seed: string) =>
      JSON.parse(
        keel(
          'train',
          join(DATASETS, 'diabetes.csv'),
          '--target',
          'target',
          '--model',
          'linear',
          '--seed',
          seed,
          '--json',
        ).stdout,
      );
    const [a, b, c] = [run('1'), run('1'), run('2')];
    expect(a.validation.shuffled).toBe(true);
    expect(b.folds).toEqual(a.folds);
    expect(c.folds.r2).not.toEqual(a.folds.r2);
  });

  it('scores on a test file when given one', () => {
    const file = join(DATASETS, 'boston_housing.csv');
    const { code, stdout } = keel(
      'train',
      file,
      '--target',
      'medv',
      '--model',
      'linear',
      '--test',
      file,
      '--metric',
      'r2',
      '--json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.validation).toEqual({ kind: 'test', file, rows: 506 });
    expect(result.metrics.r2).toBeGreaterThan(0.7); // in-sample R² of OLS on Boston is 0.74
  });

  it('treats a few-valued integer target as a regression when told', () => {
    const { code, stdout } = keel(
      'train',
      join(DATASETS, 'iris.csv'),
      '--target',
      'target',
      '--model',
      'linear',
      '--task',
      'regression',
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout).task).toBe('regression');
  });

  it('trains kNN and naive Bayes through the catalogue', () => {
    for (const model of ['knn', 'naive-bayes']) {
      const { code, stdout } = keel(
        'train',
        join(DATASETS, 'wine.csv'),
        '--target',
        'target',
        '--model',
        model,
        '--json',
      );
      expect(code).toBe(0);
      expect(JSON.parse(stdout).metrics.accuracy).toBeGreaterThan(0.9);
    }
  });

  it('builds the classifier or the regressor of a forest from the target’s task', () => {
    const classes = keel(
      'train',
      join(DATASETS, 'iris.csv'),
      '--target',
      'target',
      '--model',
      'random-forest',
      '--set',
      'trees=20',
      '--json',
    );
    expect(JSON.parse(classes.stdout)).toMatchObject({
      task: 'multiclass',
      params: { trees: 20, criterion: 'gini', maxFeatures: 'sqrt' },
    });
    const numbers = keel(
      'train',
      join(DATASETS, 'diabetes.csv'),
      '--target',
      'target',
      '--model',
      'random-forest',
      '--set',
      'trees=20',
      '--json',
    );
    const result = JSON.parse(numbers.stdout);
    expect(result).toMatchObject({ task: 'regression', params: { trees: 20, criterion: 'squared_error' } });
    expect(result.metrics.r2).toBeGreaterThan(0.3);
  });

  it('trains an MLP with hidden layers given as a list, and takes null for a parameter', () => {
    const mlp = keel(
      'train',
      join(DATASETS, 'breast_cancer.csv'),
      '--target',
      'target',
      '--model',
      'mlp',
      '--set',
      'hiddenLayers=16,8',
      '--set',
      'maxIter=40',
      '--set',
      'batchSize=null',
      '--json',
    );
    expect(mlp.code, mlp.stderr).toBe(0);
    const result = JSON.parse(mlp.stdout);
    expect(result.params).toMatchObject({ hiddenLayers: [16, 8], maxIter: 40, batchSize: null });
    expect(result.metrics.roc_auc).toBeGreaterThan(0.98);
  });

  it('boosts on diamonds with cut, color and clarity as categories and a monotonic carat', () => {
    const { code, stdout, stderr } = keel(
      'train',
      join(DATASETS, 'diamonds.csv'),
      '--target',
      'price',
      '--model',
      'gbdt',
      '--cv',
      '3',
      '--set',
      'trees=30',
      '--set',
      'monotonic=carat:1',
      '--json',
    );
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({
      task: 'regression',
      model: 'gbdt',
      params: { trees: 30, monotonic: 'carat:1' },
    });
    expect(result.metrics.r2).toBeGreaterThan(0.95);
    expect(result.preprocessing.join(' ')).toContain('Categorical columns: used as they are');
    expect(result.preprocessing.join(' ')).not.toContain('one 0/1 column per category');
  });

  it('lists the models with their hyperparameters', () => {
    const { code, stdout } = keel('train', '--list');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ridge — least squares with an L2 penalty \[regression\]$/m);
    expect(stdout).toMatch(/^ {4}alpha = 1 {3}penalty strength/m);
    const [supervised, unsupervised] = stdout.split(/^Unsupervised models.*$/m);
    for (const name of ['kmeans', 'dbscan', 'pca', 'isolation-forest']) {
      expect(unsupervised).toMatch(new RegExp(`^${name} — .* \\[(clustering|transform|anomaly)\\]$`, 'm'));
      expect(supervised).not.toMatch(new RegExp(`^${name} — `, 'm'));
    }
    expect(unsupervised).toMatch(/^ {4}contamination = "auto" {3}share of rows to flag/m);
    expect(unsupervised).not.toMatch(/^ridge — /m);
  });

  it.each([
    ['no target', ['--model', 'ridge'], /--target COL is required/],
    [
      'an unknown model',
      ['--target', 'target', '--model', 'ridg'],
      /unknown model "ridg"\n {2}hint: the models are: linear, ridge, lasso, elastic-net/,
    ],
    [
      'an unknown parameter',
      ['--target', 'target', '--model', 'ridge', '--set', 'alpah=1'],
      /field "alpah": ridge has no parameter "alpah"/,
    ],
    [
      'a bad parameter value',
      ['--target', 'target', '--model', 'ridge', '--set', 'alpha=-2'],
      /alpha must be ≥ 0, not -2/,
    ],
    [
      'one fold',
      ['--target', 'target', '--model', 'ridge', '--cv', '1'],
      /--cv must be a whole number ≥ 2, not "1"/,
    ],
    [
      'a target for a clustering model',
      ['--model', 'kmeans', '--target', 'target'],
      /field "target": --target is for supervised models, and kmeans is unsupervised \(clustering\)\n {2}hint: it learns from the rows alone/,
    ],
    [
      'cross-validating PCA',
      ['--model', 'pca', '--cv', '3'],
      /--cv is for supervised models, and pca is unsupervised \(transform\)\n {2}hint: there is no target to score/,
    ],
    [
      'a test file for DBSCAN',
      ['--model', 'dbscan', '--test', 'other.csv'],
      /--test is for supervised models, and dbscan is unsupervised/,
    ],
    [
      'a metric for an isolation forest',
      ['--model', 'isolation-forest', '--metric', 'r2'],
      /--metric is for supervised models, and isolation-forest is unsupervised \(anomaly\)/,
    ],
    [
      'a supervised model without a target, pointing to the unsupervised ones',
      ['--model', 'logistic'],
      /--target COL is required\n {2}hint: logistic learns to predict a column: .*no target \(kmeans, dbscan, pca, isolation-forest\)/,
    ],
    [
      'a regressor on classes',
      ['--target', 'target', '--model', 'ridge', '--kind', 'target=categorical'],
      /ridge does regression, but "target" makes this/,
    ],
  ])('refuses %s with a clear message', (_what, args, pattern) => {
    const { code, stdout, stderr } = keel('train', join(DATASETS, 'iris.csv'), ...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(pattern);
  });
});

/** What the library gives for `keel train FILE --model NAME` with defaults: the fitted pipeline and the rows its model saw. */
async function libraryFit<M>(file: string, name: string, model: Estimator) {
  const frame = await readTable(file);
  const prep = defaultPreprocessing(frame, catalogEntry(name));
  const fitted = pipeline([prep.transformer], model).fit(frame) as PipelineModel;
  const prepared: Matrix = fitted.prepare(frame).toMatrix(fitted.model.inputNames);
  return { frame, fitted: fitted.model as M, prepared };
}

function trainJson(...args: string[]) {
  const { code, stdout, stderr } = keel('train', ...args, '--json');
  expect(stderr).not.toMatch(/keel:/);
  expect(code).toBe(0);
  return JSON.parse(stdout);
}

describe('keel train without a target', () => {
  const iris = join(EXAMPLES, 'iris.csv');

  it('clusters iris with k-means on the standardised columns, as the library does', async () => {
    const result = trainJson(iris, '--model', 'kmeans', '--set', 'k=3');
    const { fitted, prepared } = await libraryFit<KmeansModel>(iris, 'kmeans', kmeans({ k: 3, seed: 0 }));
    // Every column standardised: the total squared deviation is rows × columns, inertia a share of it.
    expect(prepared.cols).toBe(5);
    expect(result.metrics.inertia).toBeLessThan(0.25 * 150 * 5);
    expect(result.metrics.inertia).toBeCloseTo(fitted.inertia, 9);
    const labels = fitted.predict(prepared);
    const sizes = [0, 1, 2].map((c) => labels.filter((l) => l === c).length);
    expect(result.clusters).toEqual(sizes.map((size, cluster) => ({ cluster, size })));
    expect(result.metrics.silhouette).toBeCloseTo(silhouetteScore(prepared, labels), 12);
    expect(result).toMatchObject({ task: 'clustering', model: 'kmeans', rows: 150, silhouetteRows: 150 });
    expect(result.params).toEqual({ k: 3, nInit: 1, maxIter: 300, tol: 1e-4, seed: 0 });
    expect(typeof result.fitSeconds).toBe('number');
  });

  it('leaves out the columns given to --drop (the label, when clustering iris)', () => {
    const all = trainJson(iris, '--model', 'kmeans', '--set', 'k=3');
    const features = trainJson(iris, '--model', 'kmeans', '--set', 'k=3', '--drop', 'target');
    expect(all.columns).toBe(5);
    expect(features.columns).toBe(4);
    expect(features.metrics.inertia).not.toBeCloseTo(all.metrics.inertia, 3);
    const two = trainJson(iris, '--model', 'pca', '--drop', 'target,petal width (cm)');
    expect(two.columns).toBe(3);
    const { code, stderr } = keel('train', iris, '--model', 'kmeans', '--drop', 'targte');
    expect(code).toBe(2);
    expect(stderr).toMatch(/targte/);
    expect(stderr).toMatch(/"target"/);
  });

  it('passes --seed to the model unless --set seed says otherwise', async () => {
    const seeded = trainJson(iris, '--model', 'kmeans', '--set', 'k=4', '--seed', '5');
    const { fitted } = await libraryFit<KmeansModel>(iris, 'kmeans', kmeans({ k: 4, seed: 5 }));
    expect(seeded.params.seed).toBe(5);
    expect(seeded.metrics.inertia).toBeCloseTo(fitted.inertia, 9);
    const explicit = trainJson(iris, '--model', 'kmeans', '--set', 'k=4', '--set', 'seed=2', '--seed', '5');
    expect(explicit.params.seed).toBe(2);
  });

  it('reports explained variance per component that sums to at most 1, as the library PCA', async () => {
    const result = trainJson(iris, '--model', 'pca');
    const { fitted } = await libraryFit<PcaModel>(iris, 'pca', pca());
    const expected = fitted.explainedVarianceRatio;
    expect(result.components).toHaveLength(5);
    let cumulative = 0;
    result.components.forEach((c: { component: string; ratio: number; cumulative: number }, k: number) => {
      cumulative += c.ratio;
      expect(c.component).toBe(`pc${k + 1}`);
      expect(c.ratio).toBeCloseTo(expected[k]!, 12);
      expect(c.cumulative).toBeCloseTo(cumulative, 12);
      if (k > 0) expect(c.ratio).toBeLessThanOrEqual(result.components[k - 1].ratio);
    });
    expect(cumulative).toBeLessThanOrEqual(1 + 1e-12);
    expect(result.metrics.explained_variance_ratio).toBeCloseTo(1, 12);
    // Standardised iris: the first component carries about three quarters of the variance.
    expect(result.components[0].ratio).toBeGreaterThan(0.7);

    const two = trainJson(iris, '--model', 'pca', '--set', 'components=2');
    expect(two.metrics.explained_variance_ratio).toBeCloseTo(expected[0]! + expected[1]!, 12);
  });

  it('reports DBSCAN clusters, noise and the silhouette of the clustered rows', async () => {
    const wine = join(EXAMPLES, 'wine.csv');
    const result = trainJson(wine, '--model', 'dbscan', '--set', 'eps=2.3', '--set', 'minSamples=5');
    const { fitted, prepared } = await libraryFit<DbscanModel>(
      wine,
      'dbscan',
      dbscan({ eps: 2.3, minSamples: 5 }),
    );
    const labels = fitted.labels;
    const noise = labels.filter((l) => l === -1).length;
    const clusters = Math.max(...labels) + 1;
    expect(clusters).toBeGreaterThanOrEqual(2);
    expect(result.metrics.clusters).toBe(clusters);
    expect(result.noise).toBe(noise);
    expect(result.metrics.noise_share).toBeCloseTo(noise / 178, 12);
    const kept = [...labels.keys()].filter((i) => labels[i]! >= 0);
    const points = {
      data: Float64Array.from(
        kept.flatMap((i) => [...prepared.data.subarray(i * prepared.cols, (i + 1) * prepared.cols)]),
      ),
      rows: kept.length,
      cols: prepared.cols,
    };
    const silhouette = silhouetteScore(
      points,
      kept.map((i) => labels[i]!),
    );
    expect(result.metrics.silhouette).toBeCloseTo(silhouette, 12);
    expect(result.silhouetteRows).toBe(178 - noise);
  });

  it('leaves the silhouette out, and says why, when DBSCAN finds one cluster', () => {
    const { code, stdout } = keel('train', iris, '--model', 'dbscan', '--set', 'eps=5');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^1 clusters; 0 noise rows/m);
    expect(stdout).toMatch(/The silhouette needs at least 2 clusters.*there is 1\./);
  });

  it('flags the contamination share and names the most anomalous rows by their line in the file', async () => {
    const file = join(EXAMPLES, 'breast_cancer.csv');
    const result = trainJson(file, '--model', 'isolation-forest', '--set', 'contamination=0.1');
    const { frame, fitted, prepared } = await libraryFit<IsolationForestModel>(
      file,
      'isolation-forest',
      isolationForest({ contamination: 0.1, seed: 0 }),
    );
    expect(result.flagged).toBe(57); // as scikit-learn: 57 of 569 rows lie below the 10th percentile
    expect(result.metrics.flagged_share).toBeCloseTo(57 / 569, 12);
    expect(result.threshold).toBeCloseTo(-fitted.offset, 12);
    const scores = fitted.scoreSamples(prepared);
    const lines = readFileSync(file, 'utf8').split('\n');
    const firstColumn = (frame as Frame).column(frame.names[0]!);
    expect(result.mostAnomalous).toHaveLength(10);
    result.mostAnomalous.forEach((top: { row: number; line: number; anomalyScore: number }, k: number) => {
      expect(top.line).toBe(top.row + 1); // one header line
      expect(top.anomalyScore).toBeCloseTo(-scores[top.row - 1]!, 12);
      if (k > 0) expect(top.anomalyScore).toBeLessThanOrEqual(result.mostAnomalous[k - 1].anomalyScore);
      // The reported line of the file holds the reported row.
      const value = Number(lines[top.line - 1]!.split(',')[0]);
      expect(firstColumn.storage === 'number' && firstColumn.values[top.row - 1]).toBe(value);
    });
    const highest = Math.max(...scores.map((s) => -s));
    expect(result.mostAnomalous[0].anomalyScore).toBe(highest);
  });

  it('prints the flagged share and the most anomalous lines as text', () => {
    const { code, stdout } = keel(
      'train',
      join(EXAMPLES, 'breast_cancer.csv'),
      '--model',
      'isolation-forest',
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^\d+ of 569 rows \(\d+\.\d%\) flagged as anomalies: anomaly score above 0\.5000\.$/m,
    );
    expect(stdout).toMatch(/^line +score$/m);
    expect(stdout.match(/^\d+ +0\.\d{4}$/gm)).toHaveLength(10);
  });
});
