import {
  type Metric,
  type Neighbours,
  offerNeighbour,
  type Points,
  reducedDistance,
  reducedDistanceUpTo,
} from './search.js';

/**
 * A k-d tree (Bentley 1975): each node splits its points at the median of
 * the coordinate where their bounding box is widest, down to small leaves.
 * A query descends to the nearer child first and skips any node whose box is
 * farther than the current k-th neighbour. It gives exactly the neighbours
 * of brute force, ties included: boxes are pruned only when strictly
 * farther, and the buffer orders by (distance, index) whatever the visiting
 * order. Worth it for few features (the boxes stop pruning in high
 * dimensions) and enough rows.
 */
const LEAF_SIZE = 16;

export class KdTree {
  /** Training row indices, grouped so that each node owns `order[start … end)`. */
  private readonly order: Int32Array;
  private readonly start: number[] = [];
  private readonly end: number[] = [];
  /** Child node ids; -1 for a leaf. */
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  /** Bounding boxes, node-major: lower[node * cols + j]. */
  private lower = new Float64Array(0);
  private upper = new Float64Array(0);
  /** Reused by radius searches, so a search allocates nothing (queries run one at a time). */
  private readonly scratchStack: Int32Array;

  constructor(private readonly points: Points) {
    this.order = new Int32Array(points.rows);
    for (let i = 0; i < points.rows; i++) this.order[i] = i;
    const boxes: { lower: number[]; upper: number[] } = { lower: [], upper: [] };
    this.build(0, points.rows, boxes);
    this.lower = Float64Array.from(boxes.lower);
    this.upper = Float64Array.from(boxes.upper);
    this.scratchStack = new Int32Array(this.start.length);
  }

  private build(start: number, end: number, boxes: { lower: number[]; upper: number[] }): number {
    const node = this.start.length;
    this.start.push(start);
    this.end.push(end);
    this.left.push(-1);
    this.right.push(-1);
    const widest = this.boundingBox(start, end, boxes);
    if (end - start > LEAF_SIZE && widest.spread > 0) {
      const middle = (start + end) >> 1;
      this.selectMedian(start, end, middle, widest.column);
      this.left[node] = this.build(start, middle, boxes);
      this.right[node] = this.build(middle, end, boxes);
    }
    return node;
  }

  /** Appends the box of order[start … end) and returns its widest column. */
  private boundingBox(
    start: number,
    end: number,
    boxes: { lower: number[]; upper: number[] },
  ): { column: number; spread: number } {
    const { data, cols } = this.points;
    let column = 0;
    let spread = -1;
    for (let j = 0; j < cols; j++) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let i = start; i < end; i++) {
        const v = data[this.order[i]! * cols + j]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      boxes.lower.push(lo);
      boxes.upper.push(hi);
      if (hi - lo > spread) {
        spread = hi - lo;
        column = j;
      }
    }
    return { column, spread };
  }

  /** Quickselect (Hoare): order[start … end) partitioned so that position `nth` holds its median on `column`. */
  private selectMedian(start: number, end: number, nth: number, column: number): void {
    const { data, cols } = this.points;
    const order = this.order;
    const value = (i: number) => data[order[i]! * cols + column]!;
    let lo = start;
    let hi = end - 1;
    while (lo < hi) {
      const pivot = value((lo + hi) >> 1);
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (value(i) < pivot) i++;
        while (value(j) > pivot) j--;
        if (i <= j) {
          const swap = order[i]!;
          order[i] = order[j]!;
          order[j] = swap;
          i++;
          j--;
        }
      }
      if (nth <= j) hi = j;
      else if (nth >= i) lo = i;
      else return;
    }
  }

  /** The reduced distance from query row q to a node's box: a lower bound for every point in it. */
  private boxDistance(query: Float64Array, q: number, node: number, euclidean: boolean): number {
    const cols = this.points.cols;
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const x = query[q * cols + j]!;
      const lo = this.lower[node * cols + j]!;
      const hi = this.upper[node * cols + j]!;
      // Written as the point distance is (x − bound), so rounding keeps the bound below it.
      const gap = x < lo ? lo - x : x > hi ? x - hi : 0;
      sum += euclidean ? gap * gap : gap;
    }
    return sum;
  }

  /**
   * Calls `visit` with every training row within `radius` (reduced units,
   * inclusive) of query row q, in no particular order: DBSCAN's
   * neighbourhoods.
   */
  forEachWithin(
    query: Points,
    q: number,
    radius: number,
    metric: Metric,
    visit: (row: number) => void,
  ): void {
    const euclidean = metric === 'euclidean';
    const stack = this.scratchStack;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const node = stack[--top]!;
      if (this.boxDistance(query.data, q, node, euclidean) > radius) continue;
      const left = this.left[node]!;
      if (left >= 0) {
        stack[top++] = this.right[node]!;
        stack[top++] = left;
        continue;
      }
      for (let i = this.start[node]!; i < this.end[node]!; i++) {
        const t = this.order[i]!;
        if (reducedDistance(query.data, q, this.points.data, t, query.cols, euclidean) <= radius) visit(t);
      }
    }
  }

  query(query: Points, k: number, metric: Metric): Neighbours {
    const indices = new Int32Array(query.rows * k);
    const distances = new Float64Array(query.rows * k);
    const euclidean = metric === 'euclidean';
    const stackNodes = new Int32Array(this.start.length);
    const stackBounds = new Float64Array(this.start.length);
    for (let q = 0; q < query.rows; q++) {
      let filled = 0;
      let top = 0;
      stackNodes[top] = 0;
      stackBounds[top++] = 0;
      while (top > 0) {
        const node = stackNodes[--top]!;
        if (filled === k && stackBounds[top]! > distances[q * k + k - 1]!) continue;
        const left = this.left[node]!;
        if (left < 0) {
          for (let i = this.start[node]!; i < this.end[node]!; i++) {
            const t = this.order[i]!;
            // Leaves come in no index order: a row as near as the k-th may still enter, by its index.
            const limit = filled === k ? distances[q * k + k - 1]! : Number.POSITIVE_INFINITY;
            const distance = reducedDistanceUpTo(
              query.data,
              q,
              this.points.data,
              t,
              query.cols,
              euclidean,
              limit,
            );
            if (distance > limit) continue;
            filled = offerNeighbour(distances, indices, q * k, k, filled, distance, t);
          }
          continue;
        }
        const right = this.right[node]!;
        const leftBound = this.boxDistance(query.data, q, left, euclidean);
        const rightBound = this.boxDistance(query.data, q, right, euclidean);
        // Push the farther child first, so the nearer one is searched first and tightens the bound.
        const nearFirst = leftBound <= rightBound;
        stackNodes[top] = nearFirst ? right : left;
        stackBounds[top++] = nearFirst ? rightBound : leftBound;
        stackNodes[top] = nearFirst ? left : right;
        stackBounds[top++] = nearFirst ? leftBound : rightBound;
      }
    }
    return { k, indices, distances };
  }
}
