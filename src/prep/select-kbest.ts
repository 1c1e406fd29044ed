import type { Artifact, TypedArray } from '../core/artifact.js';
import { declare, domain, type ParamsOf, param } from '../core/declare.js';
import { UsageError } from '../core/errors.js';
import { array, field, storedArtifact } from '../core/stored.js';
import type { Frame } from '../data/frame.js';
import type { Target, Transformer } from '../estimator/contract.js';
import { registerKind } from '../estimator/kinds.js';
import { mutualInfoClassif, mutualInfoRegression } from './mutual-info.js';
import {
  FittedSelector,
  featureNames,
  numericFeatures,
  rejectMissingFeatures,
  requireSelectionTarget,
  storedSupport,
} from './selection.js';
import { fClassif, fRegression } from './univariate.js';

/**
 * Keeps the k numeric columns that score highest against the target, as
 * scikit-learn's SelectKBest: an F test (ANOVA for classes, linear
 * regression for numbers) or the mutual information (nearest-neighbour
 * estimates; see `mutualInfoClassif`). F tests see only linear (or mean)
 * effects; mutual information sees any dependence but is noisier on few
 * rows. Ties at the k-th place keep the later column, as scikit-learn does.
 */
export type Score = 'f-classif' | 'f-regression' | 'mutual-info-classif' | 'mutual-info-regression';

const KIND = 'select-k-best';
const SCORES: readonly Score[] = [
  'f-classif',
  'f-regression',
  'mutual-info-classif',
  'mutual-info-regression',
];

export const SELECT_K_BEST = declare({
  kind: KIND,
  summary: 'keeps the k numeric columns that score highest against the target',
  tasks: ['transform'],
  params: {
    /** How many columns to keep, or 'all' (to only compute scores). */
    k: param.of<number | 'all'>([domain.int({ min: 0 }), domain.enum('all')], {
      default: 10,
      doc: "how many columns to keep, or 'all' (to only compute the scores)",
    }),
    score: param.choice(SCORES, {
      default: 'f-classif',
      doc: 'the score: an F test or the mutual information, for classes or numbers',
    }),
    /** Mutual information: neighbours per point. */
    neighbors: param.int({ default: 3, min: 1, doc: 'mutual information: neighbours per point' }),
    /** Mutual information: columns whose values are labels, not measurements. */
    discreteFeatures: param.of<readonly string[]>([domain.list(domain.text())], {
      default: [],
      doc: 'mutual information: the columns whose values are labels, not measurements',
    }),
    /** Mutual information: the seed of the tie-breaking noise. */
    seed: param.int({ default: 0, doc: 'mutual information: seed of the tie-breaking noise' }),
  },
});

export type SelectKBestParams = ParamsOf<typeof SELECT_K_BEST.params>;

export function selectKBest(params: Partial<SelectKBestParams> = {}): Transformer<FittedSelectKBest> {
  const p = SELECT_K_BEST.resolve(params);
  return {
    kind: KIND,
    params: p,
    fit(frame: Frame, y?: Target) {
      const target = requireSelectionTarget(y, KIND, frame.rowCount);
      checkTask(p.score, target);
      const names = featureNames(frame, target);
      const k = p.k === 'all' ? names.length : p.k;
      if (k > names.length) {
        throw new UsageError(
          'usage.bad-param',
          `${KIND}: k is ${k}, and there are ${names.length} features`,
          {
            location: { field: 'k' },
            hint: `choose k ≤ ${names.length}, or 'all'`,
          },
        );
      }
      const columns = numericFeatures(frame, names, KIND);
      rejectMissingFeatures(frame, names, columns, KIND);
      const { scores, pValues } = scoreColumns(p, names, columns, target.values, frame);
      return new FittedSelectKBest(p, names, topK(scores, k), scores, pValues);
    },
  };
}

function checkTask(score: Score, target: Target): void {
  const classification = target.task !== 'regression';
  if (score.endsWith('classif') === classification) return;
  const other = classification
    ? score.replace('regression', 'classif')
    : score.replace('classif', 'regression');
  throw new UsageError(
    'usage.wrong-task',
    `${KIND}: score "${score}" does not fit "${target.name}", a ${target.task} target`,
    { location: { field: 'score', column: target.name }, hint: `use "${other}" for this target` },
  );
}

function scoreColumns(
  p: SelectKBestParams,
  names: readonly string[],
  columns: readonly Float64Array[],
  y: Float64Array,
  frame: Frame,
): { scores: Float64Array; pValues: Float64Array | null } {
  if (p.score === 'f-classif') return fClassif(columns, y);
  if (p.score === 'f-regression') return fRegression(columns, y);
  for (const name of p.discreteFeatures) frame.column(name);
  const options = {
    neighbors: p.neighbors,
    discrete: names.map((n) => p.discreteFeatures.includes(n)),
    seed: p.seed,
  };
  const scores =
    p.score === 'mutual-info-classif'
      ? mutualInfoClassif(columns, y, options)
      : mutualInfoRegression(columns, y, options);
  return { scores, pValues: null };
}

/** The k highest scores: the last k of a stable ascending sort, so ties keep later columns; NaN ranks lowest. */
function topK(scores: Float64Array, k: number): Uint8Array {
  const key = (j: number) => (Number.isNaN(scores[j]!) ? Number.NEGATIVE_INFINITY : scores[j]!);
  const order = Array.from(scores.keys()).sort((a, b) => key(a) - key(b) || a - b);
  const support = new Uint8Array(scores.length);
  for (const j of order.slice(order.length - k)) support[j] = 1;
  return support;
}

export class FittedSelectKBest extends FittedSelector {
  readonly kind = KIND;

  constructor(
    readonly params: SelectKBestParams,
    inputNames: readonly string[],
    support: Uint8Array,
    /** Each input column's score: F, or mutual information in nats. */
    readonly scores: Float64Array,
    /** F tests: each score's p-value; null for mutual information. */
    readonly pValues: Float64Array | null,
  ) {
    super(inputNames, support);
  }

  protected statistics(): { meta: Artifact['meta']; arrays: Record<string, TypedArray> } {
    const arrays: Record<string, TypedArray> = { scores: this.scores };
    if (this.pValues !== null) arrays['pValues'] = this.pValues;
    return { meta: {}, arrays };
  }
}

function loadSelectKBest(artifact: Artifact, source: string): FittedSelectKBest {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({ params: field.params(SELECT_K_BEST), inputNames: field.strings() });
  const p = meta.inputNames.length;
  const { support, scores, pValues } = stored.arrays({
    support: storedSupport(p),
    scores: array.f64(p),
    pValues: array.f64(p).optional(),
  });
  return new FittedSelectKBest(meta.params, meta.inputNames, support, scores, pValues ?? null);
}

registerKind({
  declaration: SELECT_K_BEST,
  role: 'transformer',
  build: (spec) => selectKBest(SELECT_K_BEST.resolve(spec.params)),
  load: loadSelectKBest,
});
