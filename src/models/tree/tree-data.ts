import type { Matrix } from '../../data/frame.js';

/**
 * The training rows laid out for split search: features column by column
 * (one feature's values are contiguous), and, per feature, the rows in
 * ascending order of that feature, sorted once for every tree of a fit.
 * With `shared`, the arrays live in SharedArrayBuffers so that worker
 * threads read the same memory instead of a copy each.
 */
export interface TreeData {
  readonly rows: number;
  readonly cols: number;
  /** Feature j of row i at `columns[j * rows + i]`. */
  readonly columns: Float64Array;
  /** Feature j's rows in ascending value (ties in row order) at `sortedRows[j * rows …]`. */
  readonly sortedRows: Int32Array;
  /** Class index (classification) or value (regression) per row. */
  readonly targets: Float64Array;
  readonly weights: Float64Array;
  /** Number of classes; 0 for regression. */
  readonly classCount: number;
}

export function treeData(
  matrix: Matrix,
  targets: Float64Array,
  sampleWeight: Float64Array | undefined,
  classCount: number,
  shared: boolean,
): TreeData {
  const { rows, cols, data } = matrix;
  const columns = new Float64Array(allocate(rows * cols * 8, shared));
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) columns[j * rows + i] = data[i * cols + j]!;
  const sortedRows = new Int32Array(allocate(rows * cols * 4, shared));
  for (let j = 0; j < cols; j++) {
    const order = sortedRows.subarray(j * rows, (j + 1) * rows);
    for (let i = 0; i < rows; i++) order[i] = i;
    const column = columns.subarray(j * rows, (j + 1) * rows);
    order.sort((a, b) => column[a]! - column[b]! || a - b);
  }
  const ownTargets = new Float64Array(allocate(rows * 8, shared));
  ownTargets.set(targets);
  const weights = new Float64Array(allocate(rows * 8, shared));
  if (sampleWeight === undefined) weights.fill(1);
  else weights.set(sampleWeight);
  return { rows, cols, columns, sortedRows, targets: ownTargets, weights, classCount };
}

function allocate(bytes: number, shared: boolean): ArrayBufferLike {
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}
