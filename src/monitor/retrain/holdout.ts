/**
 * The new data: its labelled rows, split into the challenger's training
 * rows and a recent holdout both models are scored on, with the checks that
 * there are enough of each and that the champion can read them.
 */

import { UsageError } from '../../core/errors.js';
import { isMissing } from '../../data/column.js';
import type { Frame } from '../../data/frame.js';
import { timeSplit } from '../../data/split.js';
import type { Model } from '../../estimator/contract.js';
import type { ModelVersionRecord } from '../../registry/types.js';
import { RETRAIN_DEFAULTS } from './options.js';

export interface NewData {
  /** Every row with a label, in file order. */
  readonly labelled: Frame;
  readonly training: Frame;
  readonly holdout: Frame;
  readonly unlabelled: number;
  /** How the holdout was chosen, for messages. */
  readonly how: string;
}

export function splitNewData(
  data: Frame,
  target: string,
  timeColumn: string | undefined,
  share: number,
  notes: string[],
): NewData {
  const labelled = labelledRows(data, target);
  const unlabelled = data.rowCount - labelled.rowCount;
  if (unlabelled > 0) notes.push(`${unlabelled} rows without a "${target}" label were dropped`);
  let training: Frame;
  let holdout: Frame;
  let how: string;
  if (timeColumn !== undefined) {
    const split = timeSplit(labelled, timeColumn, { testSize: share });
    training = labelled.take(split.train);
    holdout = labelled.take(split.test);
    how = `the latest ${holdout.rowCount} rows by "${timeColumn}"`;
  } else {
    const cut = labelled.rowCount - Math.ceil(share * labelled.rowCount);
    training = labelled.take(rowRange(0, cut));
    holdout = labelled.take(rowRange(cut, labelled.rowCount));
    how = `the last ${holdout.rowCount} labelled rows in file order`;
  }
  requireRows(
    holdout.rowCount,
    'holdout',
    `${Math.round(share * 100)}% of ${labelled.rowCount} labelled rows`,
  );
  requireRows(training.rowCount, 'training part', `what the holdout leaves of ${labelled.rowCount}`);
  return { labelled, training, holdout, unlabelled, how };
}

function labelledRows(data: Frame, target: string): Frame {
  if (!data.has(target)) {
    throw new UsageError(
      'retrain.no-target',
      `the new data has no column "${target}", the champion's target`,
      {
        location: { source: data.source, column: target },
        hint: 'retraining needs labelled rows: include the column the model predicts',
      },
    );
  }
  const column = data.column(target);
  const rows: number[] = [];
  for (let row = 0; row < data.rowCount; row++) if (!isMissing(column, row)) rows.push(row);
  if (rows.length === 0) {
    throw new UsageError(
      'retrain.no-labels',
      `none of the ${data.rowCount} rows of the new data has a "${target}" label`,
      {
        location: { source: data.source, column: target },
        hint: 'a challenger learns from, and both models are scored on, labelled rows: add the outcomes first',
      },
    );
  }
  return data.take(Int32Array.from(rows));
}

function rowRange(from: number, to: number): Int32Array {
  return Int32Array.from({ length: to - from }, (_, i) => from + i);
}

function requireRows(count: number, what: string, of: string): void {
  if (count >= RETRAIN_DEFAULTS.minRows) return;
  throw new UsageError(
    'retrain.too-few-rows',
    `the ${what} has ${count} labelled rows (${of}); at least ${RETRAIN_DEFAULTS.minRows} are needed`,
    {
      location: { field: 'data' },
      hint: 'give more labelled rows, or a larger --holdout share',
    },
  );
}

/** The champion must be able to read the new data, or it cannot be scored on it. */
export function requireInputs(model: Model, holdout: Frame, version: ModelVersionRecord): void {
  const missing = model.inputNames.filter((name) => !holdout.has(name));
  if (missing.length === 0) return;
  throw new UsageError(
    'retrain.missing-columns',
    `the new data lacks ${missing.map((n) => `"${n}"`).join(', ')}, which ${version.model} version ${version.version} reads`,
    {
      location: { source: holdout.source, column: missing[0]! },
      hint: 'include every column the champion was trained on',
    },
  );
}
