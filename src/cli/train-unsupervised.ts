import { UsageError } from '../core/errors.js';
import type { ModelTask, Params } from '../estimator/contract.js';
import type { CatalogEntry } from '../models/catalog.js';
import type { Recorded } from '../train/recording.js';
import type { UnsupervisedSummary } from '../train/summaries.js';
import type { TrainedModel } from '../train/train.js';
import { recordedLine } from './train-tracking.js';

/**
 * `keel train FILE --model NAME` for a model that learns without a target
 * (clustering, anomaly detection, PCA): every column preprocessed, a fit on
 * all rows, and a report of what the fit found — there is no held-out target
 * to score. The training itself is the library's `train` (src/train/).
 */

/** Options of `keel train` that only mean something with a target, and why. */
const SUPERVISED_ONLY = {
  target: 'it learns from the rows alone; drop --target (every column is used)',
  cv: 'there is no target to score on held-out folds; drop --cv (keel fits on all rows and reports the fit)',
  test: 'there is no target to score a test file on; drop --test',
  'no-shuffle': 'it has no folds to shuffle; drop --no-shuffle',
  metric: 'its measures are fixed (see keel train --help); drop --metric',
  task: 'its task is fixed by the model; drop --task',
} as const;

/** Refuses the first supervised-only option given to a model without a target, saying why it means nothing there. */
export function refuseSupervisedOptions(
  entry: CatalogEntry,
  given: readonly (keyof typeof SUPERVISED_ONLY)[],
): void {
  for (const [flag, why] of Object.entries(SUPERVISED_ONLY)) {
    if (!given.includes(flag as keyof typeof SUPERVISED_ONLY)) continue;
    throw new UsageError(
      'usage.unsupervised',
      `--${flag} is for supervised models, and ${entry.name} is unsupervised (${entry.tasks.join(', ')})`,
      { location: { field: flag }, hint: why },
    );
  }
}

/** What keel train prints for an unsupervised model: what it found, the preprocessing, where it was recorded. */
export function unsupervisedOutput(trained: TrainedModel, json: boolean): string {
  const report: UnsupervisedReport = {
    source: trained.recipe.data.source,
    rows: trained.rows,
    columns: trained.model.model.inputNames.length,
    task: trained.recipe.task,
    model: trained.entry.name,
    params: trained.params,
    fitSeconds: trained.fitSeconds,
    preprocessing: trained.preprocessing,
    summary: trained.summary!,
    recorded: trained.recorded,
  };
  return json ? `${JSON.stringify(toJson(report), null, 2)}\n` : render(report);
}

interface UnsupervisedReport {
  readonly source: string;
  readonly rows: number;
  /** Columns the model saw after preprocessing. */
  readonly columns: number;
  readonly task: ModelTask;
  readonly model: string;
  readonly params: Params;
  readonly fitSeconds: number;
  readonly preprocessing: readonly string[];
  readonly summary: UnsupervisedSummary;
  readonly recorded: Recorded | null;
}

function toJson(report: UnsupervisedReport): Record<string, unknown> {
  return {
    task: report.task,
    model: report.model,
    rows: report.rows,
    columns: report.columns,
    params: report.params,
    metrics: report.summary.metrics,
    ...report.summary.details,
    fitSeconds: report.fitSeconds,
    preprocessing: report.preprocessing,
    notes: report.summary.notes,
    run: report.recorded?.runId ?? null,
    registered: report.recorded?.registered ?? null,
  };
}

function render(report: UnsupervisedReport): string {
  const lines = [
    `${report.source} · ${report.rows} rows · ${report.columns} columns after preprocessing · ${report.model} (${report.task})`,
    '',
    ...report.summary.lines,
  ];
  if (report.summary.notes.length > 0) lines.push('', ...report.summary.notes);
  lines.push('', 'Preprocessing:', ...report.preprocessing.map((n) => `  - ${n}`));
  lines.push('', `Fitted on all ${report.rows} rows in ${report.fitSeconds.toFixed(2)} s.`);
  if (report.recorded !== null) lines.push(recordedLine(report.recorded));
  lines.push('');
  return lines.join('\n');
}
