import { SchemaError, UsageError } from '../../core/errors.js';
import type { Column } from '../../data/column.js';
import { isMissing } from '../../data/column.js';
import type { Frame } from '../../data/frame.js';
import type { SupervisedTask, Target } from '../../estimator/contract.js';
import { targetFromFrame } from '../../models/target.js';
import { profileFrame } from '../../profile/profile.js';
import type { Profile } from '../../profile/types.js';
import { type Fold, groupKFold, kFold, stratifiedKFold, timeSeriesSplit } from '../splitters.js';
import { selectionMetric } from './trial.js';

/**
 * Everything AutoML decides before the first trial: which rows and columns
 * a model may learn from, the task, the metric, and the folds every trial
 * is scored on. Each decision is recorded with its reason (`dropped`,
 * `notes`, `cv.why`), because a learner reading the report should be able
 * to see why a column vanished or why the folds look the way they do.
 */
export interface PrepareOptions {
  readonly target: string;
  readonly task?: SupervisedTask;
  readonly metric?: string;
  readonly folds?: number;
  readonly timeColumn?: string;
  readonly groupColumn?: string;
  readonly exclude?: readonly string[];
  readonly seed?: number;
}

export type CvKind = 'stratified' | 'kfold' | 'time' | 'group';

export interface CvChoice {
  readonly kind: CvKind;
  readonly folds: number;
  readonly why: string;
}

export interface DroppedColumn {
  readonly column: string;
  readonly reason: string;
}

export interface Prepared {
  readonly task: SupervisedTask;
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  /** The feature columns only (no target, no dropped columns), rows in `rows` order. */
  readonly features: Frame;
  readonly target: Target;
  /** The input frame's row of each row of `features` and `target` (rows without a target are gone; time order sorts). */
  readonly rows: Int32Array;
  readonly folds: readonly Fold[];
  readonly cv: CvChoice;
  readonly dropped: readonly DroppedColumn[];
  readonly notes: readonly string[];
  readonly profile: Profile;
}

/** Every task's default selection metric: one that rewards well-ranked, well-calibrated probabilities, or small errors. */
export const DEFAULT_METRIC: Readonly<Record<SupervisedTask, string>> = {
  binary: 'roc_auc',
  multiclass: 'log_loss',
  regression: 'rmse',
};

export const DEFAULT_FOLDS = 5;

export function prepareAutoml(frame: Frame, options: PrepareOptions): Prepared {
  checkColumns(frame, options);
  const notes: string[] = [];
  const rows = usableRows(frame, options, notes);
  const data = rows.length === frame.rowCount && isIdentity(rows) ? frame : frame.take(rows);
  const profile = profileFrame(data, { target: options.target, timeColumn: options.timeColumn });
  const task = options.task ?? profile.task ?? 'regression';
  const target = targetFromFrame(data, options.target, task);
  const metric = options.metric ?? DEFAULT_METRIC[target.task];
  const greaterIsBetter = selectionMetric(metric, target.task).greaterIsBetter;
  if (options.task === undefined) notes.push(taskNote(target));
  const dropped = droppedColumns(data, profile, options);
  const features = data.drop([options.target, ...dropped.map((d) => d.column)]);
  if (features.columnCount === 0) {
    throw new UsageError('automl.no-features', 'no column is left to learn from', {
      location: { field: 'target' },
      hint: `every other column was dropped: ${dropped.map((d) => `${d.column} (${d.reason})`).join('; ')}`,
    });
  }
  const { folds, cv } = chooseFolds(data, target, options, notes);
  return {
    task: target.task,
    metric,
    greaterIsBetter,
    features,
    target,
    rows,
    folds,
    cv,
    dropped,
    notes,
    profile,
  };
}

function checkColumns(frame: Frame, options: PrepareOptions): void {
  frame.column(options.target);
  for (const name of [options.timeColumn, options.groupColumn, ...(options.exclude ?? [])]) {
    if (name !== undefined) frame.column(name);
  }
  for (const [field, name] of [
    ['timeColumn', options.timeColumn],
    ['groupColumn', options.groupColumn],
  ] as const) {
    if (name === options.target) {
      throw new UsageError('automl.column-is-target', `the ${field} "${name}" is also the target`, {
        location: { field },
        hint: 'name a different column to order or group the rows by',
      });
    }
  }
  if (options.timeColumn !== undefined && options.groupColumn !== undefined) {
    // Forward-chaining folds cut by time and folds of whole groups cannot both hold: a group spans time.
    throw new UsageError('automl.time-and-group', 'give either a time column or a group column, not both', {
      location: { field: 'groupColumn' },
      hint: 'time-ordered folds already keep the future out of training; choose the one that matches how the model will be used',
    });
  }
}

/**
 * Rows a model can learn from: a row without a target cannot be learnt from
 * or scored, and with a time column a row without a time has no place in
 * the order. With a time column the rows are sorted by time (stable), so
 * that forward-chaining folds train on the past and test on the future.
 */
function usableRows(frame: Frame, options: PrepareOptions, notes: string[]): Int32Array {
  const target = frame.column(options.target);
  const time = options.timeColumn === undefined ? undefined : frame.column(options.timeColumn);
  const kept: number[] = [];
  let withoutTarget = 0;
  let withoutTime = 0;
  for (let row = 0; row < frame.rowCount; row++) {
    if (isMissing(target, row)) withoutTarget++;
    else if (time !== undefined && isMissing(time, row)) withoutTime++;
    else kept.push(row);
  }
  if (withoutTarget > 0) {
    notes.push(
      `${withoutTarget} row${withoutTarget === 1 ? '' : 's'} without a value of "${options.target}" ${withoutTarget === 1 ? 'was' : 'were'} left out: a model cannot learn from, or be scored on, a row without an answer.`,
    );
  }
  if (withoutTime > 0) {
    notes.push(
      `${withoutTime} row${withoutTime === 1 ? '' : 's'} without a time in "${options.timeColumn}" ${withoutTime === 1 ? 'was' : 'were'} left out: time-ordered folds need every row's place in time.`,
    );
  }
  if (kept.length === 0) {
    throw new SchemaError('automl.no-rows', `no row has a value of "${options.target}"`, {
      location: { source: frame.source, column: options.target },
      hint: 'check the target column name and that the file holds its values',
    });
  }
  if (time !== undefined && time.storage === 'number') {
    const values = time.values;
    kept.sort((a, b) => values[a]! - values[b]! || a - b);
  }
  return Int32Array.from(kept);
}

function isIdentity(rows: Int32Array): boolean {
  return rows.every((row, i) => row === i);
}

function taskNote(target: Target): string {
  if (target.task === 'regression')
    return `The task is regression: "${target.name}" holds numbers with many values.`;
  const classes = target.classes.length;
  return `The task is ${target.task} classification: "${target.name}" has ${classes} classes (${target.classes.slice(0, 5).join(', ')}${classes > 5 ? ', …' : ''}).`;
}

/**
 * Columns left out of the features, each with a reason. The user's own
 * exclusions (sensitive attributes for a fairness audit, say) come first;
 * the time and group columns organise the folds, and as features they would
 * let a model memorise the period or the group it was scored on; then the
 * profile's findings: keys that identify rows, columns that give away the
 * target, and columns with a single value.
 */
function droppedColumns(frame: Frame, profile: Profile, options: PrepareOptions): DroppedColumn[] {
  const dropped = new Map<string, string>();
  const drop = (column: string, reason: string): void => {
    if (column !== options.target && !dropped.has(column)) dropped.set(column, reason);
  };
  for (const column of options.exclude ?? []) drop(column, 'excluded by request');
  if (options.timeColumn !== undefined) {
    drop(
      options.timeColumn,
      'the time column orders the folds; as a feature, trees would learn the period rather than patterns that carry to the future',
    );
  }
  if (options.groupColumn !== undefined) {
    drop(
      options.groupColumn,
      'the group column decides the folds; as a feature, a model would tell the groups apart instead of learning what carries to new groups',
    );
  }
  for (const finding of profile.findings) {
    const column = finding.columns[0];
    if (column === undefined || finding.columns.length !== 1) continue;
    if (finding.kind === 'id-like') drop(column, `ID-like: ${finding.message}`);
    else if (finding.kind === 'target-leakage') drop(column, `leaks the target: ${finding.message}`);
    else if (finding.kind === 'constant') drop(column, `constant: ${finding.message}`);
  }
  return frame.names
    .filter((name) => dropped.has(name))
    .map((column) => ({ column, reason: dropped.get(column)! }));
}

/**
 * The folds that match how the model will be used. Classes keep their share
 * in every fold (stratified), so a rare class is scored in each; numbers are
 * shuffled into k folds; a time column gives forward-chaining folds (train on
 * the past, test on the next block); a group column keeps each group whole on
 * one side. Shuffles are seeded, so the same seed gives the same folds.
 */
function chooseFolds(
  data: Frame,
  target: Target,
  options: PrepareOptions,
  notes: string[],
): { folds: Fold[]; cv: CvChoice } {
  const asked = options.folds ?? DEFAULT_FOLDS;
  if (!Number.isSafeInteger(asked) || asked < 2) {
    throw new UsageError('automl.folds', `folds must be a whole number ≥ 2, got ${asked}`, {
      location: { field: 'folds' },
      hint: '5 or 10 folds are the usual choice',
    });
  }
  const seed = options.seed ?? 0;
  const n = target.values.length;
  if (options.timeColumn !== undefined) {
    const k = Math.min(asked, n - 1);
    const folds = [...timeSeriesSplit({ k }).split({ rowCount: n })];
    const why = `Rows sorted by "${options.timeColumn}"; each of ${k} folds trains on every earlier row and tests on the next block of time, as the model will be used: trained on the past, predicting the future.`;
    return { folds, cv: { kind: 'time', folds: k, why } };
  }
  if (options.groupColumn !== undefined) return groupFolds(data, options.groupColumn, asked, notes);
  if (target.task === 'regression') {
    const k = Math.min(asked, n);
    const folds = [...kFold({ k, shuffle: true, seed }).split({ rowCount: n })];
    const why = `Shuffled ${k}-fold cross-validation (seed ${seed}): every row is scored once by a model that did not see it.`;
    return { folds, cv: { kind: 'kfold', folds: k, why } };
  }
  return stratifiedFolds(target, asked, seed, notes);
}

function stratifiedFolds(
  target: Target,
  asked: number,
  seed: number,
  notes: string[],
): { folds: Fold[]; cv: CvChoice } {
  const counts = new Map<number, number>();
  for (const label of target.values) counts.set(label, (counts.get(label) ?? 0) + 1);
  const smallest = Math.min(...counts.values());
  const rarest = target.classes[[...counts].find(([, count]) => count === smallest)![0]]!;
  if (smallest < 2) {
    throw new UsageError('automl.class-too-small', `the class "${rarest}" of "${target.name}" has one row`, {
      location: { column: target.name },
      hint: 'a class seen once cannot be both learnt from and tested on: merge it with another class or drop its row',
    });
  }
  const k = Math.min(asked, smallest);
  if (k < asked) {
    notes.push(
      `Cross-validation uses ${k} folds, not ${asked}: the rarest class, "${rarest}", has only ${smallest} rows, and every fold needs at least one of each class.`,
    );
  }
  const folds = [...stratifiedKFold({ k, shuffle: true, seed }).split({ labels: target.values })];
  const why = `Stratified, shuffled ${k}-fold cross-validation (seed ${seed}): each fold keeps every class's share of rows, so each class is scored in every fold.`;
  return { folds, cv: { kind: 'stratified', folds: k, why } };
}

function groupFolds(
  data: Frame,
  groupColumn: string,
  asked: number,
  notes: string[],
): { folds: Fold[]; cv: CvChoice } {
  const { ids, groups, missing } = groupIds(data.column(groupColumn));
  if (missing > 0) {
    notes.push(
      `${missing} row${missing === 1 ? '' : 's'} without a value of "${groupColumn}" form one group of their own for cross-validation.`,
    );
  }
  if (groups < 2) {
    throw new UsageError('automl.one-group', `"${groupColumn}" has a single group`, {
      location: { column: groupColumn },
      hint: 'grouped folds need at least two groups; leave out the group column to use ordinary folds',
    });
  }
  const k = Math.min(asked, groups);
  if (k < asked) {
    notes.push(`Cross-validation uses ${k} folds, not ${asked}: "${groupColumn}" has only ${groups} groups.`);
  }
  const folds = [...groupKFold({ k }).split({ groups: ids })];
  const why = `Grouped ${k}-fold cross-validation on "${groupColumn}": all rows of a group fall in the same fold, so the score says how the model does on groups it has never seen.`;
  return { folds, cv: { kind: 'group', folds: k, why } };
}

/** A dense group number per row; rows without a group share one extra group. */
function groupIds(column: Column): { ids: Int32Array; groups: number; missing: number } {
  const seen = new Map<string | number, number>();
  const ids = new Int32Array(column.storage === 'categorical' ? column.codes.length : column.values.length);
  let missing = 0;
  for (let row = 0; row < ids.length; row++) {
    let key: string | number;
    if (isMissing(column, row)) {
      key = '\u0000missing';
      missing++;
    } else if (column.storage === 'categorical') key = column.codes[row]!;
    else key = column.values[row]!;
    if (!seen.has(key)) seen.set(key, seen.size);
    ids[row] = seen.get(key)!;
  }
  return { ids, groups: seen.size, missing };
}
