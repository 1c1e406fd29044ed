/**
 * A simulated shift on the diamonds table (53,940 rows): the reference is a
 * random half, the current windows are 1,000-row slices of the other half.
 *
 * Same distribution: no feature may drift in more than 5% of the
 * feature-window pairs — with a large reference (distances: normalised
 * Wasserstein, Jensen–Shannon) and with a 1,000-row one (tests at p < 0.05,
 * whose nominal false-positive rate is 5% per pair, so there the bound is 10%).
 *
 * Shifted: carat × 1.5 and every stone 'Ideal'. Made by overwriting those two
 * columns, only carat and cut drift. Made by keeping the Ideal stones only,
 * depth, table and the dimensions drift too — not a false alarm: Ideal cuts
 * have a narrower depth and a smaller table (normalised Wasserstein 0.34 and
 * 0.67 on the whole table), and a changed mix of cuts changes them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import type { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import { detectDrift } from '../../src/drift/drift.js';
import { type ReferenceProfile, referenceProfile } from '../../src/drift/reference.js';
import { DATASETS } from '../helpers.js';

const DIAMONDS = `${DATASETS}diamonds.csv`;
const WINDOWS = 20;
const WINDOW_ROWS = 1000;

let reference: Frame;
let rest: Frame;
let large: ReferenceProfile;
let small: ReferenceProfile;

beforeAll(async () => {
  const frame = await readTable(DIAMONDS);
  const order = new Rng(7).permutation(frame.rowCount);
  const half = Math.floor(frame.rowCount / 2);
  reference = frame.take(order.subarray(0, half));
  rest = frame.take(order.subarray(half));
  large = referenceProfile(reference);
  small = referenceProfile(reference.head(1000));
});

function window(w: number): Frame {
  const rows = Int32Array.from({ length: WINDOW_ROWS }, (_, i) => w * WINDOW_ROWS + i);
  return rest.take(rows);
}

/** Share of feature-window pairs called drifted, and which features were. */
function falseAlarms(profile: ReferenceProfile): { share: number; drifted: string[] } {
  const drifted: string[] = [];
  let pairs = 0;
  for (let w = 0; w < WINDOWS; w++) {
    const report = detectDrift(profile, window(w));
    expect(report.dataset.drifted).toBe(false);
    for (const f of report.features) {
      pairs++;
      if (f.drifted) drifted.push(`${f.column}@${w}`);
    }
  }
  return { share: drifted.length / pairs, drifted };
}

/** carat × 1.5, and (when asked) every cut overwritten with 'Ideal'. */
function inflate(frame: Frame, allIdeal: boolean): Frame {
  const carat = frame.column('carat');
  const cut = frame.column('cut');
  if (carat.storage !== 'number' || cut.storage !== 'categorical')
    throw new Error('unexpected diamonds kinds');
  const shifted = frame.withColumn({ ...carat, values: carat.values.map((v) => v * 1.5) });
  if (!allIdeal) return shifted;
  const ideal = cut.levels.indexOf('Ideal');
  return shifted.withColumn({ ...cut, codes: cut.codes.map(() => ideal) });
}

function idealOnly(frame: Frame): Frame {
  const cut = frame.column('cut');
  if (cut.storage !== 'categorical') throw new Error('unexpected diamonds kinds');
  const ideal = cut.levels.indexOf('Ideal');
  const rows = Array.from(cut.codes.keys()).filter((i) => cut.codes[i] === ideal);
  return frame.take(rows.slice(0, WINDOW_ROWS));
}

function driftedColumns(profile: ReferenceProfile, current: Frame): string[] {
  return detectDrift(profile, current)
    .features.filter((f) => f.drifted)
    .map((f) => f.column)
    .sort();
}

describe('drift on diamonds windows from the same distribution', () => {
  it('stays under 5% of feature-window pairs with a large reference (Wasserstein, Jensen–Shannon)', () => {
    expect(large.rows).toBe(26_970);
    const { share, drifted } = falseAlarms(large);
    expect(share, `drifted: ${drifted.join(', ')}`).toBeLessThan(0.05);
  });

  it('stays near the nominal 5% with a 1,000-row reference (KS, chi-squared at p < 0.05)', () => {
    const { share, drifted } = falseAlarms(small);
    expect(share, `drifted: ${drifted.join(', ')}`).toBeLessThanOrEqual(0.1);
  });
});

describe('drift on shifted diamonds windows', () => {
  for (const [label, profile] of [
    ['a large reference', () => large],
    ['a 1,000-row reference', () => small],
  ] as const) {
    it(`flags carat and cut, and nothing else, when only they change (${label})`, () => {
      expect(driftedColumns(profile(), inflate(window(0), true))).toEqual(['carat', 'cut']);
    });

    it(`flags carat and cut, and the features that differ for Ideal stones, on Ideal stones only (${label})`, () => {
      const drifted = driftedColumns(profile(), inflate(idealOnly(rest), false));
      expect(drifted).toEqual(expect.arrayContaining(['carat', 'cut', 'depth', 'table']));
      expect(drifted).not.toContain('color');
    });
  }

  it('calls the dataset drifted when an important feature drifts', () => {
    const current = inflate(window(1), true);
    expect(detectDrift(large, current).dataset.drifted).toBe(false);
    const importances = { carat: 0.6, y: 0.2, clarity: 0.1, cut: 0.01 };
    const report = detectDrift(large, current, { importances });
    expect(report.dataset).toMatchObject({ drifted: true, driftedTopFeatures: ['carat'] });
  });
});
