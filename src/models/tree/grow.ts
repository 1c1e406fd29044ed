import type { Rng } from '../../core/random.js';
import { addRow, type Criterion, impurity, nodeValue, splitProxy, statsSize } from './criterion.js';
import { type TreeArrays, TreeBuilder } from './flat-tree.js';
import type { TreeData } from './tree-data.js';

export interface GrowSettings {
  readonly criterion: Criterion;
  /** Infinity for unlimited. */
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  /** Features to try per node (already resolved to a count). */
  readonly maxFeatures: number;
  /** Extra trees (Geurts et al. 2006): one uniform random threshold per feature instead of the best. */
  readonly randomThresholds: boolean;
}

/** Values closer than this are one value, as scikit-learn's FEATURE_THRESHOLD. */
const FEATURE_THRESHOLD = 1e-7;
const PURE = 2.220446049250313e-16;

/**
 * Grows CART trees (Breiman et al. 1984) depth-first on exact sorted values.
 * Each feature's in-bag rows are kept in ascending order within every node's
 * segment of `order`: filtered once per tree from the fit's presorted rows,
 * then split by a stable partition, so no node ever sorts. Scratch buffers
 * are allocated once per grower and reused for every tree it grows.
 */
export class TreeGrower {
  private readonly order: Int32Array;
  private readonly scratch: Int32Array;
  private readonly goesLeft: Uint8Array;
  private readonly features: Int32Array;
  private readonly rowWeight: Float64Array;
  private readonly nodeStats: Float64Array;
  private readonly leftStats: Float64Array;
  private readonly valueScratch: Float64Array;
  private readonly outputs: number;
  /** In-bag rows of the tree being grown: the stride of `order`. */
  private inBag = 0;
  private bestProxy = 0;
  private bestFeature = -1;
  private bestThreshold = 0;
  private bestLeftCount = 0;

  constructor(
    private readonly data: TreeData,
    private readonly settings: GrowSettings,
  ) {
    const { rows, cols, classCount } = data;
    this.order = new Int32Array(rows * cols);
    this.scratch = new Int32Array(rows);
    this.goesLeft = new Uint8Array(rows);
    this.features = new Int32Array(cols);
    this.rowWeight = new Float64Array(rows);
    this.nodeStats = new Float64Array(statsSize(classCount));
    this.leftStats = new Float64Array(statsSize(classCount));
    this.outputs = classCount > 0 ? classCount : 1;
    this.valueScratch = new Float64Array(this.outputs);
  }

  /** One tree on the rows with a positive count (`counts` null: every row once). */
  grow(counts: Int32Array | null, rng: Rng): TreeArrays {
    this.selectRows(counts);
    for (let j = 0; j < this.data.cols; j++) this.features[j] = j;
    const { maxDepth, minSamplesSplit, minSamplesLeaf, criterion } = this.settings;
    const builder = new TreeBuilder(this.outputs);
    // Pending nodes: start, end, depth, parent, 1 if the parent's left child.
    const stack: number[][] = [[0, this.inBag, 0, -1, 0]];
    while (stack.length > 0) {
      const [start, end, depth, parent, isLeft] = stack.pop()!;
      const weight = this.fillNodeStats(start!, end!);
      const nodeImpurity = impurity(criterion, this.nodeStats, weight);
      nodeValue(this.nodeStats, this.data.classCount, weight, this.valueScratch);
      const node = builder.addNode(this.valueScratch, weight, nodeImpurity);
      if (parent! >= 0) builder.setChild(parent!, node, isLeft === 1);
      const n = end! - start!;
      if (depth! >= maxDepth || n < minSamplesSplit || n < 2 * minSamplesLeaf || nodeImpurity <= PURE)
        continue;
      if (!this.findSplit(start!, end!, weight, rng)) continue;
      builder.setSplit(node, this.bestFeature, this.bestThreshold);
      const middle = start! + this.bestLeftCount;
      this.partition(start!, end!, this.bestFeature, middle);
      // Right pushed first so the left subtree is grown (and numbered) first.
      stack.push([middle, end!, depth! + 1, node, 0], [start!, middle, depth! + 1, node, 1]);
    }
    return builder.finish();
  }

  private selectRows(counts: Int32Array | null): void {
    const { rows, cols, sortedRows, weights } = this.data;
    let inBag = 0;
    for (let i = 0; i < rows; i++) {
      const count = counts === null ? 1 : counts[i]!;
      this.rowWeight[i] = weights[i]! * count;
      if (count > 0) inBag++;
    }
    this.inBag = inBag;
    for (let j = 0; j < cols; j++) {
      let at = j * inBag;
      for (let r = j * rows; r < (j + 1) * rows; r++) {
        const row = sortedRows[r]!;
        if (counts === null || counts[row]! > 0) this.order[at++] = row;
      }
    }
  }

  private fillNodeStats(start: number, end: number): number {
    const { targets, classCount } = this.data;
    this.nodeStats.fill(0);
    let weight = 0;
    for (let p = start; p < end; p++) {
      const row = this.order[p]!;
      const w = this.rowWeight[row]!;
      weight += w;
      addRow(this.nodeStats, classCount, targets[row]!, w);
    }
    return weight;
  }

  /**
   * Tries features in a random order until maxFeatures have been looked at
   * and at least one of them varies in the node (scikit-learn's rule: a
   * constant feature does not use up the budget unless all are constant).
   */
  private findSplit(start: number, end: number, weight: number, rng: Rng): boolean {
    const { cols, rows, columns } = this.data;
    const { maxFeatures, randomThresholds } = this.settings;
    this.bestProxy = Number.NEGATIVE_INFINITY;
    this.bestFeature = -1;
    let visited = 0;
    let constant = 0;
    for (let i = 0; i < cols; i++) {
      if (visited >= maxFeatures && visited > constant) break;
      const pick = i + rng.int(cols - i);
      const feature = this.features[pick]!;
      this.features[pick] = this.features[i]!;
      this.features[i] = feature;
      visited++;
      const base = feature * this.inBag;
      const lowest = columns[feature * rows + this.order[base + start]!]!;
      const highest = columns[feature * rows + this.order[base + end - 1]!]!;
      if (highest <= lowest + FEATURE_THRESHOLD) {
        constant++;
        continue;
      }
      if (randomThresholds) this.tryRandomThreshold(feature, start, end, weight, lowest, highest, rng);
      else this.tryEveryThreshold(feature, start, end, weight);
    }
    return this.bestFeature >= 0;
  }

  /** Every cut between distinct neighbouring values; the threshold is their midpoint. */
  private tryEveryThreshold(feature: number, start: number, end: number, weight: number): void {
    const { columns, rows, targets, classCount } = this.data;
    const { minSamplesLeaf, criterion } = this.settings;
    const { order, rowWeight, leftStats, nodeStats } = this;
    const base = feature * this.inBag;
    const column = feature * rows;
    leftStats.fill(0);
    let leftWeight = 0;
    for (let p = start; p < end - 1; p++) {
      const row = order[base + p]!;
      const w = rowWeight[row]!;
      leftWeight += w;
      addRow(leftStats, classCount, targets[row]!, w);
      const leftCount = p + 1 - start;
      if (leftCount < minSamplesLeaf) continue;
      if (end - p - 1 < minSamplesLeaf) break;
      const x = columns[column + row]!;
      const next = columns[column + order[base + p + 1]!]!;
      if (next <= x + FEATURE_THRESHOLD) continue;
      const proxy = splitProxy(criterion, leftStats, nodeStats, leftWeight, weight);
      if (proxy > this.bestProxy) {
        this.bestProxy = proxy;
        this.bestFeature = feature;
        const middle = x / 2 + next / 2;
        this.bestThreshold = middle === next || !Number.isFinite(middle) ? x : middle;
        this.bestLeftCount = leftCount;
      }
    }
  }

  /** Extra trees: a threshold drawn uniformly between the node's lowest and highest value. */
  private tryRandomThreshold(
    feature: number,
    start: number,
    end: number,
    weight: number,
    lowest: number,
    highest: number,
    rng: Rng,
  ): void {
    const { columns, rows, targets, classCount } = this.data;
    const { minSamplesLeaf, criterion } = this.settings;
    let threshold = lowest + rng.next() * (highest - lowest);
    if (threshold >= highest) threshold = lowest;
    const base = feature * this.inBag;
    this.leftStats.fill(0);
    let leftWeight = 0;
    let p = start;
    for (; p < end; p++) {
      const row = this.order[base + p]!;
      if (columns[feature * rows + row]! > threshold) break;
      const w = this.rowWeight[row]!;
      leftWeight += w;
      addRow(this.leftStats, classCount, targets[row]!, w);
    }
    if (p - start < minSamplesLeaf || end - p < minSamplesLeaf) return;
    const proxy = splitProxy(criterion, this.leftStats, this.nodeStats, leftWeight, weight);
    if (proxy > this.bestProxy) {
      this.bestProxy = proxy;
      this.bestFeature = feature;
      this.bestThreshold = threshold;
      this.bestLeftCount = p - start;
    }
  }

  /**
   * Splits the node's segment of every feature's order at `middle`, keeping
   * each side in ascending order (stable), so children stay sorted.
   */
  private partition(start: number, end: number, splitFeature: number, middle: number): void {
    const { order, goesLeft, scratch, inBag } = this;
    const splitBase = splitFeature * inBag;
    for (let p = start; p < end; p++) goesLeft[order[splitBase + p]!] = p < middle ? 1 : 0;
    for (let j = 0; j < this.data.cols; j++) {
      if (j === splitFeature) continue;
      const base = j * inBag;
      let left = base + start;
      let right = 0;
      for (let p = base + start; p < base + end; p++) {
        const row = order[p]!;
        if (goesLeft[row] === 1) order[left++] = row;
        else scratch[right++] = row;
      }
      order.set(scratch.subarray(0, right), left);
    }
  }
}
