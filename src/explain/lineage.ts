import type { FittedTransformer } from '../estimator/contract.js';
import type { FittedChain } from '../prep/chain.js';
import type { FittedColumnTransformer } from '../prep/column-transformer.js';

/**
 * Where each column a preprocessing step outputs comes from, so that an
 * attribution to a transformed feature can be credited to the columns the
 * user gave: `color=red` (one-hot) → `color`, `age__missing` (an imputer's
 * indicator) → `age`, `a*b` (polynomial) → half to `a`, half to `b`.
 */
export interface Source {
  readonly column: string;
  /** The share of the output's attribution credited to `column`; an output's shares sum to 1. */
  readonly share: number;
}

/** Output name → its sources; a name absent from the map cannot be traced. */
export type Lineage = ReadonlyMap<string, readonly Source[]>;

/**
 * Steps that write each output from one input column, named as the input
 * (`x`), or the input and a suffix: `x=level` (one-hot), `x:part` (date
 * parts, TF-IDF terms, per-class target encodings), `x__missing` (imputer
 * indicators). The k-NN imputer reads other columns to fill a cell; the
 * filled cell is still credited to its own column. Kinds not listed (and
 * new ones) are not traced: an explanation must not guess.
 */
const PER_COLUMN_KINDS = new Set([
  'imputer',
  'knn-imputer',
  'one-hot',
  'ordinal',
  'target-encoder',
  'tfidf',
  'date-parts',
  'outlier-clipper',
  'power-transformer',
  'quantile-transformer',
  'standard-scaler',
  'min-max-scaler',
  'robust-scaler',
  'select-k-best',
  'select-from-model',
  'variance-threshold',
]);

const SUFFIX_SEPARATORS = ['=', ':'];
const INDICATOR_SUFFIX = '__missing';

/** The lineage of one fitted step, or null when one of its outputs cannot be traced. */
export function stepLineage(step: FittedTransformer): Lineage | null {
  if (step.kind === 'column-transformer') return columnTransformerLineage(step as FittedColumnTransformer);
  if (step.kind === 'chain') return chainLineage(step as FittedChain);
  if (step.kind === 'polynomial-features') return polynomialLineage(step);
  if (!PER_COLUMN_KINDS.has(step.kind)) return null;
  const lineage = new Map<string, Source[]>();
  for (const name of step.outputNames) {
    const column = sourceColumn(name, step.inputNames);
    if (column === null) return null;
    lineage.set(name, [{ column, share: 1 }]);
  }
  return lineage;
}

/**
 * The lineage of steps applied in turn (a pipeline's or a chain's), from the
 * first step's inputs to the last step's outputs; null if any step is untraceable.
 */
export function composeLineage(
  inputNames: readonly string[],
  steps: readonly FittedTransformer[],
): Lineage | null {
  let lineage: Lineage = identity(inputNames);
  for (const step of steps) {
    const next = stepLineage(step);
    if (next === null) return null;
    const composed = new Map<string, Source[]>();
    for (const [name, sources] of next) {
      const traced = throughLineage(sources, lineage);
      if (traced === null) return null;
      composed.set(name, traced);
    }
    lineage = composed;
  }
  return lineage;
}

function throughLineage(sources: readonly Source[], earlier: Lineage): Source[] | null {
  const shares = new Map<string, number>();
  for (const { column, share } of sources) {
    const before = earlier.get(column);
    if (before === undefined) return null;
    for (const s of before) shares.set(s.column, (shares.get(s.column) ?? 0) + share * s.share);
  }
  return [...shares].map(([column, share]) => ({ column, share }));
}

function identity(names: readonly string[]): Lineage {
  return new Map(names.map((name) => [name, [{ column: name, share: 1 }]]));
}

/** The input an output is named after: itself, or the longest input it extends by a known suffix. */
function sourceColumn(output: string, inputs: readonly string[]): string | null {
  if (inputs.includes(output)) return output;
  let best: string | null = null;
  for (const input of inputs) {
    const named =
      output === input + INDICATOR_SUFFIX ||
      SUFFIX_SEPARATORS.some((separator) => output.startsWith(input + separator));
    if (named && (best === null || input.length > best.length)) best = input;
  }
  return best;
}

function columnTransformerLineage(step: FittedColumnTransformer): Lineage | null {
  const lineage = new Map<string, readonly Source[]>();
  for (const part of step.parts) {
    const partLineage = stepLineage(part.fitted);
    if (partLineage === null) return null;
    for (const [name, sources] of partLineage) lineage.set(name, sources);
  }
  for (const name of step.passthrough) lineage.set(name, [{ column: name, share: 1 }]);
  return lineage;
}

function chainLineage(step: FittedChain): Lineage | null {
  return composeLineage(step.inputNames, step.steps);
}

/**
 * Products of columns, named `a`, `a^2`, `a*b`, `a^2*b` (and `1` for the
 * bias): a product's attribution is shared among its factors by exponent,
 * an approximation (a product has no unique split) that keeps the total.
 * The bias column is constant: it has no source and never gets an attribution.
 */
function polynomialLineage(step: FittedTransformer): Lineage | null {
  const lineage = new Map<string, Source[]>();
  for (const name of step.outputNames) {
    if (name === '1') {
      lineage.set(name, []);
      continue;
    }
    const powers = parseProduct(name, 0, step.inputNames);
    if (powers === null) return null;
    const degree = [...powers.values()].reduce((a, b) => a + b, 0);
    lineage.set(
      name,
      [...powers].map(([column, power]) => ({ column, share: power / degree })),
    );
  }
  return lineage;
}

/** Parses `name` from `at` as factors `input` or `input^k` joined by `*`; null when it is not one. */
function parseProduct(name: string, at: number, inputs: readonly string[]): Map<string, number> | null {
  for (const input of inputs) {
    if (!name.startsWith(input, at)) continue;
    let end = at + input.length;
    let power = 1;
    const exponent = /^\^(\d+)/.exec(name.slice(end));
    if (exponent !== null) {
      power = Number(exponent[1]);
      end += exponent[0].length;
    }
    if (end === name.length) return new Map([[input, power]]);
    if (name[end] !== '*') continue;
    const rest = parseProduct(name, end + 1, inputs);
    if (rest === null) continue;
    rest.set(input, (rest.get(input) ?? 0) + power);
    return rest;
  }
  return null;
}

/**
 * Whether a column the steps output has mean 0 on the training rows: it
 * was last changed by a centring standard scaler (selections and
 * pass-throughs after it keep the values). Linear attributions need the
 * training mean of each model input.
 */
export function centredByScaler(steps: readonly FittedTransformer[], name: string): boolean {
  return lastChange(steps, name) === 'centred';
}

type Change = 'centred' | 'other' | 'unchanged';

function lastChange(steps: readonly FittedTransformer[], name: string): Change {
  for (let k = steps.length - 1; k >= 0; k--) {
    const change = changeBy(steps[k]!, name);
    if (change !== 'unchanged') return change;
  }
  return 'unchanged';
}

function changeBy(step: FittedTransformer, name: string): Change {
  switch (step.kind) {
    case 'standard-scaler':
      return step.params['withMean'] === false ? 'other' : 'centred';
    case 'select-k-best':
    case 'select-from-model':
    case 'variance-threshold':
      return 'unchanged';
    case 'chain':
      return lastChange((step as FittedChain).steps, name);
    case 'column-transformer': {
      const ct = step as FittedColumnTransformer;
      const part = ct.parts.find((p) => p.fitted.outputNames.includes(name));
      if (part !== undefined) return changeBy(part.fitted, name);
      return ct.passthrough.includes(name) ? 'unchanged' : 'other';
    }
    default:
      return 'other';
  }
}
