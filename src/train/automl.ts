import type { Frame } from '../data/frame.js';
import { automlReport } from '../explain/automl-report.js';
import { renderModelReportHtml } from '../explain/report/index.js';
import type { ModelReport } from '../explain/report/types.js';
import {
  RECIPE_FORMAT,
  RECIPE_VERSION,
  type RecipeReadOptions,
  type TrainingRecipe,
} from '../registry/recipe.js';
import type { JsonObject, MetricPoint } from '../registry/types.js';
import { KEEL_VERSION } from '../registry/version.js';
import { type AutomlEvent, type AutomlOptions, type AutomlResult, automl } from '../tune/automl/index.js';
import {
  failRecording,
  hashOf,
  type Recorded,
  type RecordedRun,
  type Recording,
  registerVersion,
  saveRecipe,
  startRecording,
} from './recording.js';

/**
 * `keel automl` from a program: the search, then what the command records —
 * one parent run for the search (its settings, recipe, the winner's scores,
 * the report), a child run per trial so `keel runs show` and `compare` work
 * on trials as on any training, and the winner registered with its schema
 * and reference. Trials are written after the search rather than as they
 * finish: the search runs on worker threads, and a store write per trial
 * would sit between them and the next trial; a process killed mid-search
 * leaves the parent run, which the reaper marks failed.
 */
export interface AutomlRequest extends Omit<AutomlOptions, 'signal' | 'onEvent'> {
  /** The data's name in the recipe and the store (default "frame"). */
  readonly source?: string;
  /** How the data was read, so that a replay reads new rows the same way. */
  readonly read?: RecipeReadOptions;
  /** Columns whose groups the report audits for fairness. */
  readonly sensitive?: readonly string[];
}

export interface AutomlTrainOptions {
  readonly recording?: Recording;
  /** Aborting stops the search and keeps the best model so far. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: AutomlEvent) => void;
  /** Called between the search and the report, which takes a while (explanations). */
  readonly onReport?: () => void;
}

export interface TrainedAutoml {
  readonly result: AutomlResult;
  readonly recipe: TrainingRecipe;
  readonly recorded: Recorded | null;
  readonly report: ModelReport;
  /** The report as a self-contained HTML page. */
  readonly html: string;
}

export async function trainAutoml(
  request: AutomlRequest,
  frame: Frame,
  options: AutomlTrainOptions = {},
): Promise<TrainedAutoml> {
  const source = request.source ?? 'frame';
  const hash = hashOf(frame);
  const seed = request.seed ?? 0;
  const run =
    options.recording === undefined
      ? null
      : await startRecording(options.recording, frame, {
          source,
          datasetHash: hash,
          seed,
          name: 'automl',
          params: runParams(request, source),
        });
  const { source: _, read: __, sensitive: ___, ...search } = request;
  let result: AutomlResult;
  try {
    result = await automl(frame, {
      ...search,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    });
  } catch (error) {
    if (run !== null) await failRecording(run, error);
    throw error;
  }
  const recipe = automlRecipe(request, source, frame, hash, result);
  const recorded = run === null ? null : await recordSearch(run, options.recording!, recipe, result, frame);
  options.onReport?.();
  const report = automlReport({
    result,
    frame,
    source,
    sensitive: request.sensitive ?? [],
    budgetSeconds: request.timeBudgetSeconds ?? null,
    keelVersion: KEEL_VERSION,
    seed,
    ...(recorded === null ? {} : { runId: recorded.runId }),
    ...(recorded?.registered == null ? {} : { registered: recorded.registered }),
  });
  const html = renderModelReportHtml(report);
  if (run !== null) {
    // Kept with the run, so `keel report RUN` can write it again later.
    await run.store.logArtifact(run.runId, 'report.html', new TextEncoder().encode(html));
    await run.store.logArtifact(run.runId, 'report.json', new TextEncoder().encode(JSON.stringify(report)));
  }
  return { result, recipe, recorded, report, html };
}

/** The search's settings as `keel runs` lists them. */
function runParams(request: AutomlRequest, source: string): JsonObject {
  return {
    model: 'automl',
    source,
    target: request.target,
    timeBudgetSeconds: request.timeBudgetSeconds ?? null,
    ...(request.metric === undefined ? {} : { metric: request.metric }),
    ...(request.folds === undefined ? {} : { cv: request.folds }),
    ...(request.timeColumn === undefined ? {} : { timeColumn: request.timeColumn }),
    ...(request.groupColumn === undefined ? {} : { groupColumn: request.groupColumn }),
    ...(request.algorithms === undefined ? {} : { algorithms: [...request.algorithms] }),
    exclude: [...(request.exclude ?? [])],
  };
}

function automlRecipe(
  request: AutomlRequest,
  source: string,
  frame: Frame,
  datasetHash: string,
  result: AutomlResult,
): TrainingRecipe {
  return {
    format: RECIPE_FORMAT,
    version: RECIPE_VERSION,
    keelVersion: KEEL_VERSION,
    data: { source, datasetHash, rows: frame.rowCount, read: request.read ?? {} },
    target: request.target,
    task: result.task,
    dropped: [],
    seed: request.seed ?? 0,
    training: {
      kind: 'automl',
      metric: request.metric ?? null,
      folds: request.folds ?? null,
      timeColumn: request.timeColumn ?? null,
      groupColumn: request.groupColumn ?? null,
      algorithms: request.algorithms === undefined ? null : [...request.algorithms],
      exclude: [...(request.exclude ?? [])],
      timeBudgetSeconds: request.timeBudgetSeconds ?? null,
      maxTrials: request.maxTrials ?? null,
      ensemble: request.ensemble ?? true,
    },
    validation: { kind: 'none' },
  };
}

/** The recipe, a child run per trial, the parent's scores, and the registered winner. */
async function recordSearch(
  run: RecordedRun,
  recording: Recording,
  recipe: TrainingRecipe,
  result: AutomlResult,
  frame: Frame,
): Promise<Recorded> {
  const { store, runId } = run;
  await saveRecipe(run, recipe);
  for (const { spec, outcome } of result.trials) {
    const child = await store.startRun({
      experiment: run.experiment,
      name: `${spec.algorithm} #${spec.id}`,
      parentId: runId,
      params: { algorithm: spec.algorithm, trainShare: spec.trainShare ?? 1, ...spec.params } as JsonObject,
      datasetHash: run.datasetHash,
    });
    if (outcome.status === 'ok') await store.logMetrics(child.id, scorePoints(result.metric, outcome));
    await store.endRun(child.id, {
      status: outcome.status === 'ok' ? 'finished' : 'failed',
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
      timings: { fit: outcome.fitSeconds, predict: outcome.predictSeconds },
    });
  }
  const best = result.best;
  await store.logMetrics(runId, [
    ...scorePoints(result.metric, best),
    { name: 'trials', value: result.trials.length },
  ]);
  await store.endRun(runId, { status: 'finished', timings: { search: result.elapsedSeconds } });
  if (recording.register === undefined) return { runId, registered: null };
  const version = await registerVersion(store, recording.register, run, {
    points: [],
    timings: {},
    model: result.model,
    // The reference is of the rows the winner learned from; the schema of every row read.
    features: frame.take(result.rows),
    schemaFrame: frame,
    target: result.target,
    outputs: result.oof,
    versionMetrics: { [result.metric]: best.score, [`${result.metric}_std`]: best.std },
    description: `keel automl: ${best.model}`,
  });
  return { runId, registered: { model: version.model, version: version.version } };
}

function scorePoints(
  metric: string,
  scores: { readonly foldScores: readonly number[]; readonly score: number; readonly std: number },
): MetricPoint[] {
  return [
    ...scores.foldScores.map((value, fold) => ({ name: metric, value, fold })),
    { name: metric, value: scores.score },
    { name: `${metric}_std`, value: scores.std },
  ];
}

/** A recorded search's settings as `keel runs` lists them (a retrain's AutoML challenger carries them on). */
export function automlRunParams(recipe: TrainingRecipe): JsonObject {
  const { training } = recipe;
  if (training.kind !== 'automl') return {};
  return runParams(
    {
      target: recipe.target ?? '',
      timeBudgetSeconds: training.timeBudgetSeconds ?? undefined,
      ...(training.metric === null ? {} : { metric: training.metric }),
      ...(training.folds === null ? {} : { folds: training.folds }),
      ...(training.timeColumn === null ? {} : { timeColumn: training.timeColumn }),
      ...(training.groupColumn === null ? {} : { groupColumn: training.groupColumn }),
      ...(training.algorithms === null ? {} : { algorithms: training.algorithms }),
      exclude: training.exclude,
    },
    recipe.data.source,
  );
}
