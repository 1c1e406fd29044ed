/**
 * The scikit-learn oracle (test/fixtures/evaluate/expected.json, written by
 * make_fixtures.py beside it) and the comparisons the tests use.
 *
 * Tolerance: |actual − expected| ≤ 1e-9 · max(1, |expected|), i.e. absolute
 * for values within [−1, 1] (every score and rate) and relative beyond
 * (squared errors, log losses, counts).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { KeelError } from '../../src/core/errors.js';

export const TOLERANCE = 1e-9;

export interface BinaryCase {
  name: string;
  yTrue: number[];
  yScore: number[];
  yPred: number[];
  sampleWeight: number[] | null;
  metrics: Record<string, number> & { confusion_matrix: number[] };
  curves: Record<string, Record<string, number[]>>;
}

export interface MulticlassCase {
  name: string;
  classCount: number;
  yTrue: number[];
  yPred: number[];
  yProb: number[];
  sampleWeight: number[] | null;
  metrics: Record<string, number> & { confusion_matrix: number[] };
}

export interface RegressionCase {
  name: string;
  yTrue: number[];
  yPred: number[];
  sampleWeight: number[] | null;
  metrics: Record<string, number>;
}

export interface ClusteringCase {
  name: string;
  cols: number;
  points: number[];
  labels: number[];
  silhouette: number;
}

export interface ExpectedFold {
  train: number[];
  test: number[];
}

export interface Oracle {
  generatedBy: string;
  binary: BinaryCase[];
  multiclass: MulticlassCase[];
  regression: RegressionCase[];
  clustering: ClusteringCase[];
  folds: {
    kFold: { n: number; k: number; folds: ExpectedFold[] }[];
    stratifiedKFold: { name: string; k: number; labels: number[]; folds: ExpectedFold[] }[];
    groupKFold: { name: string; k: number; groups: number[]; folds: ExpectedFold[] }[];
    timeSeriesSplit: { n: number; k: number; testSize?: number; gap?: number; folds: ExpectedFold[] }[];
  };
}

export const ORACLE: Oracle = JSON.parse(
  readFileSync(new URL('../fixtures/evaluate/expected.json', import.meta.url), 'utf8'),
);

/** `sampleWeight` option from a case (null in JSON = unweighted). */
export function weightsOf(c: { sampleWeight: number[] | null }): { sampleWeight?: number[] } {
  return c.sampleWeight === null ? {} : { sampleWeight: c.sampleWeight };
}

export function expectClose(actual: number, expected: number, label: string): void {
  const allowed = TOLERANCE * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= allowed)) {
    expect.fail(`${label}: got ${actual}, scikit-learn gives ${expected} (allowed ±${allowed})`);
  }
}

export function expectAllClose(actual: ArrayLike<number>, expected: readonly number[], label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  expected.forEach((e, i) => {
    expectClose(actual[i]!, e, `${label}[${i}]`);
  });
}

/** Runs `act`, expects a KeelError of `type` with `field`, and returns it. */
export function expectUsageError(
  act: () => unknown,
  type: typeof KeelError,
  field: string,
  message?: RegExp,
): KeelError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    const keelError = error as KeelError;
    expect(keelError.location.field).toBe(field);
    expect(keelError.hint).toBeTruthy();
    if (message !== undefined) expect(keelError.message).toMatch(message);
    return keelError;
  }
  return expect.fail('expected an error, none was thrown');
}
