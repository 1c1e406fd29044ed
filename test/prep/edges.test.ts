import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeArtifact, encodeArtifact } from '../../src/core/artifact.js';
import { DataError } from '../../src/core/errors.js';
import { categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import type { Transformer } from '../../src/estimator/contract.js';
import { loadTransformer, saveModel } from '../../src/estimator/persist.js';
import { type FittedImputer, simpleImputer } from '../../src/prep/impute.js';
import { oneHotEncoder } from '../../src/prep/one-hot.js';
import { ordinalEncoder } from '../../src/prep/ordinal.js';
import { powerTransformer } from '../../src/prep/power.js';
import { quantileTransformer } from '../../src/prep/quantile.js';
import { minMaxScaler, robustScaler, standardScaler } from '../../src/prep/scale.js';

/** Numbers at the edges (issue 24): a transformer never turns an edge into a confident wrong column. */

function numbers(values: readonly number[], name = 'x'): Frame {
  return new Frame(
    [{ storage: 'number', name, kind: 'numeric', values: Float64Array.from(values) }],
    'edges.csv',
  );
}

/** Fits on the values and transforms them, checking that the saved and loaded transformer agrees. */
function fitTransform(transformer: Transformer, values: readonly number[]): number[] {
  const frame = numbers(values);
  const fitted = transformer.fit(frame);
  const out = valuesOf(fitted.transform(frame));
  expect(valuesOf(loadTransformer(saveModel(fitted)).transform(frame))).toEqual(out);
  return out;
}

function valuesOf(frame: Frame, name = 'x'): number[] {
  const column = frame.column(name);
  if (column.storage !== 'number') throw new Error(`${name} is not numeric`);
  return Array.from(column.values);
}

const tenth = (n: number) => Array<number>(n).fill(0.1);

describe('scaling a constant or nearly constant column', () => {
  it('standard scaling maps a constant column to 0s even when its mean is inexact (scikit-learn)', () => {
    for (let n = 2; n <= 40; n++) expect(fitTransform(standardScaler(), tenth(n))).toEqual(Array(n).fill(0));
    expect(fitTransform(standardScaler(), [0.1, 0.1, 0.1, 7])).not.toContain(Number.NaN);
    const weighted = standardScaler().fit(numbers([0.1, 0.1, 0.1, 5]), undefined, {
      sampleWeight: Float64Array.of(1, 1, 1, 0),
    });
    expect(Array.from(weighted.centre)).toEqual([0.1]);
    expect(Array.from(weighted.scale)).toEqual([1]);
  });

  it('min-max and robust scaling leave a range of rounding noise unstretched', () => {
    expect(fitTransform(minMaxScaler(), [0, 1e-16, 2e-16])).toEqual([0, 1e-16, 2e-16]);
    expect(fitTransform(robustScaler(), [0, 1e-16, 2e-16])).toEqual([-1e-16, 0, 1e-16]);
    // Relative to the magnitude too: two doubles a few ulps apart around 1e6.
    const ulp = 2 ** -33; // the spacing of doubles near 1e6
    const [low, high] = fitTransform(minMaxScaler(), [1e6, 1e6 + 4 * ulp]);
    expect([low, high]).toEqual([0, 4 * ulp]);
    // A small range that is not noise is still scaled.
    expect(fitTransform(minMaxScaler(), [0, 1e-10, 2e-10])).toEqual([0, 0.5, 1]);
  });
});

describe('scaling when the variance overflows', () => {
  it('uses the true standard deviation of [1e300, −1e300, 0], not scale 1', () => {
    const fitted = standardScaler().fit(numbers([1e300, -1e300, 0]));
    expect(fitted.scale[0]).toBeCloseTo(Math.sqrt(2 / 3) * 1e300, -288);
    const out = fitTransform(standardScaler(), [1e300, -1e300, 0]);
    out.forEach((v, i) => {
      expect(v).toBeCloseTo([Math.sqrt(1.5), -Math.sqrt(1.5), 0][i]!, 12);
    });
    const wide = fitTransform(standardScaler(), [1.7e308, -1.7e308, -1.7e308]);
    expect(wide.every(Number.isFinite)).toBe(true);
    expect(wide[0]).toBeCloseTo(Math.SQRT2, 12);
    // Squares that underflow: [0, 1e-300] has standard deviation 5e-301, not 0.
    expect(fitTransform(standardScaler(), [0, 1e-300])).toEqual([-1, 1]);
  });

  it('refuses a range beyond the largest double, and a value that scales beyond it, naming the column', () => {
    expect(() => minMaxScaler().fit(numbers([1.7e308, -1.7e308]))).toThrow(DataError);
    expect(() => minMaxScaler().fit(numbers([1.7e308, -1.7e308]))).toThrow(
      /column "x" spans -1\.7e\+308 to 1\.7e\+308/,
    );
    const fitted = standardScaler().fit(numbers([0, 1e-300]));
    expect(() => fitted.transform(numbers([0, 1e10]))).toThrow(/row 2 has 10000000000 in column "x"/);
    expect(() => standardScaler().fit(numbers([1, Number.POSITIVE_INFINITY]))).toThrow(
      /row 2 of column "x" is Infinity/,
    );
  });
});

describe('quantile transform (uniform output) near the ends', () => {
  it('snaps only the ends themselves, not values within 1e-7 of them (scikit-learn)', () => {
    expect(fitTransform(quantileTransformer(), [0, 1e-8, 2e-8])).toEqual([0, 0.5, 1]);
    const [, , , last] = fitTransform(quantileTransformer(), [0, 0.5, 1, 0.99999995]);
    expect(last).toBeCloseTo(2 / 3, 6);
    // Beyond the training range still lands on the ends.
    const fitted = quantileTransformer().fit(numbers([0, 1e-8, 2e-8]));
    expect(valuesOf(fitted.transform(numbers([-1, 3e-8])))).toEqual([0, 1]);
  });
});

describe('Yeo–Johnson at the edges', () => {
  it('leaves a constant column with λ = 1 and finite output, standardised to 0s', () => {
    for (const n of [3, 100, 1500]) {
      const column = Array<number>(n).fill(7);
      const fitted = powerTransformer({ standardize: false }).fit(numbers(column));
      expect(fitted.lambdas[0]).toBe(1);
      expect(fitTransform(powerTransformer({ standardize: false }), column)).toEqual(column);
      expect(fitTransform(powerTransformer(), column)).toEqual(Array(n).fill(0));
    }
    expect(fitTransform(powerTransformer(), tenth(12))).toEqual(Array(12).fill(0));
  });

  it('fits a column holding 1e300 without turning its ordinary values to NaN', () => {
    for (const standardize of [true, false]) {
      const out = fitTransform(powerTransformer({ standardize }), [1e300, 1, 2]);
      expect(out.every(Number.isFinite), `standardize ${standardize}: ${out}`).toBe(true);
      expect(out[1]).toBeLessThan(out[2]!);
    }
    const both = fitTransform(powerTransformer(), [1e300, -1e300, 1, 2]);
    expect(both.every(Number.isFinite)).toBe(true);
  });

  it('refuses a value that overflows the fitted transform, naming the column, row and value', () => {
    const fitted = powerTransformer().fit(numbers([1, 8, 9, 10]));
    expect(fitted.lambdas[0]).toBeGreaterThan(1);
    const act = () => fitted.transform(numbers([5, 1e300]));
    expect(act).toThrow(DataError);
    expect(act).toThrow(/row 2 has 1e\+300 in column "x"/);
  });
});

describe('imputing a column with no value in training', () => {
  const train = new Frame(
    [
      {
        storage: 'number',
        name: 'empty',
        kind: 'numeric',
        values: Float64Array.of(Number.NaN, Number.NaN, Number.NaN),
      },
      { storage: 'number', name: 'x', kind: 'numeric', values: Float64Array.of(1, Number.NaN, 3) },
      {
        storage: 'categorical',
        name: 'none',
        kind: 'categorical',
        codes: Int32Array.of(-1, -1, -1),
        levels: [],
      },
    ],
    'edges.csv',
  );

  it('drops it for mean, median and most_frequent (scikit-learn), and says so in the fitted model', () => {
    for (const strategy of ['mean', 'median'] as const) {
      const fitted = simpleImputer({ strategy }).fit(train.select(['empty', 'x']));
      expect(fitted.outputNames).toEqual(['x']);
      expect(fitted.dropped).toEqual(['empty']);
      expect(fitted.notes).toEqual([
        `"empty" had no value in the training rows, so the ${strategy} imputer leaves it out.`,
      ]);
      const out = fitted.transform(train.select(['empty', 'x']));
      expect(out.names).toEqual(['x']);
      expect(valuesOf(out)).toEqual([1, 2, 3]);
    }
    // A categorical column used to be filled with an empty label.
    const categories = simpleImputer({ strategy: 'most_frequent' }).fit(train);
    expect(categories.outputNames).toEqual(['x']);
    expect(categories.dropped).toEqual(['empty', 'none']);
  });

  it('keeps its missing-value indicator, and the constant strategy fills it', () => {
    const indicated = simpleImputer({ strategy: 'median', addIndicator: true }).fit(
      train.select(['empty', 'x']),
    );
    expect(indicated.outputNames).toEqual(['x', 'empty__missing', 'x__missing']);
    expect(indicated.notes[0]).toMatch(/its missing-value indicator stays/);
    const constant = simpleImputer({ strategy: 'constant', fillValue: -1 }).fit(train.select(['empty', 'x']));
    expect(constant.outputNames).toEqual(['empty', 'x']);
    expect(valuesOf(constant.transform(train.select(['empty', 'x'])), 'empty')).toEqual([-1, -1, -1]);
  });

  it('saves as layout 2 only when it drops a column, and still loads layout 1 as before', () => {
    const numeric = train.select(['empty', 'x']);
    const dropping = simpleImputer().fit(numeric);
    expect(dropping.toArtifact().version).toBe(2);
    const reloaded = loadTransformer(saveModel(dropping)) as FittedImputer;
    expect(reloaded.dropped).toEqual(['empty']);
    expect(reloaded.transform(numeric).names).toEqual(['x']);
    const ordinary = simpleImputer().fit(train.select(['x']));
    expect(ordinary.toArtifact()).toMatchObject({ version: 1 });
    expect(Object.keys(ordinary.toArtifact().meta)).toEqual(['params', 'inputNames', 'fills', 'indicated']);
    // An imputer saved before this change, with a NaN fill (null in JSON), leaves the column missing.
    const old = encodeArtifact({
      kind: 'imputer',
      version: 1,
      meta: { params: dropping.params, inputNames: ['empty', 'x'], fills: [null, 2], indicated: [] },
      arrays: {},
    });
    const loaded = loadTransformer(old);
    expect(loaded.outputNames).toEqual(['empty', 'x']);
    expect(valuesOf(loaded.transform(numeric), 'empty').every(Number.isNaN)).toBe(true);
    // The two layouts are told apart by the field, in both directions.
    const v2 = decodeArtifact(saveModel(dropping));
    const withoutField = { ...v2, meta: { ...(v2.meta as object), dropped: undefined } };
    expect(() => loadTransformer(encodeArtifact(JSON.parse(JSON.stringify(withoutField))))).toThrow(
      /"meta.dropped" is missing/,
    );
    expect(() => loadTransformer(encodeArtifact({ ...v2, version: 1 }))).toThrow(
      /"meta.dropped" is not stored in layout 1/,
    );
    const unknown = { ...v2, meta: { ...(v2.meta as object), dropped: ['nope'] } };
    expect(() => loadTransformer(encodeArtifact(unknown))).toThrow(
      /"meta.dropped\[0\]" is "nope", not an input column/,
    );
  });
});

describe('the order of category levels', () => {
  // U+1F600 is stored as the surrogate pair D83D DE00, which UTF-16 order puts before U+E000.
  const [emoji, privateUse, accented] = ['\u{1F600}', '\uE000', 'é'];
  const labels = [emoji, privateUse, 'b', emoji, accented, 'B', privateUse];
  const frame = new Frame([categoricalFromLabels('c', labels)], 'edges.csv');
  const pythonOrder = ['B', 'b', accented, privateUse, emoji];

  it('is Unicode code point order, as Python sorts them, in one-hot and ordinal encoding', () => {
    const oneHot = oneHotEncoder().fit(frame);
    expect(oneHot.outputNames).toEqual(pythonOrder.map((level) => `c=${level}`));
    const ordinal = ordinalEncoder().fit(frame);
    expect(ordinal.categories).toEqual([pythonOrder]);
    expect(valuesOf(ordinal.transform(frame), 'c')).toEqual([4, 3, 1, 4, 2, 0, 3]);
  });

  it('is code point order for the levels a table is read with, so for class labels too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-levels-'));
    const path = join(dir, 'levels.csv');
    writeFileSync(path, `c,x\n${labels.map((l, i) => `${l},${i}`).join('\n')}\n`);
    const column = (await readTable(path)).column('c');
    rmSync(dir, { recursive: true });
    expect(column.storage === 'categorical' && column.levels).toEqual(pythonOrder);
  });

  it('is the stored order when loading: an encoder saved in UTF-16 order predicts as it did', () => {
    const old = encodeArtifact({
      kind: 'one-hot',
      version: 1,
      meta: {
        params: oneHotEncoder().params,
        inputNames: ['c'],
        categories: [{ kept: ['B', 'b', accented, emoji, privateUse], infrequent: [] }],
      },
      arrays: {},
    });
    const loaded = loadTransformer(old);
    expect(loaded.outputNames).toEqual(['c=B', 'c=b', `c=${accented}`, `c=${emoji}`, `c=${privateUse}`]);
    expect(valuesOf(loaded.transform(frame), `c=${emoji}`)).toEqual([1, 0, 0, 1, 0, 0, 0]);
  });
});
