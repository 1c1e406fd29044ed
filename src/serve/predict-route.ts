import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Json } from '../artifact.js';
import { valueAt } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import { KeelError, UsageError } from '../errors.js';
import type { Model } from '../estimator.js';
import type { PredictionRecord } from '../registry/types.js';
import { type RequestTable, tableFromCsv, tableFromJson } from './body.js';
import { unknownModel } from './errors.js';
import type { ServerMetrics } from './metrics.js';
import type { ModelSet, ServedModel } from './model-set.js';
import type { ServerSettings } from './options.js';
import { type Answer, answerRows, isClassifier, type Scores, scoreFrame } from './score.js';
import { validateRequest } from './validate.js';

/** A CSV body, kept as text until the route knows it is a predict request. */
export class CsvBody {
  constructor(readonly text: string) {}
}

interface Explainer {
  canExplain(model: Model): boolean;
  explainRows(model: Model, frame: Frame, options?: { top?: number }): unknown[];
}

// Imported on first use, so the server starts (and answers without explanations) whatever that module needs.
const EXPLAIN_MODULE = '../explain/contributions.js';
let explainer: Promise<Explainer | undefined> | undefined;
function loadExplainer(): Promise<Explainer | undefined> {
  explainer ??= (import(EXPLAIN_MODULE) as Promise<Explainer>).catch(() => undefined);
  return explainer;
}

export interface PredictContext {
  readonly models: ModelSet;
  readonly settings: ServerSettings;
  readonly metrics: ServerMetrics;
}

type PredictRequest = FastifyRequest<{ Params: { name: string }; Querystring: { explain?: string } }>;

export function predictHandler(context: PredictContext) {
  return async (request: PredictRequest, reply: FastifyReply) => {
    const started = performance.now();
    const served = context.models.get(request.params.name);
    if (served === undefined) {
      throw unknownModel(
        request.params.name,
        context.models.list().map((m) => m.name),
      );
    }
    const table = requestTable(request.body);
    const checked = validateRequest(table, served.input, { unseen: context.settings.unseen });
    if (checked.frame === undefined) {
      return reply.code(422).send({
        error: 'serve.invalid-input',
        message: `${checked.problemCount} problem${checked.problemCount === 1 ? '' : 's'} with the input of ${served.name} version ${served.version.version}`,
        hint: 'fix every listed row and field; GET /v1/models shows the columns this model takes',
        requestId: request.id,
        problems: checked.problems,
        problemCount: checked.problemCount,
      });
    }
    const frame = checked.frame;
    const explain = request.query.explain === 'true' || request.query.explain === '1';
    const { answer, explanations } = explain
      ? await explainedAnswer(served, frame)
      : { answer: await batchedAnswer(served, frame), explanations: undefined };
    record(context.metrics, served, answer);
    const body = {
      model: served.name,
      version: served.version.version,
      requestId: request.id,
      ...answer,
      ...(checked.warningCount > 0 ? { warnings: checked.warnings, warningCount: checked.warningCount } : {}),
      ...(explanations === undefined ? {} : { explanations }),
    };
    const log = context.settings.log;
    if (log !== undefined) {
      const latencyMs = performance.now() - started;
      const inputs = context.settings.logInputs;
      setImmediate(() => log.record(logRecord(request.id, served, frame, answer, latencyMs, inputs)));
    }
    return reply.send(body);
  };
}

function requestTable(body: unknown): RequestTable {
  if (body instanceof CsvBody) return tableFromCsv(body.text);
  return tableFromJson(body);
}

async function batchedAnswer(served: ServedModel, frame: Frame): Promise<Answer> {
  const { scores, offset } = await served.batcher.submit(frame);
  return answerRows(served.model, scores, offset, offset + frame.rowCount);
}

async function explainedAnswer(
  served: ServedModel,
  frame: Frame,
): Promise<{ answer: Answer; explanations: unknown[] }> {
  const explain = await loadExplainer();
  if (explain === undefined) {
    throw new KeelError(
      'serve.explain-unavailable',
      'explanations are not available in this version of keel',
      {
        location: { field: 'explain' },
        hint: 'ask without ?explain=true',
      },
    );
  }
  if (!explain.canExplain(served.model)) {
    throw new UsageError(
      'serve.cannot-explain',
      `${served.name} (${served.version.kind}) cannot be explained`,
      {
        location: { field: 'explain' },
        hint: 'ask without ?explain=true',
      },
    );
  }
  const scores: Scores = scoreFrame(served.model, frame);
  return {
    answer: answerRows(served.model, scores, 0, frame.rowCount),
    explanations: explain.explainRows(served.model, frame),
  };
}

function record(metrics: ServerMetrics, served: ServedModel, answer: Answer): void {
  const labels = { model: served.name, version: String(served.version.version) };
  metrics.rows.inc(labels, answer.predictions.length);
  if (isClassifier(served.model)) {
    answer.predictions.forEach((p, i) => {
      metrics.classes.inc({ ...labels, class: String(p) });
      const proba = answer.probabilities?.[i];
      if (proba !== undefined) metrics.confidence.observe(labels, Math.max(...proba));
    });
  } else {
    for (const p of answer.predictions) if (typeof p === 'number') metrics.values.observe(labels, p);
  }
}

function logRecord(
  requestId: string,
  served: ServedModel,
  frame: Frame,
  answer: Answer,
  latencyMs: number,
  withInputs: boolean,
): PredictionRecord {
  const inputs = withInputs
    ? Object.fromEntries(
        frame.columns.map((c) => [c.name, Array.from({ length: frame.rowCount }, (_, i) => valueAt(c, i))]),
      )
    : null;
  const outputs: { [key: string]: Json } = { predictions: answer.predictions };
  if (answer.probabilities !== undefined) outputs['probabilities'] = answer.probabilities;
  return {
    requestId,
    model: served.name,
    version: served.version.version,
    at: Date.now(),
    latencyMs,
    rows: frame.rowCount,
    inputs,
    outputs,
  };
}
