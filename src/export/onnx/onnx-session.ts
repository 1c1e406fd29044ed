import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { DataError } from '../../core/errors.js';
import { workerEntry } from '../../core/worker-entry.js';

/**
 * An ONNX session that answers synchronously, so an imported ONNX model keeps
 * keel's synchronous `Model` contract. onnxruntime-node only runs sessions
 * asynchronously; the session therefore lives in a worker thread, and the
 * calling thread posts the inputs on a MessagePort, sleeps in `Atomics.wait`
 * on a shared flag the worker raises when the answer is posted, and then
 * takes that answer with `receiveMessageOnPort` — no event-loop turn needed.
 *
 * The worker starts on the first run and is `unref`'d: a loaded model never
 * keeps the process alive. The calling thread is blocked while the runtime
 * works (as it is while any keel model predicts).
 */

export type TensorType = 'float32' | 'float64' | 'int32' | 'int64' | 'string';
export type TensorValues = Float32Array | Float64Array | Int32Array | BigInt64Array | readonly string[];

/** A tensor as it crosses the thread boundary (structured-clonable). */
export interface TensorData {
  readonly type: TensorType;
  readonly dims: readonly number[];
  readonly data: TensorValues;
}

/** What the worker is started with. */
export interface WorkerInput {
  readonly bytes: Uint8Array;
  readonly flag: SharedArrayBuffer;
  readonly port: MessagePort;
}

export interface RunRequest {
  readonly id: number;
  readonly feeds: { readonly [name: string]: TensorData };
  readonly fetches: readonly string[];
}

export type RunResponse =
  | { readonly id: number; readonly outputs: { readonly [name: string]: TensorData } }
  | { readonly id: number; readonly error: string };

export const DEFAULT_TIMEOUT_MS = 60_000;

interface Running {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

export class SyncOnnxSession {
  private running: Running | undefined;
  private nextId = 1;

  /** `name` appears in every error (the model's name); `bytes` is the ONNX file. */
  constructor(
    private readonly name: string,
    private readonly bytes: Uint8Array,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  run(
    feeds: { readonly [name: string]: TensorData },
    fetches: readonly string[],
  ): Record<string, TensorData> {
    const running = this.start();
    const id = this.nextId++;
    Atomics.store(running.flag, 0, 0);
    running.port.postMessage({ id, feeds, fetches } satisfies RunRequest);
    const response = this.await(running, id);
    if ('error' in response) {
      throw new DataError('onnx.run-failed', `the ONNX model "${this.name}" failed: ${response.error}`, {
        location: { source: this.name },
        hint: 'check that the input columns hold what the model was exported for',
      });
    }
    return response.outputs;
  }

  /** Stops the worker (a later run starts a new one). Never needed before exit: the worker is unref'd. */
  close(): void {
    const running = this.running;
    this.running = undefined;
    if (running === undefined) return;
    running.port.close();
    void running.worker.terminate();
  }

  private start(): Running {
    if (this.running !== undefined) return this.running;
    const { port1, port2 } = new MessageChannel();
    const flag = new SharedArrayBuffer(4);
    const worker = new Worker(workerEntry(import.meta.url, 'onnx-worker'), {
      workerData: { bytes: this.bytes, flag, port: port2 } satisfies WorkerInput,
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    const running: Running = { worker, port: port1, flag: new Int32Array(flag) };
    // Failures arrive as responses; these only keep a dead worker from being reused (and an
    // uncaught worker error from crashing the process).
    const forget = () => {
      if (this.running === running) this.running = undefined;
    };
    worker.on('error', forget);
    worker.on('exit', forget);
    this.running = running;
    return running;
  }

  private await(running: Running, id: number): RunResponse {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(running.flag, 0, 0, left) === 'timed-out') {
        this.close();
        throw new DataError(
          'onnx.timeout',
          `the ONNX model "${this.name}" did not answer within ${this.timeoutMs / 1000} s`,
          {
            location: { source: this.name },
            hint: 'score fewer rows at a time; a runtime that cannot start (onnxruntime-node missing) also ends here',
          },
        );
      }
      // The worker posts before it raises the flag, so the answer is queued by now; each
      // timed-out worker is discarded, so no answer to an earlier call can be waiting.
      const message = receiveMessageOnPort(running.port)?.message as RunResponse | undefined;
      if (message !== undefined && message.id === id) return message;
    }
  }
}
