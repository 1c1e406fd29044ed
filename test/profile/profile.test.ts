import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SchemaError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { type Column, categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import { spearman } from '../../src/profile/associations.js';
import { profileFrame, SAMPLE_ROWS } from '../../src/profile/profile.js';
import type { Profile } from '../../src/profile/types.js';
import { DATASETS } from '../helpers.js';

interface ExpectedColumn {
  missing: number;
  distinct: number;
  mean?: number;
  std?: number;
  min?: number;
  max?: number;
  skewness?: number;
  quantiles?: Record<string, number>;
}

interface ExpectedDataset {
  file: string;
  rows: number;
  target: string;
  columns: Record<string, ExpectedColumn>;
  pairs: { a: string; b: string; pearson: number; spearman: number }[];
  mutualInformation: Record<string, number>;
  pearsonMatrix: { columns: string[]; values: number[][] };
  spearmanMatrix: { columns: string[]; values: number[][] };
  cramersV?: { a: string; b: string; value: number }[];
  correlationRatio?: { groups: string; values: string; value: number }[];
}

const EXPECTED: ExpectedDataset[] = JSON.parse(
  readFileSync(new URL('../fixtures/profile/expected.json', import.meta.url), 'utf8'),
);

function expectRelative(actual: number, expected: number, label: string): void {
  const tolerance = 1e-9 * Math.max(Math.abs(expected), 1e-12);
  expect(Math.abs(actual - expected), `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

function matrixEntry(profile: Profile, kind: 'pearson' | 'spearman', a: string, b: string): number {
  const names = profile.correlations.numeric;
  return profile.correlations[kind][names.indexOf(a)]![names.indexOf(b)]!;
}

describe.each(EXPECTED)('profile of $file matches pandas, scipy and scikit-learn', (expected) => {
  let profile: Profile;
  const load = async (): Promise<Profile> => {
    profile ??= profileFrame(await readTable(`${DATASETS}${expected.file}`), {
      target: expected.target,
    });
    return profile;
  };

  it('has the same per-column counts, moments, quantiles and skewness', async () => {
    const p = await load();
    expect(p.rows).toBe(expected.rows);
    for (const [name, e] of Object.entries(expected.columns)) {
      const c = p.columnProfiles.find((q) => q.name === name)!;
      expect(c.missing, `${name} missing`).toBe(e.missing);
      expect(c.distinct, `${name} distinct`).toBe(e.distinct);
      if (e.mean === undefined) continue;
      const n = c.numeric!;
      for (const key of ['mean', 'std', 'min', 'max', 'skewness'] as const) {
        expectRelative(n[key], e[key]!, `${name} ${key}`);
      }
      for (const [q, value] of Object.entries(e.quantiles!)) {
        expectRelative(n.quantiles[q as keyof typeof n.quantiles], value, `${name} ${q}`);
      }
    }
  });

  it('has the same Pearson and Spearman correlations over pairwise-complete rows', async () => {
    const p = await load();
    for (const pair of expected.pairs) {
      expectRelative(matrixEntry(p, 'pearson', pair.a, pair.b), pair.pearson, `pearson ${pair.a}×${pair.b}`);
      expectRelative(
        matrixEntry(p, 'spearman', pair.a, pair.b),
        pair.spearman,
        `spearman ${pair.a}×${pair.b}`,
      );
    }
    for (const kind of ['pearson', 'spearman'] as const) {
      const { columns, values } = expected[`${kind}Matrix`];
      for (const [i, a] of columns.entries()) {
        for (const [j, b] of columns.entries()) {
          expectRelative(matrixEntry(p, kind, a, b), values[i]![j]!, `${kind} matrix ${a}×${b}`);
        }
      }
    }
  });

  it("has the same Cramér's V and correlation ratio", async () => {
    const p = await load();
    const { categorical, cramersV, numeric, correlationRatio } = p.correlations;
    for (const e of expected.cramersV ?? []) {
      expectRelative(
        cramersV[categorical.indexOf(e.a)]![categorical.indexOf(e.b)]!,
        e.value,
        `V ${e.a}×${e.b}`,
      );
    }
    for (const e of expected.correlationRatio ?? []) {
      const eta = correlationRatio[categorical.indexOf(e.groups)]![numeric.indexOf(e.values)]!;
      expectRelative(eta, e.value, `η ${e.groups}×${e.values}`);
    }
  });

  it("has the same mutual information with the target as mutual_info_score on keel's bins", async () => {
    const p = await load();
    expect(p.targetAssociation.map((t) => t.column).sort()).toEqual(
      Object.keys(expected.mutualInformation).sort(),
    );
    for (const t of p.targetAssociation) {
      expectRelative(t.mutualInformation, expected.mutualInformation[t.column]!, `MI ${t.column}`);
    }
    const values = p.targetAssociation.map((t) => t.mutualInformation);
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });
});

function num(name: string, values: ArrayLike<number>, kind: 'numeric' | 'integer' = 'numeric'): Column {
  return { storage: 'number', name, kind, values: Float64Array.from(values) };
}

describe('profileFrame', () => {
  const frame = new Frame(
    [
      num('x', [1.5, 2.5, 3.5, 4.5, 5.5, 6.5]),
      num('two', [0, 1, 0, 1, 1, 0], 'integer'),
      num('small_int', [1, 2, 3, 1, 2, 3], 'integer'),
      categoricalFromLabels('label', ['a', 'b', 'c', 'a', 'b', 'c']),
    ],
    'table.csv',
  );

  it('detects the task from the target', () => {
    expect(profileFrame(frame, { target: 'two' }).task).toBe('binary');
    expect(profileFrame(frame, { target: 'small_int' }).task).toBe('multiclass');
    expect(profileFrame(frame, { target: 'label' }).task).toBe('multiclass');
    expect(profileFrame(frame, { target: 'x' }).task).toBe('regression');
    expect(profileFrame(frame).task).toBeUndefined();
  });

  it('names the closest column when the target does not exist', () => {
    expect(() => profileFrame(frame, { target: 'lable' })).toThrow(SchemaError);
    expect(() => profileFrame(frame, { target: 'lable' })).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('did you mean "label"') }),
    );
  });

  it('refuses a time column that holds no times', () => {
    expect(() => profileFrame(frame, { timeColumn: 'label' })).toThrow(
      expect.objectContaining({ code: 'profile.time-column' }),
    );
  });

  it('reports progress per column and per table-wide step', () => {
    const calls: [number, number][] = [];
    profileFrame(frame, { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([1, 2, 3, 4, 5, 6, 7].map((done) => [done, 7]));
  });

  it('fills the table-level fields', () => {
    const p = profileFrame(frame, { target: 'label' });
    expect(p).toMatchObject({ source: 'table.csv', rows: 6, columns: 4, target: 'label', duplicateRows: 0 });
    expect(p.correlations.numeric).toEqual(['x', 'two', 'small_int']);
    expect(p.correlations.categorical).toEqual(['label']);
    // x (six distinct values) and small_int each determine the label: MI = H(label) = ln 3.
    const mi = Object.fromEntries(p.targetAssociation.map((t) => [t.column, t.mutualInformation]));
    expect(mi['x']).toBeCloseTo(Math.log(3), 14);
    expect(mi['small_int']).toBeCloseTo(Math.log(3), 14);
    expect(mi['two']).toBeCloseTo((2 / 3) * Math.log(2), 14);
    expect(p.targetAssociation[2]!.column).toBe('two');
    expect(p.seconds).toBeGreaterThan(0);
  });

  it('profiles empty tables without failing', () => {
    expect(profileFrame(new Frame([])).rows).toBe(0);
    const empty = new Frame([num('x', []), categoricalFromLabels('y', [])]);
    const p = profileFrame(empty, { target: 'y' });
    expect(p.columnProfiles.map((c) => c.count)).toEqual([0, 0]);
    expect(p.findings.map((f) => f.kind)).toEqual(['constant', 'constant']);
  });

  it('samples long tables for Spearman but keeps counts and quantiles exact', () => {
    const rows = SAMPLE_ROWS + 50_000;
    const rng = new Rng(3);
    const a = Float64Array.from({ length: rows }, () => rng.normal());
    const b = a.map((v) => v + rng.normal());
    const p = profileFrame(new Frame([num('a', a), num('b', b)]));
    const sorted = a.slice().sort();
    expect(p.columnProfiles[0]!.count).toBe(rows);
    expect(p.columnProfiles[0]!.numeric!.quantiles.p50).toBe((sorted[rows / 2 - 1]! + sorted[rows / 2]!) / 2);
    const exact = spearman(a, b);
    expect(Math.abs(p.correlations.spearman[0]![1]! - exact)).toBeLessThan(0.01);
    expect(p.correlations.spearman[0]![1]).not.toBe(exact);
  });
});
