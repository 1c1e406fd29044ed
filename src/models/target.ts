import { SchemaError } from '../core/errors.js';
import type { Column } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import type { SupervisedTask, Target } from '../estimator/contract.js';

/** An integer target with at most this many distinct values is taken as classes. */
const MAX_INTEGER_CLASSES = 20;

/**
 * The target column as a model sees it. The task is inferred unless given:
 * categories and booleans are classes; integers with few distinct values
 * (≤ 20) are classes too (iris' 0/1/2); other numbers are a regression.
 */
export function targetFromFrame(frame: Frame, name: string, task?: SupervisedTask): Target {
  const column = frame.column(name);
  const where = { source: frame.source, column: name };
  const missing = countMissingTarget(column);
  if (missing > 0) {
    throw new SchemaError(
      'schema.target-missing',
      `the target has ${missing} missing value${missing === 1 ? '' : 's'}`,
      {
        location: where,
        hint: 'drop those rows first: a model cannot learn from, or be scored on, rows without an answer',
      },
    );
  }
  if (column.storage === 'string') {
    throw new SchemaError(
      'schema.target-kind',
      `the target is ${column.kind}, which a model cannot predict`,
      {
        location: where,
        hint: `read it as categorical (--kind ${name}=categorical)`,
      },
    );
  }
  const chosen = task ?? inferTask(column);
  const target = chosen === 'regression' ? regressionTarget(column, name) : classTarget(column, name);
  if (target.task !== 'regression' && target.classes.length < 2) {
    throw new SchemaError('schema.single-class', `the target has a single class, "${target.classes[0]}"`, {
      location: where,
      hint: 'a classifier needs at least two classes to tell apart; check the data or a filter before it',
    });
  }
  return target;
}

function inferTask(column: Exclude<Column, { storage: 'string' }>): SupervisedTask {
  if (column.storage === 'categorical') return column.levels.length === 2 ? 'binary' : 'multiclass';
  if (column.kind === 'boolean') return 'binary';
  if (column.kind === 'integer' && new Set(column.values).size <= MAX_INTEGER_CLASSES) {
    return new Set(column.values).size === 2 ? 'binary' : 'multiclass';
  }
  return 'regression';
}

function regressionTarget(column: Exclude<Column, { storage: 'string' }>, name: string): Target {
  if (column.storage === 'categorical') {
    throw new SchemaError(
      'schema.target-kind',
      'a regression needs a numeric target, and this one is categorical',
      {
        location: { column: name },
        hint: 'choose a classifier, or read the column as numbers',
      },
    );
  }
  return { name, task: 'regression', values: column.values, classes: [] };
}

/** Classes are the labels that occur, in the column's level order (sorted numerically for numbers). */
function classTarget(column: Exclude<Column, { storage: 'string' }>, name: string): Target {
  const labels =
    column.storage === 'categorical'
      ? column.levels.filter((_, code) => column.codes.includes(code))
      : [...new Set(column.values)].sort((a, b) => a - b).map(String);
  const index = new Map(labels.map((label, i) => [label, i]));
  const values = new Float64Array(
    column.storage === 'categorical' ? column.codes.length : column.values.length,
  );
  for (let i = 0; i < values.length; i++) {
    const label =
      column.storage === 'categorical' ? column.levels[column.codes[i]!]! : String(column.values[i]);
    values[i] = index.get(label)!;
  }
  return { name, task: labels.length === 2 ? 'binary' : 'multiclass', values, classes: labels };
}

function countMissingTarget(column: Column): number {
  let missing = 0;
  if (column.storage === 'categorical') for (const c of column.codes) missing += c < 0 ? 1 : 0;
  else if (column.storage === 'number') for (const v of column.values) missing += Number.isNaN(v) ? 1 : 0;
  else for (const v of column.values) missing += v === null ? 1 : 0;
  return missing;
}
