import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { type Column, categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import {
  type FeatureReference,
  probabilityName,
  referenceProfile,
  storedReference,
} from '../../src/drift/reference.js';

function numbers(
  name: string,
  values: number[],
  kind: 'numeric' | 'integer' | 'boolean' | 'datetime' = 'numeric',
): Column {
  return { storage: 'number', name, kind, values: Float64Array.from(values) };
}

function normals(n: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => rng.normal());
}

function feature(profile: { features: FeatureReference[] }, name: string): FeatureReference {
  const found = profile.features.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no feature ${name}`);
  return found;
}

describe('referenceProfile', () => {
  const n = 3000;
  const values = normals(n, 1);
  values[5] = Number.NaN;
  values[9] = Number.NaN;
  const frame = new Frame([
    numbers('x', values),
    categoricalFromLabels(
      'colour',
      Array.from({ length: n }, (_, i) => (i % 10 === 0 ? null : ['red', 'green', 'blue'][i % 3]!)),
      ['red', 'green', 'blue', 'never'],
    ),
    numbers(
      'flag',
      Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0)),
      'boolean',
    ),
    numbers(
      'few',
      Array.from({ length: n }, (_, i) => (i % 3) * 2),
    ),
    numbers(
      'when',
      Array.from({ length: n }, (_, i) => 1.7e12 + i),
      'datetime',
    ),
    {
      storage: 'string',
      name: 'note',
      kind: 'text',
      values: Array.from({ length: n }, (_, i) => `row ${i}`),
    },
    numbers('y', normals(n, 2)),
  ]);

  it('profiles numbers with summary statistics, quantile bins and an ascending sample', () => {
    const profile = referenceProfile(frame, { sampleSize: 500, target: 'y' });
    const x = feature(profile, 'x');
    expect(x.kind).toBe('numeric');
    if (x.kind !== 'numeric') return;
    expect(x).toMatchObject({ rows: n, missing: 2, count: n - 2 });
    expect(x.missingRate).toBeCloseTo(2 / n, 15);
    const present = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    expect(x.min).toBe(present[0]);
    expect(x.max).toBe(present[present.length - 1]);
    expect(x.edges).toHaveLength(11);
    expect(x.edges[0]).toBe(x.min);
    expect(x.edges[10]).toBe(x.max);
    expect(x.counts.reduce((a, b) => a + b, 0)).toBe(n - 2);
    expect(x.sample).toHaveLength(500);
    expect([...x.sample].sort((a, b) => a - b)).toEqual(x.sample);
    // Stratified: the i-th value lies within the i-th 1/500 slice of the ranks.
    x.sample.forEach((v, i) => {
      const rank = present.indexOf(v);
      expect(rank).toBeGreaterThanOrEqual(Math.floor((i * present.length) / 500) - 1);
      expect(rank).toBeLessThan(Math.floor(((i + 1) * present.length) / 500) + 1);
    });
  });

  it('profiles categories by level count, leaving out levels never seen', () => {
    const colour = feature(referenceProfile(frame), 'colour');
    expect(colour).toMatchObject({ kind: 'categorical', levels: ['red', 'green', 'blue'], missing: n / 10 });
    if (colour.kind === 'categorical') expect(colour.counts.reduce((a, b) => a + b, 0)).toBe(n - n / 10);
  });

  it('compares booleans and numbers with at most five values as categories', () => {
    const profile = referenceProfile(frame);
    expect(feature(profile, 'flag')).toMatchObject({
      kind: 'categorical',
      levels: ['0', '1'],
      fromNumbers: true,
    });
    expect(feature(profile, 'few')).toMatchObject({
      kind: 'categorical',
      levels: ['0', '2', '4'],
      counts: [n / 3, n / 3, n / 3],
    });
  });

  it('skips text and datetimes, and keeps the target out of the features', () => {
    const profile = referenceProfile(frame, { target: 'y' });
    expect(profile.skipped.map((s) => s.name)).toEqual(['when', 'note']);
    expect(profile.features.map((f) => f.name)).toEqual(['x', 'colour', 'flag', 'few']);
    expect(profile.target?.name).toBe('y');
  });

  it('keeps the whole reference when it is no larger than the sample size', () => {
    const small = frame.head(300);
    const x = feature(referenceProfile(small), 'x');
    if (x.kind === 'numeric') expect(x.sample).toHaveLength(298);
  });

  it('gives the same profile for the same seed, and another sample for another seed', () => {
    const a = referenceProfile(frame, { seed: 3, sampleSize: 100 });
    expect(referenceProfile(frame, { seed: 3, sampleSize: 100 })).toEqual(a);
    const b = referenceProfile(frame, { seed: 4, sampleSize: 100 });
    expect(feature(b, 'x')).not.toEqual(feature(a, 'x'));
  });

  it('is plain JSON: it survives a round trip unchanged, an all-missing column included', () => {
    const withEmpty = frame.withColumn(numbers('empty', new Array(n).fill(Number.NaN)));
    const profile = referenceProfile(withEmpty, { target: 'y' });
    expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
    expect(feature(profile, 'empty')).toMatchObject({ kind: 'categorical', count: 0, levels: [] });
  });

  it('profiles a classifier’s predictions as classes and its probabilities as numbers', () => {
    const classes = ['no', 'yes'];
    const rows = frame.rowCount;
    const predictions = Float64Array.from({ length: rows }, (_, i) => i % 2);
    const probabilities = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      probabilities[2 * i + 1] = (i % 97) / 97;
      probabilities[2 * i] = 1 - probabilities[2 * i + 1]!;
    }
    const profile = referenceProfile(frame, { predictions, probabilities, classes });
    expect(profile.classes).toEqual(classes);
    expect(profile.outputs.map((o) => o.name)).toEqual(['prediction', probabilityName('yes')]);
    expect(profile.outputs[0]).toMatchObject({ kind: 'categorical', levels: ['no', 'yes'] });
    expect(profile.outputs[1]).toMatchObject({ kind: 'numeric', min: 0 });
  });

  it('profiles every class’s probability for more than two classes, and regression predictions as numbers', () => {
    const rows = frame.rowCount;
    const probabilities = new Float64Array(rows * 3).fill(1 / 3);
    const three = referenceProfile(frame, { probabilities, classes: ['a', 'b', 'c'] });
    expect(three.outputs.map((o) => o.name)).toEqual(['probability:a', 'probability:b', 'probability:c']);
    const regression = referenceProfile(frame, { predictions: Float64Array.from(normals(rows, 5)) });
    expect(regression.outputs[0]).toMatchObject({ name: 'prediction', kind: 'numeric' });
  });

  it('refuses outputs of the wrong length and bad options', () => {
    expect(() => referenceProfile(frame, { predictions: new Float64Array(3) })).toThrow(UsageError);
    expect(() => referenceProfile(frame, { probabilities: new Float64Array(n * 2) })).toThrow(/classes/);
    expect(() => referenceProfile(frame, { sampleSize: 0 })).toThrow(/sampleSize/);
  });
});

describe('storedReference', () => {
  it('reads back a stored profile, and nothing else', () => {
    const frame = new Frame([
      { storage: 'number', name: 'x', kind: 'numeric', values: Float64Array.from([1, 2, 3]) },
    ]);
    const stored = JSON.parse(JSON.stringify(referenceProfile(frame)));
    expect(storedReference(stored)).toEqual(stored);
    expect(storedReference(null)).toBeUndefined();
    expect(storedReference({ features: [], outputs: [] })).toBeUndefined();
    expect(storedReference({ ...stored, version: 99 })).toBeUndefined();
  });
});
