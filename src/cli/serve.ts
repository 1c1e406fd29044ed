import { type OpenStoreOptions, openStore } from '../registry/open.js';
import type { Store } from '../registry/types.js';
import { SERVER_DEFAULTS } from '../serve/options.js';
import { PredictionLog } from '../serve/prediction-log.js';
import { type RunningServer, serve } from '../serve/server.js';
import { defineCommand } from './command.js';
import { share, size, whole } from './option-kinds.js';
import { choice, flag, parsed, text } from './options.js';
import { STORE_OPTIONS } from './store-option.js';

/** Milliseconds from 0, for the server's waits and intervals (0 turns some of them off). */
function milliseconds(help: string, fallback: number) {
  return whole({ placeholder: 'MS', help, min: 0, default: fallback });
}

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'serve registered models over HTTP (predict, docs, metrics)',
  usage: ['keel serve [NAME[@ALIAS|:VERSION] …] [options]'],
  about: `Serves registered models over HTTP. Each NAME follows its reference: NAME@ALIAS
(e.g. wine@champion) switches to the new version when the alias moves, NAME
alone follows the latest version, NAME:3 stays on version 3. With no names,
every registered model is served, by its champion alias if it has one.

  POST /v1/models/NAME/predict   rows (JSON array of objects), columns (JSON
                                 object of arrays) or text/csv; ?explain=true
                                 adds each row's top feature contributions
  GET  /v1/models                names, versions, aliases, input schemas
  POST /v1/feedback              { requestId, labels }: ground truth for a request
  GET  /health  /ready  /metrics (Prometheus)  /docs (Swagger UI)  /openapi.json`,
  epilogue: `SIGTERM or SIGINT stops it gracefully: no new requests, those in flight are
answered, the prediction log is flushed, the store closed.`,
  args: [{ name: 'NAME[@ALIAS|:VERSION]', what: 'the models to serve', optional: true, many: true }],
  options: {
    port: whole({ help: 'port to listen on; 0 = any free port', min: 0, max: 65535, default: 8080 }),
    host: text({
      placeholder: 'H',
      help: 'address to listen on; 0.0.0.0 = every interface',
      default: '127.0.0.1',
    }),
    unseen: choice(['missing', 'refuse'], {
      placeholder: 'P',
      help: 'a category never seen in training: missing (read as missing, with a warning) or refuse (422)',
      default: 'missing',
    }),
    keys: flag({
      help: 'require Authorization: Bearer KEY (keys from keel keys create); /health, /ready and /docs stay open',
    }),
    'body-limit': size({ help: 'largest request body', min: 1, default: SERVER_DEFAULTS.bodyLimitBytes }),
    timeout: milliseconds('time allowed to receive a request', SERVER_DEFAULTS.requestTimeoutMs),
    'batch-wait': milliseconds(
      'micro-batching: how long a small request waits to share a predict call with others; 0 = off',
      SERVER_DEFAULTS.batchWaitMs,
    ),
    poll: milliseconds('how often to check the store for alias moves; 0 = never', SERVER_DEFAULTS.pollMs),
    'log-sample-rate': share({
      placeholder: 'R',
      help: 'share of requests written to the prediction log; 0 = no log',
      default: 1,
    }),
    'log-inputs': parsed({
      placeholder: 'true|false',
      help: "whether the log keeps the request's input values; false for private data",
      expects: 'true or false',
      default: true,
      read: yesOrNo,
    }),
    'drift-window': whole({
      placeholder: 'ROWS',
      help: "recent request rows kept per served version; /metrics shows their drift against the version's reference (keel_drift_*, keel_dataset_drift); 0 = off",
      min: 0,
      default: SERVER_DEFAULTS.driftWindow,
    }),
    ...STORE_OPTIONS,
  },
  async run({ values, args: models }) {
    const sampleRate = values['log-sample-rate'];
    const logInputs = values['log-inputs'];
    const storeOptions: OpenStoreOptions = values.store === undefined ? {} : { url: values.store };
    const store = await openStore(storeOptions);
    const log = sampleRate > 0 ? await predictionLog(storeOptions, sampleRate, logInputs) : undefined;
    let server: RunningServer;
    try {
      server = await serve({
        store,
        models,
        port: values.port,
        host: values.host,
        unseen: values.unseen,
        requireKeys: values.keys,
        bodyLimitBytes: values['body-limit'],
        requestTimeoutMs: values.timeout,
        batchWaitMs: values['batch-wait'],
        pollMs: values.poll,
        log,
        logInputs,
        driftWindow: values['drift-window'],
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
});

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

/** `--log-inputs=false`: the words a person and a config file use for a switch. */
function yesOrNo(text: string): boolean | undefined {
  if (text === 'true' || text === 'yes' || text === '1') return true;
  if (text === 'false' || text === 'no' || text === '0') return false;
  return undefined;
}
