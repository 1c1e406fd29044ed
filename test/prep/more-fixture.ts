import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import type { FittedTransformer } from '../../src/estimator/contract.js';
import { loadTransformer, saveModel } from '../../src/estimator/persist.js';
import { DATASETS } from '../helpers.js';

/** A case of prep_more.json (written by test/fixtures/prep/make_prep_more.py). */
export interface MoreCase {
  name: string;
  file?: string;
  columns?: string[];
  corpus?: string[];
  outputNames: string[];
  matrix: (number | null)[][];
  lambdas?: number[];
  target?: string;
  scores?: number[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/prep/prep_more.json', import.meta.url), 'utf8'),
) as { cases: MoreCase[] };

export function oracleCase(name: string): MoreCase {
  const found = fixture.cases.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no case "${name}" in prep_more.json`);
  return found;
}

const tables = new Map<string, Promise<Frame>>();
export function sharedTable(file: string): Promise<Frame> {
  if (!tables.has(file)) tables.set(file, readTable(join(DATASETS, file)));
  return tables.get(file)!;
}

/** Asserts that the fitted transformer — and its saved-and-loaded copy — give the oracle's matrix. */
export function expectOracleMatrix(
  fitted: FittedTransformer,
  frame: Frame,
  expected: (number | null)[][],
  tolerance: number,
): void {
  const rows = frame.head(expected.length);
  const reloaded = loadTransformer(saveModel(fitted));
  expect(reloaded.outputNames).toEqual(fitted.outputNames);
  for (const result of [fitted.transform(rows), reloaded.transform(rows)]) {
    const got = result.toMatrix();
    let worst = 0;
    expected.forEach((row, i) => {
      row.forEach((want, j) => {
        const actual = got.data[i * got.cols + j]!;
        if (want === null) expect(actual).toBeNaN();
        else worst = Math.max(worst, Math.abs(actual - want) / Math.max(1, Math.abs(want)));
      });
    });
    expect(got.cols).toBe(expected[0]!.length);
    expect(worst).toBeLessThanOrEqual(tolerance);
  }
}
