import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { Frame } from '../../src/data/frame.js';
import { automlReport } from '../../src/explain/automl-report.js';
import { automl } from '../../src/tune/automl/index.js';

describe('the AutoML report', () => {
  it('draws partial dependence over the whole range for a column whose 5th and 95th percentiles coincide', async () => {
    // Like spam's word frequencies: zero in 19 rows of 20, and what decides the class when it is not.
    const rng = new Rng(4);
    const n = 600;
    const word = Float64Array.from({ length: n }, () => (rng.next() < 0.05 ? 0.5 + rng.next() : 0));
    const noise = Float64Array.from({ length: n }, () => rng.normal());
    const spam = Float64Array.from(word, (w, i) => (w > 0 || noise[i]! > 1.5 ? 1 : 0));
    const frame = new Frame([
      { storage: 'number', name: 'word_free', kind: 'numeric', values: word },
      { storage: 'number', name: 'noise', kind: 'numeric', values: noise },
      { storage: 'number', name: 'spam', kind: 'integer', values: spam },
    ]);
    const result = await automl(frame, {
      target: 'spam',
      maxTrials: 2,
      threads: 1,
      algorithms: ['logistic'],
    });
    const report = automlReport({
      result,
      frame,
      source: 'synthetic',
      sensitive: [],
      budgetSeconds: 10,
      seed: 0,
      keelVersion: 'test',
      explainSeconds: 2,
    });
    const pdp = report.pdp!.features.find((f) => f.column === 'word_free')!;
    expect(pdp.kind).toBe('numeric');
    expect(pdp.grid[0]).toBe(0);
    expect(pdp.grid[pdp.grid.length - 1]).toBeCloseTo(Math.max(...word), 12);
    expect(report.pdp!.features.map((f) => f.column)).toContain('noise');
  });
});
