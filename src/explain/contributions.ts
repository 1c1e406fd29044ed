import { UsageError } from '../core/errors.js';
import type { Frame, Matrix } from '../data/frame.js';
import type { Model } from '../estimator/contract.js';
import { GbdtModel } from '../models/boost/gbdt-model.js';
import { CoordinateDescentModel } from '../models/linear/coordinate-descent.js';
import { LogisticRegressionModel } from '../models/linear/logistic.js';
import { LinearRegressionModel } from '../models/linear/ridge.js';
import { TreeModel } from '../models/tree/tree-model.js';
import { PipelineModel } from '../prep/pipeline.js';
import { centredByScaler, composeLineage, type Source } from './lineage.js';
import { type LinearScores, linearContributions, storedInputMeans } from './linear-contributions.js';
import { boostedView, forestView, treeContributions } from './tree-views.js';

/**
 * Per-row feature contributions: how much each input column moved one
 * prediction away from the model's average. Tree models get exact TreeSHAP
 * values, linear models βⱼ(xⱼ − μⱼ); both add up exactly:
 * baseline + Σ contributions = the model's raw output for the row. A
 * pipeline is explained in its model's input space, and each transformed
 * column's contribution is credited back to the input column it came from.
 */
export interface Contribution {
  readonly column: string;
  readonly value: number;
}

export interface RowExplanation {
  /** The model's expected raw output (the baseline the contributions add to). */
  readonly baseline: number;
  /** Every input column's contribution, largest |value| first (top N if asked). */
  readonly contributions: readonly Contribution[];
  /** What the numbers add up to: e.g. 'log-odds of "yes"', 'predicted value', 'probability of class "2"'. */
  readonly scale: string;
}

export interface ExplainOptions {
  /** Keep only the `top` largest contributions per row (default: all). */
  readonly top?: number;
}

/** Contributions per row in a model's input space. */
interface RawExplanation {
  readonly rows: number;
  readonly baselines: Float64Array;
  /** Row-major rows × inputs. */
  readonly phi: Float64Array;
  readonly scale: (row: number) => string;
}

interface Explainer {
  readonly inputNames: readonly string[];
  explain(X: Matrix | Frame): RawExplanation;
}

const explainers = new WeakMap<Model, Explainer | null>();

/** Whether `explainRows` can explain this model (trees, boosting, linear models with known means; pipelines of them). */
export function canExplain(model: Model): boolean {
  return explainerOf(model) !== null;
}

export function explainRows(model: Model, frame: Frame, options: ExplainOptions = {}): RowExplanation[] {
  const top = options.top ?? Number.POSITIVE_INFINITY;
  if (!(top === Number.POSITIVE_INFINITY || (Number.isInteger(top) && top >= 1))) {
    throw new UsageError(
      'usage.bad-param',
      `explain: top must be a whole number ≥ 1, not ${JSON.stringify(top)}`,
      {
        location: { field: 'top' },
      },
    );
  }
  const explainer = explainerOf(model);
  if (explainer === null) {
    const kind =
      model instanceof PipelineModel
        ? `pipeline (${model.steps.map((s) => s.kind).join(', ')} → ${model.model.kind})`
        : model.kind;
    throw new UsageError('usage.cannot-explain', `a ${kind} model cannot be explained per row`, {
      hint: 'per-row contributions cover trees, forests, gradient boosting, and linear or logistic models whose inputs a standard scaler centred, behind steps that map each output to its input columns (not e.g. k-NN, naive Bayes, MLP); use permutation importance for the others',
    });
  }
  const { rows, baselines, phi, scale } = explainer.explain(frame);
  const names = explainer.inputNames;
  const order = names.map((_, j) => j);
  return Array.from({ length: rows }, (_, i) => {
    const at = i * names.length;
    // Ties (often exact zeros) keep column order, so the output is deterministic.
    const sorted = [...order].sort((a, b) => Math.abs(phi[at + b]!) - Math.abs(phi[at + a]!) || a - b);
    return {
      baseline: baselines[i]!,
      contributions: sorted.slice(0, top).map((j) => ({ column: names[j]!, value: phi[at + j]! })),
      scale: scale(i),
    };
  });
}

function explainerOf(model: Model): Explainer | null {
  if (!explainers.has(model)) explainers.set(model, buildExplainer(model));
  return explainers.get(model)!;
}

function buildExplainer(model: Model): Explainer | null {
  if (model instanceof PipelineModel) return pipelineExplainer(model);
  return modelExplainer(model, () => false);
}

/**
 * The pipeline's model explained on the prepared frame, each prepared
 * column's contribution split among the input columns it came from.
 */
function pipelineExplainer(pipeline: PipelineModel): Explainer | null {
  const inner = modelExplainer(pipeline.model, (name) => centredByScaler(pipeline.steps, name));
  const lineage = composeLineage(pipeline.inputNames, pipeline.steps);
  if (inner === null || lineage === null) return null;
  const sources: (readonly Source[])[] = [];
  for (const name of inner.inputNames) {
    const traced = lineage.get(name);
    if (traced === undefined) return null;
    sources.push(traced);
  }
  const inputNames = pipeline.inputNames;
  const index = new Map(inputNames.map((name, j) => [name, j]));
  return {
    inputNames,
    explain(X) {
      const raw = inner.explain(pipeline.prepare(X));
      const width = sources.length;
      const phi = new Float64Array(raw.rows * inputNames.length);
      for (let i = 0; i < raw.rows; i++) {
        for (let k = 0; k < width; k++) {
          const value = raw.phi[i * width + k]!;
          for (const { column, share } of sources[k]!)
            phi[i * inputNames.length + index.get(column)!]! += share * value;
        }
      }
      return { ...raw, phi };
    },
  };
}

/** `centred(name)`: whether an input column's training mean is known to be 0 (a linear model needs its means). */
function modelExplainer(model: Model, centred: (name: string) => boolean): Explainer | null {
  const { inputNames } = model;
  const inputs = inputNames.length;
  if (model instanceof TreeModel || model instanceof GbdtModel) {
    const view = model instanceof TreeModel ? forestView(model) : boostedView(model);
    return {
      inputNames,
      explain(X) {
        const { pick, scale } = outputChoice(model, X, model instanceof TreeModel ? 'probability' : 'raw');
        return { ...treeContributions(view, X, inputs, pick), scale };
      },
    };
  }
  const linear = linearScores(model, centred);
  if (linear === null) return null;
  return {
    inputNames,
    explain(X) {
      const { pick, scale } = outputChoice(model, X, 'raw');
      return { ...linearContributions(linear, model, X, pick), scale };
    },
  };
}

function linearScores(model: Model, centred: (name: string) => boolean): LinearScores | null {
  let coef: Float64Array;
  let intercept: Float64Array;
  if (model instanceof LinearRegressionModel || model instanceof CoordinateDescentModel) {
    coef = model.coef;
    intercept = Float64Array.of(model.intercept);
  } else if (model instanceof LogisticRegressionModel) {
    coef = model.coef;
    intercept = model.intercept;
  } else {
    return null;
  }
  const stored = storedInputMeans(model);
  if (stored !== null) return { coef, intercept, means: stored };
  // Without stored means, only inputs a scaler centred on the training rows have a known mean (0).
  if (!model.inputNames.every(centred)) return null;
  return { coef, intercept, means: new Float64Array(model.inputNames.length) };
}

/**
 * Which raw output each row's explanation adds up: regression's only one;
 * for two classes the second class's (its log-odds, or for trees and
 * forests its probability); for more, the predicted class's.
 */
function outputChoice(
  model: Model,
  X: Matrix | Frame,
  classScale: 'probability' | 'raw',
): { pick: (row: number) => number; scale: (row: number) => string } {
  const classes = model.classes ?? [];
  if (model.task === 'regression') {
    const logMean = model instanceof GbdtModel && model.loss === 'poisson';
    const scale = logMean ? 'log of the predicted mean' : 'predicted value';
    return { pick: () => 0, scale: () => scale };
  }
  if (model.task === 'binary') {
    const positive = JSON.stringify(classes[1]);
    const scale = classScale === 'probability' ? `probability of ${positive}` : `log-odds of ${positive}`;
    return { pick: () => (classScale === 'probability' ? 1 : 0), scale: () => scale };
  }
  const predicted = model.predict(X);
  const what = classScale === 'probability' ? 'probability' : 'raw score (before softmax)';
  return {
    pick: (row) => predicted[row]!,
    scale: (row) => `${what} of class ${JSON.stringify(classes[predicted[row]!])}`,
  };
}
