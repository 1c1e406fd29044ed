import type { Artifact, TypedArray } from '../core/artifact.js';
import { declare, domain, type ParamsOf, param } from '../core/declare.js';
import { SchemaError, UsageError } from '../core/errors.js';
import { type ArraySpec, array, field, storedArtifact } from '../core/stored.js';
import { compareCodePoints } from '../data/code-point-order.js';
import { Frame } from '../data/frame.js';
import type { FittedTransformer, Transformer } from '../estimator/contract.js';
import { registerKind } from '../estimator/kinds.js';
import { numberColumn } from './columns.js';
import { type Analyzer, wordAnalyzer } from './tokenize.js';

/**
 * TF-IDF weights of the words in free-text columns (scikit-learn's
 * TfidfVectorizer, same defaults). Each text column gets its own vocabulary,
 * and one output column per term, named `COLUMN:TERM` (a bigram reads
 * `review:lazy dog`), so several text columns never collide.
 *
 * For a term t in a document d of a training corpus of n documents:
 *   tf  = the count of t in d (with `sublinearTf`, 1 + ln(count)),
 *   idf = ln((1 + n) / (1 + df(t))) + 1   (`smoothIdf`; otherwise ln(n / df(t)) + 1),
 * and each document's vector is then scaled to unit length (`norm`: l2, l1, or none).
 *
 * - `minDf`, `maxDf`: keep terms found in at least / at most this many
 *   documents. `minDf` ≥ 1 is a count and below 1 a share; `maxDf` ≤ 1 is a
 *   share and above 1 a count (so both defaults keep every term).
 * - `maxFeatures`: keep only this many terms, the most frequent over the
 *   whole corpus; ties go to the term that sorts first. (scikit-learn leaves
 *   ties to numpy's unstable quicksort, so with many tied terms its pick can
 *   differ.)
 * - `stopWords`: tokens to drop (give them lower-cased when `lowercase` is on).
 *   scikit-learn's built-in 'english' list is not offered: pass a list.
 * - Missing text is an empty document; words not in the vocabulary are
 *   ignored. A column in which no term survives gives no output columns.
 */
const KIND = 'tfidf';

export const TFIDF = declare({
  kind: KIND,
  summary: 'TF-IDF weights of the words of free-text columns, one column per term',
  tasks: ['transform'],
  tags: { reads: ['text'] },
  params: {
    lowercase: param.bool({ default: true, doc: 'lower-case the text before splitting it into words' }),
    /** The smallest and largest n of the word n-grams counted, e.g. [1, 2] for words and pairs. */
    ngramRange: param.of<readonly number[]>([domain.list(domain.int({ min: 1 }))], {
      default: [1, 1],
      doc: 'the smallest and largest n of the word n-grams counted, e.g. [1, 2] for words and pairs',
    }),
    minDf: param.float({
      default: 1,
      min: 0,
      doc: 'keep terms found in at least this many documents (a count ≥ 1, or a share below 1)',
    }),
    maxDf: param.float({
      default: 1,
      min: 0,
      doc: 'keep terms found in at most this many documents (a share ≤ 1, or a count above 1)',
    }),
    maxFeatures: param.intOrNull({
      default: null,
      min: 1,
      doc: 'keep only this many terms, the most frequent (null: every term)',
    }),
    sublinearTf: param.bool({ default: false, doc: 'count a term 1 + ln(count) times instead of count' }),
    smoothIdf: param.bool({
      default: true,
      doc: 'add one to every document frequency, as if a document held every term once',
    }),
    norm: param.of<'l2' | 'l1' | null>([domain.enum('l2', 'l1'), domain.null()], {
      default: 'l2',
      doc: "scale each document's vector to unit length: l2, l1, or null for none",
    }),
    stopWords: param.of<readonly string[] | null>([domain.null(), domain.list(domain.text())], {
      default: null,
      doc: 'words to drop (lower-cased when lowercase is on); null: none',
    }),
  },
  check: checkParams,
});

export type TfidfParams = ParamsOf<typeof TFIDF.params>;

export function tfidfVectorizer(params: Partial<TfidfParams> = {}): Transformer<FittedTfidf> {
  const p = TFIDF.resolve(params);
  return {
    kind: KIND,
    params: p,
    fit(frame: Frame) {
      const analyze = analyzerFor(p);
      const vocabularies = frame.names.map((name) =>
        learnVocabulary(documentsOf(frame, name), analyze, p, frame.source, name),
      );
      return new FittedTfidf(
        p,
        frame.names,
        vocabularies.map((v) => v.terms),
        vocabularies.map((v) => v.idf),
      );
    },
  };
}

/** Rules between the values of one parameter, which its domain cannot state. */
function checkParams(p: {
  readonly ngramRange: readonly number[];
  readonly minDf: number;
  readonly maxDf: number;
}): void {
  const [low, high] = p.ngramRange;
  if (p.ngramRange.length !== 2 || high! < low!) {
    throw new UsageError(
      'usage.bad-param',
      `${KIND}: ngramRange must be two whole numbers [min, max] with 1 ≤ min ≤ max, not ${JSON.stringify(p.ngramRange)}`,
      { location: { field: 'ngramRange' }, hint: 'e.g. [1, 1] for words, [1, 2] for words and word pairs' },
    );
  }
  // A count is a whole number; below 1 (minDf) or up to 1 (maxDf) it is a share of the documents.
  for (const [name, value, share] of [
    ['minDf', p.minDf, p.minDf < 1],
    ['maxDf', p.maxDf, p.maxDf <= 1],
  ] as const) {
    if (!share && !Number.isInteger(value)) {
      throw new UsageError(
        'usage.bad-param',
        `${KIND}: ${name} must be a whole number when it counts documents, not ${value}`,
        { location: { field: name }, hint: `a share of the documents is written below 1, e.g. 0.05` },
      );
    }
  }
}

function analyzerFor(p: TfidfParams): Analyzer {
  return wordAnalyzer({
    lowercase: p.lowercase,
    stopWords: p.stopWords === null ? null : new Set(p.stopWords),
    ngramMin: p.ngramRange[0]!,
    ngramMax: p.ngramRange[1]!,
  });
}

/** The documents of a text column (a categorical column's labels also serve); null = missing. */
function documentsOf(frame: Frame, name: string): readonly (string | null)[] {
  const column = frame.column(name);
  if (column.storage === 'string') return column.values;
  if (column.storage === 'categorical') {
    return Array.from(column.codes, (code) => (code < 0 ? null : column.levels[code]!));
  }
  throw new SchemaError('schema.not-text', `${KIND} needs a text column, and "${name}" is ${column.kind}`, {
    location: { source: frame.source, column: name },
    hint: `read it as text (--kind ${name}=text), or route it to another transformer`,
  });
}

interface Vocabulary {
  /** Kept terms in code-point order: output column k is terms[k]. */
  readonly terms: readonly string[];
  readonly idf: Float64Array;
}

function learnVocabulary(
  documents: readonly (string | null)[],
  analyze: Analyzer,
  p: TfidfParams,
  source: string | undefined,
  name: string,
): Vocabulary {
  const documentFrequency = new Map<string, number>();
  const totalCount = new Map<string, number>();
  for (const document of documents) {
    const terms = analyze(document);
    for (const term of terms) totalCount.set(term, (totalCount.get(term) ?? 0) + 1);
    for (const term of new Set(terms)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const n = documents.length;
  const low = p.minDf >= 1 ? p.minDf : p.minDf * n;
  const high = p.maxDf <= 1 ? p.maxDf * n : p.maxDf;
  if (high < low) {
    throw new UsageError(
      'usage.bad-param',
      `${KIND}: on ${n} documents of "${name}", maxDf (${p.maxDf}) allows fewer documents than minDf (${p.minDf}) requires`,
      { location: { source, column: name, field: 'maxDf' }, hint: 'raise maxDf or lower minDf' },
    );
  }
  let terms = [...documentFrequency.keys()]
    .filter((t) => documentFrequency.get(t)! >= low && documentFrequency.get(t)! <= high)
    .sort(compareCodePoints);
  if (p.maxFeatures !== null && terms.length > p.maxFeatures) {
    // A stable sort of code-point-ordered terms: among equal counts, the first term wins.
    terms = [...terms]
      .sort((a, b) => totalCount.get(b)! - totalCount.get(a)!)
      .slice(0, p.maxFeatures)
      .sort(compareCodePoints);
  }
  const smooth = p.smoothIdf ? 1 : 0;
  const idf = Float64Array.from(
    terms,
    (t) => Math.log((n + smooth) / (documentFrequency.get(t)! + smooth)) + 1,
  );
  return { terms, idf };
}

export class FittedTfidf implements FittedTransformer {
  readonly kind = KIND;
  private readonly analyze: Analyzer;
  private readonly indices: readonly ReadonlyMap<string, number>[];

  constructor(
    readonly params: TfidfParams,
    readonly inputNames: readonly string[],
    /** Per input column, its vocabulary in output order. */
    readonly vocabularies: readonly (readonly string[])[],
    /** Per input column, the idf of each vocabulary term. */
    readonly idf: readonly Float64Array[],
  ) {
    this.analyze = analyzerFor(params);
    this.indices = vocabularies.map((terms) => new Map(terms.map((t, k) => [t, k])));
  }

  get outputNames(): readonly string[] {
    return this.inputNames.flatMap((name, j) => this.vocabularies[j]!.map((term) => `${name}:${term}`));
  }

  transform(frame: Frame): Frame {
    const names = this.outputNames;
    let at = 0;
    const columns = this.inputNames.flatMap((name, j) => {
      const outputs = this.weigh(documentsOf(frame, name), j);
      return outputs.map((values) => numberColumn(names[at++]!, values));
    });
    return new Frame(columns, frame.source);
  }

  /** One Float64Array per vocabulary term of input column j, holding each document's weight. */
  private weigh(documents: readonly (string | null)[], j: number): Float64Array[] {
    const index = this.indices[j]!;
    const idf = this.idf[j]!;
    const outputs = Array.from(idf, () => new Float64Array(documents.length));
    const counts = new Float64Array(idf.length);
    const seen: number[] = [];
    const { sublinearTf, norm } = this.params;
    documents.forEach((document, row) => {
      seen.length = 0;
      for (const term of this.analyze(document)) {
        const k = index.get(term);
        if (k === undefined) continue;
        if (counts[k] === 0) seen.push(k);
        counts[k]! += 1;
      }
      // Ascending term order, so the norm sums in the same order on every run.
      seen.sort((a, b) => a - b);
      let length = 0;
      for (const k of seen) {
        const tf = sublinearTf ? Math.log(counts[k]!) + 1 : counts[k]!;
        counts[k] = tf * idf[k]!;
        length += norm === 'l2' ? counts[k]! * counts[k]! : Math.abs(counts[k]!);
      }
      const divisor = norm === null || length === 0 ? 1 : norm === 'l2' ? Math.sqrt(length) : length;
      for (const k of seen) {
        outputs[k]![row] = counts[k]! / divisor;
        counts[k] = 0;
      }
    });
    return outputs;
  }

  toArtifact(): Artifact {
    const arrays: Record<string, TypedArray> = {};
    this.idf.forEach((values, j) => {
      arrays[`idf${j}`] = values;
    });
    return {
      kind: this.kind,
      version: 1,
      meta: { params: this.params, inputNames: this.inputNames, vocabularies: this.vocabularies },
      arrays,
    };
  }
}

/**
 * Whether some term of the default analyser (words of 2+ characters,
 * lower-cased) appears in at least `rows` documents of a text column. Stops
 * at the first such term, which usually comes within a few rows.
 */
export function hasTermInRows(documents: readonly (string | null)[], rows: number): boolean {
  const analyze = analyzerFor(TFIDF.defaults);
  const frequency = new Map<string, number>();
  for (const document of documents) {
    for (const term of new Set(analyze(document))) {
      const seen = (frequency.get(term) ?? 0) + 1;
      if (seen >= rows) return true;
      frequency.set(term, seen);
    }
  }
  return false;
}

function loadTfidf(artifact: Artifact, source: string): FittedTfidf {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    params: field.params(TFIDF),
    inputNames: field.strings(),
    vocabularies: field.list(field.strings()),
  });
  const p = meta.inputNames.length;
  stored.length('meta.vocabularies', meta.vocabularies.length, p, 'one per input column');
  const specs: Record<string, ArraySpec<Float64Array>> = {};
  meta.vocabularies.forEach((terms, j) => {
    specs[`idf${j}`] = array.f64(terms.length);
  });
  const arrays = stored.arrays(specs);
  const idf = meta.vocabularies.map((_, j) => arrays[`idf${j}`]!);
  return new FittedTfidf(meta.params, meta.inputNames, meta.vocabularies, idf);
}

registerKind({
  declaration: TFIDF,
  role: 'transformer',
  build: (spec) => tfidfVectorizer(TFIDF.resolve(spec.params)),
  load: loadTfidf,
});
