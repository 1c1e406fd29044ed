import { KeelError, SchemaError, UsageError } from '../core/errors.js';
import type { Rng } from '../core/random.js';
import { Frame, type Matrix } from '../data/frame.js';
import { randomSplit, type Split, stratifiedSplit } from '../data/split.js';
import type { SupervisedTask, Target } from '../estimator/contract.js';

/**
 * Checks shared by every model, so each one's errors read the same:
 * the right columns, numbers where numbers are needed, a usable target.
 */

/**
 * The model's input as a matrix. A frame may hold more columns (a target, an
 * id): the model's are selected by name. A matrix has no names to select by,
 * so it must have exactly the model's columns, in the model's order.
 */
export function inputMatrix(X: Matrix | Frame, inputNames: readonly string[], kind: string): Matrix {
  if (X instanceof Frame) {
    const missing = inputNames.filter((n) => !X.has(n));
    if (missing.length > 0) throw wrongColumns(kind, `missing ${list(missing)}`, X.source);
    return X.toMatrix(inputNames);
  }
  const given = X.columnNames;
  if (given.length === inputNames.length && given.every((n, j) => n === inputNames[j])) return X;
  const missing = inputNames.filter((n) => !given.includes(n));
  const unexpected = given.filter((n) => !inputNames.includes(n));
  const parts = [
    ...(missing.length > 0 ? [`missing ${list(missing)}`] : []),
    ...(unexpected.length > 0 ? [`unexpected ${list(unexpected)}`] : []),
  ];
  throw wrongColumns(kind, parts.length > 0 ? parts.join('; ') : 'the same columns in another order');
}

function wrongColumns(kind: string, detail: string, source?: string): SchemaError {
  return new SchemaError(
    'schema.wrong-columns',
    `the input does not have the columns the ${kind} model was trained on: ${detail}`,
    {
      location: { source },
      hint: `a ${kind} model needs the columns it was trained on; check the file or the pipeline before it`,
    },
  );
}

/** The columns a model trains on: a matrix's own, or a frame's other than the target. */
export function trainingNames(X: Matrix | Frame, target?: Target): readonly string[] {
  if (!(X instanceof Frame)) return X.columnNames;
  return target === undefined ? X.names : X.names.filter((n) => n !== target.name);
}

/** `inputMatrix` for the models that cannot use missing values: the columns, then `rejectMissing`. */
export function completeInput(X: Matrix | Frame, inputNames: readonly string[], kind: string): Matrix {
  const matrix = inputMatrix(X, inputNames, kind);
  rejectMissing(matrix, kind);
  return matrix;
}

/** Refuses NaN for models that cannot handle missing values, naming the column and row. */
export function rejectMissing(X: Matrix, kind: string): void {
  const { data, cols } = X;
  for (let i = 0; i < data.length; i++) {
    if (Number.isFinite(data[i]!)) continue;
    const row = Math.floor(i / cols);
    const column = X.columnNames[i % cols] ?? String((i % cols) + 1);
    const what = Number.isNaN(data[i]!) ? 'a missing value' : 'an infinite value';
    throw new SchemaError(
      'schema.missing-values',
      `${what} in row ${row + 1}; ${kind} cannot use rows with missing values`,
      {
        location: { column },
        hint: 'add an imputer before the model (e.g. median imputation), or use a model that handles missing values (gbdt)',
      },
    );
  }
}

export function requireTarget(y: Target | undefined, kind: string, tasks: readonly SupervisedTask[]): Target {
  if (y === undefined) {
    throw new UsageError('usage.no-target', `${kind} learns from a target, and none was given`, {
      location: { field: 'target' },
      hint: 'name the column to predict (--target COL)',
    });
  }
  if (!tasks.includes(y.task)) {
    throw new UsageError(
      'usage.wrong-task',
      `${kind} does ${tasks.join(' or ')}, but "${y.name}" makes this ${y.task}`,
      {
        location: { field: 'target', column: y.name },
        hint: tasks.includes('regression')
          ? 'choose a classifier'
          : 'choose a regressor, or set the target kind to categorical',
      },
    );
  }
  return y;
}

export function checkRows(X: Matrix, y: Target | undefined, sampleWeight: Float64Array | undefined): void {
  if (X.rows === 0)
    throw new UsageError('usage.no-rows', 'there are no rows to learn from', {
      hint: 'check the data and any filter before fitting',
    });
  if (y !== undefined && y.values.length !== X.rows) {
    throw new UsageError(
      'usage.length-mismatch',
      `the target has ${y.values.length} values for ${X.rows} rows`,
      { location: { field: 'target' } },
    );
  }
  if (sampleWeight !== undefined && sampleWeight.length !== X.rows) {
    throw new UsageError(
      'usage.length-mismatch',
      `sampleWeight has ${sampleWeight.length} values for ${X.rows} rows`,
      {
        location: { field: 'sampleWeight' },
      },
    );
  }
}

function list(names: readonly string[]): string {
  const shown = names.slice(0, 8).map((n) => `"${n}"`);
  return names.length > 8 ? `${shown.join(', ')} and ${names.length - 8} more` : shown.join(', ');
}

/**
 * The validation rows for early stopping (MLP, gradient boosting): a seeded
 * split, stratified by class for classifiers; a UsageError naming
 * validationFraction when the rows are too few to hold any out.
 */
export function earlyStoppingHoldOut(target: Target, fraction: number, rng: Rng, kind: string): Split {
  const seed = rng.nextUint32();
  try {
    if (target.task === 'regression') return randomSplit(target.values.length, { testSize: fraction, seed });
    const column = { storage: 'number', name: 'class', kind: 'integer', values: target.values } as const;
    return stratifiedSplit(new Frame([column]), 'class', { testSize: fraction, seed });
  } catch (error) {
    if (!(error instanceof KeelError)) throw error;
    throw new UsageError(
      'usage.bad-param',
      `${kind}: early stopping cannot hold out validationFraction ${fraction} of ${target.values.length} rows: ${error.message}`,
      {
        location: { field: 'validationFraction' },
        hint: 'use more rows, a larger validationFraction, or earlyStopping: false',
        cause: error,
      },
    );
  }
}
