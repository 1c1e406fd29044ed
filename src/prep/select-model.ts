import type { Artifact, TypedArray } from '../core/artifact.js';
import { UsageError } from '../core/errors.js';
import { checkNumber } from '../core/params.js';
import type { Frame } from '../data/frame.js';
import type { Estimator, FitOptions, Model, Params, Target, Transformer } from '../estimator/contract.js';
import { registerLoader } from '../estimator/persist.js';
import { quantileSorted } from '../numeric/quantile.js';

import {
  FittedSelector,
  featureNames,
  numericFeatures,
  requireSelectionTarget,
  supportOf,
} from './selection.js';

/**
 * Keeps the columns a fitted model finds important, as scikit-learn's
 * SelectFromModel: a tree's or forest's impurity importances, or a linear
 * model's |coefficient| (the sum of |coefficients| over classes for a
 * multiclass logistic regression). A column is kept when its importance is
 * at least the threshold:
 *
 * - a number;
 * - 'mean' or 'median' of the importances, optionally scaled ('1.25*mean');
 * - by default 1e-5 for a model whose L1 penalty sets coefficients to 0
 *   (lasso, L1 logistic, elastic net with l1Ratio 1), else 'mean'.
 *
 * With `maxFeatures`, at most that many are kept, the most important first.
 * Coefficients measure importance only when the columns share a scale:
 * standardise them first.
 */
export interface SelectFromModelOptions {
  readonly estimator: Estimator;
  readonly threshold?: number | string | null;
  readonly maxFeatures?: number | null;
}

export interface SelectFromModelParams extends Params {
  /** The estimator's kind (its hyperparameters are its own). */
  readonly estimator: string;
  readonly threshold: number | string | null;
  readonly maxFeatures: number | null;
}

const KIND = 'select-from-model';
const L1_DEFAULT_THRESHOLD = 1e-5;

export function selectFromModel(options: SelectFromModelOptions): Transformer<FittedSelectFromModel> {
  const { estimator, threshold = null, maxFeatures = null } = options;
  if (estimator === undefined || typeof estimator.fit !== 'function') {
    throw new UsageError('usage.bad-param', `${KIND} needs an estimator to fit`, {
      location: { field: 'estimator' },
      hint: 'e.g. selectFromModel({ estimator: randomForestClassifier() })',
    });
  }
  const rule = parseThreshold(threshold);
  if (maxFeatures !== null) checkNumber(KIND, 'maxFeatures', maxFeatures, 0, Number.POSITIVE_INFINITY, true);
  const params: SelectFromModelParams = { estimator: estimator.kind, threshold, maxFeatures };
  return {
    kind: KIND,
    params,
    fit(frame: Frame, y?: Target, fitOptions?: FitOptions) {
      const target = requireSelectionTarget(y, KIND, frame.rowCount);
      const names = featureNames(frame, target);
      numericFeatures(frame, names, KIND);
      if (maxFeatures !== null && maxFeatures > names.length) {
        throw new UsageError(
          'usage.bad-param',
          `${KIND}: maxFeatures is ${maxFeatures}, and there are ${names.length} features`,
          {
            location: { field: 'maxFeatures' },
            hint: `choose maxFeatures ≤ ${names.length}`,
          },
        );
      }
      const model = estimator.fit(frame.select(names), target, fitOptions);
      const importances = importancesOf(model, names.length);
      const cut = rule?.(importances) ?? (isL1(estimator) ? L1_DEFAULT_THRESHOLD : mean(importances));
      const allowed = maxFeatures === null ? null : mostImportant(importances, maxFeatures);
      const keep = (j: number) => importances[j]! >= cut && (allowed === null || allowed.has(j));
      const support = supportOf(keep, names.length, KIND, 'threshold');
      return new FittedSelectFromModel(params, names, support, importances, cut, model);
    },
  };
}

type Rule = (importances: Float64Array) => number;

/** null: the default rule, which depends on the estimator. */
function parseThreshold(threshold: number | string | null): Rule | null {
  if (threshold === null) return null;
  if (typeof threshold === 'number' && !Number.isNaN(threshold)) return () => threshold;
  const match = /^\s*(?:([0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?)\s*\*\s*)?(mean|median)\s*$/i.exec(
    String(threshold),
  );
  if (match === null) {
    throw new UsageError('usage.bad-param', `${KIND}: threshold "${threshold}" is not understood`, {
      location: { field: 'threshold' },
      hint: "use a number, 'mean', 'median', or a multiple such as '1.25*mean'",
    });
  }
  const scale = match[1] === undefined ? 1 : Number(match[1]);
  const reference = match[2]!.toLowerCase() === 'mean' ? mean : median;
  return (importances) => scale * reference(importances);
}

function isL1(estimator: Estimator): boolean {
  const { kind, params } = estimator;
  return (
    kind === 'lasso' ||
    (kind === 'logistic' && params['penalty'] === 'l1') ||
    (kind === 'elasticnet' && params['l1Ratio'] === 1)
  );
}

/** Impurity importances, or |coefficients| summed over a multiclass model's rows. */
function importancesOf(model: Model, features: number): Float64Array {
  const source = model as Model & { featureImportances?: unknown; coef?: unknown };
  if (source.featureImportances instanceof Float64Array) return Float64Array.from(source.featureImportances);
  if (source.coef instanceof Float64Array && source.coef.length % features === 0) {
    const out = new Float64Array(features);
    for (let i = 0; i < source.coef.length; i++) out[i % features]! += Math.abs(source.coef[i]!);
    return out;
  }
  throw new UsageError(
    'usage.bad-param',
    `${KIND}: a ${model.kind} model has neither feature importances nor coefficients`,
    {
      location: { field: 'estimator' },
      hint: 'use a tree, a forest or a linear model, or selectKBest for a model-free score',
    },
  );
}

/** The `count` most important columns (ties keep the earlier column, as a stable sort would). */
function mostImportant(importances: Float64Array, count: number): Set<number> {
  const order = Array.from(importances.keys()).sort((a, b) => importances[b]! - importances[a]! || a - b);
  return new Set(order.slice(0, count));
}

function mean(values: Float64Array): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function median(values: Float64Array): number {
  return quantileSorted(Float64Array.from(values).sort(), 0.5);
}

export class FittedSelectFromModel extends FittedSelector {
  readonly kind = KIND;

  constructor(
    readonly params: SelectFromModelParams,
    inputNames: readonly string[],
    support: Uint8Array,
    /** Each input column's importance under the fitted model. */
    readonly importances: Float64Array,
    /** The importance a column needed to be kept. */
    readonly threshold: number,
    /** The model fitted to score the columns; null after loading (the artifact keeps only the selection). */
    readonly model: Model | null,
  ) {
    super(inputNames, support);
  }

  protected statistics(): { meta: Artifact['meta']; arrays: Record<string, TypedArray> } {
    return {
      meta: { threshold: Number.isFinite(this.threshold) ? this.threshold : null },
      arrays: { importances: this.importances },
    };
  }
}

registerLoader(KIND, 1, (a) => {
  const meta = a.meta as { params: SelectFromModelParams; inputNames: string[]; threshold: number | null };
  return new FittedSelectFromModel(
    meta.params,
    meta.inputNames,
    a.arrays['support'] as Uint8Array,
    a.arrays['importances'] as Float64Array,
    meta.threshold ?? Number.NEGATIVE_INFINITY,
    null,
  );
});
