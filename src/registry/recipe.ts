import type { Json } from '../core/artifact.js';
import type { ModelTask } from '../core/declare.js';
import { type Field, field, readStored } from '../core/stored.js';
import { COLUMN_KINDS, type ColumnKind } from '../data/column.js';
import type { ReadOptions, SourceFormat } from '../data/read.js';
import type { Params, Spec } from '../estimator/contract.js';

/**
 * How a model was trained, as data: what `keel train` and `keel automl`
 * record on their run (as the run's `recipe.json`), what `keel retrain`
 * replays on new rows, and what a worker on another machine will replay.
 * It names the data by content hash and says how it was read, the target
 * and the columns left out, the estimator (its catalog name and parameters,
 * and the full spec it resolved to, preprocessing included) or the AutoML
 * options, the validation, the seed and the keel version.
 */
export interface TrainingRecipe {
  readonly format: typeof RECIPE_FORMAT;
  readonly version: typeof RECIPE_VERSION;
  readonly keelVersion: string;
  readonly data: RecipeData;
  /** null: an unsupervised model (clustering, anomalies, a transform). */
  readonly target: string | null;
  readonly task: ModelTask;
  /** Columns left out of the features (besides the target). */
  readonly dropped: readonly string[];
  readonly seed: number;
  readonly training: EstimatorTraining | AutomlTraining;
  readonly validation: RecipeValidation;
}

export const RECIPE_FORMAT = 'keel.training-recipe';
export const RECIPE_VERSION = 1 as const;
/** The name of the run artifact that holds it. */
export const RECIPE_ARTIFACT = 'recipe.json';

export interface RecipeData {
  /** The file or database URL, password redacted. */
  readonly source: string;
  readonly datasetHash: string;
  readonly rows: number;
  /** The reading options that change what is read (a replay reads new rows the same way). */
  readonly read: RecipeReadOptions;
}

export type RecipeReadOptions = Pick<
  ReadOptions,
  'format' | 'delimiter' | 'header' | 'missing' | 'kinds' | 'query' | 'table'
>;

export interface EstimatorTraining {
  readonly kind: 'estimator';
  /** The catalog name (`keel train --model NAME`). */
  readonly model: string;
  /** The parameters the user set (the rest are the declaration's defaults). */
  readonly params: Params;
  /** keel's default preprocessing, chosen from the column kinds of the rows it is given. */
  readonly preprocessing: 'default';
  /** What the estimator resolved to on the recorded rows: `build(spec)` gives it again. */
  readonly spec: Spec;
}

export interface AutomlTraining {
  readonly kind: 'automl';
  readonly metric: string | null;
  readonly folds: number | null;
  readonly timeColumn: string | null;
  readonly groupColumn: string | null;
  readonly algorithms: readonly string[] | null;
  readonly exclude: readonly string[];
  readonly timeBudgetSeconds: number | null;
  readonly maxTrials: number | null;
  readonly ensemble: boolean;
}

export type RecipeValidation =
  | { readonly kind: 'cv'; readonly folds: number; readonly shuffle: boolean; readonly stratified: boolean }
  | { readonly kind: 'test'; readonly source: string }
  /** AutoML chooses its own folds (see the automl options); unsupervised models are not validated. */
  | { readonly kind: 'none' };

const TASKS = ['regression', 'binary', 'multiclass', 'clustering', 'anomaly', 'transform'] as const;
const FORMATS: readonly SourceFormat[] = ['csv', 'tsv', 'parquet', 'jsonl', 'duckdb', 'sqlite', 'postgres'];

const spec: Field<Spec> = field.custom((value) => checkSpec(value, 'spec'));

/** A spec's shape (its parameters are checked against their declarations when it is built). */
function checkSpec(value: unknown, path: string): Spec | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${path} must be an object`;
  const { kind, params, children, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return `${path} has an unknown field "${Object.keys(rest)[0]}"`;
  if (typeof kind !== 'string' || kind === '') return `${path}.kind must be a kind's name`;
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    return `${path}.params must be an object`;
  if (children === undefined) return { kind, params: params as { [name: string]: Json } };
  if (typeof children !== 'object' || children === null || Array.isArray(children)) {
    return `${path}.children must be an object`;
  }
  const parts: Record<string, Spec> = {};
  for (const [name, child] of Object.entries(children)) {
    const checked = checkSpec(child, `${path}.children.${name}`);
    if (typeof checked === 'string') return checked;
    parts[name] = checked;
  }
  return { kind, params: params as { [name: string]: Json }, children: parts };
}

function isParamValue(value: unknown): value is Params[string] {
  if (value === null || ['number', 'string', 'boolean'].includes(typeof value)) return true;
  return Array.isArray(value) && value.every((v) => typeof v === 'number' || typeof v === 'string');
}

const kinds: Field<Readonly<Record<string, ColumnKind>>> = field.custom((value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
  for (const [name, kind] of Object.entries(value)) {
    if (!COLUMN_KINDS.includes(kind as ColumnKind))
      return `gives column "${name}" the unknown kind ${JSON.stringify(kind)}`;
  }
  return value as Record<string, ColumnKind>;
});

const ESTIMATOR_FIELDS = {
  kind: field.enum('estimator'),
  model: field.string(),
  params: field.custom((value): Params | string => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
    for (const [name, v] of Object.entries(value)) {
      if (!isParamValue(v)) return `parameter "${name}" must be a number, text, true/false, null or a list`;
    }
    return value as Params;
  }),
  preprocessing: field.enum('default'),
  spec,
};

const AUTOML_FIELDS = {
  kind: field.enum('automl'),
  metric: field.nullable(field.string()),
  folds: field.nullable(field.int({ min: 2 })),
  timeColumn: field.nullable(field.string()),
  groupColumn: field.nullable(field.string()),
  algorithms: field.nullable(field.strings()),
  exclude: field.strings(),
  timeBudgetSeconds: field.nullable(field.number({ min: 0 })),
  maxTrials: field.nullable(field.int({ min: 1 })),
  ensemble: field.bool(),
};

const CV_FIELDS = {
  kind: field.enum('cv'),
  folds: field.int({ min: 2 }),
  shuffle: field.bool(),
  stratified: field.bool(),
};

const RECIPE_FIELDS = {
  format: field.enum(RECIPE_FORMAT),
  version: field.custom((v) =>
    v === RECIPE_VERSION
      ? RECIPE_VERSION
      : `is ${JSON.stringify(v)}; this keel reads version ${RECIPE_VERSION}`,
  ),
  keelVersion: field.string(),
  data: field.object({
    source: field.string(),
    datasetHash: field.string(),
    rows: field.int({ min: 0 }),
    read: field.object({
      format: field.optional(field.enum(...FORMATS)),
      delimiter: field.optional(field.string()),
      header: field.optional(field.bool()),
      missing: field.optional(field.strings()),
      kinds: field.optional(kinds),
      query: field.optional(field.string()),
      table: field.optional(field.string()),
    }),
  }),
  target: field.nullable(field.string()),
  task: field.enum(...TASKS),
  dropped: field.strings(),
  seed: field.int({ min: 0 }),
  training: field.variant('kind', { estimator: ESTIMATOR_FIELDS, automl: AUTOML_FIELDS }),
  validation: field.variant('kind', {
    cv: CV_FIELDS,
    test: { kind: field.enum('test'), source: field.string() },
    none: { kind: field.enum('none') },
  }),
};

/** A recipe read back from a run, checked field by field (never cast). */
export function readRecipe(value: unknown, source: string): TrainingRecipe {
  return readStored(value, RECIPE_FIELDS, source, 'training recipe');
}
