import type { Frame } from '../data/frame.js';
import type { Transformer } from '../estimator/contract.js';
import { chainTransformers } from './chain.js';
import { byKind, type ColumnPart, columnTransformer } from './column-transformer.js';
import { dateParts } from './date-parts.js';
import { simpleImputer } from './impute.js';
import { oneHotEncoder } from './one-hot.js';
import { standardScaler } from './scale.js';
import { hasTermInRows, tfidfVectorizer } from './tfidf.js';

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
  /** The model splits categorical columns itself (gradient boosting): no one-hot encoding. */
  readonly nativeCategorical?: boolean;
}

export interface DefaultPreprocessing {
  readonly transformer: Transformer;
  readonly notes: readonly string[];
}

const NUMERIC_KINDS = ['numeric', 'integer', 'boolean'] as const;

/** Categories with fewer rows than this share are grouped, so rare levels do not each get a column. */
const RARE_LEVEL_SHARE = 0.01;

/** A term must appear in this many rows to get a column: a word seen once cannot generalise. */
const TEXT_MIN_ROWS = 2;
/** At most this many terms per text column, the most frequent. */
const TEXT_MAX_TERMS = 1000;
/**
 * Frames are dense, so a text column costs rows × terms doubles: the term cap
 * shrinks on large tables to keep that near 2^25 cells (256 MiB), with at
 * least TEXT_MIN_TERMS terms.
 */
const TEXT_CELL_BUDGET = 2 ** 25;
const TEXT_MIN_TERMS = 20;

export function defaultPreprocessing(features: Frame, needs: PreprocessingNeeds): DefaultPreprocessing {
  const notes: string[] = [];
  const numeric = byKind(...NUMERIC_KINDS)(features);
  const categorical = byKind('categorical')(features);
  const datetime = byKind('datetime')(features);
  const texts = byKind('text')(features);
  const wordy = texts.filter((name) => hasTermInRows(textValues(features, name), TEXT_MIN_ROWS));
  const parts: ColumnPart[] = [];
  if (numeric.length > 0) {
    if (!needs.acceptsMissing) {
      notes.push(
        'Numeric columns: missing values filled with the training median, with a 0/1 column marking each filled cell.',
      );
    }
    if (needs.wantsScaling)
      notes.push('Numeric columns: standardised (mean 0, standard deviation 1 on the training rows).');
    // An empty chain passes the numbers through as they are (a tree needs neither step).
    parts.push({ name: 'numeric', transformer: numberSteps(needs, [], true), columns: numeric });
  }
  if (categorical.length > 0 && needs.nativeCategorical === true) {
    parts.push({ name: 'categorical', transformer: chainTransformers([]), columns: categorical });
    notes.push(
      'Categorical columns: used as they are; the model splits on sets of categories itself, and treats categories never seen in training as missing.',
    );
  } else if (categorical.length > 0) {
    parts.push({
      name: 'categorical',
      transformer: oneHotEncoder({ handleUnknown: 'ignore', minFrequency: RARE_LEVEL_SHARE }),
      columns: categorical,
    });
    notes.push(
      'Categorical columns: one 0/1 column per category; categories under 1% of rows share one column, and categories never seen in training encode as all zeros.',
    );
  }
  if (datetime.length > 0) {
    // Linear models, kNN and MLPs cannot bend a straight month axis into a year's circle; trees can.
    const cyclical = needs.wantsScaling;
    parts.push({
      name: 'datetime',
      transformer: numberSteps(needs, [dateParts({ cyclical })], false),
      columns: datetime,
    });
    notes.push(datetimeNote(needs, cyclical));
  }
  if (wordy.length > 0) {
    const maxFeatures = textTermCap(features.rowCount);
    parts.push({
      name: 'text',
      transformer: tfidfVectorizer({ minDf: TEXT_MIN_ROWS, maxFeatures }),
      columns: wordy,
    });
    notes.push(
      `Text columns: TF-IDF of their words (lower-cased runs of 2+ letters or digits): one column per term, for up to ${maxFeatures} of the most frequent terms found in at least ${TEXT_MIN_ROWS} rows${maxFeatures < TEXT_MAX_TERMS ? ` (fewer than ${TEXT_MAX_TERMS} on a table this large, to bound memory)` : ''}; each row's vector has length 1, missing text has none, and words never seen in training are ignored.`,
    );
  }
  for (const column of features.columns) {
    if (column.kind === 'id') {
      notes.push(`"${column.name}" (id) is left out: a key identifies rows and predicts nothing.`);
    } else if (column.kind === 'text' && !wordy.includes(column.name)) {
      notes.push(
        `"${column.name}" (text) is left out: no word of 2+ letters or digits appears in ${TEXT_MIN_ROWS} or more rows.`,
      );
    }
  }
  return { transformer: columnTransformer(parts, { remainder: 'drop' }), notes };
}

/** `first`, then median imputation (unless the model takes NaN) and standardising (if it wants it). */
function numberSteps(needs: PreprocessingNeeds, first: Transformer[], addIndicator: boolean): Transformer {
  return chainTransformers([
    ...first,
    ...(needs.acceptsMissing ? [] : [simpleImputer({ strategy: 'median', addIndicator })]),
    ...(needs.wantsScaling ? [standardScaler()] : []),
  ]);
}

function datetimeNote(needs: PreprocessingNeeds, cyclical: boolean): string {
  const steps = [
    ...(cyclical ? ['sine and cosine of month, weekday and hour, so December sits next to January'] : []),
    ...(needs.acceptsMissing ? [] : ['missing parts filled with the training median']),
    ...(needs.wantsScaling ? ['standardised'] : []),
  ];
  return `Date columns: split into calendar parts (year, month, day, weekday, day of year, quarter, hour, minute, second, weekend, days since 1970, and a 0/1 column for a missing date), keeping those that vary in training${steps.length > 0 ? `; ${steps.join('; ')}` : ''}.`;
}

function textValues(features: Frame, name: string): readonly (string | null)[] {
  const column = features.column(name);
  return column.storage === 'string' ? column.values : [];
}

function textTermCap(rows: number): number {
  return Math.min(TEXT_MAX_TERMS, Math.max(TEXT_MIN_TERMS, Math.floor(TEXT_CELL_BUDGET / Math.max(1, rows))));
}
