import type { Column } from '../data/column.js';
import { Frame } from '../data/frame.js';
import type { Model } from '../estimator/contract.js';

/** A model's answers for a frame, as typed arrays, before they are cut into per-request responses. */
export interface Scores {
  readonly predictions: Float64Array;
  /** Row-major rows × classes, for classifiers. */
  readonly probabilities: Float64Array | undefined;
}

/** What a response says about its rows: labels for classifiers, numbers otherwise. */
export interface Answer {
  readonly predictions: (number | string | null)[];
  readonly probabilities?: number[][];
  readonly classes?: readonly string[];
}

export function isClassifier(model: Model): boolean {
  return (model.task === 'binary' || model.task === 'multiclass') && model.classes !== undefined;
}

export function scoreFrame(model: Model, frame: Frame): Scores {
  const predictions = model.predict(frame);
  const probabilities =
    isClassifier(model) && model.predictProba !== undefined ? model.predictProba(frame) : undefined;
  return { predictions, probabilities };
}

/** Rows `from` … `to - 1` of `scores` as JSON-able values. */
export function answerRows(model: Model, scores: Scores, from: number, to: number): Answer {
  const classes = isClassifier(model) ? model.classes! : undefined;
  const predictions = new Array<number | string | null>(to - from);
  for (let i = from; i < to; i++) {
    const p = scores.predictions[i]!;
    predictions[i - from] = classes !== undefined ? (classes[p] ?? null) : Number.isNaN(p) ? null : p;
  }
  if (classes === undefined) return { predictions };
  const k = classes.length;
  const proba = scores.probabilities;
  if (proba === undefined) return { predictions, classes };
  const probabilities = new Array<number[]>(to - from);
  for (let i = from; i < to; i++) probabilities[i - from] = Array.from(proba.subarray(i * k, (i + 1) * k));
  return { predictions, probabilities, classes };
}

/** One frame holding the rows of several, which share their columns (levels included) in the same order. */
export function concatFrames(frames: readonly Frame[]): Frame {
  if (frames.length === 1) return frames[0]!;
  const first = frames[0]!;
  const rows = frames.reduce((n, f) => n + f.rowCount, 0);
  const columns = first.columns.map((column, j) =>
    concatColumn(
      column,
      frames.map((f) => f.columns[j]!),
      rows,
    ),
  );
  return new Frame(columns);
}

function concatColumn(column: Column, parts: readonly Column[], rows: number): Column {
  switch (column.storage) {
    case 'number': {
      const values = new Float64Array(rows);
      let at = 0;
      for (const p of parts as (typeof column)[]) {
        values.set(p.values, at);
        at += p.values.length;
      }
      return { ...column, values };
    }
    case 'categorical': {
      const codes = new Int32Array(rows);
      let at = 0;
      for (const p of parts as (typeof column)[]) {
        codes.set(p.codes, at);
        at += p.codes.length;
      }
      return { ...column, codes };
    }
    case 'string':
      return { ...column, values: (parts as (typeof column)[]).flatMap((p) => p.values) };
  }
}
