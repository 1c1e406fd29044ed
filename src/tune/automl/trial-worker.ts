import { parentPort, workerData } from 'node:worker_threads';
import type { Column } from '../../data/column.js';
import type { Target } from '../../estimator/contract.js';
import type { Fold } from '../splitters.js';
import type { TrialOutcome, TrialSpec } from './trial.js';

/**
 * A worker thread of a `TrialPool`. The search's data arrive once, as
 * `workerData`, with every column, the target and the folds on
 * SharedArrayBuffers (one copy for all workers, read-only); then trials
 * come one at a time as small messages, and each outcome goes back with its
 * out-of-fold arrays transferred, not copied. A trial that throws is an
 * outcome with status 'failed', never a dead worker.
 */
export interface SharedTrialData {
  readonly columns: readonly Column[];
  readonly source: string | undefined;
  readonly target: Target;
  readonly folds: readonly Fold[];
  readonly metric: string;
  readonly seed: number;
}

/** What a worker is started with: the search's data, and its slot's stop flag (1 = stop the trial at the next fold). */
export interface WorkerInput {
  readonly data: SharedTrialData;
  readonly stop: Int32Array;
}

/** A trial to run, or the word to end: the worker closes its port and its thread ends by itself. */
export type ToWorker = { readonly spec: TrialSpec } | { readonly exit: true };
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'outcome'; readonly outcome: TrialOutcome };

const port = parentPort!;
const { data: input, stop } = workerData as WorkerInput;
// Imported here, not at the top, so that a module that fails to load surfaces as a worker error
// before 'ready', which the pool reports when it opens.
const { Frame } = await import('../../data/frame.js');
const { failedOutcome, runTrial } = await import('./trial.js');
const data = {
  features: new Frame(input.columns, input.source),
  target: input.target,
  folds: input.folds,
  metric: input.metric,
  seed: input.seed,
};

const stopAsked = () => Atomics.load(stop, 0) === 1;

port.on('message', (message: ToWorker) => {
  if ('exit' in message) {
    // Ending by itself, between trials: terminate() could interrupt V8 mid-compilation.
    port.close();
    return;
  }
  const { spec } = message;
  let outcome: TrialOutcome;
  try {
    outcome = runTrial(singleThreaded(spec), data, stopAsked);
  } catch (error) {
    outcome = failedOutcome(spec.id, error instanceof Error ? error.message : String(error));
  }
  const transfer = [outcome.oofPredictions, outcome.oofProbabilities].flatMap((a) =>
    a === undefined ? [] : [a.buffer as ArrayBuffer],
  );
  port.postMessage({ type: 'outcome', outcome } satisfies FromWorker, transfer);
});
port.postMessage({ type: 'ready' } satisfies FromWorker);

/**
 * Trials already run side by side: a model's own threads (forests, boosting) would only compete
 * with them. A null `threads` becomes 1 in `trialEstimator`; an algorithm without that parameter
 * still refuses it, as it does in the calling thread.
 */
function singleThreaded(spec: TrialSpec): TrialSpec {
  if (!('threads' in spec.params)) return spec;
  return { ...spec, params: { ...spec.params, threads: null } };
}
