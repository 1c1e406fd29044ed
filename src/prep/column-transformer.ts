import type { Artifact } from '../core/artifact.js';
import { SchemaError } from '../core/errors.js';
import type { ColumnKind } from '../data/column.js';
import { Frame } from '../data/frame.js';
import type { FitOptions, FittedTransformer, Params, Target, Transformer } from '../estimator/contract.js';
import { fromArtifact, registerLoader } from '../estimator/persist.js';
import { fitThenTransform } from './chain.js';

/**
 * Routes column subsets to transformers and puts their outputs side by side
 * (scikit-learn's ColumnTransformer): numbers to an imputer and a scaler,
 * categories to an encoder. Columns no part takes are dropped or passed
 * through (`remainder`). The fitted version stores the resolved column names,
 * so a selector chosen by kind is decided once, on the training frame.
 */
export type ColumnSelector = readonly string[] | ((frame: Frame) => string[]);

export interface ColumnPart {
  readonly name: string;
  readonly transformer: Transformer;
  readonly columns: ColumnSelector;
}

/** Selects the columns of the given kinds, in frame order. */
export function byKind(...kinds: ColumnKind[]): (frame: Frame) => string[] {
  return (frame) => frame.columns.filter((c) => kinds.includes(c.kind)).map((c) => c.name);
}

export function columnTransformer(
  parts: readonly ColumnPart[],
  options: { remainder?: 'drop' | 'passthrough' } = {},
): Transformer<FittedColumnTransformer> {
  const remainder = options.remainder ?? 'drop';
  // Each part's training output comes from fitThenTransform, so a part that
  // cross-fits (a target encoder) hands on its out-of-fold values, never
  // encodings of the rows' own targets.
  const fitTransform = (frame: Frame, y?: Target, fitOptions?: FitOptions) => {
    const fittedParts = parts.map((part) => {
      const columns = typeof part.columns === 'function' ? part.columns(frame) : part.columns;
      const { fitted, output } = fitThenTransform(part.transformer, frame.select(columns), y, fitOptions);
      return { part: { name: part.name, fitted }, output };
    });
    const taken = new Set(fittedParts.flatMap((p) => p.part.fitted.inputNames));
    const rest = remainder === 'passthrough' ? frame.names.filter((n) => !taken.has(n)) : [];
    // The columns it reads: the parts' and the passed-through ones (dropped columns are not needed later).
    const read = frame.names.filter((n) => taken.has(n) || rest.includes(n));
    const fitted = new FittedColumnTransformer(
      fittedParts.map((p) => p.part),
      rest,
      read,
    );
    const columns = [...fittedParts.flatMap((p) => p.output.columns), ...rest.map((n) => frame.column(n))];
    return { fitted, output: new Frame(columns, frame.source) };
  };
  return {
    kind: 'column-transformer',
    params: { remainder, parts: parts.map((p) => p.name) },
    fit: (frame, y, fitOptions) => fitTransform(frame, y, fitOptions).fitted,
    fitTransform,
  };
}

interface FittedPart {
  readonly name: string;
  readonly fitted: FittedTransformer;
}

export class FittedColumnTransformer implements FittedTransformer {
  readonly kind = 'column-transformer';

  constructor(
    readonly parts: readonly FittedPart[],
    /** Columns passed through unchanged, after the parts' outputs. */
    readonly passthrough: readonly string[],
    readonly inputNames: readonly string[],
  ) {
    const seen = new Set<string>();
    for (const name of this.outputNames) {
      if (seen.has(name)) {
        throw new SchemaError(
          'schema.duplicate-column',
          `two parts of the column transformer both write "${name}"`,
          {
            location: { column: name },
            hint: 'give each column to one part only',
          },
        );
      }
      seen.add(name);
    }
  }

  get params(): Params {
    return {
      remainder: this.passthrough.length > 0 ? 'passthrough' : 'drop',
      parts: this.parts.map((p) => p.name),
    };
  }

  get outputNames(): readonly string[] {
    return [...this.parts.flatMap((p) => p.fitted.outputNames), ...this.passthrough];
  }

  transform(frame: Frame): Frame {
    const outputs = this.parts.flatMap((p) => p.fitted.transform(frame).columns);
    const kept = this.passthrough.map((name) => frame.column(name));
    return new Frame([...outputs, ...kept], frame.source);
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: {
        parts: this.parts.map((p) => p.name),
        passthrough: this.passthrough,
        inputNames: this.inputNames,
      },
      arrays: {},
      children: Object.fromEntries(this.parts.map((p, k) => [`part${k}`, p.fitted.toArtifact()])),
    };
  }
}

registerLoader('column-transformer', 1, (a) => {
  const meta = a.meta as { parts: string[]; passthrough: string[]; inputNames: string[] };
  const parts = meta.parts.map((name, k) => ({
    name,
    fitted: fromArtifact(a.children![`part${k}`]!) as FittedTransformer,
  }));
  return new FittedColumnTransformer(parts, meta.passthrough, meta.inputNames);
});
