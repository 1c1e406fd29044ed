import { UsageError } from '../core/errors.js';
import type { Frame } from '../data/frame.js';
import { type ReadOptions, readTableWithNotes } from '../data/read.js';
import type { CsvDialect } from '../data/sniff.js';
import { redactPassword } from '../data/sql.js';
import type { Estimator, ModelTask, Params } from '../estimator/contract.js';
import type { CatalogEntry } from '../models/catalog.js';
import { defaultPreprocessing } from '../prep/defaults.js';
import { type PipelineModel, pipeline } from '../prep/pipeline.js';
import { type RowLines, summarise, type UnsupervisedSummary } from '../train/summaries.js';
import type { Progress } from './progress.js';
import { parseSettings } from './train-options.js';
import {
  beginTracking,
  failTracking,
  finishTracking,
  type Recorded,
  recordedLine,
  type TrackingFlags,
} from './train-tracking.js';

/**
 * `keel train FILE --model NAME` for a model that learns without a target
 * (clustering, anomaly detection, PCA): preprocess every column, fit on all
 * rows, and report what the fit found — there is no held-out target to score.
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

export interface UnsupervisedOptions {
  readonly source: string;
  readonly read: ReadOptions;
  readonly settings: readonly string[];
  readonly seed: number;
  readonly json: boolean;
  /** Columns to leave out (--drop). */
  readonly dropped: readonly string[];
  /** --store, --experiment, --register, --no-track. */
  readonly tracking: TrackingFlags;
  /** The supervised-only options the user gave, by name. */
  readonly given: Partial<Record<keyof typeof SUPERVISED_ONLY, unknown>>;
}

export async function trainUnsupervised(
  entry: CatalogEntry,
  options: UnsupervisedOptions,
  progress: Progress,
): Promise<string> {
  refuseSupervisedOptions(entry, options.given);
  const task = entry.tasks[0]!;
  const settings = parseSettings(options.settings, entry);
  // --seed is the model's seed too, unless --set seed=N says otherwise.
  if ('seed' in entry.params && settings['seed'] === undefined) settings['seed'] = options.seed;

  progress.start(`reading ${redactPassword(options.source)}`);
  const read = await readTableWithNotes(options.source, options.read);
  const { dialect } = read;
  const frame = read.frame.drop(options.dropped);
  progress.finish(`${frame.rowCount.toLocaleString('en-US')} rows, ${task}`);

  const preprocessing = defaultPreprocessing(frame, entry);
  const model = entry.make(settings, task);
  const source = redactPassword(options.source);
  const setup = { model: entry.name, task, source, drop: [...options.dropped] };
  const tracked = await beginTracking(
    options.tracking,
    frame,
    source,
    { ...model.params, ...setup },
    options.seed,
  );
  let fit: ReturnType<typeof fitAndSummarise>;
  try {
    fit = fitAndSummarise(pipeline([preprocessing.transformer], model), frame, dialect, options.seed);
  } catch (error) {
    if (tracked !== null) await failTracking(tracked, error);
    throw error;
  }
  const { fitted, fitSeconds, prepared, summary } = fit;
  const points = Object.entries(summary.metrics).map(([name, value]) => ({ name, value }));
  const recorded =
    tracked === null
      ? null
      : await finishTracking(tracked, options.tracking, {
          points,
          timings: { fit: fitSeconds },
          model: fitted,
          features: frame,
        });
  const report: UnsupervisedReport = {
    source: redactPassword(options.source),
    rows: frame.rowCount,
    columns: prepared.cols,
    task,
    model: entry.name,
    params: model.params,
    fitSeconds,
    preprocessing: preprocessing.notes,
    summary,
    recorded,
  };
  return options.json ? `${JSON.stringify(toJson(report), null, 2)}\n` : render(report);
}

/** Fits on every row, then summarises what the model found (clusters, outliers, components). */
function fitAndSummarise(
  estimator: Estimator<PipelineModel>,
  frame: Frame,
  dialect: CsvDialect | undefined,
  seed: number,
) {
  const started = performance.now();
  const fitted = estimator.fit(frame);
  const fitSeconds = (performance.now() - started) / 1000;
  const prepared = fitted.prepare(frame).toMatrix(fitted.model.inputNames);
  const firstLine = dialect === undefined ? undefined : dialect.header ? 2 : 1;
  const rowLines: RowLines = (row) => (firstLine === undefined ? undefined : row + firstLine);
  const summary = summarise(fitted.model, prepared, { seed, rowLines });
  return { fitted, fitSeconds, prepared, summary };
}

function refuseSupervisedOptions(entry: CatalogEntry, given: UnsupervisedOptions['given']): void {
  for (const [flag, why] of Object.entries(SUPERVISED_ONLY)) {
    if (given[flag as keyof typeof SUPERVISED_ONLY] === undefined) continue;
    throw new UsageError(
      'usage.unsupervised',
      `--${flag} is for supervised models, and ${entry.name} is unsupervised (${entry.tasks.join(', ')})`,
      { location: { field: flag }, hint: why },
    );
  }
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
