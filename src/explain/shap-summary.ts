import { checkNumber } from '../core/params.js';
import { Rng } from '../core/random.js';
import type { Frame } from '../data/frame.js';
import type { Model } from '../estimator/contract.js';
import { explainRows } from './contributions.js';

/**
 * A SHAP summary: every sampled row's contributions (TreeSHAP for trees and
 * boosting, linear SHAP for linear models; see `explainRows`) and each
 * column's mean |contribution|, the global importance Lundberg et al. (2020,
 * "From local explanations to global understanding with explainable AI for
 * trees") derive from them. Unlike permutation importance it says how much a
 * column moves individual predictions, in the model's output units, and the
 * per-row values feed a beeswarm plot (value against the column's value).
 */
export interface ShapSummaryOptions {
  /** Rows explained: a seeded sample when the frame has more (default 1000); TreeSHAP is O(leaves × depth²) per row. */
  readonly maxRows?: number;
  readonly seed?: number;
}

export interface ShapImportance {
  readonly column: string;
  readonly meanAbs: number;
}

export interface ShapSummary {
  /** What the contributions add up to, e.g. 'log-odds of "yes"' (for more than two classes, each row's predicted class). */
  readonly scale: string;
  /** Largest mean |contribution| first. */
  readonly importances: readonly ShapImportance[];
  /** The column order of `values`: the model's input columns. */
  readonly columns: readonly string[];
  /** The frame's rows explained, in order. */
  readonly rows: Int32Array;
  /** Each row's baseline (the expected output its contributions add to). */
  readonly baselines: Float64Array;
  /** Row-major rows × columns contributions. */
  readonly values: Float64Array;
}

export function shapSummary(model: Model, frame: Frame, options: ShapSummaryOptions = {}): ShapSummary {
  const maxRows = options.maxRows ?? 1000;
  checkNumber('shap summary', 'maxRows', maxRows, 1, Number.POSITIVE_INFINITY, maxRows !== Infinity);
  const n = frame.rowCount;
  const rows =
    n <= maxRows
      ? Int32Array.from({ length: n }, (_, i) => i)
      : new Rng(options.seed ?? 0).sampleIndices(n, maxRows);
  const explained = explainRows(model, rows.length === n ? frame : frame.take(rows));
  const columns = model.inputNames;
  const index = new Map(columns.map((name, j) => [name, j]));
  const width = columns.length;
  const values = new Float64Array(rows.length * width);
  const totals = new Float64Array(width);
  explained.forEach((row, i) => {
    for (const { column, value } of row.contributions) {
      const j = index.get(column)!;
      values[i * width + j] = value;
      totals[j]! += Math.abs(value);
    }
  });
  const importances = columns
    .map((column, j) => ({ column, meanAbs: totals[j]! / Math.max(1, rows.length), j }))
    .sort((a, b) => b.meanAbs - a.meanAbs || a.j - b.j)
    .map(({ column, meanAbs }) => ({ column, meanAbs }));
  const scales = new Set(explained.map((e) => e.scale));
  const scale =
    scales.size <= 1 ? ([...scales][0] ?? '') : "each row's predicted class (raw score or probability)";
  return {
    scale,
    importances,
    columns,
    rows,
    baselines: Float64Array.from(explained, (e) => e.baseline),
    values,
  };
}
