import { describe, expect, it } from 'vitest';
import { Frame } from '../../src/data/frame.js';
import { MicroBatcher } from '../../src/serve/batcher.js';
import type { Scores } from '../../src/serve/score.js';

const frameOf = (...values: number[]) =>
  new Frame([{ storage: 'number', name: 'x', kind: 'numeric', values: Float64Array.from(values) }]);

/** A "model" that doubles x, counting its calls. */
function doubling() {
  const calls: number[] = [];
  const score = (frame: Frame): Scores => {
    const x = frame.column('x');
    if (x.storage !== 'number') throw new Error('numbers expected');
    if (x.values.includes(-1)) throw new Error('a poisoned row');
    calls.push(frame.rowCount);
    return { predictions: x.values.map((v) => 2 * v), probabilities: undefined };
  };
  return { calls, score };
}

async function answers(batcher: MicroBatcher, frames: Frame[]) {
  const scored = await Promise.allSettled(frames.map((f) => batcher.submit(f)));
  return scored.map((s, k) =>
    s.status === 'rejected'
      ? 'error'
      : Array.from(s.value.scores.predictions.subarray(s.value.offset, s.value.offset + frames[k]!.rowCount)),
  );
}

describe('micro-batching', () => {
  it('scores requests waiting together in one predict call, each getting its own rows', async () => {
    const { calls, score } = doubling();
    const batcher = new MicroBatcher(score, 5, 256, () => true);
    expect(await answers(batcher, [frameOf(1), frameOf(2, 3), frameOf(4)])).toEqual([[2], [4, 6], [8]]);
    expect(calls).toEqual([4]);
  });

  it('does not wait when no other request is arriving: same-turn requests still share a call', async () => {
    const { calls, score } = doubling();
    const batcher = new MicroBatcher(score, 10_000, 256, () => false);
    const started = performance.now();
    expect(await answers(batcher, [frameOf(1), frameOf(2)])).toEqual([[2], [4]]);
    expect(performance.now() - started).toBeLessThan(5000); // not the 10 s wait
    expect(calls).toEqual([2]);
  });

  it('scores a full batch at once, large requests alone, and nothing is batched with a zero wait', async () => {
    const { calls, score } = doubling();
    const full = new MicroBatcher(score, 10_000, 3, () => true);
    expect(await answers(full, [frameOf(1), frameOf(2), frameOf(3)])).toEqual([[2], [4], [6]]);
    const large = Array.from({ length: 40 }, (_, i) => i);
    expect(await answers(full, [frameOf(...large)])).toEqual([large.map((v) => 2 * v)]);
    const off = new MicroBatcher(score, 0, 256);
    expect(await answers(off, [frameOf(1), frameOf(2)])).toEqual([[2], [4]]);
    expect(calls).toEqual([3, 40, 1, 1]);
  });

  it('fails only the request whose rows break the batch', async () => {
    const { score } = doubling();
    const batcher = new MicroBatcher(score, 5, 256, () => true);
    expect(await answers(batcher, [frameOf(1), frameOf(-1), frameOf(3)])).toEqual([[2], 'error', [6]]);
  });
});
