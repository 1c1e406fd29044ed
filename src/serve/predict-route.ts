import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Json } from '../core/artifact.js';
import { UsageError } from '../core/errors.js';
import { valueAt } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import type { RequestTable } from '../data/request-table.js';
import { validateRequest } from '../data/validate.js';
import { canExplain, explainRows, type RowExplanation } from '../explain/contributions.js';
import type { PredictionRecord } from '../registry/types.js';
import type { Scored } from './batcher.js';
import { tableFromCsv, tableFromJson } from './body.js';
import { type DriftWindows, NO_SENT_CATEGORIES, type SentCategories } from './drift-window.js';
import { unknownModel } from './errors.js';
import type { ServerMetrics } from './metrics.js';
import type { ModelSet, ServedModel } from './model-set.js';
import type { ServerSettings } from './options.js';
import { type Answer, answerRows, isClassifier, type Scores, scoreFrame } from './score.js';

/** A CSV body, kept as text until the route knows it is a predict request. */
export class CsvBody {
  constructor(readonly text: string) {}
}

export interface PredictContext {
  readonly models: ModelSet;
  readonly settings: ServerSettings;
  readonly metrics: ServerMetrics;
  readonly afterAnswer: Deferred;
  /** Live drift windows; undefined when off. */
  readonly drift: DriftWindows | undefined;
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
    const { answer, explanations, scored } = explain
      ? explainedAnswer(served, frame, topOption(request.query.top))
      : { ...(await batchedAnswer(served, frame)), explanations: undefined };
    record(context.metrics, served, answer);
    const body = {
      model: served.name,
      version: served.version.version,
      requestId: request.id,
      ...answer,
      ...(checked.warningCount > 0 ? { warnings: checked.warnings, warningCount: checked.warningCount } : {}),
      ...(explanations === undefined ? {} : { explanations }),
    };
    const { log, logInputs } = context.settings;
    const drift = context.drift;
    if (log !== undefined || drift !== undefined) {
      const latencyMs = performance.now() - started;
      context.afterAnswer.add(() => {
        const sent = sentCategories(table, frame);
        if (drift !== undefined) feedWindow(drift, served, frame, scored, sent, context.settings.onEvent);
        log?.record(logRecord(request.id, served, frame, answer, latencyMs, logInputs ? sent : undefined));
      });
    }
    return reply.send(body);
  };
}

function requestTable(body: unknown): RequestTable {
  if (body instanceof CsvBody) return tableFromCsv(body.text);
  return tableFromJson(body);
}

async function batchedAnswer(served: ServedModel, frame: Frame): Promise<{ answer: Answer; scored: Scored }> {
  const scored = await served.batcher.submit(frame);
  const { scores, offset } = scored;
  return { answer: answerRows(served.model, scores, offset, offset + frame.rowCount), scored };
}

/** Explained requests are scored alone: their rows are explained by the same model that answered them. */
function explainedAnswer(
  served: ServedModel,
  frame: Frame,
  top: number,
): { answer: Answer; explanations: RowExplanation[]; scored: Scored } {
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
    scored: { scores, offset: 0 },
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

/**
 * Runs after the answer, outside any request: an error here would reach no
 * error handler and stop the process, so it is reported and the rows dropped.
 */
function feedWindow(
  drift: DriftWindows,
  served: ServedModel,
  frame: Frame,
  scored: Scored,
  sent: SentCategories,
  onEvent: ((message: string) => void) | undefined,
): void {
  try {
    drift.windowOf(served)?.add(frame, scored.scores, scored.offset, sent);
  } catch (error) {
    onEvent?.(`${served.name}: drift window: ${(error as Error).message}`);
  }
}

/**
 * Validation reads a category the model never saw as missing (with a
 * warning), so the frame holds -1 where the client sent, say, "Superb". The
 * log and the drift window keep what was sent, or the new category would be
 * invisible to monitoring. Costs a scan of the categorical codes.
 */
function sentCategories(table: RequestTable, frame: Frame): SentCategories {
  const sent = new Map<string, (string | null)[]>();
  for (const column of frame.columns) {
    if (column.storage !== 'categorical') continue;
    let raw: readonly unknown[] | undefined;
    let labels: (string | null)[] | undefined;
    for (let i = 0; i < column.codes.length; i++) {
      if (column.codes[i]! >= 0) continue;
      raw ??= table.values[table.names.indexOf(column.name)] ?? [];
      const label = sentLabel(raw[i]);
      if (label === null) continue;
      labels ??= new Array<string | null>(column.codes.length).fill(null);
      labels[i] = label;
    }
    if (labels !== undefined) sent.set(column.name, labels);
  }
  return sent.size === 0 ? NO_SENT_CATEGORIES : sent;
}

/** A category as validation reads it (`String(raw)`); null for what stands for missing. */
function sentLabel(raw: unknown): string | null {
  if (typeof raw === 'string') return raw.trim() === '' ? null : raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : null;
  if (typeof raw === 'boolean') return String(raw);
  return null;
}

function logRecord(
  requestId: string,
  served: ServedModel,
  frame: Frame,
  answer: Answer,
  latencyMs: number,
  /** The categories clients sent, when the log keeps inputs; undefined = no inputs. */
  sent: SentCategories | undefined,
): PredictionRecord {
  const inputs = sent === undefined ? null : logInputs(frame, sent);
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

function logInputs(frame: Frame, sent: SentCategories): PredictionRecord['inputs'] {
  return Object.fromEntries(
    frame.columns.map((c) => {
      const labels = sent.get(c.name);
      const values = Array.from({ length: frame.rowCount }, (_, i) => labels?.[i] ?? valueAt(c, i));
      return [c.name, values];
    }),
  );
}
