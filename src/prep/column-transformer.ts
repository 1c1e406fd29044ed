import type { Artifact, Json } from '../core/artifact.js';
import { declare, domain, param } from '../core/declare.js';
import { SchemaError } from '../core/errors.js';
import { field, storedArtifact } from '../core/stored.js';
import { COLUMN_KINDS, type ColumnKind } from '../data/column.js';
import { Frame } from '../data/frame.js';
import type {
  FitOptions,
  FittedTransformer,
  Params,
  Spec,
  Target,
  Transformer,
} from '../estimator/contract.js';
import { buildTransformer, registerKind, specOf } from '../estimator/kinds.js';
import { fitThenTransform } from './chain.js';
import { loadPart, numbered, specChildren, specError } from './parts.js';

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

/** A selector by column kind, which says which kinds it takes (so a spec can hold it as data). */
export interface KindSelector {
  (frame: Frame): string[];
  readonly kinds: readonly ColumnKind[];
}

/** Selects the columns of the given kinds, in frame order. */
export function byKind(...kinds: ColumnKind[]): KindSelector {
  const select = (frame: Frame) => frame.columns.filter((c) => kinds.includes(c.kind)).map((c) => c.name);
  return Object.assign(select, { kinds: [...kinds] });
}

export const COLUMN_TRANSFORMER = declare({
  kind: 'column-transformer',
  summary: 'routes column subsets to transformers and puts their outputs side by side',
  tasks: ['transform'],
  tags: { reads: ['numeric', 'categorical'] },
  params: {
    remainder: param.choice(['drop', 'passthrough'], {
      default: 'drop',
      doc: 'the columns no part takes: dropped, or passed through after the parts',
    }),
    parts: param.of<readonly string[]>([domain.list(domain.text())], {
      default: [],
      doc: 'the names of its parts (their transformers are its children part0, part1, …)',
    }),
  },
});

/**
 * A part's columns in a spec: the names, `{ kinds: [...] }` for a selector by
 * kind, or `{ function: name }` for a selector function, which a spec cannot
 * hold (building from such a spec is refused).
 */
export type ColumnsSpec =
  | readonly string[]
  | { readonly kinds: readonly string[] }
  | { readonly function: string };

function columnsSpec(columns: ColumnSelector): ColumnsSpec {
  if (typeof columns !== 'function') return [...columns];
  const kinds = (columns as Partial<KindSelector>).kinds;
  return kinds !== undefined ? { kinds: [...kinds] } : { function: columns.name || '(anonymous)' };
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
      return { part: { name: part.name, fitted, columns: [...columns] }, output };
    });
    const taken = new Set(fittedParts.flatMap((p) => p.part.fitted.inputNames));
    const rest = remainder === 'passthrough' ? frame.names.filter((n) => !taken.has(n)) : [];
    // The columns it reads: the parts' and the passed-through ones (dropped columns are not needed later).
    const read = frame.names.filter((n) => taken.has(n) || rest.includes(n));
    const fitted = new FittedColumnTransformer(
      fittedParts.map((p) => p.part),
      rest,
      read,
      remainder,
    );
    const columns = [...fittedParts.flatMap((p) => p.output.columns), ...rest.map((n) => frame.column(n))];
    return { fitted, output: new Frame(columns, frame.source) };
  };
  const params = { remainder, parts: parts.map((p) => p.name) };
  return {
    kind: 'column-transformer',
    params,
    get spec(): Spec {
      return columnTransformerSpec(
        params,
        parts.map((p) => columnsSpec(p.columns)),
        parts.map((p) => specOf(p.transformer)),
      );
    },
    fit: (frame, y, fitOptions) => fitTransform(frame, y, fitOptions).fitted,
    fitTransform,
  };
}

interface FittedPart {
  readonly name: string;
  readonly fitted: FittedTransformer;
  /** The columns its selector chose on the training frame (not stored: a loaded part has its inputNames). */
  readonly columns?: readonly string[];
}

export class FittedColumnTransformer implements FittedTransformer {
  readonly kind = 'column-transformer';

  constructor(
    readonly parts: readonly FittedPart[],
    /** Columns passed through unchanged, after the parts' outputs. */
    readonly passthrough: readonly string[],
    readonly inputNames: readonly string[],
    /** As it was asked for, when known (a loaded one tells only whether it passes columns through). */
    private readonly remainder?: 'drop' | 'passthrough',
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

  /** Each part with the columns it was given on the training frame, so building it again chooses the same. */
  get spec(): Spec {
    const params = { ...this.params, ...(this.remainder === undefined ? {} : { remainder: this.remainder }) };
    return columnTransformerSpec(
      params,
      this.parts.map((p) => [...(p.columns ?? p.fitted.inputNames)]),
      this.parts.map((p) => specOf(p.fitted)),
    );
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

/** The spec: remainder and part names, each part's columns, and the parts' transformers as children part0, part1, …. */
function columnTransformerSpec(
  params: Params,
  columns: readonly ColumnsSpec[],
  parts: readonly Spec[],
): Spec {
  return {
    kind: 'column-transformer',
    params: { ...params, columns: columns as Json },
    children: Object.fromEntries(parts.map((part, k) => [`part${k}`, part])),
  };
}

function loadColumnTransformer(artifact: Artifact, source: string): FittedColumnTransformer {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    parts: field.strings(),
    passthrough: field.strings(),
    inputNames: field.strings(),
  });
  stored.arrays({});
  meta.passthrough.forEach((name, k) => {
    stored.require(
      meta.inputNames.includes(name),
      `meta.passthrough[${k}]`,
      `is "${name}", not an input column`,
    );
  });
  const names = numbered('part', meta.parts.length);
  stored.childNames((name) => names.includes(name));
  const parts = meta.parts.map((name, k) => ({
    name,
    fitted: loadPart(artifact, `part${k}`, 'transformer', source),
  }));
  // Two parts writing one column would be refused by the constructor, and not as a stored field.
  const written = new Set<string>();
  const writes = (name: string, path: string) => {
    stored.require(!written.has(name), path, `writes "${name}", which another part writes too`);
    written.add(name);
  };
  parts.forEach((part, k) => {
    for (const name of part.fitted.outputNames) writes(name, `children.part${k}`);
  });
  meta.passthrough.forEach((name, k) => {
    writes(name, `meta.passthrough[${k}]`);
  });
  return new FittedColumnTransformer(parts, meta.passthrough, meta.inputNames);
}

function buildColumnTransformer(spec: Spec): Transformer<FittedColumnTransformer> {
  const { columns, ...rest } = spec.params;
  const params = COLUMN_TRANSFORMER.resolve(rest);
  if (!Array.isArray(columns) || columns.length !== params.parts.length) {
    throw specError(
      spec.kind,
      'params.columns',
      `must list the columns of each of its ${params.parts.length} parts`,
    );
  }
  const transformers = specChildren(spec, numbered('part', params.parts.length)).map(buildTransformer);
  const parts = params.parts.map((name, k) => ({
    name,
    transformer: transformers[k]!,
    columns: selectorOf(columns[k], `params.columns[${k}]`),
  }));
  return columnTransformer(parts, { remainder: params.remainder });
}

/** A part's columns from its spec: names, or `{ kinds }`; a selector function cannot be rebuilt. */
function selectorOf(value: Json | undefined, path: string): ColumnSelector {
  const kind = 'column-transformer';
  if (Array.isArray(value)) {
    if (value.every((name) => typeof name === 'string')) return value as string[];
    throw specError(kind, path, 'must list column names (text)');
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { kinds, function: selector } = value as { kinds?: Json; function?: Json };
    if (typeof selector === 'string') {
      throw specError(
        kind,
        path,
        `is a selector function ("${selector}"), which a spec cannot rebuild: give the column names or { kinds: [...] }`,
      );
    }
    if (
      Object.keys(value).length === 1 &&
      Array.isArray(kinds) &&
      kinds.every((k) => COLUMN_KINDS.includes(k as ColumnKind))
    ) {
      return byKind(...(kinds as ColumnKind[]));
    }
  }
  throw specError(
    kind,
    path,
    `must be a list of column names or { kinds: [${COLUMN_KINDS.map((k) => `"${k}"`).join(', ')}] }`,
  );
}

registerKind({
  declaration: COLUMN_TRANSFORMER,
  role: 'transformer',
  build: buildColumnTransformer,
  load: loadColumnTransformer,
});
