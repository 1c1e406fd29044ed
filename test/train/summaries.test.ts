import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import type { Matrix } from '../../src/data/frame.js';
import { silhouetteScore } from '../../src/evaluate/clustering.js';
import { isolationForest } from '../../src/models/anomaly/isolation-forest.js';
import { kmeans } from '../../src/models/cluster/kmeans.js';
import { summarise } from '../../src/train/summaries.js';

/** Three overlapping blobs in 2-D: 6000 rows, more than the silhouette's sample. */
function blobs(rows: number): Matrix {
  const rng = new Rng(11);
  const data = new Float64Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    const centre = (i % 3) * 2.5;
    data[2 * i] = centre + rng.normal();
    data[2 * i + 1] = -centre + rng.normal();
  }
  return { data, rows, cols: 2, columnNames: ['a', 'b'] };
}

describe('unsupervised training summaries', () => {
  const X = blobs(6000);
  const model = kmeans({ k: 3 }).fit(X);
  const context = (seed: number) => ({ seed, rowLines: () => undefined });

  it('computes the silhouette on a seeded sample of 5000 rows that stands for all of them', () => {
    const full = silhouetteScore(X, model.predict(X));
    const a = summarise(model, X, context(0));
    const again = summarise(model, X, context(0));
    const other = summarise(model, X, context(1));
    expect(a.details['silhouetteRows']).toBe(5000);
    expect(again.metrics['silhouette']).toBe(a.metrics['silhouette']);
    expect(other.metrics['silhouette']).not.toBe(a.metrics['silhouette']);
    for (const s of [a, other]) expect(Math.abs(s.metrics['silhouette']! - full)).toBeLessThan(0.01);
    expect(a.lines.join('\n')).toContain('on a seeded sample of 5000 of 6000 rows');
  });

  it('numbers rows from 1 when the source has no lines', () => {
    const forest = isolationForest({ trees: 20 }).fit(X);
    const summary = summarise(forest, X, context(0));
    const top = summary.details['mostAnomalous'] as { row: number; line?: number; anomalyScore: number }[];
    const scores = forest.scoreSamples(X);
    expect(top[0]!.line).toBeUndefined();
    expect(top[0]!.anomalyScore).toBe(-Math.min(...scores));
    expect(-scores[top[0]!.row - 1]!).toBe(top[0]!.anomalyScore);
    expect(summary.lines.join('\n')).toMatch(/^row +score$/m);
  });
});
