import { describe, expect, it } from 'vitest';
import { Frame } from '../../src/data/frame.js';
import { loadModel, saveModel } from '../../src/estimator/persist.js';
import '../../src/serve/loaders.js';
import { ridge } from '../../src/models/linear/ridge.js';
import { recoded, refuseModel } from './crafted.js';

const frame = new Frame([
  { storage: 'number', name: 'a', kind: 'numeric', values: Float64Array.of(1, 2, 3, 4) },
  { storage: 'number', name: 'b', kind: 'numeric', values: Float64Array.of(0, 1, 0, 1) },
]);
const target = { name: 'y', task: 'regression' as const, values: Float64Array.of(1, 3, 3, 5), classes: [] };

describe('a crafted artifact is refused, naming the field', () => {
  const good = saveModel(ridge().fit(frame, target));

  it('loads the untouched ridge', () => {
    expect([...loadModel(good).predict(frame)].every(Number.isFinite)).toBe(true);
  });

  it('refuses a ridge with text for its input names, one coefficient for two inputs, text for its intercept', () => {
    const crafted = recoded(good, (a) => ({
      ...a,
      meta: { ...a.meta, inputNames: 'ab', intercept: 'x' },
      arrays: { coef: Float64Array.of(1) },
    }));
    const error = refuseModel(crafted);
    expect(error.message).toContain('meta.inputNames');
    expect(error.location).toMatchObject({ source: 'crafted.keel', field: 'meta.inputNames' });
  });

  it('refuses a ridge whose coefficients do not match its inputs', () => {
    const crafted = recoded(good, (a) => ({ ...a, arrays: { ...a.arrays, coef: Float64Array.of(1) } }));
    expect(refuseModel(crafted).message).toMatch(/arrays\.coef.* 1 values, expected 2/);
  });

  it('refuses a ridge whose intercept is not a finite number', () => {
    const crafted = recoded(good, (a) => ({ ...a, meta: { ...a.meta, intercept: 'x' } }));
    expect(refuseModel(crafted).message).toMatch(/meta\.intercept.*finite number/);
  });

  it('refuses parameters outside their declared range, or unknown to the kind', () => {
    const negative = recoded(good, (a) => ({
      ...a,
      meta: { ...a.meta, params: { alpha: -1, fitIntercept: true } },
    }));
    expect(refuseModel(negative).message).toMatch(/meta\.params\.alpha.*≥ 0/);
    const unknown = recoded(good, (a) => ({
      ...a,
      meta: { ...a.meta, params: { alpha: 1, fitIntercept: true, evil: 1 } },
    }));
    expect(refuseModel(unknown).message).toContain('meta.params.evil');
  });

  it('refuses coefficients stored as another number type', () => {
    const crafted = recoded(good, (a) => ({ ...a, arrays: { coef: Float32Array.of(1, 2) } }));
    expect(refuseModel(crafted).message).toMatch(/arrays\.coef.*f64/);
  });
});
