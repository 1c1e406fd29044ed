import { describe, expect, it } from 'vitest';
import { categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import type { Target } from '../../src/estimator/contract.js';
import { loadModel, loadTransformer, saveModel } from '../../src/estimator/persist.js';
import { ridge } from '../../src/models/linear/ridge.js';
import { defaultPreprocessing } from '../../src/prep/defaults.js';
import { pipeline } from '../../src/prep/pipeline.js';

const GAP = Number.NaN;
const day = (y: number, m: number, d: number, h = 0) => Date.UTC(y, m - 1, d, h);

/** Eight listings: a number, a category, a date, a review, a text without repeated words, and a key. */
const listings = new Frame([
  { storage: 'number', name: 'rooms', kind: 'integer', values: Float64Array.of(2, 3, GAP, 1, 4, 2, 3, 5) },
  categoricalFromLabels('city', ['Oslo', 'Bergen', 'Oslo', 'Oslo', 'Bergen', 'Oslo', 'Bergen', 'Oslo']),
  {
    storage: 'number',
    name: 'listed',
    kind: 'datetime',
    values: Float64Array.of(
      day(2023, 1, 2, 9),
      day(2023, 3, 15, 14),
      GAP,
      day(2023, 12, 30, 18),
      day(2024, 2, 29, 9),
      day(2024, 6, 1, 11),
      day(2024, 7, 7, 16),
      day(2024, 11, 20, 10),
    ),
  },
  {
    storage: 'string',
    name: 'review',
    kind: 'text',
    values: [
      'Bright flat, quiet street',
      'Quiet flat near the park',
      null,
      'Small flat, noisy street',
      'Bright and quiet, big park',
      'Noisy but bright',
      'Big flat with a park view',
      'Quiet, bright, big',
    ],
  },
  { storage: 'string', name: 'code', kind: 'text', values: ['a1', 'b2', 'c3', 'd4', 'e5', 'f6', 'g7', 'h8'] },
  { storage: 'string', name: 'key', kind: 'id', values: ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8'] },
]);
const price: Target = {
  name: 'price',
  task: 'regression',
  values: Float64Array.of(10, 14, 12, 7, 20, 9, 18, 22),
  classes: [],
};

/** The terms in at least two reviews, in code-point order. */
const REVIEW_TERMS = ['big', 'bright', 'flat', 'noisy', 'park', 'quiet', 'street'];

describe('default preprocessing of text and date columns', () => {
  it('turns a date into its varying calendar parts and a review into TF-IDF terms, imputed and scaled for ridge', () => {
    const { transformer, notes } = defaultPreprocessing(listings, {
      acceptsMissing: false,
      wantsScaling: true,
    });
    const fitted = transformer.fit(listings, price);
    // Every listing is on the hour, so minute and second do not vary; one date is missing.
    const dateParts = [
      'year',
      'month',
      'day',
      'dayOfWeek',
      'dayOfYear',
      'quarter',
      'hour',
      'isWeekend',
      'elapsedDays',
      'isMissing',
      'month_sin',
      'month_cos',
      'dayOfWeek_sin',
      'dayOfWeek_cos',
      'hour_sin',
      'hour_cos',
    ];
    expect(fitted.outputNames).toEqual([
      'rooms',
      'rooms__missing',
      'city=Bergen',
      'city=Oslo',
      ...dateParts.map((p) => `listed:${p}`),
      ...REVIEW_TERMS.map((t) => `review:${t}`),
    ]);
    const out = fitted.transform(listings).toMatrix();
    expect(out.data.every(Number.isFinite)).toBe(true);
    // Scaled: the imputed, standardised year has mean 0 on the training rows.
    const year = fitted.transform(listings).toMatrix(['listed:year']).data;
    expect(Math.abs(year.reduce((a, b) => a + b, 0))).toBeLessThan(1e-12);
    expect(loadTransformer(saveModel(fitted)).transform(listings).toMatrix()).toEqual(out);

    expect(notes.some((n) => n.startsWith('Date columns: split into calendar parts'))).toBe(true);
    expect(notes.some((n) => n.startsWith('Text columns: TF-IDF') && n.includes('up to 1000'))).toBe(true);
    expect(notes).toContain('"key" (id) is left out: a key identifies rows and predicts nothing.');
    expect(notes.some((n) => n.startsWith('"code" (text) is left out'))).toBe(true);
    expect(notes.join(' ')).not.toMatch(/no default encoding/);
  });

  it('fits a ridge pipeline on the result, which predicts and reloads with the same predictions', () => {
    const { transformer } = defaultPreprocessing(listings, { acceptsMissing: false, wantsScaling: true });
    const model = pipeline([transformer], ridge()).fit(listings, price);
    const predictions = model.predict(listings);
    expect(predictions.every(Number.isFinite)).toBe(true);
    // With 27 features for 8 rows, ridge fits the training prices closely.
    const error = predictions.reduce((sum, p, i) => sum + Math.abs(p - price.values[i]!), 0) / 8;
    expect(error).toBeLessThan(2);
    expect(Array.from(loadModel(saveModel(model)).predict(listings))).toEqual(Array.from(predictions));
  });

  it('keeps date parts raw, with the gap as NaN, for a model that takes missing values and scale as they are', () => {
    const { transformer, notes } = defaultPreprocessing(listings, {
      acceptsMissing: true,
      wantsScaling: false,
    });
    const fitted = transformer.fit(listings);
    expect(fitted.outputNames).not.toContain('listed:month_sin');
    const out = fitted.transform(listings).toMatrix(['listed:year', 'listed:month', 'listed:isMissing']);
    expect(Array.from(out.data.slice(0, 9))).toEqual([2023, 1, 0, 2023, 3, 0, GAP, GAP, 1]);
    expect(notes.find((n) => n.startsWith('Date columns'))).not.toMatch(/median|standardised|sine/);
  });

  it('caps the vocabulary on a large table, so the dense TF-IDF columns stay near 256 MiB', () => {
    const rows = 100_000;
    const big = new Frame([
      {
        storage: 'string',
        name: 'review',
        kind: 'text',
        values: Array.from({ length: rows }, (_, i) => `flat ${i}`),
      },
    ]);
    const { notes } = defaultPreprocessing(big, { acceptsMissing: false, wantsScaling: false });
    // 2^25 cells / 100,000 rows.
    expect(notes.find((n) => n.startsWith('Text columns'))).toMatch(/up to 335 of the most frequent terms/);
  });
});
