import type { Matrix } from '../../data/frame.js';
import { partialSquaredDistance } from '../../numeric/linalg.js';

/**
 * Lloyd's iterations for k-means with Elkan's bounds (C. Elkan, "Using the
 * triangle inequality to accelerate k-means", ICML 2003). Each row keeps an
 * upper bound on its distance to its own centre and a lower bound on its
 * distance to each centre, moved by how far the centres move; a centre is
 * measured only when the bounds leave open that it is nearer. After the
 * first iterations most rows need one distance or none (on 100,000 × 28
 * rows and k = 8: 8 million distances instead of 70 million).
 *
 * The labels, centres and inertia are exactly those of plain Lloyd: a
 * centre is passed over only when it is strictly farther, with a slack
 * (below) wider than any rounding, and the distances measured and the
 * centre sums are the plain ones, in the same order.
 */
export interface LloydResult {
  readonly centres: Float64Array;
  readonly inertia: number;
  readonly iterations: number;
}

/**
 * Relative slack on every bound: far wider than the rounding of a distance
 * (~p·2⁻⁵³) and of the bound updates (one rounding per iteration), far too
 * narrow to cost a skip.
 */
const SLACK = 1e-10;

/** Squared euclidean distance from row i of X to centre c. */
export function squaredDistance(X: Matrix, i: number, centres: Float64Array, c: number): number {
  return squaredDistanceUpTo(X, i, centres, c, Number.POSITIVE_INFINITY);
}

/**
 * The same sum, given up once it passes `limit` (checked every 4 terms):
 * a result ≤ limit is the full distance, bit for bit; a larger one is a
 * lower bound on it, because adding squares never makes a sum smaller.
 */
export function squaredDistanceUpTo(
  X: Matrix,
  i: number,
  centres: Float64Array,
  c: number,
  limit: number,
): number {
  return partialSquaredDistance(X.data, i * X.cols, centres, c * X.cols, X.cols, limit);
}

/** Per-row bounds, in distance (not squared) units. */
interface Bounds {
  /** ≥ the distance from the row to its labelled centre. */
  readonly upper: Float64Array;
  /** Row-major rows × k: ≤ the distance from the row to each centre. */
  readonly lower: Float64Array;
}

/** Lloyd's iterations with scikit-learn's stopping rules: no label changes, or a total squared centre shift ≤ tolerance. */
export function lloyd(
  X: Matrix,
  weight: Float64Array,
  seeds: Float64Array,
  maxIter: number,
  tolerance: number,
): LloydResult {
  const k = seeds.length / X.cols;
  let centres = seeds;
  const labels = new Int32Array(X.rows);
  const previous = new Int32Array(X.rows);
  const bounds: Bounds = { upper: new Float64Array(X.rows), lower: new Float64Array(X.rows * k) };
  const moves = new Float64Array(k);
  const sums = new ClusterSums(k, X.cols);
  let iterations = 0;
  /** Whether the bounds and sums hold for the labels and centres (not after an empty cluster took a row). */
  let valid = false;
  while (iterations < maxIter) {
    iterations++;
    previous.set(labels);
    const changed = valid
      ? assignWithBounds(X, centres, k, labels, bounds, moves)
      : assignAll(X, centres, k, labels, bounds);
    if (valid && changed < X.rows / 2) sums.move(X, weight, previous, labels);
    else sums.recount(X, weight, labels);
    const moved = sums.centres(X, labels, centres);
    const shift = centreMoves(centres, moved.centres, X.cols, moves);
    centres = moved.centres;
    valid = !moved.relocated;
    // A relocated empty cluster changed a label after the search: compare in full then.
    const same = iterations > 1 && (moved.relocated ? sameLabels(labels, previous) : changed === 0);
    if (same || shift <= tolerance) break;
  }
  // Labels for the final centres, then their distances: the inertia of the result.
  if (valid) assignWithBounds(X, centres, k, labels, bounds, moves);
  else assignAll(X, centres, k, labels, bounds);
  let inertia = 0;
  for (let i = 0; i < X.rows; i++) inertia += weight[i]! * squaredDistance(X, i, centres, labels[i]!);
  return { centres, inertia, iterations };
}

/** Full search for every row (the lower centre on a tie), setting fresh bounds; returns how many labels changed. */
function assignAll(X: Matrix, centres: Float64Array, k: number, labels: Int32Array, bounds: Bounds): number {
  let changed = 0;
  for (let i = 0; i < X.rows; i++) changed += searchRow(X, i, centres, k, labels, bounds);
  return changed;
}

/** Nearest centre of row i, with fresh bounds to every centre; returns 1 if its label changed. */
function searchRow(
  X: Matrix,
  i: number,
  centres: Float64Array,
  k: number,
  labels: Int32Array,
  bounds: Bounds,
): number {
  let nearest = 0;
  let nearestDistance = Number.POSITIVE_INFINITY;
  for (let c = 0; c < k; c++) {
    const d = squaredDistanceUpTo(X, i, centres, c, nearestDistance);
    bounds.lower[i * k + c] = Math.sqrt(d) * (1 - SLACK);
    if (d < nearestDistance) {
      nearestDistance = d;
      nearest = c;
    }
  }
  bounds.upper[i] = Math.sqrt(nearestDistance) * (1 + SLACK);
  const changed = labels[i] === nearest ? 0 : 1;
  labels[i] = nearest;
  return changed;
}

/**
 * Elkan's assignment step (C. Elkan, "Using the triangle inequality to
 * accelerate k-means", ICML 2003): a lower bound per row and centre, so that
 * only the centres that might be nearer are measured. Centres are visited
 * in index order and a nearer one (or an equally near, lower-numbered one)
 * takes over, which picks the same centre as the full search.
 */
function assignWithBounds(
  X: Matrix,
  centres: Float64Array,
  k: number,
  labels: Int32Array,
  bounds: Bounds,
  moves: Float64Array,
): number {
  const gaps = halfCentreDistances(centres, X.cols, k);
  let changed = 0;
  for (let i = 0; i < X.rows; i++) {
    const label = labels[i]!;
    if (!moveRowBounds(i, label, bounds, moves, gaps)) continue;
    const nearest = searchOpenCentres(X, i, centres, label, bounds, gaps);
    if (nearest !== label) {
      labels[i] = nearest;
      changed++;
    }
  }
  return changed;
}

/**
 * Moves row i's bounds by how far the centres moved (its own centre at most
 * that much farther, every other at most its move nearer); returns whether
 * some other centre might now be nearer. One pass over the bounds, where
 * the assignment reads them anyway.
 */
function moveRowBounds(
  i: number,
  label: number,
  bounds: Bounds,
  moves: Float64Array,
  gaps: { between: Float64Array },
): boolean {
  const k = moves.length;
  const { upper, lower } = bounds;
  const u = upper[i]! + moves[label]!;
  upper[i] = u;
  let open = false;
  for (let c = 0, at = i * k; c < k; c++, at++) {
    const l = lower[at]! - moves[c]!;
    lower[at] = l;
    if (c !== label && u >= l && u >= gaps.between[label * k + c]!) open = true;
  }
  return open;
}

/** Measures the centres that row i's bounds leave open; returns its nearest centre. */
function searchOpenCentres(
  X: Matrix,
  i: number,
  centres: Float64Array,
  label: number,
  bounds: Bounds,
  gaps: { between: Float64Array },
): number {
  const k = centres.length / X.cols;
  const { upper, lower } = bounds;
  let labelDistance = -1;
  for (let c = 0; c < k; c++) {
    if (c === label) continue;
    const at = i * k + c;
    if (upper[i]! < lower[at]! || upper[i]! < gaps.between[label * k + c]!) continue;
    if (labelDistance < 0) {
      labelDistance = squaredDistance(X, i, centres, label);
      upper[i] = Math.sqrt(labelDistance) * (1 + SLACK);
      lower[i * k + label] = Math.sqrt(labelDistance) * (1 - SLACK);
      if (upper[i]! < lower[at]! || upper[i]! < gaps.between[label * k + c]!) continue;
    }
    const d = squaredDistanceUpTo(X, i, centres, c, labelDistance);
    lower[at] = Math.sqrt(d) * (1 - SLACK);
    if (d < labelDistance || (d === labelDistance && c < label)) {
      label = c;
      labelDistance = d;
      upper[i] = Math.sqrt(d) * (1 + SLACK);
    }
  }
  return label;
}

/**
 * Half the distance between each pair of centres, and from each to its
 * nearest other (lower bounds, slack included): a row closer than that to
 * its own centre is nearer to it than to the other, by the triangle inequality.
 */
function halfCentreDistances(
  centres: Float64Array,
  p: number,
  k: number,
): { between: Float64Array; nearest: Float64Array } {
  const between = new Float64Array(k * k);
  const nearest = new Float64Array(k).fill(Number.POSITIVE_INFINITY);
  const centreMatrix = { data: centres, rows: k, cols: p, columnNames: [] };
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const d = 0.5 * Math.sqrt(squaredDistance(centreMatrix, a, centres, b)) * (1 - SLACK);
      between[a * k + b] = d;
      between[b * k + a] = d;
      if (d < nearest[a]!) nearest[a] = d;
      if (d < nearest[b]!) nearest[b] = d;
    }
  }
  return { between, nearest };
}

/**
 * How far each centre moved (slack included, into `moves`); returns the
 * total squared shift, summed as scikit-learn's tolerance test does.
 */
function centreMoves(before: Float64Array, after: Float64Array, p: number, moves: Float64Array): number {
  let total = 0;
  for (let c = 0; c < moves.length; c++) {
    let sum = 0;
    for (let j = c * p; j < (c + 1) * p; j++) sum += (before[j]! - after[j]!) ** 2;
    moves[c] = Math.sqrt(sum) * (1 + SLACK);
  }
  for (let i = 0; i < before.length; i++) total += (before[i]! - after[i]!) ** 2;
  return total;
}

function sameLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Each cluster's weighted sum of rows, kept up to date by moving only the
 * rows that changed cluster: late iterations move a few hundred rows, where
 * a fresh sum would read every row again. Each move rounds once, so after m
 * moves a sum is off by about √m·2⁻⁵³ of the rows' size: nothing against the
 * tolerance test. A cluster that empties starts again from exact zeros.
 */
class ClusterSums {
  private readonly sums: Float64Array;
  private readonly totals: Float64Array;
  /** Rows per cluster, exact: a weight total can be left slightly off zero by rounding. */
  private readonly counts: Int32Array;

  constructor(
    private readonly k: number,
    private readonly p: number,
  ) {
    this.sums = new Float64Array(k * p);
    this.totals = new Float64Array(k);
    this.counts = new Int32Array(k);
  }

  recount(X: Matrix, weight: Float64Array, labels: Int32Array): void {
    this.sums.fill(0);
    this.totals.fill(0);
    this.counts.fill(0);
    for (let i = 0; i < X.rows; i++) {
      this.add(X, i, labels[i]!, weight[i]!);
      this.counts[labels[i]!]!++;
    }
  }

  /** Moves the rows whose label changed from `before` to `after`. */
  move(X: Matrix, weight: Float64Array, before: Int32Array, after: Int32Array): void {
    for (let i = 0; i < X.rows; i++) {
      if (before[i] === after[i]) continue;
      this.add(X, i, before[i]!, -weight[i]!);
      this.add(X, i, after[i]!, weight[i]!);
      if (--this.counts[before[i]!]! === 0) this.clear(before[i]!);
      this.counts[after[i]!]!++;
    }
  }

  private add(X: Matrix, i: number, c: number, w: number): void {
    const { p, sums } = this;
    const row = i * p;
    const at = c * p;
    for (let j = 0; j < p; j++) sums[at + j]! += w * X.data[row + j]!;
    this.totals[c]! += w;
  }

  private clear(c: number): void {
    this.sums.fill(0, c * this.p, (c + 1) * this.p);
    this.totals[c] = 0;
  }

  /**
   * The weighted means. A cluster left empty takes the row farthest from its
   * own centre (scikit-learn relocates empty clusters to far points too), so
   * k centres always remain; that changes the row's label.
   */
  centres(
    X: Matrix,
    labels: Int32Array,
    previous: Float64Array,
  ): { centres: Float64Array; relocated: boolean } {
    const { k, p } = this;
    const centres = new Float64Array(k * p);
    let relocated = false;
    for (let c = 0; c < k; c++) {
      const total = this.totals[c]!;
      if (this.counts[c]! > 0 && total > 0) {
        for (let j = c * p; j < (c + 1) * p; j++) centres[j] = this.sums[j]! / total;
        continue;
      }
      const far = farthestRow(X, labels, previous);
      centres.set(X.data.subarray(far * p, (far + 1) * p), c * p);
      labels[far] = c;
      relocated = true;
    }
    return { centres, relocated };
  }
}

function farthestRow(X: Matrix, labels: Int32Array, centres: Float64Array): number {
  let far = 0;
  let farDistance = -1;
  for (let i = 0; i < X.rows; i++) {
    const d = squaredDistance(X, i, centres, labels[i]!);
    if (d > farDistance) {
      farDistance = d;
      far = i;
    }
  }
  return far;
}
