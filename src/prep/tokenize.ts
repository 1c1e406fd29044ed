/**
 * Splitting free text into the terms a text vectoriser counts, the way
 * scikit-learn's default word analyser does: lower-case (optionally), take
 * every run of two or more word characters as a token, drop stop words,
 * then join neighbouring tokens into n-grams.
 *
 * "Word characters" are Unicode letters, digits (any numeric character) and
 * the underscore — what Python's `\w` matches — so "café" and "plaît" are one
 * token each, while an apostrophe, a hyphen or a combining accent ends one.
 * A run is taken whole, so "dog's" gives "dog" (the lone "s" is too short).
 */
const WORD_RUN = /[\p{L}\p{N}_]{2,}/gu;

export interface AnalyzerOptions {
  readonly lowercase: boolean;
  /** Tokens to drop before n-grams are formed (compared after lower-casing). */
  readonly stopWords: ReadonlySet<string> | null;
  readonly ngramMin: number;
  readonly ngramMax: number;
}

/** The terms of one document, with repeats (one entry per occurrence); null text has none. */
export type Analyzer = (text: string | null) => string[];

export function wordAnalyzer(options: AnalyzerOptions): Analyzer {
  const { lowercase, stopWords, ngramMin, ngramMax } = options;
  return (text) => {
    if (text === null) return [];
    let tokens: string[] = (lowercase ? text.toLowerCase() : text).match(WORD_RUN) ?? [];
    if (stopWords !== null) tokens = tokens.filter((t) => !stopWords.has(t));
    if (ngramMax === 1) return tokens;
    const terms = ngramMin === 1 ? [...tokens] : [];
    for (let n = Math.max(ngramMin, 2); n <= ngramMax; n++) {
      for (let i = 0; i + n <= tokens.length; i++) terms.push(tokens.slice(i, i + n).join(' '));
    }
    return terms;
  };
}
