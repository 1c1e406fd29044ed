import type { Json } from '../core/artifact.js';
import { UsageError } from '../core/errors.js';
import type { Column } from '../data/column.js';
import { Frame } from '../data/frame.js';
import type { FeatureReference, ReferenceProfile, SkippedColumn } from '../drift/reference.js';
import { classIndexOf } from '../models/target.js';
import type { PredictionRecord } from '../registry/types.js';

/**
 * Logged requests turned into what drift and performance read: the inputs
 * as a frame typed by the reference (numbers where it kept numbers,
 * categories by label, new labels included), the model's outputs as keel
 * models return them, and the feedback labels by row.
 */
export interface CurrentData {
  /** The reference's feature columns, typed as the reference saw them. */
  readonly frame: Frame;
  /** Regression: values. Classification: class indices into `classes` (NaN when the label is not a class). */
  readonly predictions: Float64Array;
  /** Row-major rows × classes, when the log has them. */
  readonly probabilities?: Float64Array;
  /** Rows with a usable feedback label, ascending, and the label per such row (a class index or a number). */
  readonly labelled: { readonly rows: Int32Array; readonly values: Float64Array };
  /** Labels that were not one of the model's classes (or not a number, for regression): left out. */
  readonly unusableLabels: number;
}

/** How the log is cut: fixed spans of time, or fixed counts of rows, counted back from the newest. */
export type WindowSpec =
  | { readonly kind: 'time'; readonly ms: number }
  | { readonly kind: 'rows'; readonly rows: number };

/** Parses `1h`, `30m`, `2d` or `5000rows` (also `5000 rows`). */
export function parseWindow(text: string): WindowSpec {
  const rows = /^\s*(\d+)\s*rows?\s*$/i.exec(text);
  if (rows !== null) {
    const n = Number(rows[1]);
    if (n >= 1) return { kind: 'rows', rows: n };
  }
  const time = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$/i.exec(text);
  if (time !== null) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[time[2]!.toLowerCase() as 's']!;
    const ms = Number(time[1]) * unit;
    if (ms >= 1000) return { kind: 'time', ms };
  }
  throw new UsageError('usage.bad-window', `"${text}" is not a window`, {
    location: { field: 'window' },
    hint: 'give a span of time (30m, 1h, 1d) or a number of rows (5000rows)',
  });
}

export function describeWindow(spec: WindowSpec): string {
  if (spec.kind === 'rows') return `${spec.rows} rows`;
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
  ];
  for (const [ms, unit] of units) if (spec.ms % ms === 0) return `${spec.ms / ms}${unit}`;
  return `${spec.ms / 1000}s`;
}

/**
 * Cuts records (oldest first) into windows, newest last, keeping at most
 * `count`. Time windows end at `now` and step back by the span (empty spans
 * are left out); row windows take whole requests back from the newest until
 * each holds at least the row count, so a request is never split.
 */
export function splitWindows(
  records: readonly PredictionRecord[],
  spec: WindowSpec,
  count: number,
  now: number,
): PredictionRecord[][] {
  const windows: PredictionRecord[][] = [];
  let end = records.length;
  if (spec.kind === 'time') {
    for (let w = 0; w < count && end > 0; w++) {
      const start = now - (w + 1) * spec.ms;
      let i = end;
      while (i > 0 && records[i - 1]!.at > start) i--;
      if (i < end) windows.unshift(records.slice(i, end));
      end = i;
    }
    return windows;
  }
  while (windows.length < count && end > 0) {
    let i = end;
    let rows = 0;
    while (i > 0 && rows < spec.rows) rows += records[--i]!.rows;
    windows.unshift(records.slice(i, end));
    end = i;
  }
  return windows;
}

/** The records' inputs, outputs and labels, read through the reference. */
export function currentData(records: readonly PredictionRecord[], reference: ReferenceProfile): CurrentData {
  if (records.some((r) => r.inputs === null)) {
    throw new UsageError(
      'monitor.no-inputs',
      'the prediction log holds no inputs for some of these requests (the server ran with --log-inputs=false)',
      { hint: 'compare a file of recent inputs instead: keel monitor NAME --current FILE' },
    );
  }
  const rows = records.reduce((n, r) => n + r.rows, 0);
  // The columns drift does not compare (datetimes, text, ids) still go to the model, which
  // reads them when monitoring weighs drift by how much the predictions move.
  const frame = new Frame(
    [
      ...reference.features.map((ref) => columnFrom(ref, records, rows)),
      ...reference.skipped.map((skipped) => asLogged(skipped, records, rows)),
    ],
    'prediction log',
  );
  const classes = reference.classes;
  const outputs = readOutputs(records, rows, classes);
  const labels = readLabels(records, rows, classes);
  return { frame, ...outputs, ...labels };
}

function columnFrom(ref: FeatureReference, records: readonly PredictionRecord[], rows: number): Column {
  const values = gather(records, rows, (r) => r.inputs![ref.name]);
  // Numbers compared as categories stay numbers, as the model reads them; drift labels them itself.
  if (ref.kind === 'numeric' || ref.fromNumbers) {
    return {
      storage: 'number',
      name: ref.name,
      kind: 'numeric',
      values: Float64Array.from(values, toNumber),
    };
  }
  const levels: string[] = [];
  const index = new Map<string, number>();
  const codes = Int32Array.from(values, (v) => {
    if (v === null || v === undefined || v === '') return -1;
    const label = String(v);
    let code = index.get(label);
    if (code === undefined) {
      code = levels.length;
      index.set(label, code);
      levels.push(label);
    }
    return code;
  });
  return { storage: 'categorical', name: ref.name, kind: 'categorical', codes, levels };
}

/** A column drift skips, as the log holds it: datetimes as epoch milliseconds, text and ids as text. */
function asLogged(skipped: SkippedColumn, records: readonly PredictionRecord[], rows: number): Column {
  const { name } = skipped;
  const values = gather(records, rows, (r) => r.inputs![name]);
  if (skipped.columnKind === 'datetime') {
    return { storage: 'number', name, kind: 'datetime', values: Float64Array.from(values, toNumber) };
  }
  const texts = values.map((v) =>
    v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v),
  );
  return { storage: 'string', name, kind: skipped.columnKind === 'id' ? 'id' : 'text', values: texts };
}

/** One value per row across the records; a record missing the column gives undefined for its rows. */
function gather(
  records: readonly PredictionRecord[],
  rows: number,
  pick: (r: PredictionRecord) => readonly Json[] | undefined,
): (Json | undefined)[] {
  const out = new Array<Json | undefined>(rows);
  let at = 0;
  for (const r of records) {
    const values = pick(r);
    for (let i = 0; i < r.rows; i++) out[at + i] = values?.[i];
    at += r.rows;
  }
  return out;
}

function toNumber(v: Json | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : Number.NaN;
  }
  return Number.NaN;
}

function readOutputs(
  records: readonly PredictionRecord[],
  rows: number,
  classes: readonly string[] | undefined,
): Pick<CurrentData, 'predictions' | 'probabilities'> {
  const values = gather(records, rows, (r) => asArray(r.outputs['predictions']));
  const predictions =
    classes === undefined
      ? Float64Array.from(values, toNumber)
      : Float64Array.from(values, classIndex(classes));
  if (classes === undefined || !records.every((r) => Array.isArray(r.outputs['probabilities']))) {
    return { predictions };
  }
  const k = classes.length;
  const probabilities = new Float64Array(rows * k);
  const perRow = gather(records, rows, (r) => asArray(r.outputs['probabilities']));
  perRow.forEach((p, i) => {
    for (let c = 0; c < k; c++) probabilities[i * k + c] = Array.isArray(p) ? toNumber(p[c]) : Number.NaN;
  });
  return { predictions, probabilities };
}

function readLabels(
  records: readonly PredictionRecord[],
  rows: number,
  classes: readonly string[] | undefined,
): Pick<CurrentData, 'labelled' | 'unusableLabels'> {
  return labelsFrom(
    gather(records, rows, (r) => r.feedback?.labels),
    classes,
  );
}

/**
 * True outcomes by row (missing ones left out) as the metrics read them:
 * class indices into `classes`, or numbers for regression. A label that is
 * neither is counted, not scored.
 */
export function labelsFrom(
  labels: readonly (Json | undefined)[],
  classes: readonly string[] | undefined,
): Pick<CurrentData, 'labelled' | 'unusableLabels'> {
  const toValue = classes === undefined ? toNumber : classIndex(classes);
  const at: number[] = [];
  const values: number[] = [];
  let unusable = 0;
  labels.forEach((label, i) => {
    if (label === undefined || label === null) return;
    const value = toValue(label);
    if (Number.isNaN(value)) unusable++;
    else {
      at.push(i);
      values.push(value);
    }
  });
  return {
    labelled: { rows: Int32Array.from(at), values: Float64Array.from(values) },
    unusableLabels: unusable,
  };
}

/** A class label (or a number spelled as one, as JSON feedback often sends) to its index; NaN when unknown. */
function classIndex(classes: readonly string[]): (v: Json | undefined) => number {
  return (v) => {
    if (v === null || v === undefined) return Number.NaN;
    return classIndexOf(typeof v === 'string' ? v : String(v), classes) ?? Number.NaN;
  };
}

function asArray(value: Json | undefined): readonly Json[] | undefined {
  return Array.isArray(value) ? value : undefined;
}
