import type { Frame } from '../data/frame.js';
import type { Transformer } from '../estimator.js';
import { chainTransformers } from './chain.js';
import { byKind, type ColumnPart, columnTransformer } from './column-transformer.js';
import { simpleImputer } from './impute.js';
import { oneHotEncoder } from './one-hot.js';
import { standardScaler } from './scale.js';

/**
 * The preprocessing keel chooses when the user does not: decided from the
 * column kinds and from what the model needs, and explained in `notes` so a
 * report can say why each column was treated as it was.
 */
export interface PreprocessingNeeds {
  /** The model handles NaN itself (trees with missing-value support). */
  readonly acceptsMissing: boolean;
  /** The model is sensitive to feature scale (linear with a penalty, kNN, MLP). */
  readonly wantsScaling: boolean;
}

export interface DefaultPreprocessing {
  readonly transformer: Transformer;
  readonly notes: readonly string[];
}

const NUMERIC_KINDS = ['numeric', 'integer', 'boolean'] as const;

/** Categories with fewer rows than this share are grouped, so rare levels do not each get a column. */
const RARE_LEVEL_SHARE = 0.01;

export function defaultPreprocessing(features: Frame, needs: PreprocessingNeeds): DefaultPreprocessing {
  const notes: string[] = [];
  const numeric = byKind(...NUMERIC_KINDS)(features);
  const categorical = byKind('categorical')(features);
  const skipped = features.columns.filter((c) => !numeric.includes(c.name) && !categorical.includes(c.name));
  const parts: ColumnPart[] = [];
  if (numeric.length > 0) {
    const steps = [
      ...(needs.acceptsMissing ? [] : [simpleImputer({ strategy: 'median', addIndicator: true })]),
      ...(needs.wantsScaling ? [standardScaler()] : []),
    ];
    if (!needs.acceptsMissing) {
      notes.push(
        'Numeric columns: missing values filled with the training median, with a 0/1 column marking each filled cell.',
      );
    }
    if (needs.wantsScaling)
      notes.push('Numeric columns: standardised (mean 0, standard deviation 1 on the training rows).');
    // An empty chain passes the numbers through as they are (a tree needs neither step).
    parts.push({ name: 'numeric', transformer: chainTransformers(steps), columns: numeric });
  }
  if (categorical.length > 0) {
    parts.push({
      name: 'categorical',
      transformer: oneHotEncoder({ handleUnknown: 'ignore', minFrequency: RARE_LEVEL_SHARE }),
      columns: categorical,
    });
    notes.push(
      'Categorical columns: one 0/1 column per category; categories under 1% of rows share one column, and categories never seen in training encode as all zeros.',
    );
  }
  for (const column of skipped)
    notes.push(
      `"${column.name}" (${column.kind}) is left out: keel has no default encoding for ${column.kind} columns yet.`,
    );
  return { transformer: columnTransformer(parts, { remainder: 'drop' }), notes };
}
