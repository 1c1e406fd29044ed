import { describe, expect, it } from 'vitest';
import { fitArena, histogramViews } from '../../src/models/boost/arena.js';
import { growData, LANES, LocalHistogramBuilder, SLOTS } from '../../src/models/boost/histogram.js';
import { Rng } from '../../src/random.js';

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
    const layout = growData(
      new Uint8Array(groups * LANES * rows),
      new Uint8Array(0),
      rows,
      binCount,
      new Uint8Array(cols),
    );
    const arena = fitArena({ rows, groups, cols, outputs: 1, histSize: layout.histSize, capacity: 2 });
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
      arena.orderedG[k] = rng.normal();
      arena.orderedH[k] = rng.next();
    }
    return { arena, data, bins, node };
  }

  for (const unitHessian of [false, true]) {
    it(`sums gradients, ${unitHessian ? 'counts as hessians' : 'hessians'} and counts per bin exactly as a plain loop`, () => {
      const { arena, data, bins, node } = setUp();
      const [hist] = histogramViews(arena);
      hist!.fill(Number.NaN); // every slot it owns must be written
      const ordered = { g: arena.orderedG, h: arena.orderedH };
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
          expected[at]! += arena.orderedG[k]!;
          expected[at + 1]! += unitHessian ? 1 : arena.orderedH[k]!;
          expected[at + 2]! += 1;
        });
        const offset = data.histOffset[f]!;
        expect(hist!.subarray(offset, offset + expected.length)).toEqual(expected);
      }
    });
  }
});
