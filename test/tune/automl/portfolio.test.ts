import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { Rng } from '../../../src/core/random.js';
import type { SupervisedTask } from '../../../src/estimator/contract.js';
import { catalogEntry } from '../../../src/models/catalog.js';
import { DEFAULT_ALGORITHMS, portfolio } from '../../../src/tune/automl/portfolio.js';
import { samplePrior, searchableAlgorithms, searchSpace } from '../../../src/tune/automl/search-space.js';

const TASKS: readonly SupervisedTask[] = ['binary', 'multiclass', 'regression'];

describe('portfolio', () => {
  it("tries every algorithm's defaults first, cheapest first, then the variants", () => {
    const entries = portfolio(DEFAULT_ALGORITHMS.binary, 768);
    const defaults = entries.slice(0, DEFAULT_ALGORITHMS.binary.length);
    expect(defaults.every((e) => Object.keys(e.params).length === 0)).toBe(true);
    expect(new Set(defaults.map((e) => e.algorithm))).toEqual(new Set(DEFAULT_ALGORITHMS.binary));
    expect(defaults.map((e) => e.algorithm).slice(0, 2)).toEqual(['naive-bayes', 'logistic']);
    const variants = entries.slice(defaults.length);
    expect(variants.length).toBeGreaterThanOrEqual(4);
    expect(variants[0]!.algorithm).toBe('gbdt');
  });

  it('puts boosting and its variants before the costly defaults on large tables, and keeps only the algorithms asked for', () => {
    const large = portfolio(DEFAULT_ALGORITHMS.regression, 50_000).map((e) => e.algorithm);
    expect(large.slice(0, 5)).toEqual(['ridge', 'gbdt', 'gbdt', 'gbdt', 'gbdt']);
    expect(large.indexOf('knn')).toBeGreaterThan(large.indexOf('random-forest'));
    expect(large.indexOf('mlp')).toBeGreaterThan(large.indexOf('extra-trees'));
    expect(portfolio(['ridge', 'tree'], 100).map((e) => e.algorithm)).toEqual(['ridge', 'tree', 'ridge']);
  });
});

describe('search spaces', () => {
  it('gives every default algorithm of every task a space whose defaults and samples its estimator accepts', () => {
    const rng = new Rng(1);
    for (const task of TASKS) {
      for (const algorithm of searchableAlgorithms()) {
        if (!catalogEntry(algorithm).tasks.includes(task)) continue;
        const space = searchSpace(algorithm, { task, trainRows: 400, seed: 3 });
        const make = (params: object) => catalogEntry(algorithm).make({ ...params }, task);
        expect(() => make({ ...space.fixed, ...space.defaults })).not.toThrow();
        for (let i = 0; i < 30; i++) expect(() => make(samplePrior(space, rng))).not.toThrow();
        for (const entry of portfolio([algorithm], 400)) {
          expect(() => make({ ...space.fixed, ...space.defaults, ...entry.params })).not.toThrow();
        }
      }
    }
  });

  it('keeps sampled values within range, integers whole and floats short', () => {
    const space = searchSpace('gbdt', { task: 'binary', trainRows: 600, seed: 0 });
    const rng = new Rng(2);
    for (let i = 0; i < 200; i++) {
      const params = samplePrior(space, rng);
      expect(params['seed']).toBe(0);
      const rate = params['learningRate'] as number;
      expect(rate).toBeGreaterThanOrEqual(0.01);
      expect(rate).toBeLessThanOrEqual(0.3);
      expect(
        String(rate)
          .replace(/^0\.0*/, '')
          .replace('.', '').length,
      ).toBeLessThanOrEqual(3);
      expect(Number.isInteger(params['maxLeaves'])).toBe(true);
      expect(params['minSamplesLeaf'] as number).toBeLessThanOrEqual(30);
    }
  });

  it('refuses an algorithm that cannot do the task, naming those that can', () => {
    const refusal = (() => {
      try {
        searchSpace('logistic', { task: 'regression', trainRows: 100, seed: 0 });
      } catch (error) {
        return error as UsageError;
      }
    })();
    expect(refusal).toBeInstanceOf(UsageError);
    expect(refusal?.hint).toMatch(/ridge/);
    expect(() => searchSpace('kmeans', { task: 'binary', trainRows: 100, seed: 0 })).toThrow(/cannot use/);
  });
});
