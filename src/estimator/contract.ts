import type { Artifact, Json } from '../core/artifact.js';
import type { ModelTask, SupervisedTask } from '../core/declare.js';
import type { Params } from '../core/params.js';
import type { Rng } from '../core/random.js';
import type { Frame, Matrix } from '../data/frame.js';

/**
 * The estimator contract, scikit-learn's made immutable:
 *
 * - An `Estimator` is a kind and its hyperparameters, declared once
 *   (core/declare.ts) with their defaults and bounds. Building one does no
 *   work and checks the parameters; `build(spec)` (kinds.ts) builds one from
 *   data, and `specOf` gives back the spec of anything built or fitted.
 * - `fit` learns from data and returns a new `Model`; the estimator is not
 *   changed, and neither is the data.
 * - A `Model` never changes after `fit`. It predicts, and it saves itself as
 *   an `Artifact` that `loadModel` turns back into an equal model without
 *   running code from the file.
 *
 * Models take numeric matrices (or frames, whose columns they select by
 * name); turning categories and text into numbers is the job of `src/prep`.
 */

/** What a supervised model learns to predict. */
export interface Target {
  readonly name: string;
  readonly task: SupervisedTask;
  /** Regression: the values. Classification: the class index (0 … classes.length - 1) of each row. */
  readonly values: Float64Array;
  /** Class labels, in index order (empty for regression). */
  readonly classes: readonly string[];
}

export interface FitOptions {
  /** Per-row weights (default: all 1). */
  readonly sampleWeight?: Float64Array;
  /** The generator for every random choice; default `new Rng(params.seed ?? 0)`. */
  readonly rng?: Rng;
  /** Called as work progresses (e.g. after each tree or epoch). */
  readonly onProgress?: (done: number, total: number) => void;
}

export type { ModelTask, Params, SupervisedTask };

/**
 * What produced a fitted model, as data: its kind and hyperparameters, and
 * for a composite (a pipeline, a column transformer, an ensemble) the specs
 * of its parts. `build(spec)` gives an unfitted estimator equal to the one
 * that produced it (scikit-learn's `clone`), so a recipe that records a spec
 * can be replayed on any machine.
 */
export interface Spec {
  readonly kind: string;
  /** Hyperparameters; a composite also states here how its parts are wired (columns, weights). */
  readonly params: { readonly [name: string]: Json };
  readonly children?: { readonly [name: string]: Spec };
}

export interface Estimator<M extends Model = Model> {
  readonly kind: string;
  readonly params: Params;
  /** Composites only: their parts' specs (`specOf` gives kind and params for the rest). */
  readonly spec?: Spec;
  /** Whether fit accepts NaN in X (the model handles missing values itself). */
  readonly acceptsMissing: boolean;
  fit(X: Matrix | Frame, y?: Target, options?: FitOptions): M;
}

export interface Model {
  readonly kind: string;
  readonly task: ModelTask;
  readonly params: Params;
  /** Composites only: the spec that rebuilds what produced it (`specOf` gives kind and params for the rest). */
  readonly spec?: Spec;
  /** The input columns, in the order the model uses them. */
  readonly inputNames: readonly string[];
  /** Class labels for classifiers, in the column order of `predictProba`. */
  readonly classes?: readonly string[];
  /** Regression: values. Classification: class indices. Clustering: cluster ids. Anomaly: 1 = outlier. */
  predict(X: Matrix | Frame): Float64Array;
  /** Classifiers: row-major n × classes.length probabilities, each row summing to 1. */
  predictProba?(X: Matrix | Frame): Float64Array;
  /** Anomaly detectors: a score per row, lower = more abnormal (scikit-learn's score_samples). */
  scoreSamples?(X: Matrix | Frame): Float64Array;
  /** Transformers (PCA, scalers): the transformed matrix. */
  transform?(X: Matrix | Frame): Matrix;
  toArtifact(): Artifact;
}

/**
 * A transformer learns from the training rows (means, categories, quantiles)
 * and then rewrites any frame the same way. Like estimators, the spec is
 * inert and `fit` returns an immutable fitted transformer. Transformers work
 * on frames, not matrices, because what they do depends on column kinds:
 * categories are encoded, numbers scaled, text vectorised.
 */
export interface Transformer<F extends FittedTransformer = FittedTransformer> {
  readonly kind: string;
  readonly params: Params;
  readonly spec?: Spec;
  fit(frame: Frame, y?: Target, options?: FitOptions): F;
  /**
   * Fits, and returns the training frame as the next step should see it.
   * Only transformers whose training rows must not be encoded by the model
   * fitted on those same rows implement it (target encoding returns
   * out-of-fold encodings, else the next step learns from leaked targets);
   * pipelines and chains call it when present, `fit` then `transform` otherwise.
   */
  fitTransform?(frame: Frame, y?: Target, options?: FitOptions): { fitted: F; output: Frame };
}

export interface FittedTransformer {
  readonly kind: string;
  readonly params: Params;
  readonly spec?: Spec;
  /** The columns it reads; a frame given to `transform` may hold more, which are ignored. */
  readonly inputNames: readonly string[];
  /** The columns of the frame `transform` returns, in order. */
  readonly outputNames: readonly string[];
  /** A frame of `outputNames` only (route and keep other columns with a column transformer). */
  transform(frame: Frame): Frame;
  toArtifact(): Artifact;
}
