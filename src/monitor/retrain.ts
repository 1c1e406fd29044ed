/**
 * Retraining with a gate (issue 8, item 4): a challenger is trained on new
 * data the way the champion was (the same AutoML search, or the same model
 * with the same hyperparameters), both are scored on the same recent
 * labelled holdout, and the challenger takes the champion's alias only when
 * it wins by more than a margin and the holdout does not drift against the
 * challenger's own training rows (a model stale on arrival is no
 * improvement). The decision and its reasons are recorded as a run, so
 * `keel runs` shows why a model changed, or why it did not.
 */
import { isMissing } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import { schemaOf } from '../data/schema.js';
import { timeSplit } from '../data/split.js';
import { UsageError } from '../errors.js';
import type { Model, Params, SupervisedTask, Target } from '../estimator.js';
import { METRICS, type SupervisedMetric, supervisedMetricFor } from '../evaluate/registry.js';
import { type CatalogEntry, catalogEntries, isSupervised } from '../models/catalog.js';
import { targetFromFrame } from '../models/target.js';
import { defaultPreprocessing } from '../prep/defaults.js';
import { pipeline } from '../prep/pipeline.js';
import { datasetHash } from '../registry/dataset-hash.js';
import { loadModel, registerModel } from '../registry/model-registry.js';
import { type ActiveRun, startRun } from '../registry/tracking.js';
import type { JsonObject, ModelVersionRecord, RunRecord, Store } from '../registry/types.js';
import { type AutomlEvent, type AutomlOptions, automl, DEFAULT_METRIC } from '../tune/automl/index.js';
import { holdoutScores } from '../tune/cross-validate.js';
import { type DatasetDrift, detectDrift } from './drift.js';
import { modelReference } from './model-reference.js';

export const RETRAIN_DEFAULTS = {
  alias: 'champion',
  timeBudgetSeconds: 300,
  holdoutShare: 0.2,
  margin: 0,
  /** Fewer labelled rows than this cannot tell two models apart (nor train one). */
  minRows: 50,
  experiment: 'retrain',
} as const;

export interface RetrainOptions {
  /** The registered model's name. */
  readonly model: string;
  /** The new data, with the champion's target column (rows without a label are dropped). */
  readonly data: Frame;
  /** Where the data came from (a path, or a URL without its password), for the records. */
  readonly source: string;
  /** The champion's alias; default `champion`. Without it the latest version is the champion. */
  readonly alias?: string;
  /** The AutoML search budget when the champion came from `keel automl`; default 300. */
  readonly timeBudgetSeconds?: number;
  /** Orders rows in time: the latest are the holdout. Default: the AutoML run's time column. */
  readonly timeColumn?: string;
  /** The share of rows held out (the last ones in file order without a time column); default 0.2. */
  readonly holdoutShare?: number;
  /** How much better (in metric units) the challenger must score to be promoted; default 0. */
  readonly margin?: number;
  /** Decide without writing anything to the store. */
  readonly dryRun?: boolean;
  /** AutoML trials run side by side; default one per core. */
  readonly threads?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: RetrainEvent) => void;
}

export type RetrainEvent =
  | { readonly type: 'stage'; readonly message: string }
  | { readonly type: 'automl'; readonly event: AutomlEvent };

export interface RetrainDecision {
  readonly model: string;
  readonly alias: string;
  readonly champion: { readonly version: number; readonly score: number };
  /** `version` is null on a dry run (nothing is registered). */
  readonly challenger: {
    readonly version: number | null;
    readonly score: number;
    readonly trainedBy: string;
  };
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  readonly margin: number;
  readonly promoted: boolean;
  /** Why it was decided so: the comparison, then each check. */
  readonly reasons: string[];
  /** What else the user should know (a missing alias, dropped rows, warnings about the holdout). */
  readonly notes: string[];
  readonly rows: { readonly training: number; readonly holdout: number; readonly unlabelled: number };
  /** Which rows were held out, e.g. `the latest 400 rows by "day"`. */
  readonly holdout: string;
  readonly drift: DatasetDrift;
  /** The decision run in experiment `retrain`; null on a dry run. */
  readonly runId: string | null;
  readonly dryRun: boolean;
}

export async function retrain(store: Store, options: RetrainOptions): Promise<RetrainDecision> {
  const settings = checkedSettings(options);
  const notes: string[] = [];
  const champion = await findChampion(store, options.model, settings.alias, notes);
  const recipe = recipeOf(champion.version, champion.run);
  const timeColumn = options.timeColumn ?? recipe.timeColumn;
  const split = splitNewData(options.data, recipe.target, timeColumn, settings.holdoutShare, notes);
  requireInputs(champion.model, split.holdout, champion.version);
  const task = supervisedTask(champion.version);
  const metric = championMetric(champion.version, task, recipe);
  if (recipe.kind === 'train' && options.timeBudgetSeconds !== undefined) {
    notes.push(
      `the time budget does not apply: version ${champion.version.version} was trained by keel train (${recipe.entry.name}), so it is refitted with the same parameters`,
    );
  }
  const plan: Plan = { options, settings, champion, recipe, split, task, metric, notes };
  if (settings.dryRun) return decide(plan, null);
  const hash = datasetHash(split.labelled);
  await store.recordDataset({ hash, source: options.source, schema: schemaOf(split.labelled) });
  const run = await startRun(store, {
    experiment: RETRAIN_DEFAULTS.experiment,
    name: `retrain ${options.model}`,
    params: decisionParams(plan),
    seed: recipe.seed,
    datasetHash: hash,
  });
  try {
    return await decide(plan, { store, run, datasetHash: hash });
  } catch (error) {
    if (!run.ended) await run.fail(error);
    throw error;
  }
}

// ─── Settings and the champion ───────────────────────────────────────────────

type Settings = {
  readonly alias: string;
  readonly timeBudgetSeconds: number;
  readonly holdoutShare: number;
  readonly margin: number;
  readonly dryRun: boolean;
};

function checkedSettings(options: RetrainOptions): Settings {
  const settings = {
    alias: options.alias ?? RETRAIN_DEFAULTS.alias,
    timeBudgetSeconds: options.timeBudgetSeconds ?? RETRAIN_DEFAULTS.timeBudgetSeconds,
    holdoutShare: options.holdoutShare ?? RETRAIN_DEFAULTS.holdoutShare,
    margin: options.margin ?? RETRAIN_DEFAULTS.margin,
    dryRun: options.dryRun === true,
  };
  const bad = (field: string, what: string, value: unknown) =>
    new UsageError('retrain.bad-option', `${field} must be ${what}, not ${JSON.stringify(value)}`, {
      location: { field },
    });
  if (!(settings.holdoutShare > 0 && settings.holdoutShare < 1)) {
    throw bad('holdout', 'a share between 0 and 1 (e.g. 0.2)', settings.holdoutShare);
  }
  if (!(settings.margin >= 0 && Number.isFinite(settings.margin))) {
    throw bad('margin', "a number ≥ 0, in the metric's units", settings.margin);
  }
  if (!(settings.timeBudgetSeconds > 0))
    throw bad('time', 'a positive number of seconds', settings.timeBudgetSeconds);
  if (settings.alias === '') throw bad('alias', 'a name', settings.alias);
  return settings;
}

interface Champion {
  readonly model: Model;
  readonly version: ModelVersionRecord;
  readonly run: RunRecord;
  /** Whether the alias named it (else it is the latest version). */
  readonly aliased: boolean;
}

/** NAME@alias, else the latest version (said in a note; promotion then creates the alias). */
async function findChampion(store: Store, name: string, alias: string, notes: string[]): Promise<Champion> {
  const record = await store.getModel(name);
  const aliased = record !== undefined && Object.hasOwn(record.aliases, alias);
  const { model, version } = await loadModel(store, aliased ? `${name}@${alias}` : name);
  if (!aliased) {
    notes.push(
      `"${name}" has no alias "${alias}": the champion is the latest version, ${version.version}; a promotion creates the alias`,
    );
  }
  const run = version.runId === null ? undefined : await store.getRun(version.runId);
  if (run === undefined) {
    throw new UsageError(
      'retrain.no-run',
      `${name} version ${version.version} has no training run in the store, so how to retrain it is unknown`,
      {
        location: { field: 'model' },
        hint: `register a model trained by keel train or keel automl (--register ${name}), then retrain it`,
      },
    );
  }
  return { model, version, run, aliased };
}

function supervisedTask(version: ModelVersionRecord): SupervisedTask {
  const { task } = version;
  if (task === 'regression' || task === 'binary' || task === 'multiclass') return task;
  throw new UsageError(
    'retrain.unsupervised',
    `${version.model} version ${version.version} does ${task}, which has no labels to compare models on`,
    { location: { field: 'model' }, hint: 'retrain compares supervised models (regression or classes)' },
  );
}

/**
 * The metric the champion was chosen by: the AutoML run's, else the first
 * of its registered metrics that scores its task (keel train registers its
 * report's metrics in order, the headline first), else AutoML's default.
 */
function championMetric(version: ModelVersionRecord, task: SupervisedTask, recipe: Recipe): NamedMetric {
  const searched = recipe.kind === 'automl' ? text(recipe.params, 'metric') : undefined;
  for (const name of [...(searched === undefined ? [] : [searched]), ...Object.keys(version.metrics)]) {
    if (!Object.hasOwn(METRICS, name)) continue;
    const definition = METRICS[name as keyof typeof METRICS];
    const fits = definition.task === task || (definition.task === 'multiclass' && task === 'binary');
    if (fits) return { name, definition: supervisedMetricFor(name, task) };
  }
  const name = DEFAULT_METRIC[task];
  return { name, definition: supervisedMetricFor(name, task) };
}

interface NamedMetric {
  readonly name: string;
  readonly definition: SupervisedMetric;
}

// ─── How the champion was made ───────────────────────────────────────────────

type Recipe = AutomlRecipe | TrainRecipe;

interface RecipeBase {
  readonly target: string;
  readonly seed: number;
  readonly timeColumn: string | undefined;
  /** The champion's run parameters (an AutoML challenger's run carries them on, to be retrained in turn). */
  readonly params: JsonObject;
}

interface AutomlRecipe extends RecipeBase {
  readonly kind: 'automl';
  readonly search: Omit<AutomlOptions, 'target' | 'timeBudgetSeconds'>;
}

interface TrainRecipe extends RecipeBase {
  readonly kind: 'train';
  readonly entry: CatalogEntry;
  readonly hyperparameters: Params;
  readonly drop: readonly string[];
}

/** Reads the champion's run: `keel automl`'s search settings, or `keel train`'s model and parameters. */
function recipeOf(version: ModelVersionRecord, run: RunRecord): Recipe {
  const { params } = run;
  const where = `run ${run.id.slice(0, 8)} of ${version.model} version ${version.version}`;
  const target = text(params, 'target');
  if (target === undefined) throw unknownRecipe(where, 'names no target');
  const base = { target, seed: run.seed ?? 0, params };
  if (params['model'] === 'automl') {
    const timeColumn = text(params, 'timeColumn');
    const groupColumn = text(params, 'groupColumn');
    const folds = params['cv'];
    const algorithms = texts(params, 'algorithms');
    const search = {
      seed: base.seed,
      exclude: texts(params, 'exclude') ?? [],
      ...(typeof folds === 'number' ? { folds } : {}),
      ...(timeColumn === undefined ? {} : { timeColumn }),
      ...(groupColumn === undefined ? {} : { groupColumn }),
      ...(algorithms === undefined ? {} : { algorithms }),
    };
    return { kind: 'automl', ...base, timeColumn, search };
  }
  const entry = catalogEntries().find((e) => e.name === params['model']);
  if (entry === undefined || !isSupervised(entry)) throw unknownRecipe(where, 'names no supervised model');
  return {
    kind: 'train',
    ...base,
    timeColumn: undefined,
    entry,
    hyperparameters: hyperparametersOf(entry, supervisedTask(version), params),
    drop: texts(params, 'drop') ?? [],
  };
}

/**
 * keel train records the estimator's parameters beside its own settings
 * (target, source, folds); the estimator's are the keys its defaults have.
 */
function hyperparametersOf(entry: CatalogEntry, task: SupervisedTask, params: JsonObject): Params {
  const defaults = entry.make({}, task).params;
  return Object.fromEntries(
    Object.keys(defaults)
      .filter((key) => Object.hasOwn(params, key))
      .map((key) => [key, params[key] as Params[string]]),
  );
}

function unknownRecipe(where: string, what: string): UsageError {
  return new UsageError('retrain.unknown-recipe', `${where} ${what}, so how to retrain it is unknown`, {
    location: { field: 'model' },
    hint: 'retrain handles models made by keel train (supervised) and keel automl',
  });
}

function text(params: JsonObject, key: string): string | undefined {
  const value = params[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function texts(params: JsonObject, key: string): string[] | undefined {
  const value = params[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

// ─── The new data: labelled rows, split into training and holdout ────────────

interface NewData {
  /** Every row with a label, in file order. */
  readonly labelled: Frame;
  readonly training: Frame;
  readonly holdout: Frame;
  readonly unlabelled: number;
  /** How the holdout was chosen, for messages. */
  readonly how: string;
}

function splitNewData(
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
function requireInputs(model: Model, holdout: Frame, version: ModelVersionRecord): void {
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

// ─── Training the challenger, scoring both, deciding ─────────────────────────

interface Plan {
  readonly options: RetrainOptions;
  readonly settings: Settings;
  readonly champion: Champion;
  readonly recipe: Recipe;
  readonly split: NewData;
  readonly task: SupervisedTask;
  readonly metric: NamedMetric;
  readonly notes: string[];
}

interface Recording {
  readonly store: Store;
  readonly run: ActiveRun;
  readonly datasetHash: string;
}

interface Challenger {
  readonly model: Model;
  readonly reference: ReturnType<typeof modelReference>;
  /** What the challenger is registered with: AutoML's cross-validated score; else its holdout score. */
  readonly metrics: { readonly [name: string]: number } | null;
  /** e.g. `automl: gbdt #7`, or `gbdt`. */
  readonly trainedBy: string;
  readonly fitSeconds: number;
}

interface Verdict {
  readonly promoted: boolean;
  readonly reasons: string[];
}

/** Trains, scores and decides; with a recording, the challenger's training run ends whatever happens. */
async function decide(plan: Plan, recording: Recording | null): Promise<RetrainDecision> {
  plan.options.onEvent?.({ type: 'stage', message: trainingMessage(plan) });
  if (recording === null) return compare(plan, null);
  const trainingRun = await startTrainingRun(plan, recording);
  try {
    return await compare(plan, { ...recording, trainingRun });
  } catch (error) {
    if (!trainingRun.ended) await trainingRun.fail(error);
    throw error;
  }
}

async function compare(
  plan: Plan,
  recording: (Recording & { readonly trainingRun: ActiveRun }) | null,
): Promise<RetrainDecision> {
  const { options, champion, split, metric } = plan;
  const emit = (message: string) => options.onEvent?.({ type: 'stage', message });
  const challenger = await fitChallenger(plan);
  emit(`scoring both models on the holdout (${split.how})`);
  const championScore = scoreOn(
    champion.model,
    plan,
    `${champion.version.model} version ${champion.version.version}`,
  );
  const challengerScore = scoreOn(challenger.model, plan, 'the challenger');
  const drift = detectDrift(challenger.reference, split.holdout.select(challenger.model.inputNames));
  const verdict = verdictOf(plan, championScore, challengerScore, drift);
  const version =
    recording === null
      ? null
      : await record(plan, recording, challenger, verdict, { championScore, challengerScore });
  return {
    model: options.model,
    alias: plan.settings.alias,
    champion: { version: champion.version.version, score: championScore },
    challenger: { version, score: challengerScore, trainedBy: challenger.trainedBy },
    metric: metric.name,
    greaterIsBetter: metric.definition.greaterIsBetter,
    margin: plan.settings.margin,
    promoted: verdict.promoted,
    reasons: verdict.reasons,
    notes: plan.notes,
    rows: {
      training: split.training.rowCount,
      holdout: split.holdout.rowCount,
      unlabelled: split.unlabelled,
    },
    holdout: split.how,
    drift: drift.dataset,
    runId: recording?.run.id ?? null,
    dryRun: recording === null,
  };
}

function trainingMessage({ recipe, settings, split }: Plan): string {
  const rows = `${split.training.rowCount.toLocaleString('en-US')} rows`;
  return recipe.kind === 'automl'
    ? `training a challenger: automl on ${rows} within ${settings.timeBudgetSeconds} s`
    : `training a challenger: ${recipe.entry.name} with the champion's parameters on ${rows}`;
}

async function fitChallenger(plan: Plan): Promise<Challenger> {
  const { recipe, split, task, metric, options, settings } = plan;
  const started = performance.now();
  if (recipe.kind === 'automl') {
    const result = await automl(split.training, {
      ...recipe.search,
      target: recipe.target,
      task,
      metric: metric.name,
      timeBudgetSeconds: settings.timeBudgetSeconds,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onEvent: (event) => options.onEvent?.({ type: 'automl', event }),
    });
    const reference = modelReference({
      model: result.model,
      features: split.training.take(result.rows),
      target: result.target,
      outputs: result.oof,
    });
    return {
      model: result.model,
      reference,
      metrics: { [result.metric]: result.best.score, [`${result.metric}_std`]: result.best.std },
      trainedBy: `automl: ${result.best.model}`,
      fitSeconds: (performance.now() - started) / 1000,
    };
  }
  const features = split.training.drop([recipe.target, ...recipe.drop].filter((n) => split.training.has(n)));
  const target = targetFromFrame(split.training, recipe.target, task);
  const preprocessing = defaultPreprocessing(features, recipe.entry);
  const estimator = pipeline([preprocessing.transformer], recipe.entry.make(recipe.hyperparameters, task));
  const model = estimator.fit(features, target);
  return {
    model,
    reference: modelReference({ model, features, target }),
    metrics: null,
    trainedBy: recipe.entry.name,
    fitSeconds: (performance.now() - started) / 1000,
  };
}

/** The metric on the holdout, with the labels in the model's own class order. */
function scoreOn(model: Model, plan: Plan, who: string): number {
  const { split, recipe, task, metric } = plan;
  const target = inModelClasses(targetFromFrame(split.holdout, recipe.target, task), model, who);
  const frame = split.holdout.select(model.inputNames);
  return holdoutScores(model, frame, target, [metric.name])[metric.name]!;
}

function inModelClasses(target: Target, model: Model, who: string): Target {
  if (target.task === 'regression') return target;
  const index = new Map((model.classes ?? []).map((label, i) => [label, i]));
  const values = Float64Array.from(target.values, (code) => {
    const label = target.classes[code]!;
    const mapped = index.get(label);
    if (mapped !== undefined) return mapped;
    throw new UsageError(
      'retrain.unseen-class',
      `the holdout has the class "${label}", which ${who} never learned`,
      {
        location: { column: target.name },
        hint: 'a new class needs a new model: train one with keel automl on data that holds it',
      },
    );
  });
  return { ...target, values, classes: model.classes ?? target.classes };
}

/**
 * Promoted when the challenger wins by more than the margin and the
 * holdout neither drifts against its training rows nor breaks its schema.
 * Other data-quality findings (new categories, missing or out-of-range
 * values) are notes: the champion faces the same rows.
 */
function verdictOf(
  plan: Plan,
  championScore: number,
  challengerScore: number,
  drift: ReturnType<typeof detectDrift>,
): Verdict {
  const { metric, settings, notes } = plan;
  const better = metric.definition.greaterIsBetter
    ? challengerScore - championScore
    : championScore - challengerScore;
  const wins = better > settings.margin;
  const scores = `${metric.name} ${round(challengerScore)} against the champion's ${round(championScore)} (${metric.definition.greaterIsBetter ? 'higher' : 'lower'} is better)`;
  const reasons = [
    wins
      ? `the challenger wins: ${scores}, better by ${round(better)}, more than the margin ${settings.margin}`
      : `the challenger does not win by more than the margin ${settings.margin}: ${scores}, ${better >= 0 ? 'better' : 'worse'} by ${round(Math.abs(better))}`,
  ];
  const problems: string[] = [];
  if (drift.dataset.drifted) {
    problems.push(
      `the holdout drifts against the challenger's training rows, so it would be stale on arrival: ${drift.dataset.message}`,
    );
  }
  for (const issue of drift.quality) {
    if (issue.check === 'schema') problems.push(`schema: ${issue.message}`);
    else notes.push(`holdout ${issue.check}: ${issue.message}`);
  }
  if (problems.length === 0) reasons.push(`the challenger's checks pass: ${drift.dataset.message}`);
  reasons.push(...problems);
  return { promoted: wins && problems.length === 0, reasons };
}

/** Four significant digits: enough to compare scores, short enough to read. */
function round(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}

// ─── Recording ───────────────────────────────────────────────────────────────

function decisionParams({ options, settings, champion, recipe, split, metric }: Plan): JsonObject {
  return {
    model: options.model,
    alias: settings.alias,
    champion: champion.version.version,
    trainedBy: recipe.kind === 'automl' ? 'automl' : recipe.entry.name,
    metric: metric.name,
    margin: settings.margin,
    holdoutRows: split.holdout.rowCount,
    trainingRows: split.training.rowCount,
    unlabelledRows: split.unlabelled,
    holdout: split.how,
    source: options.source,
    ...(recipe.kind === 'automl' ? { timeBudgetSeconds: settings.timeBudgetSeconds } : {}),
  };
}

/**
 * The challenger's own training run, a child of the decision run. Its
 * parameters have the shape keel automl or keel train gives its runs, so
 * the challenger, once champion, is retrained the same way.
 */
async function startTrainingRun(
  plan: Plan,
  { store, run, datasetHash: hash }: Recording,
): Promise<ActiveRun> {
  const { recipe, options, settings, metric, task, split } = plan;
  const source = options.source;
  const params: JsonObject =
    recipe.kind === 'automl'
      ? { ...recipe.params, source, metric: metric.name, timeBudgetSeconds: settings.timeBudgetSeconds }
      : {
          ...(recipe.hyperparameters as JsonObject),
          model: recipe.entry.name,
          target: recipe.target,
          task,
          source,
          drop: [...recipe.drop],
          holdoutRows: split.holdout.rowCount,
        };
  return startRun(store, {
    experiment: RETRAIN_DEFAULTS.experiment,
    name: `challenger for ${options.model}`,
    parentId: run.id,
    params,
    seed: recipe.seed,
    datasetHash: hash,
  });
}

/** Registers the challenger, logs the decision and moves the alias when promoted; returns the new version. */
async function record(
  plan: Plan,
  { store, run, trainingRun, datasetHash: hash }: Recording & { readonly trainingRun: ActiveRun },
  challenger: Challenger,
  verdict: Verdict,
  scores: { readonly championScore: number; readonly challengerScore: number },
): Promise<number> {
  const { options, settings, champion, split, metric, notes } = plan;
  const metrics = challenger.metrics ?? { [metric.name]: scores.challengerScore };
  await trainingRun.logMetrics(metrics);
  await trainingRun.end({ fit: challenger.fitSeconds });
  const registered = await registerModel(store, options.model, challenger.model, {
    schema: schemaOf(split.training.select(challenger.model.inputNames)),
    metrics,
    reference: challenger.reference as unknown as JsonObject,
    runId: trainingRun.id,
    datasetHash: hash,
    description: `keel retrain: challenger to version ${champion.version.version} (${challenger.trainedBy})`,
    tags: { retrain: 'challenger' },
  });
  const version = registered.version;
  if (verdict.promoted) {
    await store.setAlias(options.model, settings.alias, version);
  } else if (!champion.aliased) {
    // The challenger is now the latest version; without the alias it would pass for the champion next time.
    await store.setAlias(options.model, settings.alias, champion.version.version);
    notes.push(
      `"${settings.alias}" now names version ${champion.version.version}, the kept champion, so the challenger (the latest version) is not taken for it`,
    );
  }
  await run.logParams({ challenger: version, trainedBy: challenger.trainedBy });
  await run.logMetrics({ champion_score: scores.championScore, challenger_score: scores.challengerScore });
  for (const reason of verdict.reasons) await run.log(reason);
  for (const note of notes) await run.log(`note: ${note}`);
  await store.setTag({ kind: 'run', id: run.id }, 'decision', verdict.promoted ? 'promoted' : 'kept');
  await run.end({ train: challenger.fitSeconds });
  return version;
}
