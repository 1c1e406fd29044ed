import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Json } from '../artifact.js';
import { valueAt } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import { UsageError } from '../errors.js';
import { canExplain, explainRows, type RowExplanation } from '../explain/contributions.js';
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

export interface PredictContext {
  readonly models: ModelSet;
  readonly settings: ServerSettings;
  readonly metrics: ServerMetrics;
  readonly afterAnswer: Deferred;
}

/**
 * Work put off until the answer is on its way (building and queueing the
 * prediction-log record): run on the next turn of the event loop, or at once
 * by `drain`, which closing calls so no answered request goes unlogged.
 */
export class Deferred {
  private waiting: (() => void)[] = [];

  add(work: () => void): void {
    if (this.waiting.length === 0) setImmediate(() => this.drain());
    this.waiting.push(work);
  }

  drain(): void {
    const work = this.waiting;
    this.waiting = [];
    for (const w of work) w();
  }
}

type PredictRequest = FastifyRequest<{
  Params: { name: string };
  Querystring: { explain?: string; top?: string };
}>;

/** Contributions listed per row with ?explain=true, unless ?top=N says otherwise. */
const DEFAULT_TOP = 5;

function topOption(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TOP;
  const top = Number(text);
  if (Number.isInteger(top) && top >= 1) return top;
  throw new UsageError('serve.bad-query', `top must be a whole number ≥ 1, not "${text}"`, {
    location: { field: 'top' },
  });
}

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
      ? explainedAnswer(served, frame, topOption(request.query.top))
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
      context.afterAnswer.add(() =>
        log.record(logRecord(request.id, served, frame, answer, latencyMs, inputs)),
      );
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

/** Explained requests are scored alone: their rows are explained by the same model that answered them. */
function explainedAnswer(
  served: ServedModel,
  frame: Frame,
  top: number,
): { answer: Answer; explanations: RowExplanation[] } {
  if (!canExplain(served.model)) {
    throw new UsageError(
      'serve.cannot-explain',
      `${served.name} (${served.version.kind}) cannot be explained`,
      {
        location: { field: 'explain' },
        hint: 'explanations cover trees, forests, gradient boosting and linear models; ask without ?explain=true',
      },
    );
  }
  const scores: Scores = scoreFrame(served.model, frame);
  return {
    answer: answerRows(served.model, scores, 0, frame.rowCount),
    explanations: explainRows(served.model, frame, { top }),
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
