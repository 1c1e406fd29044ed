import { workerData } from 'node:worker_threads';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { RunRequest, RunResponse, TensorData, TensorType, WorkerInput } from './onnx-session.js';

/**
 * The worker thread behind `SyncOnnxSession`: it holds one onnxruntime
 * session and answers each request on its port, raising the shared flag
 * after posting so the waiting thread wakes. Every failure, loading the
 * runtime included, is posted back as an error message rather than thrown,
 * so the caller sees it at once instead of waiting for the timeout.
 */

const { bytes, flag, port } = workerData as WorkerInput;
const signal = new Int32Array(flag);

type Ort = typeof import('onnxruntime-node');

const ready: Promise<{ ort: Ort; session: InferenceSession }> = (async () => {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return { ort, session };
})();
// Loading failures are reported by the first request; keep them from being "unhandled".
ready.catch(() => {});

port.on('message', (request: RunRequest) => {
  answer(request).then(
    (outputs) => reply({ id: request.id, outputs }),
    (error: unknown) =>
      reply({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});

async function answer(request: RunRequest): Promise<Record<string, TensorData>> {
  const { ort, session } = await ready;
  const feeds: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(request.feeds)) {
    feeds[name] = new ort.Tensor(t.type, t.data as Float32Array, [...t.dims]);
  }
  const results = await session.run(feeds, [...request.fetches]);
  const outputs: Record<string, TensorData> = {};
  for (const name of request.fetches) {
    const tensor = results[name]!;
    outputs[name] = {
      type: tensor.type as TensorType,
      dims: tensor.dims,
      data: tensor.data as TensorData['data'],
    };
  }
  return outputs;
}

function reply(response: RunResponse): void {
  port.postMessage(response);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}
