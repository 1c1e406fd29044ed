import { type HistogramKernel, histogramKernel, sharedMemory } from './kernel.js';

/**
 * Everything a boosting fit reads and writes while growing trees, laid out in
 * one shared WebAssembly memory: the histogram kernel (kernel.ts) addresses it
 * by byte offset, and worker threads see the same bytes. The memory is sized
 * once and never grows, so these views stay valid for the whole fit.
 */
export interface FitArena {
  readonly memory: WebAssembly.Memory;
  readonly kernel: HistogramKernel;
  /** The binned data, four features per word (see histogram.ts). */
  readonly bins: Uint8Array;
  /** The same bins column-major, one byte per row: partitioning reads one feature's column. */
  readonly columns: Uint8Array;
  readonly partition: Uint32Array;
  /** Gradients and hessians, class-major (outputs × rows). */
  readonly g: Float64Array;
  readonly h: Float64Array;
  /** A node's (gradient, hessian) pairs, interleaved, gathered into its row order. */
  readonly orderedGH: Float64Array;
  /** Where partitioning puts the rows (and their gradient pairs) that go right, before copying them back. */
  readonly spare: Uint32Array;
  readonly spareGH: Float64Array;
  /** A categorical split's set of bins, for the partition kernel. */
  readonly bits: Uint32Array;
  /** One feature's bin edges padded to 256 with +∞, for the binning kernel. */
  readonly edges: Float64Array;
  /** `capacity` histograms of `histSize` doubles, end to end. */
  readonly histograms: Float64Array;
  readonly histSize: number;
}

export interface ArenaShape {
  readonly rows: number;
  readonly groups: number;
  readonly cols: number;
  readonly outputs: number;
  readonly histSize: number;
  /** Histograms alive at once: open leaves plus the one being built. */
  readonly capacity: number;
}

export function fitArena(shape: ArenaShape): FitArena {
  const { rows, groups, cols, outputs, histSize, capacity } = shape;
  const sizes = {
    bins: groups * rows * 4,
    columns: cols * rows,
    partition: rows * 4,
    g: outputs * rows * 8,
    h: outputs * rows * 8,
    orderedGH: rows * 16,
    spare: rows * 4,
    spareGH: rows * 16,
    bits: 32,
    edges: 256 * 8,
    histograms: capacity * histSize * 8,
  };
  const offsets: Record<string, number> = {};
  let total = 0;
  for (const [name, bytes] of Object.entries(sizes)) {
    offsets[name] = total;
    total += Math.ceil(bytes / 8) * 8;
  }
  const memory = sharedMemory(total);
  const buffer = memory.buffer;
  const floats = (name: keyof typeof sizes) => new Float64Array(buffer, offsets[name], sizes[name] / 8);
  return {
    memory,
    kernel: histogramKernel(memory),
    bins: new Uint8Array(buffer, offsets['bins'], sizes.bins),
    columns: new Uint8Array(buffer, offsets['columns'], sizes.columns),
    partition: new Uint32Array(buffer, offsets['partition'], rows),
    g: floats('g'),
    h: floats('h'),
    orderedGH: floats('orderedGH'),
    spare: new Uint32Array(buffer, offsets['spare'], rows),
    spareGH: floats('spareGH'),
    bits: new Uint32Array(buffer, offsets['bits'], 8),
    edges: floats('edges'),
    histograms: floats('histograms'),
    histSize,
  };
}

/** The arena's histograms, as separate views. */
export function histogramViews(arena: FitArena): Float64Array[] {
  const count = arena.histograms.length / arena.histSize;
  return Array.from({ length: count }, (_, i) =>
    arena.histograms.subarray(i * arena.histSize, (i + 1) * arena.histSize),
  );
}
