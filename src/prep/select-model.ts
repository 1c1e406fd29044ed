import type { Artifact, TypedArray } from '../core/artifact.js';
import { declare, domain, type ParamsOf, param } from '../core/declare.js';
import { UsageError } from '../core/errors.js';
import { array, field, storedArtifact } from '../core/stored.js';
import type { Frame } from '../data/frame.js';
import type { Estimator, FitOptions, Model, Spec, Target, Transformer } from '../estimator/contract.js';
import { buildEstimator, registerKind, specOf } from '../estimator/kinds.js';
import { quantileSorted } from '../numeric/quantile.js';
import { specChildren } from './parts.js';
import {
  FittedSelector,
  featureNames,
  numericFeatures,
  requireSelectionTarget,
  storedSupport,
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

const KIND = 'select-from-model';
const L1_DEFAULT_THRESHOLD = 1e-5;

export const SELECT_FROM_MODEL = declare({
  kind: KIND,
  summary: 'keeps the columns a fitted model finds important',
  tasks: ['transform'],
  params: {
    /** The estimator's kind (its hyperparameters are its own: its spec is the child `estimator`). */
    estimator: param.of<string>([domain.text()], {
      default: '',
      doc: 'the kind of the model whose importances rank the columns (its spec is the child "estimator")',
    }),
    threshold: param.of<number | string | null>([domain.null(), domain.float(), domain.text()], {
      default: null,
      doc: "the importance a column needs: a number, 'mean', 'median' or a multiple ('1.25*mean'); null: 1e-5 for L1 models, else 'mean'",
    }),
    maxFeatures: param.intOrNull({
      default: null,
      min: 0,
      doc: 'keep at most this many columns, the most important (null: no limit)',
    }),
  },
  check(p) {
    parseThreshold(p.threshold);
  },
});

export type SelectFromModelParams = ParamsOf<typeof SELECT_FROM_MODEL.params>;

export function selectFromModel(options: SelectFromModelOptions): Transformer<FittedSelectFromModel> {
  const { estimator, threshold = null, maxFeatures = null } = options;
  if (estimator === undefined || typeof estimator.fit !== 'function') {
    throw new UsageError('usage.bad-param', `${KIND} needs an estimator to fit`, {
      location: { field: 'estimator' },
      hint: 'e.g. selectFromModel({ estimator: randomForestClassifier() })',
    });
  }
  // ±∞ (scikit-learn's threshold=-np.inf: keep by maxFeatures alone) is a number the kit's
  // domains, which hold finite numbers, cannot state: checked as 0, kept as given.
  const infinite = typeof threshold === 'number' && Math.abs(threshold) === Number.POSITIVE_INFINITY;
  const resolved = SELECT_FROM_MODEL.resolve({
    estimator: estimator.kind,
    threshold: infinite ? 0 : threshold,
    maxFeatures,
  });
  const params: SelectFromModelParams = infinite ? { ...resolved, threshold } : resolved;
  const rule = parseThreshold(threshold);
  return {
    kind: KIND,
    params,
    get spec(): Spec {
      return { kind: KIND, params, children: { estimator: specOf(estimator) } };
    },
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

  /** What rebuilds it: known while it holds its model (a loaded one keeps only its selection). */
  get spec(): Spec | undefined {
    if (this.model === null) return undefined;
    return { kind: KIND, params: this.params, children: { estimator: specOf(this.model) } };
  }

  protected statistics(): { meta: Artifact['meta']; arrays: Record<string, TypedArray> } {
    return {
      meta: { threshold: Number.isFinite(this.threshold) ? this.threshold : null },
      arrays: { importances: this.importances },
    };
  }
}

function loadSelectFromModel(artifact: Artifact, source: string): FittedSelectFromModel {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    params: field.params(SELECT_FROM_MODEL),
    inputNames: field.strings(),
    threshold: field.nullable(field.number()),
  });
  const p = meta.inputNames.length;
  const { support, importances } = stored.arrays({ support: storedSupport(p), importances: array.f64(p) });
  return new FittedSelectFromModel(
    meta.params,
    meta.inputNames,
    support,
    importances,
    meta.threshold ?? Number.NEGATIVE_INFINITY,
    null,
  );
}

/** The estimator is the spec's child; its kind in the parameters must agree. */
function buildSelectFromModel(spec: Spec): Transformer<FittedSelectFromModel> {
  const params = SELECT_FROM_MODEL.resolve(spec.params);
  const [estimator] = specChildren(spec, ['estimator'], [params.estimator]);
  return selectFromModel({
    estimator: buildEstimator(estimator!),
    threshold: params.threshold,
    maxFeatures: params.maxFeatures,
  });
}

registerKind({
  declaration: SELECT_FROM_MODEL,
  role: 'transformer',
  build: buildSelectFromModel,
  load: loadSelectFromModel,
});
