import type { Column } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import type { Model, Target } from '../estimator/contract.js';
import { type ReferenceProfile, referenceProfile } from './reference.js';

/**
 * The reference a registered model version keeps for monitoring: its input
 * columns as they were in training, its outputs, and the target. Outputs are
 * the out-of-fold predictions when the caller has them (what the model does
 * on rows it has not seen, which is what production traffic will look like),
 * else the fitted model's predictions on its training rows.
 */
export interface ModelReferenceInput {
  readonly model: Model;
  /** The training rows, at least the model's input columns. */
  readonly features: Frame;
  readonly target?: Target;
  readonly outputs?: { readonly predictions: Float64Array; readonly probabilities?: Float64Array };
  readonly seed?: number;
}

export function modelReference(input: ModelReferenceInput): ReferenceProfile {
  const { model } = input;
  const frame = input.features.select(model.inputNames);
  const predictions = input.outputs?.predictions ?? model.predict(frame);
  const probabilities =
    input.outputs === undefined ? model.predictProba?.(frame) : input.outputs.probabilities;
  const classes = model.classes ?? input.target?.classes;
  return referenceProfile(frame, {
    predictions,
    ...(probabilities === undefined ? {} : { probabilities }),
    ...(classes === undefined || classes.length === 0 ? {} : { classes }),
    ...(input.target === undefined ? {} : { target: targetColumn(input.target) }),
    seed: input.seed ?? 0,
  });
}

function targetColumn(target: Target): Column {
  if (target.task === 'regression') {
    return { storage: 'number', name: target.name, kind: 'numeric', values: target.values };
  }
  return {
    storage: 'categorical',
    name: target.name,
    kind: 'categorical',
    codes: Int32Array.from(target.values),
    levels: target.classes,
  };
}
