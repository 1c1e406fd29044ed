import { Rng } from '../core/random.js';
import type { Matrix } from '../data/frame.js';
import type { Model } from '../estimator/contract.js';
import { silhouetteScore } from '../evaluate/clustering.js';
import { IsolationForestModel } from '../models/anomaly/isolation-forest.js';
import { DbscanModel } from '../models/cluster/dbscan.js';
import { KmeansModel } from '../models/cluster/kmeans.js';
import { PcaModel } from '../models/decomposition/pca.js';
import { formatNumber } from '../report/format.js';

/**
 * What a user wants to know after fitting an unsupervised model on all rows:
 * the clusters and how well separated they are, the variance each component
 * keeps, the rows that look most anomalous. Each summary gives the same facts
 * three ways: metrics (name → number), model-specific JSON, and text lines.
 */
export interface UnsupervisedSummary {
  readonly metrics: Record<string, number>;
  /** The model-specific parts of the JSON report. */
  readonly details: Record<string, unknown>;
  readonly lines: readonly string[];
  /** Why a figure is missing or how it was computed. */
  readonly notes: readonly string[];
}

/** The 1-based line of a data row in the file, when the source is a text file. */
export type RowLines = (row: number) => number | undefined;

export interface SummaryContext {
  /** Seeds the silhouette's sample of rows. */
  readonly seed: number;
  readonly rowLines: RowLines;
}

/** The silhouette is O(n²): above this many rows it is computed on a seeded sample. */
export const SILHOUETTE_MAX_ROWS = 5000;
const MOST_ANOMALOUS_SHOWN = 10;
const COMPONENTS_SHOWN = 20;

/** `X` is the training rows as the model saw them (after preprocessing). */
export function summarise(model: Model, X: Matrix, context: SummaryContext): UnsupervisedSummary {
  if (model instanceof KmeansModel) return kmeansSummary(model, X, context);
  if (model instanceof DbscanModel) return dbscanSummary(model, X, context);
  if (model instanceof PcaModel) return pcaSummary(model);
  if (model instanceof IsolationForestModel) return isolationSummary(model, X, context);
  throw new Error(`no summary for a ${model.kind} model`);
}

function kmeansSummary(model: KmeansModel, X: Matrix, context: SummaryContext): UnsupervisedSummary {
  const labels = model.predict(X);
  const sizes = clusterSizes(labels);
  const silhouette = sampledSilhouette(X, labels, () => true, context.seed);
  const metrics: Record<string, number> = { inertia: model.inertia };
  if (silhouette.value !== undefined) metrics['silhouette'] = silhouette.value;
  return {
    metrics,
    details: {
      clusters: sizes.map((size, cluster) => ({ cluster, size })),
      iterations: model.iterations,
      silhouetteRows: silhouette.rows,
    },
    lines: [
      ...sizeTable(sizes, X.rows),
      '',
      `${'inertia'.padEnd(12)}${formatScoreCell(model.inertia).padStart(10)}   (sum of squared distances to the nearest centre)`,
      silhouetteLine(silhouette),
    ],
    notes: silhouette.note === undefined ? [] : [silhouette.note],
  };
}

function dbscanSummary(model: DbscanModel, X: Matrix, context: SummaryContext): UnsupervisedSummary {
  const { labels } = model;
  const sizes = clusterSizes(labels);
  const noise = labels.reduce((count, label) => count + (label < 0 ? 1 : 0), 0);
  const silhouette = sampledSilhouette(X, labels, (label) => label >= 0, context.seed);
  const metrics: Record<string, number> = { clusters: sizes.length, noise_share: noise / X.rows };
  if (silhouette.value !== undefined) metrics['silhouette'] = silhouette.value;
  return {
    metrics,
    details: {
      clusters: sizes.map((size, cluster) => ({ cluster, size })),
      noise,
      silhouetteRows: silhouette.rows,
    },
    lines: [
      `${sizes.length} clusters; ${noise} noise rows (${percent(noise / X.rows)}) belong to none.`,
      '',
      ...(sizes.length > 0 ? [...sizeTable(sizes, X.rows), ''] : []),
      silhouetteLine(silhouette, 'clustered rows'),
    ],
    notes: silhouette.note === undefined ? [] : [silhouette.note],
  };
}

function pcaSummary(model: PcaModel): UnsupervisedSummary {
  const ratios = model.explainedVarianceRatio;
  let running = 0;
  const components = Array.from(ratios, (ratio, c) => {
    running += ratio;
    return { component: model.outputNames[c]!, ratio, cumulative: running };
  });
  const shown = components.slice(0, COMPONENTS_SHOWN);
  const hidden = components.length - shown.length;
  return {
    metrics: { explained_variance_ratio: running },
    details: { components },
    lines: [
      `${'component'.padEnd(12)}${'variance'.padStart(10)}${'cumulative'.padStart(12)}`,
      ...shown.map(
        (c) =>
          `${c.component.padEnd(12)}${percent(c.ratio).padStart(10)}${percent(c.cumulative).padStart(12)}`,
      ),
      ...(hidden > 0 ? [`… and ${hidden} more (--json lists every component)`] : []),
    ],
    notes: [],
  };
}

function isolationSummary(
  model: IsolationForestModel,
  X: Matrix,
  context: SummaryContext,
): UnsupervisedSummary {
  // The paper's anomaly score, 2^(−E[h]/c(ψ)): higher = more abnormal, about 0.5 for ordinary rows.
  const anomaly = model.scoreSamples(X).map((s) => -s);
  const threshold = -model.offset;
  const flagged = anomaly.reduce((count, a) => count + (a > threshold ? 1 : 0), 0);
  const order = Array.from({ length: X.rows }, (_, i) => i).sort((a, b) => anomaly[b]! - anomaly[a]!);
  const top = order.slice(0, MOST_ANOMALOUS_SHOWN).map((i) => {
    const line = context.rowLines(i);
    return { row: i + 1, ...(line === undefined ? {} : { line }), anomalyScore: anomaly[i]! };
  });
  const where = top[0]?.line === undefined ? 'row' : 'line';
  return {
    metrics: { flagged_share: flagged / X.rows },
    details: { flagged, threshold, mostAnomalous: top },
    lines: [
      `${flagged} of ${X.rows} rows (${percent(flagged / X.rows)}) flagged as anomalies: anomaly score above ${formatScoreCell(threshold)}${model.params.contamination === 'auto' ? '' : ` (the top ${percent(model.params.contamination)} of training rows)`}.`,
      '',
      'Most anomalous rows (anomaly score: about 0.5 for ordinary rows, towards 1 for rows isolated quickly):',
      `${where.padEnd(10)}${'score'.padStart(10)}`,
      ...top.map((t) => `${String(t.line ?? t.row).padEnd(10)}${t.anomalyScore.toFixed(4).padStart(10)}`),
    ],
    notes: [],
  };
}

/** Rows per cluster id 0 … max; noise (−1) is not counted. */
function clusterSizes(labels: ArrayLike<number>): number[] {
  const sizes: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label < 0) continue;
    while (sizes.length <= label) sizes.push(0);
    sizes[label]!++;
  }
  return sizes;
}

function sizeTable(sizes: readonly number[], rows: number): string[] {
  return [
    `${'cluster'.padEnd(10)}${'rows'.padStart(8)}${'share'.padStart(9)}`,
    ...sizes.map(
      (size, c) => `${String(c).padEnd(10)}${String(size).padStart(8)}${percent(size / rows).padStart(9)}`,
    ),
  ];
}

interface Silhouette {
  readonly value: number | undefined;
  /** Rows it was computed on. */
  readonly rows: number;
  /** Rows it could have been computed on. */
  readonly of: number;
  readonly note?: string;
}

/**
 * The silhouette of the rows whose label passes `keep`, on a seeded sample of
 * at most SILHOUETTE_MAX_ROWS of them (in row order); undefined when fewer
 * than 2 clusters, or no row outside a cluster of its own, remain.
 */
function sampledSilhouette(
  X: Matrix,
  labels: ArrayLike<number>,
  keep: (label: number) => boolean,
  seed: number,
): Silhouette {
  let chosen = Int32Array.from({ length: X.rows }, (_, i) => i).filter((i) => keep(labels[i]!));
  const of = chosen.length;
  if (chosen.length > SILHOUETTE_MAX_ROWS) {
    chosen = new Rng(seed).shuffle(chosen).slice(0, SILHOUETTE_MAX_ROWS).sort();
  }
  const p = X.cols;
  const data = new Float64Array(chosen.length * p);
  chosen.forEach((row, k) => {
    data.set(X.data.subarray(row * p, (row + 1) * p), k * p);
  });
  const sampleLabels = Float64Array.from(chosen, (row) => labels[row]!);
  const clusters = new Set(sampleLabels).size;
  if (clusters < 2 || clusters > chosen.length - 1) {
    const note = `The silhouette needs at least 2 clusters, with more rows than clusters; there ${clusters === 1 ? 'is' : 'are'} ${clusters}.`;
    return { value: undefined, rows: chosen.length, of, note };
  }
  return {
    value: silhouetteScore({ data, rows: chosen.length, cols: p }, sampleLabels),
    rows: chosen.length,
    of,
  };
}

function silhouetteLine(s: Silhouette, what = 'rows'): string {
  const on = s.rows < s.of ? `on a seeded sample of ${s.rows} of ${s.of} ${what}` : `on all ${s.of} ${what}`;
  const value = s.value === undefined ? '—' : formatScoreCell(s.value);
  return `${'silhouette'.padEnd(12)}${value.padStart(10)}   (${on}; 1 = well separated, 0 = overlapping)`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** A figure in the summary's lines, as in keel train's tables: four digits, one decimal from 1000 up. */
function formatScoreCell(x: number): string {
  return formatNumber(x, { digits: 4, pad: true });
}
