import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/random.js';
import type { SearchSpace } from '../../../src/tune/automl/search-space.js';
import { samplePrior } from '../../../src/tune/automl/search-space.js';
import { chooseAlgorithm, type Observation, proposeTpe, splitByLoss } from '../../../src/tune/automl/tpe.js';

const line: SearchSpace = {
  algorithm: 'toy',
  dimensions: { x: { type: 'float', low: 0, high: 1 } },
  fixed: {},
  defaults: {},
};

/** A bowl with its bottom at 0.3. */
const bowl = (x: number) => (x - 0.3) ** 2;

function search(propose: (observations: Observation[], rng: Rng) => number, trials: number): number[] {
  const rng = new Rng(7);
  const observations: Observation[] = [];
  for (let t = 0; t < trials; t++) {
    const x = propose(observations, rng);
    observations.push({ params: { x }, loss: bowl(x) });
  }
  return observations.map((o) => o.params['x'] as number);
}

const tpe = (observations: Observation[], rng: Rng) => proposeTpe(line, observations, rng)['x'] as number;
const random = (_: Observation[], rng: Rng) => samplePrior(line, rng)['x'] as number;
const nearOptimum = (xs: number[]) => xs.filter((x) => Math.abs(x - 0.3) < 0.1).length / xs.length;

describe('TPE', () => {
  it('concentrates its samples near the optimum of a 1-D function', () => {
    const late = search(tpe, 60).slice(30);
    const randomLate = search(random, 60).slice(30);
    // Uniform sampling puts a fifth of the samples within 0.1 of the optimum; TPE should do far better.
    expect(nearOptimum(late)).toBeGreaterThan(0.6);
    expect(nearOptimum(late)).toBeGreaterThan(2 * nearOptimum(randomLate));
    const median = [...late].sort((a, b) => a - b)[15]!;
    expect(Math.abs(median - 0.3)).toBeLessThan(0.05);
  });

  it('finds the optimum of a log-scale parameter', () => {
    const space: SearchSpace = {
      algorithm: 'toy',
      dimensions: { alpha: { type: 'float', low: 1e-4, high: 1e2, log: true } },
      fixed: { kept: 1 },
      defaults: {},
    };
    const rng = new Rng(3);
    const observations: Observation[] = [];
    for (let t = 0; t < 50; t++) {
      const params = proposeTpe(space, observations, rng);
      expect(params['kept']).toBe(1);
      observations.push({ params, loss: Math.abs(Math.log10(params['alpha'] as number) + 2) });
    }
    const best = observations.reduce((a, b) => (b.loss < a.loss ? b : a));
    expect(Math.abs(Math.log10(best.params['alpha'] as number) + 2)).toBeLessThan(0.15);
  });

  it('prefers the categorical choice that scored best', () => {
    const space: SearchSpace = {
      algorithm: 'toy',
      dimensions: { kind: { type: 'categorical', choices: ['a', 'b', 'c'] } },
      fixed: {},
      defaults: {},
    };
    const observations: Observation[] = ['a', 'b', 'c', 'a', 'b', 'c', 'b', 'b'].map((kind, i) => ({
      params: { kind },
      loss: kind === 'b' ? i * 0.01 : 1 + i,
    }));
    const rng = new Rng(11);
    const picks = Array.from({ length: 40 }, () => proposeTpe(space, observations, rng)['kind']);
    expect(picks.filter((k) => k === 'b').length).toBeGreaterThan(30);
  });

  it('gives the same proposals for the same seed and observations', () => {
    expect(search(tpe, 25)).toEqual(search(tpe, 25));
  });

  it('counts failures as bad and keeps equal losses in observation order', () => {
    const observations: Observation[] = [
      { params: { x: 0.1 }, loss: Number.POSITIVE_INFINITY },
      { params: { x: 0.2 }, loss: 1 },
      { params: { x: 0.3 }, loss: 1 },
      { params: { x: 0.4 }, loss: 2 },
    ];
    const { good, bad } = splitByLoss(observations, 0.5);
    expect(good.map((o) => o.params['x'])).toEqual([0.2, 0.3]);
    expect(bad.map((o) => o.params['x'])).toEqual([0.4, 0.1]);
  });
});

describe('chooseAlgorithm', () => {
  const records = [
    { algorithm: 'gbdt', bestLoss: 0.1, succeeded: 3, failed: 0 },
    { algorithm: 'knn', bestLoss: 0.5, succeeded: 2, failed: 0 },
    { algorithm: 'mlp', bestLoss: Number.POSITIVE_INFINITY, succeeded: 0, failed: 2 },
  ];

  it('picks the best algorithm most often, still explores the others, and skips one that only failed', () => {
    const rng = new Rng(5);
    const picks = Array.from({ length: 1000 }, () => chooseAlgorithm(records, rng));
    const share = (name: string) => picks.filter((p) => p === name).length / picks.length;
    expect(share('gbdt')).toBeGreaterThan(0.75);
    expect(share('knn')).toBeGreaterThan(0.05);
    expect(share('mlp')).toBe(0);
  });

  it('returns undefined when every algorithm has only failed', () => {
    expect(chooseAlgorithm([records[2]!], new Rng(0))).toBeUndefined();
  });
});
