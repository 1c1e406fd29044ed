import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/read.js';
import { linearRegression, ridge } from '../../src/models/linear/ridge.js';
import { targetFromFrame } from '../../src/models/target.js';
import { DATASETS } from '../helpers.js';
import { conformanceSuite } from './conformance.js';

interface LinearCase {
  name: string;
  coef: number[];
  intercept: number;
  predictions: number[];
  file?: string;
  target?: string;
  columns?: string[];
  X?: number[][];
  y?: number[];
  weight?: number[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/models/linear.json', import.meta.url), 'utf8'),
) as {
  cases: LinearCase[];
};

conformanceSuite({ name: 'linear', make: () => linearRegression(), task: 'regression' });
conformanceSuite({ name: 'ridge', make: () => ridge({ alpha: 0.5 }), task: 'regression' });

function estimatorFor(name: string) {
  if (name.endsWith(':linear')) return linearRegression();
  if (name.endsWith(':ridge')) return ridge({ alpha: 1 });
  return ridge({ alpha: 10, fitIntercept: false });
}

/** Relative difference, with an absolute floor for values near zero. */
function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]!));
    expect(Math.abs(actual[i]! - expected[i]!) / scale).toBeLessThan(tolerance);
  }
}

describe('least squares against scikit-learn', () => {
  for (const c of fixture.cases.filter((c) => c.file !== undefined)) {
    it(`matches ${c.name}: coefficients, intercept and predictions to 1e-8`, async () => {
      const frame = await readTable(join(DATASETS, c.file!));
      const y = targetFromFrame(frame, c.target!, 'regression');
      const X = frame.toMatrix(c.columns!);
      const model = estimatorFor(c.name).fit(X, y);
      close(model.coef, c.coef, 1e-8);
      close([model.intercept], [c.intercept], 1e-8);
      close(model.predict(X), c.predictions, 1e-8);
    });
  }

  it('returns the minimum-norm solution for collinear, weighted data', () => {
    const c = fixture.cases.find((c) => c.name.startsWith('collinear'))!;
    const rows = c.X!.length;
    const cols = c.X![0]!.length;
    const X = { data: Float64Array.from(c.X!.flat()), rows, cols, columnNames: ['a', 'b', 'c', 'a2'] };
    const y = { name: 'y', task: 'regression' as const, values: Float64Array.from(c.y!), classes: [] };
    const model = linearRegression().fit(X, y, { sampleWeight: Float64Array.from(c.weight!) });
    close(model.coef, c.coef, 1e-7);
    close(model.predict(X), c.predictions, 1e-8);
  });

  it('refuses a negative alpha and unknown parameters', () => {
    expect(() => ridge({ alpha: -1 })).toThrow(/alpha must be ≥ 0/);
    expect(() => ridge({ alhpa: 1 } as never)).toThrow(/ridge has no parameter "alhpa"/);
  });
});
