import { UsageError } from '../core/errors.js';
import type { Frame } from '../data/frame.js';
import type { Estimator, ModelTask, Params, SupervisedTask, Target } from '../estimator/contract.js';
import { specOf } from '../estimator/kinds.js';
import { type CatalogEntry, catalogEntry, isSupervised } from '../models/catalog.js';
import { classIndexOf, targetFromFrame } from '../models/target.js';
import { defaultPreprocessing } from '../prep/defaults.js';
import { type PipelineModel, pipeline } from '../prep/pipeline.js';
import type { RecipeReadOptions, RecipeValidation, TrainingRecipe } from '../registry/recipe.js';
import { RECIPE_FORMAT, RECIPE_VERSION } from '../registry/recipe.js';
import type { JsonObject, MetricPoint } from '../registry/types.js';
import { KEEL_VERSION } from '../registry/version.js';
import { type CrossValidationResult, crossValidate, holdoutScores } from '../tune/cross-validate.js';
import { kFold, stratifiedKFold } from '../tune/splitters.js';
import {
  failRecording,
  finishRecording,
  hashOf,
  type Recorded,
  type Recording,
  saveRecipe,
  startRecording,
} from './recording.js';
import { type RowLines, summarise, type UnsupervisedSummary } from './summaries.js';

/**
 * Training one estimator as `keel train` does, from a program: the columns
 * left out, keel's default preprocessing for the model chosen from the
 * column kinds, a pipeline fitted on every row, then scored by
 * cross-validation or on a test table (unsupervised models are summarised:
 * clusters, outliers, components). With a store it records the run, its
 * recipe and scores and registers the model exactly as the CLI does, so a
 * program and the command leave the same records.
 */
export interface TrainRequest {
  /** The catalog name (`keel train --list`). */
  readonly model: string;
  /** Hyperparameters; the rest are the declaration's defaults. */
  readonly params?: Params;
  /** The column to predict; absent for unsupervised models. */
  readonly target?: string;
  /** Default: inferred from the target column. */
  readonly task?: SupervisedTask;
  /** Columns left out of the features. */
  readonly dropped?: readonly string[];
  /** Folds, and for unsupervised models their seed unless `params.seed` is given (default 0). */
  readonly seed?: number;
  /** Default: 5 shuffled folds (stratified for classes); 'none' fits only (a retrain scores on its own holdout). */
  readonly validation?: CvRequest | TestRequest | 'none';
  /** Metrics to report (default: the usual ones for the task). */
  readonly metrics?: readonly string[];
  /** The data's name in the recipe and the store (a file or a redacted URL; default "frame"). */
  readonly source?: string;
  /** How the data was read, so that a replay reads new rows the same way. */
  readonly read?: RecipeReadOptions;
}

export interface CvRequest {
  readonly folds: number;
  /** Default true: rows are shuffled (seeded) before the folds are cut. */
  readonly shuffle?: boolean;
}

export interface TestRequest {
  readonly test: Frame;
  /** The test table's name, recorded in the recipe. */
  readonly source: string;
}

export type Validation =
  | { kind: 'cv'; folds: number; stratified: boolean; shuffled: boolean; result: CrossValidationResult }
  | { kind: 'test'; file: string; rows: number; scores: Record<string, number> };

export interface TrainProgress {
  /** The rows are ready (the task known, the run recorded) and fitting starts. */
  onStart?(info: { readonly task: ModelTask; readonly rows: number }): void;
  /** Cross-validation starts, over this many folds. */
  onValidate?(folds: number): void;
  /** A fold of cross-validation finished. */
  onFold?(done: number, total: number): void;
}

export interface TrainedModel {
  readonly recipe: TrainingRecipe;
  readonly model: PipelineModel;
  readonly entry: CatalogEntry;
  /** The estimator's own parameters (defaults merged in). */
  readonly params: Params;
  /** Why each column was treated as it was. */
  readonly preprocessing: readonly string[];
  readonly fitSeconds: number;
  /** Supervised models: how they were scored (null when asked to fit only). */
  readonly validation: Validation | null;
  readonly cvSeconds: number | null;
  /** Unsupervised models: what they found. */
  readonly summary: UnsupervisedSummary | null;
  readonly target: Target | null;
  readonly rows: number;
  readonly recorded: Recorded | null;
}

export interface TrainOptions extends TrainProgress {
  /** Record the run (and register the model, with `register`) in this store. */
  readonly recording?: Recording;
  /** Unsupervised summaries: the file line of row 0, so the most anomalous rows are named by line. */
  readonly firstLine?: number;
}

export async function train(
  request: TrainRequest,
  frame: Frame,
  options: TrainOptions = {},
): Promise<TrainedModel> {
  const entry = catalogEntry(request.model);
  return isSupervised(entry)
    ? trainSupervised(entry, request, frame, options)
    : trainUnsupervised(entry, request, frame, options);
}

async function trainSupervised(
  entry: CatalogEntry,
  request: TrainRequest,
  frame: Frame,
  options: TrainOptions,
): Promise<TrainedModel> {
  const targetName = request.target;
  if (targetName === undefined) {
    throw new UsageError(
      'usage.missing-option',
      `${entry.name} learns to predict a column: name the target`,
      {
        location: { field: 'target' },
      },
    );
  }
  const dropped = request.dropped ?? [];
  const seed = request.seed ?? 0;
  const target = targetFromFrame(frame, targetName, request.task);
  const features = frame.drop([targetName, ...dropped]);
  const preprocessing = defaultPreprocessing(features, entry);
  const model = entry.make(request.params ?? {}, target.task);
  const estimator = pipeline([preprocessing.transformer], model);
  const { cv, test, validation } = validationOf(request.validation, target.task);
  const recipe = estimatorRecipe(request, frame, target.task, estimator, validation);
  const setup = {
    model: entry.name,
    target: targetName,
    task: target.task,
    source: recipe.data.source,
    drop: [...dropped],
    ...(cv === undefined ? {} : { cv: cv.folds, shuffle: cv.shuffle }),
    ...(test === undefined ? {} : { test: test.source }),
  };
  const run = await startRun(options, frame, recipe, { ...model.params, ...setup });
  try {
    options.onStart?.({ task: target.task, rows: frame.rowCount });
    const started = performance.now();
    const fitted = estimator.fit(features, target);
    const fitSeconds = (performance.now() - started) / 1000;
    const cvStarted = performance.now();
    const scored =
      cv !== undefined
        ? crossValidated(estimator, features, target, cv, seed, request.metrics, options)
        : test !== undefined
          ? tested(fitted, test, targetName, dropped, target, request.metrics)
          : null;
    const cvSeconds = cv === undefined ? null : (performance.now() - cvStarted) / 1000;
    const recorded =
      run === null
        ? null
        : await finishRecording(run, options.recording!, {
            points: scored === null ? [] : validationPoints(scored),
            timings: { fit: fitSeconds, ...(cvSeconds === null ? {} : { cv: cvSeconds }) },
            model: fitted,
            features,
            target,
            ...(scored?.kind === 'cv' ? { outputs: outOfFold(scored.result) } : {}),
          });
    return {
      recipe,
      model: fitted,
      entry,
      params: model.params,
      preprocessing: preprocessing.notes,
      fitSeconds,
      validation: scored,
      cvSeconds,
      summary: null,
      target,
      rows: frame.rowCount,
      recorded,
    };
  } catch (error) {
    if (run !== null) await failRecording(run, error);
    throw error;
  }
}

async function trainUnsupervised(
  entry: CatalogEntry,
  request: TrainRequest,
  data: Frame,
  options: TrainOptions,
): Promise<TrainedModel> {
  const task = entry.tasks[0]!;
  const seed = request.seed ?? 0;
  const params = { ...request.params };
  // The seed is the model's seed too, unless the parameters say otherwise.
  if ('seed' in entry.params && params['seed'] === undefined) params['seed'] = seed;
  const dropped = request.dropped ?? [];
  const frame = data.drop(dropped);
  const preprocessing = defaultPreprocessing(frame, entry);
  const model = entry.make(params, task);
  const estimator = pipeline([preprocessing.transformer], model);
  const recipe = estimatorRecipe(request, frame, task, estimator, { kind: 'none' });
  const setup = { model: entry.name, task, source: recipe.data.source, drop: [...dropped] };
  const run = await startRun(options, frame, recipe, { ...model.params, ...setup });
  try {
    options.onStart?.({ task, rows: frame.rowCount });
    const started = performance.now();
    const fitted = estimator.fit(frame);
    const fitSeconds = (performance.now() - started) / 1000;
    const prepared = fitted.prepare(frame).toMatrix(fitted.model.inputNames);
    const firstLine = options.firstLine;
    const rowLines: RowLines = (row) => (firstLine === undefined ? undefined : row + firstLine);
    const summary = summarise(fitted.model, prepared, { seed, rowLines });
    const points = Object.entries(summary.metrics).map(([name, value]) => ({ name, value }));
    const recorded =
      run === null
        ? null
        : await finishRecording(run, options.recording!, {
            points,
            timings: { fit: fitSeconds },
            model: fitted,
            features: frame,
          });
    return {
      recipe,
      model: fitted,
      entry,
      params: model.params,
      preprocessing: preprocessing.notes,
      fitSeconds,
      validation: null,
      cvSeconds: null,
      summary,
      target: null,
      rows: frame.rowCount,
      recorded,
    };
  } catch (error) {
    if (run !== null) await failRecording(run, error);
    throw error;
  }
}

/** Starts the run and keeps the recipe with it (an estimator's recipe is whole before it is fitted). */
async function startRun(options: TrainOptions, frame: Frame, recipe: TrainingRecipe, params: JsonObject) {
  if (options.recording === undefined) return null;
  const { source, datasetHash } = recipe.data;
  const name = recipe.training.kind === 'estimator' ? recipe.training.model : 'automl';
  const run = await startRecording(options.recording, frame, {
    source,
    datasetHash,
    seed: recipe.seed,
    name,
    params,
  });
  await saveRecipe(run, recipe);
  return run;
}

function estimatorRecipe(
  request: TrainRequest,
  frame: Frame,
  task: TrainingRecipe['task'],
  estimator: Estimator,
  validation: RecipeValidation,
): TrainingRecipe {
  return {
    format: RECIPE_FORMAT,
    version: RECIPE_VERSION,
    keelVersion: KEEL_VERSION,
    data: {
      source: request.source ?? 'frame',
      datasetHash: hashOf(frame),
      rows: frame.rowCount,
      read: request.read ?? {},
    },
    target: request.target ?? null,
    task,
    dropped: [...(request.dropped ?? [])],
    seed: request.seed ?? 0,
    training: {
      kind: 'estimator',
      model: request.model,
      params: { ...request.params },
      preprocessing: 'default',
      spec: specOf(estimator),
    },
    validation,
  };
}

/** What the request asks for: 5 shuffled folds unless it says otherwise, a test table, or none. */
function validationOf(given: TrainRequest['validation'], task: SupervisedTask) {
  const request = given ?? { folds: 5 };
  if (request === 'none') return { cv: undefined, test: undefined, validation: { kind: 'none' } as const };
  if ('test' in request) {
    return { cv: undefined, test: request, validation: { kind: 'test', source: request.source } as const };
  }
  const cv = { folds: request.folds, shuffle: request.shuffle ?? true };
  const validation = { kind: 'cv', ...cv, stratified: task !== 'regression' } as const;
  return { cv, test: undefined, validation };
}

function crossValidated(
  estimator: Estimator,
  features: Frame,
  target: Target,
  cv: Required<CvRequest>,
  seed: number,
  metrics: readonly string[] | undefined,
  progress: TrainProgress,
): Validation {
  const stratified = target.task !== 'regression';
  const splitter = (stratified ? stratifiedKFold : kFold)({ k: cv.folds, shuffle: cv.shuffle, seed });
  progress.onValidate?.(cv.folds);
  const result = crossValidate(estimator, features, target, {
    cv: splitter,
    ...(metrics === undefined ? {} : { metrics: [...metrics] }),
    ...(progress.onFold === undefined ? {} : { onFold: progress.onFold }),
  });
  return { kind: 'cv', folds: cv.folds, stratified, shuffled: cv.shuffle, result };
}

function tested(
  fitted: PipelineModel,
  test: TestRequest,
  targetName: string,
  dropped: readonly string[],
  trained: Target,
  metrics: readonly string[] | undefined,
): Validation {
  const target = alignedTarget(targetFromFrame(test.test, targetName, trained.task), trained, test.source);
  const features = test.test.drop([targetName, ...dropped]);
  const scores = holdoutScores(fitted, features, target, metrics === undefined ? undefined : [...metrics]);
  return { kind: 'test', file: test.source, rows: test.test.rowCount, scores };
}

/** The test table's classes must be the training classes, by label. */
function alignedTarget(test: Target, train: Target, file: string): Target {
  if (train.task === 'regression') return test;
  const values = Float64Array.from(test.values, (v) => {
    const label = test.classes[v]!;
    const mapped = classIndexOf(label, train.classes);
    if (mapped === undefined) {
      throw new UsageError(
        'usage.unseen-class',
        `the test file has the class "${label}", which training never saw`,
        {
          location: { source: file, column: test.name },
        },
      );
    }
    return mapped;
  });
  return { ...train, values };
}

/** Each fold's score and the mean of every metric (the mean also becomes the run's headline). */
export function cvPoints(result: CrossValidationResult): MetricPoint[] {
  return Object.entries(result.metrics).flatMap(([name, m]) => [
    ...m.folds.map((value, fold) => ({ name, value, fold })),
    { name, value: m.mean },
    { name: `${name}_std`, value: m.std },
  ]);
}

function validationPoints(validation: Validation): MetricPoint[] {
  if (validation.kind === 'cv') return cvPoints(validation.result);
  return Object.entries(validation.scores).map(([name, value]) => ({ name, value }));
}

function outOfFold(result: CrossValidationResult) {
  return {
    predictions: result.predictions,
    ...(result.probabilities === undefined ? {} : { probabilities: result.probabilities }),
  };
}
