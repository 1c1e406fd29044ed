import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { fitArena, histogramViews } from '../../src/models/boost/arena.js';
import { binGroups, binOf, fitBins } from '../../src/models/boost/bins.js';
import {
  growData,
  histogramOffsets,
  LANES,
  LocalHistogramBuilder,
  SLOTS,
} from '../../src/models/boost/histogram.js';

/**
 * The WebAssembly histogram kernel against the plainest JavaScript: for each
 * row of the node, each feature's bin gets the row's gradient, hessian and 1.
 */
describe('the histogram kernel', () => {
  const rows = 3000;
  const cols = 7; // two groups, the second with one padding lane
  const binCount = Int32Array.from({ length: cols }, (_, f) => [255, 3, 17, 1, 64, 200, 9][f]!);

  function setUp() {
    const rng = new Rng(5);
    const groups = Math.ceil(cols / LANES);
    const arena = fitArena({
      rows,
      groups,
      cols,
      outputs: 1,
      histSize: histogramOffsets(binCount).at(-1)!,
      capacity: 2,
    });
    const bins = Array.from({ length: cols }, (_, f) =>
      Uint8Array.from({ length: rows }, () => rng.int(binCount[f]! + 1)),
    );
    bins.forEach((column, f) => {
      column.forEach((b, row) => {
        arena.bins[((f >>> 2) * rows + row) * LANES + (f & 3)] = b;
        arena.columns[f * rows + row] = b;
      });
    });
    const data = growData(arena.bins, arena.columns, rows, binCount, new Uint8Array(cols));
    // A node: every third row, in order; its gradients in partition order.
    const node = Uint32Array.from({ length: 1000 }, (_, k) => 3 * k + 1);
    arena.partition.set(node);
    for (let k = 0; k < node.length; k++) {
      arena.orderedGH[2 * k] = rng.normal();
      arena.orderedGH[2 * k + 1] = rng.next();
    }
    return { arena, data, bins, node };
  }

  for (const unitHessian of [false, true]) {
    it(`sums gradients, ${unitHessian ? 'counts as hessians' : 'hessians'} and counts per bin exactly as a plain loop`, () => {
      const { arena, data, bins, node } = setUp();
      const [hist] = histogramViews(arena);
      hist!.fill(Number.NaN); // every slot it owns must be written
      const ordered = { gh: arena.orderedGH };
      new LocalHistogramBuilder(data, arena).build(
        arena.partition,
        0,
        node.length,
        ordered,
        unitHessian,
        Int32Array.of(0, 1),
        hist!,
      );
      for (let f = 0; f < cols; f++) {
        const expected = new Float64Array(SLOTS * (binCount[f]! + 1));
        node.forEach((row, k) => {
          const at = SLOTS * bins[f]![row]!;
          expected[at]! += arena.orderedGH[2 * k]!;
          expected[at + 1]! += unitHessian ? 1 : arena.orderedGH[2 * k + 1]!;
          expected[at + 2]! += 1;
        });
        const offset = data.histOffset[f]!;
        expect(hist!.subarray(offset, offset + expected.length)).toEqual(expected);
      }
    });
  }

  it('partitions a node: left rows first in order, right rows after, gradients moved with their rows', () => {
    const { arena, bins, node } = setUp();
    for (const split of [
      { feature: 0, bin: 100, missingLeft: false, categories: null },
      { feature: 2, bin: 5, missingLeft: true, categories: null },
      {
        feature: 5,
        bin: 0,
        missingLeft: false,
        categories: Uint32Array.of(0xf0f0f0f0, 0, 0x1, 0, 0, 0, 0x80000000, 0),
      },
    ]) {
      arena.partition.set(node);
      arena.orderedGH.set(
        Float64Array.from({ length: 2 * node.length }, (_, i) => pairValue(node[i >>> 1]!, i)),
      );
      const missingBin = binCount[split.feature]!;
      const goesLeft = (row: number) => {
        const b = bins[split.feature]![row]!;
        if (split.categories !== null) return ((split.categories[b >>> 5]! >>> (b & 31)) & 1) === 1;
        return b <= split.bin || (split.missingLeft && b === missingBin);
      };
      const expected = [...node.filter(goesLeft), ...node.filter((row) => !goesLeft(row))];
      if (split.categories !== null) arena.bits.set(split.categories);
      const left = arena.kernel.partition(
        arena.partition.byteOffset,
        node.length,
        arena.columns.byteOffset + split.feature * rows,
        split.categories === null ? split.bin : -1,
        split.missingLeft ? missingBin : -1,
        split.categories === null ? 0 : arena.bits.byteOffset,
        arena.orderedGH.byteOffset,
        arena.spare.byteOffset,
        arena.spareGH.byteOffset,
      );
      expect(left).toBe(node.filter(goesLeft).length);
      const right = node.length - left;
      const got = [...arena.partition.subarray(0, left), ...arena.spare.subarray(0, right)];
      expect(got).toEqual(expected);
      expect([...arena.orderedGH.subarray(0, 2 * left), ...arena.spareGH.subarray(0, 2 * right)]).toEqual(
        expected.flatMap((row) => [pairValue(row, 0), pairValue(row, 1)]),
      );
    }
  });

  /** A row's gradient (even i) or hessian (odd i), distinct for every row, to see pairs move with their rows. */
  const pairValue = (row: number, i: number) => (i % 2 === 0 ? row * 0.5 : -row * 0.25);

  it('maps values to bins as the JavaScript binary search does, NaN to the missing bin', () => {
    const rng = new Rng(8);
    const n = 2000;
    const features = [
      Float64Array.from({ length: n }, () => (rng.next() < 0.1 ? Number.NaN : rng.normal())),
      Float64Array.from({ length: n }, () => rng.int(7)), // few distinct values: midpoints
      Float64Array.from({ length: n }, () => rng.normal() * 1e6),
    ].map((values) => ({ values, categorical: false, levels: 0 }));
    const mapper = fitBins(features, 255, new Rng(1));
    const groups = 1;
    const arena = fitArena({
      rows: n,
      groups,
      cols: 3,
      outputs: 1,
      histSize: histogramOffsets(mapper.binCount).at(-1)!,
      capacity: 1,
    });
    binGroups(mapper, features, arena);
    features.forEach((feature, f) => {
      const expected = Array.from(feature.values, (v) => binOf(mapper, f, v));
      expect([...arena.columns.subarray(f * n, (f + 1) * n)]).toEqual(expected);
      expect(Array.from({ length: n }, (_, i) => arena.bins[i * LANES + f])).toEqual(expected);
    });
    expect(Math.max(...arena.columns.subarray(0, n))).toBe(mapper.binCount[0]); // the NaNs
  });
});
