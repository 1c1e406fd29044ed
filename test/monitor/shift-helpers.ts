/** What the monitoring tests share: the diamonds shift, and a frame's rows as the server logs them. */
import { type Column, valueAt } from '../../src/data/column.js';
import type { Frame } from '../../src/data/frame.js';
import type { Model } from '../../src/estimator/contract.js';
import type { FeedbackInput, PredictionRecord } from '../../src/registry/types.js';
import { answerRows, scoreFrame } from '../../src/serve/score.js';

/** The new regime: every stone 'Ideal' and carats × 1.5, with the prices they had. */
export function shiftDiamonds(frame: Frame): Frame {
  const carat = frame.column('carat') as { values: Float64Array };
  const cut = frame.column('cut') as { codes: Int32Array; levels: readonly string[] };
  const ideal = cut.levels.indexOf('Ideal');
  return frame
    .withColumn({
      storage: 'number',
      name: 'carat',
      kind: 'numeric',
      values: carat.values.map((c) => c * 1.5),
    })
    .withColumn({
      storage: 'categorical',
      name: 'cut',
      kind: 'categorical',
      codes: cut.codes.map(() => ideal),
      levels: cut.levels,
    });
}

export interface Served {
  readonly records: PredictionRecord[];
  /** The true outcome of each request's rows, when `target` names a column. */
  readonly feedback: FeedbackInput[];
}

/**
 * The frame's rows as the server logs them when version `version` of
 * `model` answers them in requests of `size` rows: inputs as columns,
 * answers as the response has them (labels and probability rows for a
 * classifier), request `i` at `at + i` ms.
 */
export function servedRequests(
  model: Model,
  frame: Frame,
  options: { name: string; version: number; at: number; size: number; prefix: string; target?: string },
): Served {
  const inputs = frame.select(model.inputNames);
  const scores = scoreFrame(model, inputs);
  const slice = (c: Column, from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => valueAt(c, from + i));
  const served: Served = { records: [], feedback: [] };
  for (let from = 0; from < frame.rowCount; from += options.size) {
    const to = Math.min(frame.rowCount, from + options.size);
    const answer = answerRows(model, scores, from, to);
    const requestId = `${options.prefix}-${from}`;
    served.records.push({
      requestId,
      model: options.name,
      version: options.version,
      at: options.at + from,
      latencyMs: 1,
      rows: to - from,
      inputs: Object.fromEntries(inputs.columns.map((c) => [c.name, slice(c, from, to)])),
      outputs: {
        predictions: answer.predictions,
        ...(answer.probabilities === undefined ? {} : { probabilities: answer.probabilities }),
      },
    });
    if (options.target !== undefined) {
      served.feedback.push({ requestId, labels: slice(frame.column(options.target), from, to) });
    }
  }
  return served;
}
