import { describe, expect, it } from 'vitest';
import { SchemaError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { type Column, categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import { profileFrameAsync } from '../../src/profile/parallel.js';
import { profileFrame, SAMPLE_ROWS } from '../../src/profile/profile.js';
import type { Profile } from '../../src/profile/types.js';

function num(name: string, values: Float64Array, kind: 'numeric' | 'integer' | 'id' = 'numeric'): Column {
  return { storage: 'number', name, kind, values };
}

/** The profile without its timing, with every number's sign of zero and NaN kept. */
function exact(profile: Profile): string {
  return JSON.stringify({ ...profile, seconds: 0 }, (_, v) =>
    typeof v === 'number' && (Object.is(v, -0) || Number.isNaN(v)) ? String(v) : v,
  );
}

/** A table with missing cells, ties, zeros of both signs, duplicate rows and columns, and labels. */
function awkwardTable(rows: number, seed: number): Frame {
  const rng = new Rng(seed);
  const gaps = (share: number, f: (i: number) => number) =>
    Float64Array.from({ length: rows }, (_, i) => (rng.next() < share ? Number.NaN : f(i)));
  const x = gaps(0.05, () => rng.normal());
  const columns: Column[] = [
    num('x', x),
    num(
      'y',
      gaps(0.1, (i) => (Number.isNaN(x[i]!) ? 0 : x[i]! * 2) + rng.normal()),
    ),
    num(
      'ties',
      gaps(0, () => Math.round(rng.normal() * 4) / 2 - 0),
    ),
    num(
      'signed_zero',
      gaps(0.02, (i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : rng.int(5))),
    ),
    num('x_again', x.slice()),
    num(
      'count',
      gaps(0, () => rng.int(7)),
      'integer',
    ),
    num(
      'row_id',
      Float64Array.from({ length: rows }, (_, i) => i),
      'id',
    ),
    categoricalFromLabels(
      'label',
      Array.from({ length: rows }, () => (rng.next() < 0.03 ? null : ['a', 'b', 'c'][rng.int(3)]!)),
    ),
    num(
      'target',
      gaps(0, (i) => (x[i]! > 0.3 ? 1 : 0)),
      'integer',
    ),
  ];
  return new Frame(columns, 'awkward.csv');
}

describe('profileFrameAsync', () => {
  it('gives the profile of profileFrame, bit for bit, on a sampled table with worker threads', async () => {
    const frame = awkwardTable(SAMPLE_ROWS + 30_000, 1);
    const progress: number[] = [];
    const threaded = await profileFrameAsync(frame, {
      target: 'target',
      threads: 2,
      onProgress: (done) => progress.push(done),
    });
    expect(exact(threaded)).toBe(exact(profileFrame(frame, { target: 'target' })));
    expect(progress).toEqual(Array.from({ length: frame.columnCount + 3 }, (_, i) => i + 1));
  });

  it('gives the profile of profileFrame on a short table profiled whole, with three threads', async () => {
    const frame = awkwardTable(5_000, 2);
    const options = { target: 'count', timeColumn: 'row_id' };
    const threaded = await profileFrameAsync(frame, { ...options, threads: 3 });
    expect(exact(threaded)).toBe(exact(profileFrame(frame, options)));
  });

  it('gives the profile of profileFrame on a table without gaps (Spearman stays on this thread)', async () => {
    const rng = new Rng(5);
    const rows = SAMPLE_ROWS + 1_000;
    const a = Float64Array.from({ length: rows }, () => rng.normal());
    const frame = new Frame([
      num('a', a),
      num(
        'b',
        a.map((v) => v * v + rng.normal()),
      ),
      num(
        'c',
        Float64Array.from({ length: rows }, () => rng.int(3)),
        'integer',
      ),
    ]);
    const threaded = await profileFrameAsync(frame, { target: 'c', threads: 2 });
    expect(exact(threaded)).toBe(exact(profileFrame(frame, { target: 'c' })));
  });

  it('stays on this thread for small tables and when told to', async () => {
    const frame = awkwardTable(300, 3);
    expect(exact(await profileFrameAsync(frame))).toBe(exact(profileFrame(frame)));
    expect(exact(await profileFrameAsync(frame, { threads: 1 }))).toBe(exact(profileFrame(frame)));
  });

  it('rejects an unknown target before starting any worker', async () => {
    await expect(profileFrameAsync(awkwardTable(300, 4), { target: 'nope', threads: 2 })).rejects.toThrow(
      SchemaError,
    );
  });
});
