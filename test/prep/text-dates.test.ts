import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SchemaError, UsageError } from '../../src/core/errors.js';
import { compareCodePoints } from '../../src/data/code-point-order.js';
import type { Column } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import { loadTransformer, saveModel } from '../../src/estimator/persist.js';
import { DATE_PARTS, type DatePart, dateParts } from '../../src/prep/date-parts.js';
import { type TfidfParams, tfidfVectorizer } from '../../src/prep/tfidf.js';
import { expectOracleMatrix, oracleCase } from './more-fixture.js';

/** test/fixtures/prep/text_dates.json, written by make_text_dates.py. */
interface TfidfColumnCase {
  name: string;
  train: (string | null)[];
  new: (string | null)[];
  terms: string[];
  trainMatrix: number[][];
  newMatrix: number[][];
}
interface Fixture {
  csv: string;
  dates: Record<string, Record<string, (number | null)[]>>;
  tfidf: { name: string; params: Partial<TfidfParams>; columns: TfidfColumnCase[] }[];
}
const fixtureUrl = new URL('../fixtures/prep/', import.meta.url);
const fixture = JSON.parse(readFileSync(new URL('text_dates.json', fixtureUrl), 'utf8')) as Fixture;

function textFrame(columns: Record<string, readonly (string | null)[]>): Frame {
  return new Frame(
    Object.entries(columns).map(
      ([name, values]): Column => ({ storage: 'string', name, kind: 'text', values }),
    ),
    'notes.csv',
  );
}

/** The largest |got − want| / max(1, |want|) over a frame and a row-major oracle matrix. */
function worstError(frame: Frame, expected: number[][]): number {
  const got = frame.toMatrix();
  expect(got.rows).toBe(expected.length);
  let worst = 0;
  expected.forEach((row, i) => {
    expect(row.length).toBe(got.cols);
    row.forEach((want, j) => {
      worst = Math.max(worst, Math.abs(got.data[i * got.cols + j]! - want) / Math.max(1, Math.abs(want)));
    });
  });
  return worst;
}

/** The oracle's per-column matrices side by side, as keel lays its output out. */
function sideBySide(columns: TfidfColumnCase[], which: 'trainMatrix' | 'newMatrix'): number[][] {
  return columns[0]![which].map((_, i) => columns.flatMap((c) => c[which][i]!));
}

describe('TF-IDF vectorizer', () => {
  for (const c of fixture.tfidf) {
    it(`${c.name}: terms, training and new-document weights as scikit-learn’s TfidfVectorizer (1e-12), also after save and load`, () => {
      const train = textFrame(Object.fromEntries(c.columns.map((col) => [col.name, col.train])));
      const fresh = textFrame(Object.fromEntries(c.columns.map((col) => [col.name, col.new])));
      const fitted = tfidfVectorizer(c.params).fit(train);
      expect(fitted.vocabularies).toEqual(c.columns.map((col) => col.terms));
      expect(fitted.outputNames).toEqual(
        c.columns.flatMap((col) => col.terms.map((t) => `${col.name}:${t}`)),
      );
      const reloaded = loadTransformer(saveModel(fitted));
      expect(reloaded.outputNames).toEqual(fitted.outputNames);
      for (const model of [fitted, reloaded]) {
        expect(worstError(model.transform(train), sideBySide(c.columns, 'trainMatrix'))).toBeLessThanOrEqual(
          1e-12,
        );
        expect(worstError(model.transform(fresh), sideBySide(c.columns, 'newMatrix'))).toBeLessThanOrEqual(
          1e-12,
        );
      }
    });
  }

  for (const [name, params] of [
    ['tfidf', {}],
    ['tfidf-sublinear-bigrams', { ngramRange: [1, 2], sublinearTf: true, minDf: 2 }],
  ] as const) {
    it(`${name} (prep_more.json): the same terms and weights as scikit-learn (1e-12)`, () => {
      const c = oracleCase(name);
      const frame = textFrame({ text: c.corpus! });
      const fitted = tfidfVectorizer(params).fit(frame);
      expect(fitted.vocabularies[0]).toEqual(c.outputNames);
      expectOracleMatrix(fitted, frame, c.matrix, 1e-12);
    });
  }

  it('keeps the first terms in term order among those tied at the maxFeatures cut, where scikit-learn’s pick follows numpy’s unstable sort', () => {
    // Counts on this corpus: the 10; 42, dog 3; and, café, fox, is, lazy, never 2. Five terms
    // cut through the six tied at 2: keel takes "and" and "café", scikit-learn took "café" and "is".
    const c = oracleCase('tfidf-max-features');
    const fitted = tfidfVectorizer({ maxFeatures: 5 }).fit(textFrame({ text: c.corpus! }));
    expect(c.outputNames).toEqual(['42', 'café', 'dog', 'is', 'the']);
    expect(fitted.vocabularies[0]).toEqual(['42', 'and', 'café', 'dog', 'the']);
  });

  it('sorts terms by code point, as Python does, not by UTF-16 unit', () => {
    expect(['𝐀', 'ﬀ', 'z'].sort(compareCodePoints)).toEqual(['z', 'ﬀ', '𝐀']);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('dog', 'dog')).toBe(0);
  });

  it('gives missing text an all-zero row, and a column without terms no columns', () => {
    const frame = textFrame({ note: ['red fox', null, 'red dog'], blank: ['a', null, 'b c'] });
    const fitted = tfidfVectorizer().fit(frame);
    expect(fitted.outputNames).toEqual(['note:dog', 'note:fox', 'note:red']);
    const out = fitted.transform(frame).toMatrix();
    expect(Array.from(out.data.slice(3, 6))).toEqual([0, 0, 0]);
  });

  it('does not change the frame it is given', () => {
    const values = ['The Fox', 'the dog'];
    const frame = textFrame({ note: values });
    tfidfVectorizer().fit(frame).transform(frame);
    expect(values).toEqual(['The Fox', 'the dog']);
  });

  it('refuses a numeric column, naming it', () => {
    const frame = new Frame([
      { storage: 'number', name: 'age', kind: 'numeric', values: Float64Array.of(1) },
    ]);
    expect(() => tfidfVectorizer().fit(frame)).toThrow(SchemaError);
    expect(() => tfidfVectorizer().fit(frame)).toThrow(/"age" is numeric/);
  });

  it('refuses parameters it cannot use', () => {
    expect(() => tfidfVectorizer({ ngramRange: [2, 1] })).toThrow(/ngramRange/);
    expect(() => tfidfVectorizer({ norm: 'l3' as never })).toThrow(/norm/);
    expect(() => tfidfVectorizer({ minDf: 2.5 })).toThrow(/minDf must be a whole number/);
    expect(() => tfidfVectorizer({ stopWords: 'english' as never })).toThrow(UsageError);
    const frame = textFrame({ note: ['red fox', 'red dog', 'blue fox', 'blue cat'] });
    expect(() => tfidfVectorizer({ minDf: 3, maxDf: 0.5 }).fit(frame)).toThrow(
      /maxDf .* fewer documents than minDf/,
    );
  });
});

describe('date parts', () => {
  const csv = new URL(fixture.csv, fixtureUrl).pathname;
  const allParts = DATE_PARTS as readonly string[];

  it('reads the CSV’s time stamps as UTC epoch milliseconds', async () => {
    const frame = await readTable(csv);
    expect(frame.column('when').kind).toBe('datetime');
    expect(frame.column('day').kind).toBe('datetime');
    const when = frame.toMatrix(['when']).data;
    expect(when[0]).toBe(Date.UTC(2024, 1, 29, 13, 45, 7));
    expect(when[3]).toBeNaN();
    expect(when[4]).toBe(Date.UTC(1969, 6, 20, 20, 17, 40));
    expect(frame.toMatrix(['day']).data[8]).toBe(Date.UTC(1900, 11, 31));
  });

  it('gives every part exactly as pandas’ .dt accessors (sin/cos to 1e-15), also after save and load', async () => {
    const frame = await readTable(csv);
    const fitted = dateParts({ parts: allParts, cyclical: true }).fit(frame);
    const reloaded = loadTransformer(saveModel(fitted));
    for (const model of [fitted, reloaded]) {
      const out = model.transform(frame);
      for (const [column, parts] of Object.entries(fixture.dates)) {
        for (const [part, expected] of Object.entries(parts)) {
          const got = Array.from(out.toMatrix([`${column}:${part}`]).data);
          const want = expected.map((v) => v ?? Number.NaN);
          if (part.endsWith('_sin') || part.endsWith('_cos')) {
            got.forEach((v, i) => {
              if (Number.isNaN(want[i]!)) expect(v).toBeNaN();
              else expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-15);
            });
          } else {
            expect(got, `${column}:${part}`).toEqual(want);
          }
        }
      }
    }
  });

  it('keeps by default only the parts that vary in training: no clock parts for dates at midnight', async () => {
    const frame = await readTable(csv);
    const fitted = dateParts().fit(frame);
    const clock: DatePart[] = ['hour', 'minute', 'second'];
    expect(fitted.parts[0]).toEqual(DATE_PARTS);
    expect(fitted.parts[1]).toEqual(DATE_PARTS.filter((p) => !clock.includes(p) && p !== 'isMissing'));
    // Decided at fit time and kept: a single midnight row still gets the same columns.
    const one = frame.take([2]);
    expect(fitted.transform(one).names).toEqual(fitted.outputNames);
    expect(dateParts().fit(one).outputNames).toEqual([]);
  });

  it('adds sin/cos pairs only for the periodic parts it outputs', () => {
    const frame = stamps([Date.UTC(2024, 0, 1), Date.UTC(2024, 11, 1)]);
    const fitted = dateParts({ parts: ['month', 'year'], cyclical: true }).fit(frame);
    expect(fitted.outputNames).toEqual(['t:year', 't:month', 't:month_sin', 't:month_cos']);
    const december = fitted.transform(frame).toMatrix(['t:month_sin', 't:month_cos']).data.slice(2);
    // December is one twelfth of a turn before January, which sits at angle 0.
    expect(december[0]).toBeCloseTo(-0.5, 15);
    expect(december[1]).toBeCloseTo(Math.sqrt(3) / 2, 15);
  });

  it('agrees with Date’s own calendar on day of year and weekday over 40,000 random instants', () => {
    const values = new Float64Array(40_000);
    let seed = 12345;
    for (let i = 0; i < values.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      values[i] = Date.UTC(1600, 0, 1) + (seed / 2 ** 31) * (Date.UTC(2400, 0, 1) - Date.UTC(1600, 0, 1));
    }
    const out = dateParts({ parts: ['dayOfYear', 'dayOfWeek'] })
      .fit(stamps(values))
      .transform(stamps(values))
      .toMatrix(['t:dayOfYear', 't:dayOfWeek']);
    let disagreements = 0;
    for (let i = 0; i < values.length; i++) {
      const d = new Date(values[i]!);
      const jan1 = Date.UTC(d.getUTCFullYear(), 0, 1);
      const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      if (out.data[2 * i] !== (midnight - jan1) / DAY + 1) disagreements++;
      if (out.data[2 * i + 1] !== (d.getUTCDay() + 6) % 7) disagreements++;
    }
    expect(disagreements).toBe(0);
  });

  it('refuses a column that is not a datetime, and a part it does not know', () => {
    const numbers = new Frame([
      { storage: 'number', name: 'x', kind: 'numeric', values: Float64Array.of(1) },
    ]);
    expect(() => dateParts().fit(numbers)).toThrow(/"x" is numeric/);
    expect(() => dateParts({ parts: ['weekday'] })).toThrow(
      /parts must be null or a list of "year", .* not \["weekday"\]/,
    );
    const fitted = dateParts().fit(stamps([0, DAY]));
    const notDates = new Frame([
      { storage: 'number', name: 't', kind: 'numeric', values: Float64Array.of(1) },
    ]);
    expect(() => fitted.transform(notDates)).toThrow(/"t" is numeric/);
  });
});

const DAY = 86_400_000;

function stamps(values: ArrayLike<number>): Frame {
  return new Frame([{ storage: 'number', name: 't', kind: 'datetime', values: Float64Array.from(values) }]);
}
