import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { UsageError } from '../core/errors.js';
import type { FeedbackCheck, FeedbackInput, ServingRecords, Store } from '../registry/types.js';
import { apiKeyCheck } from './auth.js';
import { parseJsonBody } from './body.js';
import { DriftWindows } from './drift-window.js';
import { errorHandler } from './errors.js';
import { feedbackLabelCheck } from './feedback-labels.js';
import { ServerMetrics } from './metrics.js';
import { ModelSet } from './model-set.js';
import { openApiDocument } from './openapi.js';
import { type ServerOptions, serverSettings } from './options.js';
import { CsvBody, Deferred, predictHandler } from './predict-route.js';
import { requestId } from './request-id.js';
import { isClassifier } from './score.js';

const PREDICT_ROUTE = '/v1/models/:name/predict';

/**
 * Predict requests received whose bodies are still being read: they reach
 * the handler soon, so a micro-batch is worth holding open for them.
 */
class Arrivals {
  count = 0;
  private readonly arrived = new WeakSet<FastifyRequest>();

  arrive(request: FastifyRequest): void {
    this.arrived.add(request);
    this.count++;
  }

  /** At the handler (from there to the batcher is synchronous), or at the answer if it never got there. */
  leave(request: FastifyRequest): void {
    if (this.arrived.delete(request)) this.count--;
  }
}

/** Routes that answer without an API key: probes, and the API's description (Swagger UI needs it to offer "Authorize"). */
const OPEN_ROUTES = /^\/(health|ready|openapi\.json|docs)(\/|$)/;

/**
 * The model service: a Fastify instance with every route, the models loaded
 * and the alias poller running, not yet listening (`serve` listens).
 * Closing it stops the poller, lets requests in flight finish, scores what
 * the micro-batcher holds and closes the prediction log; the store is the
 * caller's to close.
 */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const settings = serverSettings(options);
  const drift =
    settings.driftWindow > 0
      ? new DriftWindows(settings.driftWindow, settings.driftMinRows, settings.onEvent)
      : undefined;
  const metrics = new ServerMetrics({ drift: drift !== undefined });
  const arrivals = new Arrivals();
  const models = await ModelSet.open(settings.store, settings.models, {
    waitMs: settings.batchWaitMs,
    maxRows: settings.batchMaxRows,
    othersArriving: () => arrivals.count > 0,
    observe: (model, version, rows) => metrics.batches.observe({ model, version: String(version) }, rows),
  });
  const keys = settings.requireKeys ? apiKeyCheck(settings.store, settings.keyCacheMs) : undefined;
  const app = Fastify({
    logger: settings.logger,
    bodyLimit: settings.bodyLimitBytes,
    requestTimeout: settings.requestTimeoutMs,
    genReqId: () => requestId(),
  });
  let closing = false;
  let document = openApiDocument(models.list(), settings.requireKeys);

  app.setErrorHandler(errorHandler(settings.bodyLimitBytes));
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: 'serve.not-found',
      message: `no route ${request.method} ${request.url}`,
      hint: 'see /docs',
    }),
  );
  addBodyParsers(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (request.routeOptions.url === PREDICT_ROUTE) arrivals.arrive(request);
    if (
      keys !== undefined &&
      !OPEN_ROUTES.test(request.url) &&
      !(await keys(request.headers.authorization))
    ) {
      throw new UsageError('serve.unauthorized', 'a valid API key is required', {
        location: { field: 'authorization' },
        hint: 'send Authorization: Bearer KEY with a key from keel keys create',
      });
    }
  });
  app.addHook('preHandler', async (request) => arrivals.leave(request));
  app.addHook('onResponse', async (request, reply) => {
    arrivals.leave(request);
    const route = routeOf(request);
    metrics.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    metrics.latency.observe({ route }, reply.elapsedTime / 1000);
  });
  app.addHook('preClose', async () => {
    closing = true;
  });
  // While closing, answers end their connection: a kept-alive idle socket would hold shutdown until it times out.
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  const afterAnswer = new Deferred();
  app.addHook('onClose', async () => {
    await models.close();
    afterAnswer.drain();
    await settings.log?.close();
  });

  models.startPolling(settings.pollMs, (swaps, error) => {
    if (error !== undefined) {
      settings.onEvent?.(`could not check the store for alias moves: ${(error as Error).message}`);
      return;
    }
    document = openApiDocument(models.list(), settings.requireKeys);
    for (const s of swaps) {
      metrics.swaps.inc({ model: s.name });
      settings.onEvent?.(`${s.name}@${s.ref} moved: now serving version ${s.to} (was ${s.from})`);
    }
  });

  app.post(PREDICT_ROUTE, predictHandler({ models, settings, metrics, afterAnswer, drift }));
  app.get('/v1/models', async () => ({ models: await describeModels(settings.store, models) }));
  app.post('/v1/feedback', feedbackHandler(settings.store, feedbackLabelCheck(models)));
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) =>
    closing
      ? reply.code(503).send({ status: 'closing' })
      : { status: 'ready', models: models.list().map((m) => ({ name: m.name, version: m.version.version })) },
  );
  app.get('/metrics', async (_request, reply) => {
    if (drift !== undefined) metrics.drift?.update(drift.measure(models.list()));
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render());
  });
  app.get('/openapi.json', async () => document);
  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    transformSpecification: () => document as never,
    transformSpecificationClone: false,
  });
  return app;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  /** `http://host:port`. */
  readonly url: string;
  /** Stops accepting, finishes requests in flight, flushes the log (the store stays open). */
  close(): Promise<void>;
}

/** `createServer`, listening on `host:port` (port 0 = any free port). */
export async function serve(
  options: ServerOptions & { readonly port?: number; readonly host?: string },
): Promise<RunningServer> {
  const app = await createServer(options);
  const url = await app.listen({ port: options.port ?? 8080, host: options.host ?? '127.0.0.1' });
  return { app, url, close: () => app.close() };
}

function addBodyParsers(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => {
    done(null, new CsvBody(body as string));
  });
}

function routeOf(request: FastifyRequest): string {
  const url = request.routeOptions.url;
  if (url === undefined) return 'unmatched';
  return url.startsWith('/docs') ? '/docs' : url;
}

async function describeModels(store: Store, models: ModelSet) {
  return Promise.all(
    models.list().map(async (served) => {
      const record = await store.getModel(served.name);
      const versions = await store.listVersions(served.name);
      return {
        name: served.name,
        follows: served.ref,
        version: served.version.version,
        kind: served.version.kind,
        task: served.version.task,
        classes: isClassifier(served.model) ? served.model.classes : null,
        aliases: record?.aliases ?? {},
        versions: versions.map((v) => v.version),
        loadedAt: served.loadedAt,
        schema: served.version.schema,
        acceptsMissing: served.input.columns.filter((c) => c.acceptsMissing).map((c) => c.name),
      };
    }),
  );
}

function feedbackHandler(store: Store, check: FeedbackCheck) {
  return async (request: FastifyRequest) => {
    const items = feedbackItems(request.body);
    const records = store as Store & Partial<ServingRecords>;
    if (typeof records.recordFeedback !== 'function') {
      throw new UsageError('serve.not-supported', 'this store cannot keep feedback yet', {
        hint: 'upgrade keel',
      });
    }
    return records.recordFeedback(items, check);
  };
}

/** `{ requestId, labels }` or an array of them. */
function feedbackItems(body: unknown): FeedbackInput[] {
  const items = Array.isArray(body) ? body : [body];
  return items.map((item, i) => {
    const ok =
      item !== null &&
      typeof item === 'object' &&
      typeof (item as FeedbackInput).requestId === 'string' &&
      Array.isArray((item as FeedbackInput).labels);
    if (!ok) {
      throw new UsageError(
        'serve.bad-feedback',
        `feedback item ${i} must be { requestId: string, labels: [...] }`,
        {
          location: { field: Array.isArray(body) ? `${i}` : 'body' },
          hint: 'labels has one ground-truth value per row of the request, in order',
        },
      );
    }
    return { requestId: (item as FeedbackInput).requestId, labels: (item as FeedbackInput).labels };
  });
}
