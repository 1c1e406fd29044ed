/**
 * Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, "Consistent
 * individualized feature attribution for tree ensembles", Algorithm 2): the
 * Shapley values of v(S) = E[f(x) | x_S], where the expectation over the
 * features outside S follows each split in proportion to the training cover
 * of its children. One walk of the tree per row, O(leaves × depth²), instead
 * of the 2^features subsets the definition sums over.
 */

/** Trees as TreeSHAP reads them: node arrays with absolute child indices. */
export interface ShapTrees {
  /** The input column a node splits on; -1 at a leaf. */
  readonly feature: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Training weight (rows, or summed hessian) that reached each node. */
  readonly cover: Float64Array;
  /** Whether a row whose split column holds `value` goes left at `node`. */
  goesLeft(node: number, value: number): boolean;
}

/** Which trees to explain, and which leaf value each adds (scaled by `weight`). */
export interface ShapOutput {
  readonly roots: Int32Array;
  /** The leaf value of node n is `value[n * stride + offset] * weight`. */
  readonly value: Float64Array;
  readonly stride: number;
  readonly offset: number;
  readonly weight: number;
}

/**
 * The share of a node's cover each child takes. Normalised by the children's
 * sum, not the node's own cover, so the expectation and the attributions use
 * the same weights even where rounding (hessian sums) makes them differ.
 */
function leftShare(trees: ShapTrees, node: number): number {
  const l = trees.cover[trees.left[node]!]!;
  const r = trees.cover[trees.right[node]!]!;
  return l + r > 0 ? l / (l + r) : 0.5;
}

/** E[f(x)] under the cover weights: the baseline the attributions add to. */
export function expectedOutput(trees: ShapTrees, output: ShapOutput): number {
  const expect = (node: number): number => {
    if (trees.feature[node]! < 0) return output.value[node * output.stride + output.offset]! * output.weight;
    const share = leftShare(trees, node);
    return share * expect(trees.left[node]!) + (1 - share) * expect(trees.right[node]!);
  };
  let sum = 0;
  for (const root of output.roots) sum += expect(root);
  return sum;
}

/** Deepest split count from `node` down (0 for a leaf). */
export function treeDepth(trees: ShapTrees, node: number): number {
  if (trees.feature[node]! < 0) return 0;
  return 1 + Math.max(treeDepth(trees, trees.left[node]!), treeDepth(trees, trees.right[node]!));
}

/**
 * The "path" of Algorithm 2, one copy per recursion depth in flat arrays:
 * for each element the feature, the fraction of paths that go through when
 * the feature is unknown (z) and when it is known (o), and the permutation
 * weight w of the subsets of the path's features.
 */
class PathBuffers {
  readonly feature: Int32Array;
  readonly zero: Float64Array;
  readonly one: Float64Array;
  readonly weight: Float64Array;

  constructor(readonly capacity: number) {
    const size = capacity * capacity;
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
  }

  copy(from: number, to: number, length: number): void {
    // Paths are short: a plain loop beats four copyWithin calls.
    for (let k = 0; k < length; k++) {
      this.feature[to + k] = this.feature[from + k]!;
      this.zero[to + k] = this.zero[from + k]!;
      this.one[to + k] = this.one[from + k]!;
      this.weight[to + k] = this.weight[from + k]!;
    }
  }

  /** Appends a split to the path of `length` at `at`, updating every subset size's weight. */
  extend(at: number, length: number, zero: number, one: number, feature: number): void {
    const w = this.weight;
    this.feature[at + length] = feature;
    this.zero[at + length] = zero;
    this.one[at + length] = one;
    w[at + length] = length === 0 ? 1 : 0;
    for (let i = length - 1; i >= 0; i--) {
      w[at + i + 1]! += (one * w[at + i]! * (i + 1)) / (length + 1);
      w[at + i] = (zero * w[at + i]! * (length - i)) / (length + 1);
    }
  }

  /** Removes element `i` from the path of `length` at `at` (the inverse of `extend`). */
  unwind(at: number, length: number, i: number): void {
    const w = this.weight;
    const one = this.one[at + i]!;
    const zero = this.zero[at + i]!;
    let next = w[at + length - 1]!;
    for (let j = length - 2; j >= 0; j--) {
      if (one !== 0) {
        const kept = w[at + j]!;
        w[at + j] = (next * length) / ((j + 1) * one);
        next = kept - (w[at + j]! * zero * (length - 1 - j)) / length;
      } else {
        w[at + j] = (w[at + j]! * length) / (zero * (length - 1 - j));
      }
    }
    for (let j = i; j < length - 1; j++) {
      this.feature[at + j] = this.feature[at + j + 1]!;
      this.zero[at + j] = this.zero[at + j + 1]!;
      this.one[at + j] = this.one[at + j + 1]!;
    }
  }

  /** The total weight the path would have with element `i` unwound, without unwinding it. */
  unwoundSum(at: number, length: number, i: number): number {
    const w = this.weight;
    const one = this.one[at + i]!;
    const zero = this.zero[at + i]!;
    let total = 0;
    if (one !== 0) {
      let next = w[at + length - 1]!;
      for (let j = length - 2; j >= 0; j--) {
        const share = (next * length) / ((j + 1) * one);
        total += share;
        next = w[at + j]! - (share * zero * (length - 1 - j)) / length;
      }
    } else {
      for (let j = length - 2; j >= 0; j--) total += (w[at + j]! * length) / (zero * (length - 1 - j));
    }
    return total;
  }
}

/** Explains rows against one set of trees; reuse it across rows (it owns the scratch paths). */
export class TreeExplainer {
  private readonly paths: PathBuffers;
  private x: Float64Array = new Float64Array(0);
  private base = 0;
  private phi: Float64Array = new Float64Array(0);
  private output: ShapOutput | null = null;

  constructor(
    private readonly trees: ShapTrees,
    maxDepth: number,
  ) {
    // Per level of recursion (maxDepth + 1), a path of the dummy root element and one per split.
    this.paths = new PathBuffers(maxDepth + 2);
  }

  /**
   * Adds the Shapley values of the row at `x[base …]` (one value per input
   * column), for the trees and leaf values of `output`, to `phi[base …]`:
   * `phi` is laid out as `x`, rows × inputs.
   */
  explain(output: ShapOutput, x: Float64Array, base: number, phi: Float64Array): void {
    this.output = output;
    this.x = x;
    this.base = base;
    this.phi = phi;
    for (const root of output.roots) this.recurse(root, 0, 0, 0, 1, 1, -1);
  }

  private recurse(
    node: number,
    depth: number,
    parentAt: number,
    parentLength: number,
    zero: number,
    one: number,
    feature: number,
  ): void {
    const { paths, trees } = this;
    const at = depth * paths.capacity;
    if (depth > 0) paths.copy(parentAt, at, parentLength);
    paths.extend(at, parentLength, zero, one, feature);
    let length = parentLength + 1;
    const split = trees.feature[node]!;
    if (split < 0) {
      const { value, stride, offset, weight } = this.output!;
      const leaf = value[node * stride + offset]! * weight;
      for (let i = 1; i < length; i++) {
        const w = paths.unwoundSum(at, length, i);
        this.phi[this.base + paths.feature[at + i]!]! +=
          w * (paths.one[at + i]! - paths.zero[at + i]!) * leaf;
      }
      return;
    }
    const left = trees.left[node]!;
    const right = trees.right[node]!;
    const goesLeft = trees.goesLeft(node, this.x[this.base + split]!);
    const share = leftShare(trees, node);
    // A feature met again on the path: its earlier element is merged into this split's.
    let incomingZero = 1;
    let incomingOne = 1;
    for (let k = 1; k < length; k++) {
      if (paths.feature[at + k] !== split) continue;
      incomingZero = paths.zero[at + k]!;
      incomingOne = paths.one[at + k]!;
      paths.unwind(at, length, k);
      length--;
      break;
    }
    const hot = goesLeft ? left : right;
    const cold = goesLeft ? right : left;
    const hotShare = goesLeft ? share : 1 - share;
    this.recurse(hot, depth + 1, at, length, incomingZero * hotShare, incomingOne, split);
    // A cold child of no cover carries no paths (z = o = 0): every weight below would be 0.
    const coldZero = incomingZero * (1 - hotShare);
    if (coldZero > 0) this.recurse(cold, depth + 1, at, length, coldZero, 0, split);
  }
}
