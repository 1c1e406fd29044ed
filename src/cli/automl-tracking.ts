import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Frame } from '../data/frame.js';
import { schemaOf } from '../data/schema.js';
import { modelReference } from '../drift/model-reference.js';
import { type AutomlReportInput, automlReport } from '../explain/automl-report.js';
import { renderModelReportHtml } from '../explain/report/index.js';
import type { ModelReport } from '../explain/report/types.js';
import { registerModel } from '../registry/model-registry.js';
import type { JsonObject, MetricPoint, Store } from '../registry/types.js';
import type { AutomlOptions, AutomlResult } from '../tune/automl/index.js';
import { beginTracking, failTracking, type Recorded, type TrackingFlags } from './train-tracking.js';

/**
 * What `keel automl` records: one parent run for the search (its settings,
 * the winner's scores, the report), and a child run per trial, so `keel runs
 * show` and `keel runs compare` work on trials as on any training. Trials are
 * written after the search rather than as they finish: the search runs on
 * worker threads and a store write per trial would sit between them and the
 * next trial; a process killed mid-search leaves the parent run, which the
 * reaper marks failed.
 */
export interface AutomlTracking {
  readonly store: Store;
  readonly runId: string;
  readonly datasetHash: string;
  readonly experiment: string;
  fail(error: unknown): Promise<void>;
  close(): Promise<void>;
}

export async function startAutomlRun(
  flags: TrackingFlags,
  frame: Frame,
  source: string,
  options: AutomlOptions,
): Promise<AutomlTracking | null> {
  const params: JsonObject = {
    model: 'automl',
    source,
    target: options.target,
    timeBudgetSeconds: options.timeBudgetSeconds ?? null,
    ...(options.metric === undefined ? {} : { metric: options.metric }),
    ...(options.folds === undefined ? {} : { cv: options.folds }),
    ...(options.timeColumn === undefined ? {} : { timeColumn: options.timeColumn }),
    ...(options.groupColumn === undefined ? {} : { groupColumn: options.groupColumn }),
    ...(options.algorithms === undefined ? {} : { algorithms: [...options.algorithms] }),
    exclude: [...(options.exclude ?? [])],
  };
  const tracked = await beginTracking(flags, frame, source, params, options.seed ?? 0);
  if (tracked === null) return null;
  return {
    ...tracked,
    experiment: flags.experiment ?? 'default',
    fail: (error) => failTracking(tracked, error),
    close: () => tracked.store.close(),
  };
}

/** Child runs for every trial, the parent's scores, and the registered winner. */
export async function recordAutoml(
  tracked: AutomlTracking,
  flags: TrackingFlags,
  result: AutomlResult,
  frame: Frame,
): Promise<Recorded> {
  const { store, runId } = tracked;
  for (const { spec, outcome } of result.trials) {
    const child = await store.startRun({
      experiment: tracked.experiment,
      name: `${spec.algorithm} #${spec.id}`,
      parentId: runId,
      params: { algorithm: spec.algorithm, trainShare: spec.trainShare ?? 1, ...spec.params } as JsonObject,
      datasetHash: tracked.datasetHash,
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
  if (flags.register === undefined) return { runId, registered: null };
  // The schema a server checks requests against: the columns the winner reads, as they were read.
  const training = frame.take(result.rows);
  const reference = modelReference({
    model: result.model,
    features: training,
    target: result.target,
    outputs: result.oof,
  });
  const version = await registerModel(store, flags.register, result.model, {
    schema: schemaOf(frame.select(result.model.inputNames)),
    reference: reference as unknown as JsonObject,
    metrics: { [result.metric]: best.score, [`${result.metric}_std`]: best.std },
    runId,
    datasetHash: tracked.datasetHash,
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

export interface WrittenReport {
  readonly path: string;
  /** The fairness audits, as the report shows them (null without --sensitive). */
  readonly fairness: ModelReport['fairness'] | null;
}

/**
 * Computes the report's content, writes the HTML atomically (a temporary file
 * renamed into place) and keeps a copy with the parent run, so `keel report
 * RUN` can write it again later.
 */
export async function buildAndWriteReport(
  input: Omit<AutomlReportInput, 'runId' | 'registered'> & {
    readonly recorded: Recorded | null;
    readonly path: string;
    readonly tracked: AutomlTracking | null;
  },
): Promise<WrittenReport> {
  const report = automlReport({
    ...input,
    ...(input.recorded === null ? {} : { runId: input.recorded.runId }),
    ...(input.recorded?.registered == null ? {} : { registered: input.recorded.registered }),
  });
  const html = renderModelReportHtml(report);
  mkdirSync(dirname(input.path), { recursive: true });
  const temporary = `${input.path}.${process.pid}.tmp`;
  writeFileSync(temporary, html);
  renameSync(temporary, input.path);
  if (input.tracked !== null && input.recorded !== null) {
    await input.tracked.store.logArtifact(
      input.recorded.runId,
      'report.html',
      new TextEncoder().encode(html),
    );
    await input.tracked.store.logArtifact(
      input.recorded.runId,
      'report.json',
      new TextEncoder().encode(JSON.stringify(report)),
    );
  }
  return { path: input.path, fairness: report.fairness ?? null };
}
