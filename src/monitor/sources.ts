import { DataError, KeelError, UsageError } from '../core/errors.js';
import { labelValues, plainValues } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import { type ReadOptions, readTable } from '../data/read.js';
import { type DriftOptions, minDriftRows } from '../drift/drift.js';
import { type ReferenceProfile, referenceProfile, storedReference } from '../drift/reference.js';
import type { Model, SupervisedTask } from '../estimator/contract.js';
import { classIndexOf } from '../models/target.js';
import { loadModel } from '../registry/model-registry.js';
import type { ModelVersionRecord, PredictionRecord, Store } from '../registry/types.js';
import { type CurrentWindow, monitorReport } from './monitor.js';
import type { MonitorReport } from './monitor-report.js';
import { monitoredMetric } from './performance.js';
import { modelFrame, predictionSensitivity } from './sensitivity.js';
import {
  type CurrentData,
  currentData,
  describeWindow,
  labelsFrom,
  splitWindows,
  type WindowSpec,
} from './window.js';
import '../serve/loaders.js';

/**
 * `keel monitor` as a library call: the version a reference names, its
 * stored reference profile (or one made from a file), and the current data
 * from the prediction log cut into windows (or from a file), into one
 * MonitorReport.
 */
export interface MonitorRequest {
  /** `NAME`, `NAME@ALIAS` or `NAME@VERSION`. */
  readonly ref: string;
  /** How to cut the log; default one hour. */
  readonly window?: WindowSpec;
  /** Windows kept, newest last; default 24. */
  readonly windows?: number;
  /** A file of training-like data to compare against instead of the stored reference. */
  readonly referenceFile?: string;
  /** A file of recent inputs (with the target column, for performance) instead of the log. */
  readonly currentFile?: string;
  /** The files' column of true outcomes; default the stored reference's target, when a file has it. */
  readonly target?: string;
  readonly readOptions?: ReadOptions;
  readonly metric?: string;
  /** Relative fall from the validation score counted as decay; default 0.05. */
  readonly tolerance?: number;
  readonly drift?: MonitorDriftOptions;
  /** Rows a window needs for a verdict; default `minDriftRows` (1,000 against a large reference, else 1). */
  readonly minRows?: number;
  readonly now?: number;
  readonly seed?: number;
}

export type MonitorDriftOptions = Omit<
  DriftOptions,
  'predictions' | 'probabilities' | 'target' | 'importances'
>;

export const DEFAULT_WINDOW: WindowSpec = { kind: 'time', ms: 3_600_000 };
export const DEFAULT_WINDOWS = 24;

export async function monitorModel(store: Store, request: MonitorRequest): Promise<MonitorReport> {
  const loaded = await loadModel(store, request.ref);
  const { model, version } = loaded;
  const reference = await referenceFor(model, version, request);
  const spec = request.window ?? DEFAULT_WINDOW;
  const now = request.now ?? Date.now();
  const minRows = request.minRows ?? minDriftRows(reference, request.drift?.smallReference);
  const windows =
    request.currentFile === undefined
      ? await logWindows(store, version, reference, {
          spec,
          count: request.windows ?? DEFAULT_WINDOWS,
          now,
          minRows,
        })
      : [await fileWindow(model, version, reference, request.currentFile, request, minRows)];
  const latest = windows[windows.length - 1]!.data;
  const importances = predictionSensitivity(model, version.schema, latest.frame, reference, {
    seed: request.seed ?? 0,
  });
  return monitorReport({
    model: {
      name: version.model,
      version: version.version,
      ref: request.ref,
      task: version.task,
      ...(reference.classes === undefined ? {} : { classes: reference.classes }),
    },
    reference,
    windows,
    sources: {
      reference: request.referenceFile ?? 'stored',
      current: request.currentFile ?? 'prediction log',
      window: request.currentFile === undefined ? describeWindow(spec) : null,
    },
    importances,
    ...(request.drift === undefined ? {} : { drift: request.drift }),
    performance: performanceSettings(version, request),
    seed: request.seed ?? 0,
    now,
  });
}

function performanceSettings(version: ModelVersionRecord, request: MonitorRequest) {
  if (!['regression', 'binary', 'multiclass'].includes(version.task)) return null;
  const metric = monitoredMetric(version.metrics, version.task as SupervisedTask, request.metric);
  if (metric === null) return null;
  return {
    metric,
    validation: version.metrics[metric] ?? null,
    validationStd: version.metrics[`${metric}_std`] ?? null,
    ...(request.tolerance === undefined ? {} : { tolerance: request.tolerance }),
  };
}

async function referenceFor(
  model: Model,
  version: ModelVersionRecord,
  request: MonitorRequest,
): Promise<ReferenceProfile> {
  if (request.referenceFile !== undefined) {
    const frame = await readWithSchema(request.referenceFile, version, request.readOptions);
    const data = fileData(model, version, frame, undefined, request.referenceFile);
    const stored = storedReference(version.reference)?.target?.name;
    const target = targetIn(frame, request.target, stored, request.referenceFile);
    return referenceProfile(data.frame, {
      predictions: data.predictions,
      ...(data.probabilities === undefined ? {} : { probabilities: data.probabilities }),
      ...(model.classes === undefined || model.classes.length === 0 ? {} : { classes: model.classes }),
      ...(target === undefined ? {} : { target: frame.column(target) }),
      seed: request.seed ?? 0,
    });
  }
  const stored = storedReference(version.reference);
  if (stored !== undefined) return stored;
  throw new UsageError(
    'monitor.no-reference',
    `${version.model} version ${version.version} has ${
      version.reference === null ? 'no stored reference profile' : 'a stored reference this keel cannot read'
    }`,
    {
      location: { field: 'ref' },
      hint: 'versions registered by keel train and keel automl keep one; for others give --reference FILE (the training data)',
    },
  );
}

/**
 * The column of a file that holds the true outcome: the one asked for (which
 * must be there), else the reference's target when the file has it.
 */
function targetIn(frame: Frame, asked: string | undefined, known: string | undefined, source: string) {
  if (asked === undefined) return known !== undefined && frame.has(known) ? known : undefined;
  if (frame.has(asked)) return asked;
  throw new UsageError('monitor.unknown-target', `no column "${asked}" to read the true outcome from`, {
    location: { source, field: 'target' },
    hint: `the columns are: ${frame.names.slice(0, 12).join(', ')}${frame.names.length > 12 ? ', …' : ''}`,
  });
}

async function fileWindow(
  model: Model,
  version: ModelVersionRecord,
  reference: ReferenceProfile,
  path: string,
  request: MonitorRequest,
  minRows: number,
): Promise<CurrentWindow> {
  const frame = await readWithSchema(path, version, request.readOptions);
  const labels = targetIn(frame, request.target, reference.target?.name, path);
  const data = fileData(model, version, frame, labels, path);
  if (frame.rowCount < minRows) throw tooFewRows(frame.rowCount, minRows, path);
  return { from: null, to: null, requests: null, data };
}

/**
 * Reads a file with the model's numeric columns forced to numbers, so one
 * stray text value is reported at its line and column rather than turning
 * the whole column into text that the model then cannot read anywhere.
 */
async function readWithSchema(
  path: string,
  version: ModelVersionRecord,
  options: ReadOptions | undefined,
): Promise<Frame> {
  const forced = version.schema.columns
    .filter((c) => c.kind === 'numeric' || c.kind === 'integer')
    .map((c) => [c.name, c.kind] as const);
  try {
    return await readTable(path, { ...options, kinds: { ...Object.fromEntries(forced), ...options?.kinds } });
  } catch (error) {
    // A model column the file lacks: read it as it is, and let the model's check name what is missing.
    if (
      error instanceof KeelError &&
      error.code === 'schema.unknown-column' &&
      options?.kinds === undefined
    ) {
      return readTable(path, options);
    }
    throw error;
  }
}

/**
 * A file's rows as current data: the features, the model's outputs on them
 * (every row must be one the model can read: a file is checked, not
 * filtered), and the target as labels when the file has it.
 */
function fileData(
  model: Model,
  version: ModelVersionRecord,
  frame: Frame,
  target: string | undefined,
  source: string,
): CurrentData {
  const inModel = modelFrame(model, version.schema, frame, { source, dropBad: false, firstLine: 2 });
  const predictions = model.predict(inModel.frame);
  const classifier =
    (model.task === 'binary' || model.task === 'multiclass') && (model.classes?.length ?? 0) > 0;
  const probabilities = classifier ? model.predictProba?.(inModel.frame) : undefined;
  const features = frame.select(model.inputNames.filter((n) => frame.has(n)));
  return {
    frame: features,
    predictions,
    ...(probabilities === undefined ? {} : { probabilities }),
    ...labelsOf(frame, target, classifier ? model.classes! : undefined),
  };
}

function labelsOf(
  frame: Frame,
  target: string | undefined,
  classes: readonly string[] | undefined,
): Pick<CurrentData, 'labelled' | 'unusableLabels'> {
  if (target === undefined) return labelsFrom([], classes);
  const column = frame.column(target);
  if (classes === undefined) return labelsFrom(plainValues(column), classes);
  // A classifier's labels as the file writes them (yes/no stays yes/no), each one a class of the model.
  const labels = labelValues(column);
  const row = labels.findIndex((label) => label !== null && classIndexOf(label, classes) === undefined);
  if (row >= 0) {
    throw new DataError(
      'monitor.unknown-label',
      `row ${row + 1}: "${labels[row]}" is not a class of the model`,
      {
        location: { source: frame.source, column: target },
        hint: `the model's classes are ${classes.map((c) => JSON.stringify(c)).join(', ')}; fix the label or leave it empty`,
      },
    );
  }
  return labelsFrom(labels, classes);
}

/**
 * The version's logged requests, cut into windows. Row windows read back in
 * doubling spans of time until they hold enough rows (the log is read
 * oldest first, so "the last N rows" needs a starting time).
 */
async function logWindows(
  store: Store,
  version: ModelVersionRecord,
  reference: ReferenceProfile,
  { spec, count, now, minRows }: { spec: WindowSpec; count: number; now: number; minRows: number },
): Promise<CurrentWindow[]> {
  const query = { model: version.model, version: version.version };
  let records: readonly PredictionRecord[];
  if (spec.kind === 'time') {
    records = await store.listPredictions({ ...query, since: now - count * spec.ms, until: now });
  } else {
    const wanted = spec.rows * count;
    let span = 3_600_000;
    for (;;) {
      records = await store.listPredictions({ ...query, since: now - span, until: now });
      const rows = records.reduce((n, r) => n + r.rows, 0);
      if (rows >= wanted || span > 400 * 86_400_000) break;
      span *= 4;
    }
  }
  const cut = splitWindows(records, spec, count, now);
  if (cut.length === 0) {
    throw new UsageError(
      'monitor.no-traffic',
      `the prediction log holds no requests for ${version.model} version ${version.version} ${
        spec.kind === 'time'
          ? `in the last ${describeWindow({ kind: 'time', ms: spec.ms * count })}`
          : 'in the last 400 days'
      }`,
      {
        location: { field: 'ref' },
        hint: 'serve the model with keel serve (the log is on by default), or compare a file: --current FILE',
      },
    );
  }
  // Smaller windows are left out: against a large reference their distances are mostly noise (MIN_DRIFT_ROWS).
  const rowsOf = (w: readonly PredictionRecord[]) => w.reduce((n, r) => n + r.rows, 0);
  const full = cut.filter((w) => rowsOf(w) >= minRows);
  if (full.length === 0) throw tooFewRows(Math.max(...cut.map(rowsOf)), minRows, 'prediction log');
  return full.map((w) => ({
    from: w[0]!.at,
    to: w[w.length - 1]!.at,
    requests: w.length,
    data: currentData(w, reference),
  }));
}

function tooFewRows(rows: number, minRows: number, source: string): UsageError {
  return new UsageError(
    'monitor.small-windows',
    `${rows} rows is too few for a drift verdict against this reference (it takes ${minRows}: distances on fewer rows are mostly sampling noise)`,
    {
      location: { source, field: 'window' },
      hint: `widen the window (--window 1d, or --window ${minRows}rows), or accept the noise with --min-rows`,
    },
  );
}
