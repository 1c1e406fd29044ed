import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATASETS } from '../helpers.js';

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
      join(SHARED_DATASETS, 'diabetes.csv'),
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
    const file = join(SHARED_DATASETS, 'breast_cancer.csv');
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
          join(SHARED_DATASETS, 'diabetes.csv'),
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
    const file = join(SHARED_DATASETS, 'boston_housing.csv');
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
      join(SHARED_DATASETS, 'iris.csv'),
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
        join(SHARED_DATASETS, 'wine.csv'),
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
      join(SHARED_DATASETS, 'iris.csv'),
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
      join(SHARED_DATASETS, 'diabetes.csv'),
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

  it('lists the models with their hyperparameters', () => {
    const { code, stdout } = keel('train', '--list');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ridge — least squares with an L2 penalty \[regression\]$/m);
    expect(stdout).toMatch(/^ {4}alpha = 1 {3}penalty strength/m);
  });

  it.each([
    ['no target', ['--model', 'ridge'], /--target is required/],
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
      'a regressor on classes',
      ['--target', 'target', '--model', 'ridge', '--kind', 'target=categorical'],
      /ridge does regression, but "target" makes this/,
    ],
  ])('refuses %s with a clear message', (_what, args, pattern) => {
    const { code, stdout, stderr } = keel('train', join(SHARED_DATASETS, 'iris.csv'), ...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(pattern);
  });
});
