import { UsageError } from '../../core/errors.js';
import { checkNumber } from '../../core/params.js';
import type { Params } from '../../estimator/contract.js';
import { LOSS_NAMES, type LossName } from './loss.js';

/**
 * Hyperparameters of the histogram gradient boosting models. Defaults follow
 * scikit-learn 1.2's HistGradientBoosting estimators (its names in brackets
 * where they differ), with XGBoost/LightGBM's extras off by default.
 */
export interface GbdtParams extends Params {
  /** 'auto': log-loss for classes, squared error for numbers. */
  readonly loss: 'auto' | LossName;
  /** Boosting iterations [max_iter]; multiclass grows one tree per class each. */
  readonly trees: number;
  readonly learningRate: number;
  /** Most leaves per tree [max_leaf_nodes]. */
  readonly maxLeaves: number;
  readonly maxDepth: number | null;
  /** Bins per feature, at most 255 (one more holds missing values). */
  readonly maxBins: number;
  readonly minSamplesLeaf: number;
  /** Fewest summed hessians in a leaf [min_hessian_to_split-ish; XGBoost min_child_weight]. */
  readonly minChildWeight: number;
  readonly l1: number;
  /** [l2_regularization] */
  readonly l2: number;
  /** Smallest loss reduction worth a split [XGBoost gamma]. */
  readonly minGain: number;
  /** Share of rows each iteration sees. */
  readonly subsample: number;
  /** Share of features each iteration may split on. */
  readonly colsample: number;
  /** 'auto': on when there are more than 10,000 rows. */
  readonly earlyStopping: 'auto' | boolean;
  readonly validationFraction: number;
  /** Iterations without improvement before stopping [n_iter_no_change]. */
  readonly patience: number;
  readonly tol: number;
  /** The quantile predicted by the quantile loss. */
  readonly quantile: number;
  /** Huber loss: residuals beyond this count linearly. */
  readonly delta: number;
  /** Per feature, "name:1" (rising), "name:-1" (falling), as a list or comma-separated; or one number per input column. */
  readonly monotonic: string | readonly (string | number)[] | null;
  /** Most categories one categorical split sends left. */
  readonly maxCategorySplit: number;
  /** 'balanced': weight classes inversely to their frequency. */
  readonly classWeight: 'balanced' | null;
  /** Worker threads for building histograms; null: one per core. The model is the same for any number. */
  readonly threads: number | null;
  readonly seed: number;
}

export const GBDT_DEFAULTS: GbdtParams = {
  loss: 'auto',
  trees: 100,
  learningRate: 0.1,
  maxLeaves: 31,
  maxDepth: null,
  maxBins: 255,
  minSamplesLeaf: 20,
  minChildWeight: 1e-3,
  l1: 0,
  l2: 0,
  minGain: 0,
  subsample: 1,
  colsample: 1,
  earlyStopping: 'auto',
  validationFraction: 0.1,
  patience: 10,
  tol: 1e-7,
  quantile: 0.5,
  delta: 1,
  monotonic: null,
  maxCategorySplit: 32,
  classWeight: null,
  threads: null,
  seed: 0,
};

/** Early stopping switches itself on above this many rows (as scikit-learn). */
export const AUTO_EARLY_STOPPING_ROWS = 10_000;

export function checkGbdtParams(kind: string, p: GbdtParams, classification: boolean): void {
  const losses = classification
    ? ['auto', 'log-loss']
    : ['auto', ...LOSS_NAMES.filter((l) => l !== 'log-loss')];
  if (!losses.includes(p.loss)) {
    throw new UsageError('usage.bad-param', `${kind}: unknown loss "${p.loss}"`, {
      location: { field: 'loss' },
      hint: `the losses are: ${losses.join(', ')}`,
    });
  }
  checkNumber(kind, 'trees', p.trees, 1, Number.POSITIVE_INFINITY, true);
  checkNumber(kind, 'learningRate', p.learningRate, Number.MIN_VALUE);
  // Each open leaf holds a histogram in the fit's memory (about 170 KB at 28 features).
  checkNumber(kind, 'maxLeaves', p.maxLeaves, 2, 4096, true);
  if (p.maxDepth !== null) checkNumber(kind, 'maxDepth', p.maxDepth, 1, 1000, true);
  checkNumber(kind, 'maxBins', p.maxBins, 2, 255, true);
  checkNumber(kind, 'minSamplesLeaf', p.minSamplesLeaf, 1, Number.POSITIVE_INFINITY, true);
  for (const name of ['minChildWeight', 'l1', 'l2', 'minGain', 'tol'] as const)
    checkNumber(kind, name, p[name], 0);
  checkNumber(kind, 'subsample', p.subsample, Number.MIN_VALUE, 1);
  checkNumber(kind, 'colsample', p.colsample, Number.MIN_VALUE, 1);
  checkNumber(kind, 'validationFraction', p.validationFraction, Number.MIN_VALUE, 0.5);
  checkNumber(kind, 'patience', p.patience, 1, Number.POSITIVE_INFINITY, true);
  checkNumber(kind, 'quantile', p.quantile, Number.MIN_VALUE, 1 - Number.EPSILON);
  checkNumber(kind, 'delta', p.delta, Number.MIN_VALUE);
  checkNumber(kind, 'maxCategorySplit', p.maxCategorySplit, 1, 255, true);
  if (p.threads !== null) checkNumber(kind, 'threads', p.threads, 1, 1024, true);
  if (p.earlyStopping !== 'auto' && typeof p.earlyStopping !== 'boolean') {
    throw new UsageError('usage.bad-param', `${kind}: earlyStopping must be auto, true or false`, {
      location: { field: 'earlyStopping' },
    });
  }
  if (p.classWeight !== null && (p.classWeight !== 'balanced' || !classification)) {
    throw new UsageError('usage.bad-param', `${kind}: classWeight must be "balanced" or null`, {
      location: { field: 'classWeight' },
      hint: classification ? undefined : 'class weights only apply to classifiers',
    });
  }
}

/** Monotonic constraints per input column, from "name:±1" entries or one number per column. */
export function monotonicPerFeature(
  kind: string,
  given: GbdtParams['monotonic'],
  names: readonly string[],
): Int8Array {
  const out = new Int8Array(names.length);
  if (given === null) return out;
  if (typeof given === 'string')
    return monotonicPerFeature(
      kind,
      given.split(',').map((e) => e.trim()),
      names,
    );
  const bad = (detail: string) =>
    new UsageError('usage.bad-param', `${kind}: monotonic ${detail}`, {
      location: { field: 'monotonic' },
      hint: 'write "column:1" (prediction rises with it) or "column:-1" (falls), e.g. --set monotonic=age:1',
    });
  if (given.every((v) => typeof v === 'number')) {
    if (given.length !== names.length) throw bad(`has ${given.length} numbers for ${names.length} columns`);
    given.forEach((v, f) => {
      if (v !== 1 && v !== -1 && v !== 0) throw bad(`values must be -1, 0 or 1, not ${v}`);
      out[f] = v;
    });
    return out;
  }
  for (const entry of given) {
    const [name, direction] = String(entry).split(/:(?=[^:]*$)/);
    const f = names.indexOf(name ?? '');
    if (f < 0) throw bad(`names "${name}", which is not an input column`);
    if (direction !== '1' && direction !== '+1' && direction !== '-1' && direction !== '0') {
      throw bad(`"${entry}" needs :1, :-1 or :0`);
    }
    out[f] = Number(direction);
  }
  return out;
}
