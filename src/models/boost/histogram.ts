/**
 * What a tree grower needs to know about the binned training data.
 * A node's histogram holds, for every feature and every bin (the missing
 * bin included), three sums over the node's rows: gradient, hessian and
 * row count; features sit end to end at `histOffset[f]`.
 */
export interface GrowData {
  /** Row-major bins, `cols` bytes per row. */
  readonly bins: Uint8Array;
  readonly rows: number;
  readonly cols: number;
  /** Non-missing bins per feature; the missing bin's index equals this count. */
  readonly binCount: Int32Array;
  readonly categorical: Uint8Array;
  readonly histOffset: Int32Array;
  /** Doubles in one node's histogram. */
  readonly histSize: number;
}

/** Slots per bin: gradient, hessian, count. */
export const SLOTS = 3;

export function growData(
  bins: Uint8Array,
  rows: number,
  binCount: Int32Array,
  categorical: Uint8Array,
): GrowData {
  const cols = binCount.length;
  const histOffset = new Int32Array(cols);
  let size = 0;
  for (let f = 0; f < cols; f++) {
    histOffset[f] = size;
    size += SLOTS * (binCount[f]! + 1);
  }
  return { bins, rows, cols, binCount, categorical, histOffset, histSize: size };
}

/**
 * Sums g, h and counts per bin over the rows `partition[start..end)`, for the
 * listed features. Rows are the outer loop: one row's bins are adjacent bytes,
 * and its gradient is read once for all features. With unit hessians (an
 * unweighted squared-error-like loss) the hessian sum is the count, so only
 * two sums are accumulated and the third is copied afterwards.
 */
export function buildHistogram(
  data: GrowData,
  partition: Uint32Array,
  start: number,
  end: number,
  g: Float64Array,
  h: Float64Array,
  unitHessian: boolean,
  features: Int32Array,
  hist: Float64Array,
): void {
  const { bins, cols, histOffset, binCount } = data;
  const used = features.length;
  for (let u = 0; u < used; u++) {
    const f = features[u]!;
    hist.fill(0, histOffset[f]!, histOffset[f]! + SLOTS * (binCount[f]! + 1));
  }
  if (unitHessian) {
    for (let k = start; k < end; k++) {
      const row = partition[k]!;
      const gk = g[row]!;
      const base = row * cols;
      for (let u = 0; u < used; u++) {
        const f = features[u]!;
        const at = histOffset[f]! + SLOTS * bins[base + f]!;
        hist[at]! += gk;
        hist[at + 2]! += 1;
      }
    }
    for (let u = 0; u < used; u++) {
      const f = features[u]!;
      const last = histOffset[f]! + SLOTS * (binCount[f]! + 1);
      for (let at = histOffset[f]!; at < last; at += SLOTS) hist[at + 1] = hist[at + 2]!;
    }
    return;
  }
  for (let k = start; k < end; k++) {
    const row = partition[k]!;
    const gk = g[row]!;
    const hk = h[row]!;
    const base = row * cols;
    for (let u = 0; u < used; u++) {
      const f = features[u]!;
      const at = histOffset[f]! + SLOTS * bins[base + f]!;
      hist[at]! += gk;
      hist[at + 1]! += hk;
      hist[at + 2]! += 1;
    }
  }
}

/** `parent` becomes the histogram of the parent's other child: parent − child, for the listed features. */
export function subtractHistogram(
  data: GrowData,
  parent: Float64Array,
  child: Float64Array,
  features: Int32Array,
): void {
  for (let u = 0; u < features.length; u++) {
    const f = features[u]!;
    const last = data.histOffset[f]! + SLOTS * (data.binCount[f]! + 1);
    for (let at = data.histOffset[f]!; at < last; at++) parent[at]! -= child[at]!;
  }
}

/** Histogram buffers reused across nodes and trees: a grower allocates none per node. */
export class HistogramPool {
  private readonly free: Float64Array[] = [];

  constructor(private readonly size: number) {}

  take(): Float64Array {
    return this.free.pop() ?? new Float64Array(this.size);
  }

  give(hist: Float64Array): void {
    this.free.push(hist);
  }
}
