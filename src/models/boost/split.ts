import { type GrowData, SLOTS } from './histogram.js';

/** What limits a split, and how leaf values are regularised. */
export interface SplitSettings {
  readonly minSamplesLeaf: number;
  /** Fewest summed hessians in a child (XGBoost's min_child_weight). */
  readonly minChildWeight: number;
  readonly l1: number;
  readonly l2: number;
  /** A split must reduce the loss by more than this. */
  readonly minGain: number;
  /** Per feature: +1 the prediction may only rise with it, -1 only fall, 0 free. */
  readonly monotonic: Int8Array;
  /** Most categories sent left by one categorical split. */
  readonly maxCategorySplit: number;
}

/** A node's sums, and the interval its value must stay in (monotonic constraints). */
export interface NodeStats {
  readonly g: number;
  readonly h: number;
  readonly count: number;
  readonly lower: number;
  readonly upper: number;
}

export interface Split {
  gain: number;
  feature: number;
  /** Numeric: rows whose bin is ≤ this go left. */
  bin: number;
  missingLeft: boolean;
  /** Categorical: a bitset over bins of those that go left (the missing bin included). */
  categories: Uint32Array | null;
  gLeft: number;
  hLeft: number;
  countLeft: number;
  valueLeft: number;
  valueRight: number;
}

/** Categories seen in fewer rows than this are not ordered on their own: they go right. */
const MIN_CATEGORY_SUPPORT = 10;
/** Added to a category's hessian sum when ordering categories, so small ones do not sort to the ends. */
const CATEGORY_SMOOTHING = 10;
const BITSET_WORDS = 8;

/** The loss-minimising value of a leaf, soft-thresholded by l1 and kept within its bounds. */
export function leafValue(g: number, h: number, s: SplitSettings, lower: number, upper: number): number {
  const t = g > s.l1 ? g - s.l1 : g < -s.l1 ? g + s.l1 : 0;
  const v = -t / (h + s.l2 + 1e-15);
  return Math.max(lower, Math.min(v, upper));
}

/** The second-order loss of a leaf with value v (lower is better). */
function objective(g: number, h: number, v: number, s: SplitSettings): number {
  return g * v + 0.5 * (h + s.l2) * v * v + s.l1 * Math.abs(v);
}

/**
 * The best split of a node over the listed features, or null if none reduces
 * the loss by more than minGain within the limits. Ties keep the earlier
 * feature and bin, so the choice never depends on timing or threads.
 */
export function bestSplit(
  data: GrowData,
  hist: Float64Array,
  node: NodeStats,
  features: Int32Array,
  s: SplitSettings,
): Split | null {
  const parentValue = leafValue(node.g, node.h, s, node.lower, node.upper);
  const scan = new Scan(node, s, objective(node.g, node.h, parentValue, s) - s.minGain);
  const unbounded =
    s.l1 === 0 && node.lower === Number.NEGATIVE_INFINITY && node.upper === Number.POSITIVE_INFINITY;
  for (let u = 0; u < features.length; u++) {
    const f = features[u]!;
    const offset = data.histOffset[f]!;
    const bins = data.binCount[f]!;
    if (data.categorical[f] === 1) scanCategorical(scan, hist, offset, bins, f);
    else if (unbounded && s.monotonic[f] === 0) scanNumericFast(scan, hist, offset, bins, f);
    else scanNumeric(scan, hist, offset, bins, f);
  }
  return scan.best;
}

/** Holds the best split found so far while features are scanned. */
class Scan {
  best: Split | null = null;
  /** The best gain so far, in `consider`'s units (loss reduction beyond minGain). */
  bestGain = 0;
  /** The parent's objective minus minGain: a split must get its children's below this. */
  readonly parentObjective: number;

  constructor(
    readonly node: NodeStats,
    readonly s: SplitSettings,
    parentObjective: number,
  ) {
    this.parentObjective = parentObjective;
  }

  /** Considers sending (gL, hL, cL) left and the rest right; true if it became the best. */
  consider(f: number, gL: number, hL: number, cL: number): boolean {
    const { node, s } = this;
    const cR = node.count - cL;
    if (cL < s.minSamplesLeaf || cR < s.minSamplesLeaf) return false;
    const hR = node.h - hL;
    if (hL < s.minChildWeight || hR < s.minChildWeight) return false;
    const gR = node.g - gL;
    const vL = leafValue(gL, hL, s, node.lower, node.upper);
    const vR = leafValue(gR, hR, s, node.lower, node.upper);
    const direction = s.monotonic[f]!;
    if ((direction > 0 && vL > vR) || (direction < 0 && vL < vR)) return false;
    const gain = this.parentObjective - objective(gL, hL, vL, s) - objective(gR, hR, vR, s);
    if (!(gain > this.bestGain)) return false;
    this.record(f, gain, gL, hL, cL, vL, vR);
    return true;
  }

  record(f: number, gain: number, gL: number, hL: number, cL: number, vL: number, vR: number): void {
    this.bestGain = gain;
    this.best = {
      gain: gain + this.s.minGain,
      feature: f,
      bin: 0,
      missingLeft: false,
      categories: null,
      gLeft: gL,
      hLeft: hL,
      countLeft: cL,
      valueLeft: vL,
      valueRight: vR,
    };
  }
}

/**
 * Thresholds between consecutive bins, with the rows of missing value sent
 * right and, if there are any, left. Also "every value vs missing". When a
 * node has no missing values, later missing values follow the larger child.
 */
function scanNumeric(scan: Scan, hist: Float64Array, offset: number, bins: number, f: number): void {
  const missing = offset + SLOTS * bins;
  const gM = hist[missing]!;
  const hM = hist[missing + 1]!;
  const cM = hist[missing + 2]!;
  let gL = 0;
  let hL = 0;
  let cL = 0;
  for (let b = 0; b < bins; b++) {
    const at = offset + SLOTS * b;
    gL += hist[at]!;
    hL += hist[at + 1]!;
    cL += hist[at + 2]!;
    if (hist[at + 2] === 0 && b < bins - 1) continue; // same partition as the previous bin
    if ((b < bins - 1 || cM > 0) && scan.consider(f, gL, hL, cL)) {
      scan.best!.bin = b;
      scan.best!.missingLeft = cM === 0 && cL > scan.node.count - cL;
    }
    if (cM > 0 && b < bins - 1 && scan.consider(f, gL + gM, hL + hM, cL + cM)) {
      scan.best!.bin = b;
      scan.best!.missingLeft = true;
    }
  }
}

/**
 * `scanNumeric` for the common case (no l1, no monotonic bounds), where a
 * leaf's best objective is -g²/2(h + l2): the scan compares g²/(h + l2) sums
 * inline and builds a Split only when one wins. Same choices, fewer calls.
 */
function scanNumericFast(scan: Scan, hist: Float64Array, offset: number, bins: number, f: number): void {
  const { node, s } = scan;
  const l2 = s.l2;
  const minLeaf = s.minSamplesLeaf;
  const minHessian = s.minChildWeight;
  const count = node.count;
  // gain = parentObjective + (gL²/(hL+l2) + gR²/(hR+l2)) / 2 must beat bestGain.
  let needed = 2 * (scan.bestGain - scan.parentObjective);
  const missing = offset + SLOTS * bins;
  const gM = hist[missing]!;
  const hM = hist[missing + 1]!;
  const cM = hist[missing + 2]!;
  // With missing rows, the last bin's threshold is "every value vs missing".
  const last = cM > 0 ? bins : bins - 1;
  let gL = 0;
  let hL = 0;
  let cL = 0;
  for (let b = 0; b < last; b++) {
    const at = offset + SLOTS * b;
    const c = hist[at + 2]!;
    gL += hist[at]!;
    hL += hist[at + 1]!;
    cL += c;
    // An empty bin splits the rows as the bin before it did.
    if (c === 0) continue;
    if (count - cL < minLeaf) break; // counts only grow on the left
    // Missing rows go right.
    const hR = node.h - hL;
    if (cL >= minLeaf && hL >= minHessian && hR >= minHessian) {
      const gR = node.g - gL;
      const twice = (gL * gL) / (hL + l2 + 1e-15) + (gR * gR) / (hR + l2 + 1e-15);
      if (twice > needed) {
        needed = twice;
        const vL = -gL / (hL + l2 + 1e-15);
        const vR = -gR / (hR + l2 + 1e-15);
        scan.record(f, scan.parentObjective + twice / 2, gL, hL, cL, vL, vR);
        scan.best!.bin = b;
        scan.best!.missingLeft = cM === 0 && cL > count - cL;
      }
    }
    // Missing rows go left.
    if (cM === 0 || b === bins - 1) continue;
    const gl = gL + gM;
    const hl = hL + hM;
    const cl = cL + cM;
    const hr = node.h - hl;
    if (cl < minLeaf || count - cl < minLeaf || hl < minHessian || hr < minHessian) continue;
    const gr = node.g - gl;
    const twice = (gl * gl) / (hl + l2 + 1e-15) + (gr * gr) / (hr + l2 + 1e-15);
    if (!(twice > needed)) continue;
    needed = twice;
    scan.record(
      f,
      scan.parentObjective + twice / 2,
      gl,
      hl,
      cl,
      -gl / (hl + l2 + 1e-15),
      -gr / (hr + l2 + 1e-15),
    );
    scan.best!.bin = b;
    scan.best!.missingLeft = true;
  }
}

/**
 * Categories ordered by their mean gradient (smoothed), then every prefix of
 * that order (from either end) tried as the left set: the optimal binary
 * partition for a second-order loss lies among them (Fisher 1958), which is
 * how LightGBM splits categories without one-hot encoding.
 */
function scanCategorical(scan: Scan, hist: Float64Array, offset: number, bins: number, f: number): void {
  const order: number[] = [];
  for (let b = 0; b <= bins; b++) if (hist[offset + SLOTS * b + 2]! >= MIN_CATEGORY_SUPPORT) order.push(b);
  if (order.length < 2) return;
  const ratio = (b: number) =>
    hist[offset + SLOTS * b]! / (hist[offset + SLOTS * b + 1]! + CATEGORY_SMOOTHING);
  order.sort((a, b) => ratio(a) - ratio(b) || a - b);
  const most = Math.min(scan.s.maxCategorySplit, Math.floor((order.length + 1) / 2), order.length - 1);
  for (const reversed of [false, true]) {
    let gL = 0;
    let hL = 0;
    let cL = 0;
    for (let i = 0; i < most; i++) {
      const b = order[reversed ? order.length - 1 - i : i]!;
      gL += hist[offset + SLOTS * b]!;
      hL += hist[offset + SLOTS * b + 1]!;
      cL += hist[offset + SLOTS * b + 2]!;
      if (!scan.consider(f, gL, hL, cL)) continue;
      const bits = new Uint32Array(BITSET_WORDS);
      for (let j = 0; j <= i; j++) {
        const chosen = order[reversed ? order.length - 1 - j : j]!;
        bits[chosen >>> 5]! |= 1 << (chosen & 31);
      }
      scan.best!.categories = bits;
      scan.best!.missingLeft = (bits[bins >>> 5]! & (1 << (bins & 31))) !== 0;
    }
  }
}

/** Whether bin b is in a categorical split's left set. */
export function inLeftSet(bits: Uint32Array, b: number): boolean {
  return (bits[b >>> 5]! & (1 << (b & 31))) !== 0;
}
