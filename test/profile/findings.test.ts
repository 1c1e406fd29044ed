import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { type Column, categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import { countDuplicateRows, duplicateColumnGroups } from '../../src/profile/duplicates.js';
import { groupAccuracy, populationStabilityIndex, timeShiftScores } from '../../src/profile/findings.js';
import { profileFrame } from '../../src/profile/profile.js';
import type { Finding } from '../../src/profile/types.js';

function num(
  name: string,
  values: ArrayLike<number>,
  kind: 'numeric' | 'integer' | 'datetime' | 'id' = 'numeric',
): Column {
  return { storage: 'number', name, kind, values: Float64Array.from(values) };
}

function only(findings: readonly Finding[], kind: Finding['kind']): Finding[] {
  return findings.filter((f) => f.kind === kind);
}

const N = 200;
const rng = new Rng(5);
const noise = Array.from({ length: N }, () => rng.normal());

describe('column findings', () => {
  const frame = new Frame([
    num('noise', noise),
    num(
      'half_missing',
      noise.map((v, i) => (i % 2 === 0 ? Number.NaN : v)),
    ),
    num(
      'some_missing',
      noise.map((v, i) => (i % 10 === 0 ? Number.NaN : v)),
    ),
    num('constant', new Array<number>(N).fill(1)),
    num(
      'nearly_constant',
      noise.map((_, i) => (i === 0 ? 5 : 0)),
      'integer',
    ),
    num(
      'row_number',
      noise.map((_, i) => i),
      'integer',
    ),
    categoricalFromLabels(
      'city',
      noise.map((_, i) => `c${i % 120}`),
    ),
    num(
      'heavy_tail',
      noise.map((v, i) => (i < 10 ? 100 + i : v)),
    ),
  ]);
  const findings = profileFrame(frame).findings;

  it('rates missing values by share', () => {
    const missing = only(findings, 'high-missing');
    expect(missing.map((f) => [f.columns[0], f.severity, f.value])).toEqual([
      ['half_missing', 'high', 0.5],
      ['some_missing', 'low', 0.1],
    ]);
  });

  it('flags constant and quasi-constant columns', () => {
    expect(only(findings, 'constant').map((f) => f.columns[0])).toEqual(['constant']);
    const quasi = only(findings, 'quasi-constant');
    expect(quasi.map((f) => f.columns[0])).toEqual(['nearly_constant']);
    expect(quasi[0]!.value).toBe(0.995);
  });

  it('flags all-distinct integers as ID-like and many-level categories as high cardinality', () => {
    expect(only(findings, 'id-like').map((f) => f.columns[0])).toEqual(['row_number']);
    const high = only(findings, 'high-cardinality');
    expect(high.map((f) => [f.columns[0], f.value])).toEqual([['city', 120]]);
  });

  it('flags columns with many outliers, not a large normal sample', () => {
    const big = Array.from({ length: 5000 }, () => rng.normal());
    const tails = big.map((v, i) => (i % 40 === 0 ? 50 + v : v));
    const outliers = only(
      profileFrame(new Frame([num('normal', big), num('tails', tails)])).findings,
      'outliers',
    );
    expect(outliers.map((f) => f.columns[0])).toEqual(['tails']);
    // The 125 planted values plus the ~0.7% a normal sample has beyond the fences.
    expect(outliers[0]!.value).toBeGreaterThanOrEqual(125);
    expect(outliers[0]!.value).toBeLessThan(125 + 0.02 * 5000);
    expect(only(findings, 'outliers').map((f) => f.columns[0])).toContain('heavy_tail');
  });

  it('sorts findings from high to info severity and writes one sentence each', () => {
    const order = { high: 0, medium: 1, low: 2, info: 3 };
    for (let i = 1; i < findings.length; i++) {
      expect(order[findings[i]!.severity]).toBeGreaterThanOrEqual(order[findings[i - 1]!.severity]);
    }
    for (const f of findings) expect(f.message.match(/[.!?](\s|$)/g)?.length).toBe(1);
  });

  it('passes mixed-type notes on as findings', () => {
    const notes = [{ column: 'noise', message: '3 values were text, e.g. "n/a?"' }];
    const mixed = only(profileFrame(frame, { mixedTypes: notes }).findings, 'mixed-types');
    expect(mixed.map((f) => [f.columns[0], f.severity])).toEqual([['noise', 'medium']]);
    expect(mixed[0]!.message).toContain('3 values were text');
  });
});

describe('duplicates', () => {
  it('counts rows that repeat an earlier row, NaN equal to NaN and -0 to 0', () => {
    const frame = new Frame([
      num('a', [1, 2, 1, Number.NaN, Number.NaN, 0, -0]),
      categoricalFromLabels('b', ['x', 'y', 'x', null, null, 'z', 'z']),
      { storage: 'string', name: 's', kind: 'text', values: ['p', 'q', 'p', null, null, 'r', 'r'] },
    ]);
    expect(countDuplicateRows(frame)).toBe(3);
    expect(countDuplicateRows(frame.select(['a']))).toBe(3);
    expect(countDuplicateRows(frame.select(['b', 's']).take([0, 1, 5]))).toBe(0);
  });

  it('finds identical columns, comparing category labels rather than codes', () => {
    const frame = new Frame([
      num('a', [1, 2, 3, Number.NaN]),
      num('b', [1, 2, 3, Number.NaN]),
      num('c', [1, 2, 4, Number.NaN]),
      categoricalFromLabels('d', ['x', 'y', 'x', 'y']),
      categoricalFromLabels('e', ['x', 'y', 'x', 'y'], ['y', 'x']),
      num('k1', [7, 7, 7, 7]),
      num('k2', [7, 7, 7, 7]),
    ]);
    const profile = profileFrame(frame);
    expect(duplicateColumnGroups(frame, profile.columnProfiles)).toEqual([
      ['a', 'b'],
      ['d', 'e'],
    ]);
    expect(only(profile.findings, 'duplicate-columns').map((f) => f.columns)).toEqual([
      ['a', 'b'],
      ['d', 'e'],
    ]);
  });

  it('reports duplicate rows as one table-wide finding', () => {
    const frame = new Frame([num('a', [1, 1, 1, 2, 3, 4, 5, 6, 7, 8])]);
    const [f] = only(profileFrame(frame).findings, 'duplicate-rows');
    expect(f).toMatchObject({ severity: 'medium', value: 2, columns: [] });
  });
});

describe('target findings', () => {
  const labels = noise.map((_, i) => (i < 8 ? 'rare' : 'common'));

  it('grades class imbalance by the minority share', () => {
    const frame = new Frame([num('x', noise), categoricalFromLabels('y', labels)]);
    const [f] = only(profileFrame(frame, { target: 'y' }).findings, 'class-imbalance');
    expect(f).toMatchObject({ severity: 'high', value: 0.04, columns: ['y'] });
    const milder = noise.map((_, i) => (i < 30 ? 'rare' : 'common'));
    const frame2 = new Frame([num('x', noise), categoricalFromLabels('y', milder)]);
    expect(only(profileFrame(frame2, { target: 'y' }).findings, 'class-imbalance')[0]?.severity).toBe(
      'medium',
    );
  });

  it('flags a feature that separates the classes almost perfectly, not a noisy one', () => {
    const y = noise.map((v) => (v > 0.3 ? 'yes' : 'no'));
    const leaky = noise.map((v) => v * 2 + 1);
    const weak = noise.map((v) => v + 2 * rng.normal());
    const frame = new Frame([num('leaky', leaky), num('weak', weak), categoricalFromLabels('y', y)]);
    const leaks = only(profileFrame(frame, { target: 'y' }).findings, 'target-leakage');
    expect(leaks.map((f) => [f.columns[0], f.severity])).toEqual([['leaky', 'high']]);
    expect(leaks[0]!.value).toBeGreaterThanOrEqual(0.98);
  });

  it('flags a regression feature that is a monotone transform of the target', () => {
    const price = noise.map((v) => Math.exp(v + 5));
    const frame = new Frame([
      num('log_price', price.map(Math.log)),
      num(
        'x',
        noise.map(() => rng.normal()),
      ),
      num('price', price),
    ]);
    const profile = profileFrame(frame, { target: 'price' });
    expect(profile.task).toBe('regression');
    expect(only(profile.findings, 'target-leakage').map((f) => f.columns[0])).toEqual(['log_price']);
  });

  it('groupAccuracy is the share predicted by the majority class of each group', () => {
    const feature = { codes: Int32Array.of(0, 0, 0, 1, 1, -1), levels: 2 };
    const target = { codes: Int32Array.of(0, 0, 1, 1, 1, 0), levels: 2 };
    expect(groupAccuracy(feature, target)).toBeCloseTo(5 / 6, 15);
  });

  it('reports missing target values as high severity', () => {
    const frame = new Frame([num('x', [1, 2, 3, 4]), num('y', [1, Number.NaN, 0, 1], 'integer')]);
    const [f] = only(profileFrame(frame, { target: 'y' }).findings, 'target-missing');
    expect(f).toMatchObject({ severity: 'high', value: 1, columns: ['y'] });
  });
});

describe('time shift', () => {
  it('computes PSI as Σ (q − p) ln(q / p)', () => {
    const psi = populationStabilityIndex(Float64Array.of(50, 50), Float64Array.of(80, 20));
    expect(psi).toBeCloseTo(0.3 * Math.log(0.8 / 0.5) - 0.3 * Math.log(0.2 / 0.5), 14);
    expect(populationStabilityIndex(Float64Array.of(10, 30), Float64Array.of(20, 60))).toBe(0);
  });

  it('flags a feature whose distribution drifts over time, not a stable one', () => {
    const time = noise.map((_, i) => Date.UTC(2024, 0, 1) + i * 86_400_000);
    const drifting = noise.map((v, i) => v + (i / N) * 4);
    const frame = new Frame([num('t', time, 'datetime'), num('stable', noise), num('drifting', drifting)]);
    const scores = timeShiftScores(frame, 't');
    expect(scores.map((s) => s.column)).toEqual(['stable', 'drifting']);
    expect(scores[1]!.psi).toBeGreaterThan(1);
    const flagged = only(profileFrame(frame, { timeColumn: 't' }).findings, 'time-shift');
    expect(flagged.map((f) => [f.columns[0], f.severity])).toEqual([['drifting', 'medium']]);
  });
});
