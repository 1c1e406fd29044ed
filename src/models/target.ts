import { SchemaError } from '../core/errors.js';
import { compareCodePoints } from '../data/code-point-order.js';
import { type Column, numberLabel } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import { parseBoolean } from '../data/infer.js';
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

/**
 * Classes are the labels that occur, sorted as scikit-learn sorts them
 * (`np.unique`): numbers numerically, words by code point. A boolean read
 * from words keeps them (`no`/`yes`); other numbers are labelled as printed.
 */
function classTarget(column: Exclude<Column, { storage: 'string' }>, name: string): Target {
  const labelOf =
    column.storage === 'categorical' ? (code: number) => column.levels[code]! : numberLabel(column);
  const keys = column.storage === 'categorical' ? column.codes : column.values;
  const present = [...new Set(keys)];
  const labels =
    column.storage === 'categorical'
      ? column.levels.filter((_, code) => present.includes(code))
      : column.kind === 'boolean' && column.words !== undefined
        ? present.map(labelOf).sort(compareCodePoints)
        : present.sort((a, b) => a - b).map(labelOf);
  const index = new Map(labels.map((label, i) => [label, i]));
  const values = new Float64Array(keys.length);
  for (let i = 0; i < values.length; i++) values[i] = index.get(labelOf(keys[i]!))!;
  return { name, task: labels.length === 2 ? 'binary' : 'multiclass', values, classes: labels };
}

/**
 * The index of `label` among a model's `classes`, or undefined. Models
 * trained before targets kept their words learned a yes/no or true/false
 * target as the classes "0" and "1"; a word finds its class there by its
 * truth (yes → "1"), so their test files, feedback and holdouts still match.
 */
export function classIndexOf(label: string, classes: readonly string[]): number | undefined {
  const at = classes.indexOf(label);
  if (at >= 0) return at;
  if (classes.length !== 2 || classes[0] !== '0' || classes[1] !== '1') return undefined;
  const truth = parseBoolean(label);
  return Number.isNaN(truth) ? undefined : truth;
}

function countMissingTarget(column: Column): number {
  let missing = 0;
  if (column.storage === 'categorical') for (const c of column.codes) missing += c < 0 ? 1 : 0;
  else if (column.storage === 'number') for (const v of column.values) missing += Number.isNaN(v) ? 1 : 0;
  else for (const v of column.values) missing += v === null ? 1 : 0;
  return missing;
}
