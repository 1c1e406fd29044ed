import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../registry/open.js';
import type { SqlStore } from '../registry/sql-store.js';
import type { PredictionRecord } from '../registry/types.js';
import { toWire, type WriterInput, type WriterReply, type WriterRequest } from './prediction-log-thread.js';

/**
 * The thread behind `ThreadWriter`: it opens its own connection to the
 * store and commits each batch it is sent, one transaction per batch, in the
 * order sent, answering `written` or `failed` with the batch's id. If the
 * store cannot be opened it says so once and ends (the next batch starts a
 * new thread). `close` waits for the batches before it, closes the store
 * and ends the thread.
 */

const port = parentPort!;
const { store: options } = workerData as WriterInput;

/** Set once the store is open; never set if it cannot be opened (the thread has said so and is ending). */
let store: SqlStore | undefined;
const opened: Promise<void> = openStore(options).then(
  (s) => {
    store = s;
    post({ type: 'opened' });
  },
  (error: unknown) => {
    post({ type: 'unopened', error: toWire(error) });
    port.close();
  },
);

/** Requests run one after another, so a close never overtakes a batch sent before it. */
let tail: Promise<void> = opened;

port.on('message', (request: WriterRequest) => {
  tail = tail.then(() => (request.type === 'write' ? write(request.id, request.records) : close()));
});

async function write(id: number, records: readonly PredictionRecord[]): Promise<void> {
  if (store === undefined) return;
  try {
    await store.logPredictions(records);
    post({ type: 'written', id });
  } catch (error) {
    post({ type: 'failed', id, error: toWire(error) });
  }
}

async function close(): Promise<void> {
  // A failure to close tells no one anything: the log is shutting down.
  await store?.close().catch(() => undefined);
  port.close();
}

function post(reply: WriterReply): void {
  port.postMessage(reply);
}
