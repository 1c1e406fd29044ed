import { UsageError } from '../core/errors.js';
import { type OpenStoreOptions, openStore } from '../registry/open.js';
import type { Store } from '../registry/types.js';
import { SERVER_DEFAULTS } from '../serve/options.js';
import { PredictionLog } from '../serve/prediction-log.js';
import { type RunningServer, serve } from '../serve/server.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './main.js';
import { STORE_OPTION, STORE_OPTION_HELP } from './store-option.js';
import { integerOption } from './train-options.js';

const USAGE = `Usage: keel serve [NAME[@ALIAS|:VERSION] …] [options]

Serves registered models over HTTP. Each NAME follows its reference: NAME@ALIAS
(e.g. wine@champion) switches to the new version when the alias moves, NAME
alone follows the latest version, NAME:3 stays on version 3. With no names,
every registered model is served, by its champion alias if it has one.

  POST /v1/models/NAME/predict   rows (JSON array of objects), columns (JSON
                                 object of arrays) or text/csv; ?explain=true
                                 adds each row's top feature contributions
  GET  /v1/models                names, versions, aliases, input schemas
  POST /v1/feedback              { requestId, labels }: ground truth for a request
  GET  /health  /ready  /metrics (Prometheus)  /docs (Swagger UI)  /openapi.json

Options:
  --port N              port to listen on (default 8080; 0 = any free port)
  --host H              address to listen on (default 127.0.0.1; 0.0.0.0 = every interface)
  --unseen P            a category never seen in training: missing (read as
                        missing, with a warning; default) or refuse (422)
  --keys                require Authorization: Bearer KEY (keys from keel keys create);
                        /health, /ready and /docs stay open
  --body-limit BYTES    largest request body (default ${SERVER_DEFAULTS.bodyLimitBytes})
  --timeout MS          time allowed to receive a request (default ${SERVER_DEFAULTS.requestTimeoutMs})
  --batch-wait MS       micro-batching: how long a small request waits to share
                        a predict call with others (default ${SERVER_DEFAULTS.batchWaitMs}; 0 = off)
  --poll MS             how often to check the store for alias moves (default ${SERVER_DEFAULTS.pollMs}; 0 = never)
  --log-sample-rate R   share of requests written to the prediction log (default 1; 0 = no log)
  --log-inputs=false    leave the request's input values out of the log (private data)
  --drift-window ROWS   recent request rows kept per served version; /metrics
                        shows their drift against the version's reference
                        (keel_drift_*, keel_dataset_drift; default ${SERVER_DEFAULTS.driftWindow}; 0 = off)
${STORE_OPTION_HELP}

SIGTERM or SIGINT stops it gracefully: no new requests, those in flight are
answered, the prediction log is flushed, the store closed.`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve registered models over HTTP (predict, docs, metrics)',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs('serve', args, {
      ...STORE_OPTION,
      port: { type: 'string' },
      host: { type: 'string' },
      unseen: { type: 'string' },
      keys: { type: 'boolean' },
      'body-limit': { type: 'string' },
      timeout: { type: 'string' },
      'batch-wait': { type: 'string' },
      poll: { type: 'string' },
      'log-sample-rate': { type: 'string' },
      'log-inputs': { type: 'string' },
      'drift-window': { type: 'string' },
    });
    const sampleRate = rateOption(values['log-sample-rate'] ?? '1');
    const logInputs = booleanOption(values['log-inputs'] ?? 'true', 'log-inputs');
    const storeOptions: OpenStoreOptions = values.store === undefined ? {} : { url: values.store };
    const store = await openStore(storeOptions);
    const log = sampleRate > 0 ? await predictionLog(storeOptions, sampleRate, logInputs) : undefined;
    let server: RunningServer;
    try {
      server = await serve({
        store,
        models: positionals,
        port: integerOption(values.port ?? '8080', 'port', 0),
        host: values.host ?? '127.0.0.1',
        unseen: unseenOption(values.unseen ?? 'missing'),
        requireKeys: values.keys === true,
        bodyLimitBytes: integerOption(
          values['body-limit'] ?? String(SERVER_DEFAULTS.bodyLimitBytes),
          'body-limit',
          1,
        ),
        requestTimeoutMs: integerOption(
          values.timeout ?? String(SERVER_DEFAULTS.requestTimeoutMs),
          'timeout',
          0,
        ),
        batchWaitMs: integerOption(
          values['batch-wait'] ?? String(SERVER_DEFAULTS.batchWaitMs),
          'batch-wait',
          0,
        ),
        pollMs: integerOption(values.poll ?? String(SERVER_DEFAULTS.pollMs), 'poll', 0),
        log,
        logInputs,
        driftWindow: integerOption(
          values['drift-window'] ?? String(SERVER_DEFAULTS.driftWindow),
          'drift-window',
          0,
        ),
        onEvent: (message) => process.stderr.write(`keel serve: ${message}\n`),
      });
    } catch (error) {
      await log?.close();
      await store.close();
      throw error;
    }
    process.stdout.write(await startupLines(server));
    return untilSignal(server, store);
  },
};

/** Written by a thread of its own (its own connection to the same store), so SQLite's commits stay off the thread that answers requests. */
function predictionLog(
  store: OpenStoreOptions,
  sampleRate: number,
  logInputs: boolean,
): Promise<PredictionLog> {
  return PredictionLog.withWriterThread(store, {
    sampleRate,
    logInputs,
    onError: (error) => process.stderr.write(`keel serve: prediction log: ${(error as Error).message}\n`),
  });
}

/** Where it listens, what it serves, and a curl that asks the first model (with the docs' example row). */
async function startupLines(server: RunningServer): Promise<string> {
  const ready = (await server.app.inject({ method: 'GET', url: '/ready' })).json() as {
    models: { name: string; version: number }[];
  };
  const doc = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const lines = [`keel serve: listening on ${server.url} (docs: ${server.url}/docs)`];
  for (const m of ready.models)
    lines.push(`  ${m.name} version ${m.version}: POST ${server.url}/v1/models/${m.name}/predict`);
  const first = ready.models[0];
  if (first !== undefined) {
    const path = `/v1/models/${first.name}/predict`;
    const example = doc.paths?.[path]?.post?.requestBody?.content?.['application/json']?.example;
    const body = JSON.stringify(example ?? []).replace(/'/g, "'\\''");
    lines.push(`try: curl -s ${server.url}${path} -H 'content-type: application/json' -d '${body}'`);
  }
  return `${lines.join('\n')}\n`;
}

/** Resolves with the exit code once SIGTERM or SIGINT has stopped the server gracefully. */
function untilSignal(server: RunningServer, store: Store): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`keel serve: ${signal}: finishing requests in flight, then stopping\n`);
      server
        .close()
        .then(() => store.close())
        .then(
          () => resolve(0),
          (error) => {
            process.stderr.write(`keel serve: shutdown failed: ${(error as Error).message}\n`);
            resolve(1);
          },
        );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

function booleanOption(text: string, field: string): boolean {
  if (text === 'true' || text === 'yes' || text === '1') return true;
  if (text === 'false' || text === 'no' || text === '0') return false;
  throw new UsageError('usage.bad-option', `--${field} wants true or false, not "${text}"`, {
    location: { field },
  });
}

function rateOption(text: string): number {
  const rate = Number(text);
  if (text.trim() !== '' && rate >= 0 && rate <= 1) return rate;
  throw new UsageError('usage.bad-option', `--log-sample-rate wants a share from 0 to 1, not "${text}"`, {
    location: { field: 'log-sample-rate' },
  });
}

function unseenOption(text: string): 'missing' | 'refuse' {
  if (text === 'missing' || text === 'refuse') return text;
  throw new UsageError('usage.bad-option', `--unseen wants missing or refuse, not "${text}"`, {
    location: { field: 'unseen' },
  });
}
