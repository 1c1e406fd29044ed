import type { Artifact } from '../core/artifact.js';
import { declare, domain, type ParamsOf, param } from '../core/declare.js';
import { UsageError } from '../core/errors.js';
import { Rng } from '../core/random.js';
import { array, field, storedArtifact } from '../core/stored.js';
import { Frame } from '../data/frame.js';
import type { FitOptions, FittedTransformer, Target, Transformer } from '../estimator/contract.js';
import { registerKind } from '../estimator/kinds.js';
import { checkTargetLength, labelsOf, numberColumn } from './columns.js';

/**
 * Each category becomes a smoothed mean of the target over its training rows
 * (Micci-Barreca 2001): the category's mean shrunk towards the overall mean,
 * the more so the fewer rows it has. Regression encodes the mean, binary
 * classification the share of class 1, multiclass one column per class
 * (`NAME:CLASS`, the share of that class).
 *
 * - `smoothing` m: encoding = (sum + m · overall mean) / (count + m).
 *   `'auto'` is the empirical-Bayes weight scikit-learn 1.3 documents:
 *   λ = n τ² / (n τ² + σ²), with σ² the target's variance within the
 *   category and τ² its overall variance (both population variances).
 * - Cross-fitting: the training rows' own encodings would leak their
 *   targets (an ID column would look perfect), so `fitTransform` encodes each
 *   of `folds` folds with statistics of the other folds only; pipelines use
 *   those. Folds are shuffled with `seed`, and stratified by class.
 * - Missing is a category of its own; a category not seen in training (or
 *   missing, if training had none) gets the overall mean.
 */
export const TARGET_ENCODER = declare({
  kind: 'target-encoder',
  summary: 'each category becomes a smoothed mean of the target over its training rows',
  tasks: ['transform'],
  tags: { reads: ['categorical'] },
  params: {
    smoothing: param.of<'auto' | number>([domain.enum('auto'), domain.float({ min: 0 })], {
      default: 'auto',
      doc: "weight m of the overall mean, (sum + m · mean) / (count + m); 'auto' = empirical Bayes",
    }),
    folds: param.int({
      default: 5,
      min: 2,
      doc: "folds of the cross-fitting that encodes the training rows with other rows' targets",
    }),
    seed: param.int({ default: 0, doc: 'seed of the shuffle that assigns rows to folds' }),
  },
});

export type TargetEncoderParams = ParamsOf<typeof TARGET_ENCODER.params>;

const MISSING = '\u0000(missing)';

export function targetEncoder(params: Partial<TargetEncoderParams> = {}): Transformer<FittedTargetEncoder> {
  const p = TARGET_ENCODER.resolve(params);
  const fitOnAllRows = (frame: Frame, y: Target | undefined) => {
    const target = requireTarget(y);
    checkTargetLength(target, frame.rowCount, 'target-encoder');
    const targets = targetColumns(target);
    const all = Int32Array.from(range(frame.rowCount));
    const keys = frame.names.map((name) => keysOf(frame, name));
    const encodings = keys.map((k) => encodingsOf(k, targets, all, p.smoothing));
    return new FittedTargetEncoder(p, frame.names, outputClasses(y!), encodings);
  };
  return {
    kind: 'target-encoder',
    params: p,
    fit: (frame, y) => fitOnAllRows(frame, y),
    fitTransform(frame: Frame, y?: Target, options: FitOptions = {}) {
      const fitted = fitOnAllRows(frame, y);
      const rng = options.rng ?? new Rng(p.seed);
      const fold = assignFolds(y!, Math.min(p.folds, frame.rowCount), rng);
      return { fitted, output: crossFitted(frame, fitted, targetColumns(y!), fold, p) };
    },
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function requireTarget(y: Target | undefined): Target {
  if (y === undefined) {
    throw new UsageError('usage.needs-target', 'target-encoder learns from the target, and none was given', {
      hint: 'fit it with the target (a pipeline passes it on), or use an ordinal or one-hot encoder',
    });
  }
  return y;
}

/** The quantities whose means encode a category: the target itself, or one 0/1 indicator per class. */
function targetColumns(y: Target): Float64Array[] {
  if (y.task === 'regression') return [y.values];
  const classes = y.task === 'binary' ? [1] : y.classes.map((_, k) => k);
  return classes.map((k) => Float64Array.from(y.values, (v) => (v === k ? 1 : 0)));
}

function outputClasses(y: Target): string[] {
  return y.task === 'multiclass' ? [...y.classes] : [];
}

function keysOf(frame: Frame, name: string): string[] {
  return labelsOf(frame, name, 'target-encoder').map((l) => l ?? MISSING);
}

/** What one column learned: per category, one encoding per target column; unseen → `fallback`. */
interface ColumnEncoding {
  readonly categories: readonly string[];
  /** Row-major categories × targets. */
  readonly table: Float64Array;
  readonly fallback: Float64Array;
}

function encodingsOf(
  keys: readonly string[],
  targets: readonly Float64Array[],
  rows: Int32Array,
  smoothing: 'auto' | number,
): ColumnEncoding {
  const index = new Map<string, number>();
  for (const r of rows) if (!index.has(keys[r]!)) index.set(keys[r]!, index.size);
  const categories = [...index.keys()];
  const dims = targets.length;
  const table = new Float64Array(categories.length * dims);
  const fallback = new Float64Array(dims);
  targets.forEach((t, d) => {
    const { count, sum, squares, overallMean, overallVariance } = sums(keys, t, rows, index);
    fallback[d] = overallMean;
    for (let c = 0; c < categories.length; c++) {
      const mean = sum[c]! / count[c]!;
      let weight: number;
      if (smoothing === 'auto') {
        const within = Math.max(0, squares[c]! / count[c]! - mean * mean);
        const denominator = count[c]! * overallVariance + within;
        weight = denominator > 0 ? (count[c]! * overallVariance) / denominator : 0;
      } else weight = count[c]! / (count[c]! + smoothing);
      table[c * dims + d] = weight * mean + (1 - weight) * overallMean;
    }
  });
  return { categories, table, fallback };
}

function sums(keys: readonly string[], t: Float64Array, rows: Int32Array, index: Map<string, number>) {
  const k = index.size;
  const count = new Float64Array(k);
  const sum = new Float64Array(k);
  const squares = new Float64Array(k);
  let total = 0;
  for (const r of rows) {
    const c = index.get(keys[r]!)!;
    count[c]! += 1;
    sum[c]! += t[r]!;
    squares[c]! += t[r]! * t[r]!;
    total += t[r]!;
  }
  const overallMean = total / rows.length;
  let spread = 0;
  for (const r of rows) spread += (t[r]! - overallMean) ** 2;
  return { count, sum, squares, overallMean, overallVariance: spread / rows.length };
}

/** Fold of each row: a shuffled round-robin, within each class for classification (stratified). */
function assignFolds(y: Target, folds: number, rng: Rng): Int32Array {
  const n = y.values.length;
  const order = Array.from(rng.permutation(n));
  if (y.task !== 'regression') order.sort((a, b) => y.values[a]! - y.values[b]!);
  const fold = new Int32Array(n);
  order.forEach((row, position) => {
    fold[row] = position % folds;
  });
  return fold;
}

function crossFitted(
  frame: Frame,
  fitted: FittedTargetEncoder,
  targets: readonly Float64Array[],
  fold: Int32Array,
  p: TargetEncoderParams,
): Frame {
  const folds = Math.max(...fold) + 1;
  const outputs = fitted.outputNames.map(() => new Float64Array(frame.rowCount));
  const dims = targets.length;
  fitted.inputNames.forEach((name, j) => {
    const keys = keysOf(frame, name);
    for (let f = 0; f < folds; f++) {
      const others = Int32Array.from(range(frame.rowCount).filter((r) => fold[r] !== f));
      const encoding = encodingsOf(keys, targets, others, p.smoothing);
      const lookup = new Map(encoding.categories.map((c, k) => [c, k]));
      for (let r = 0; r < frame.rowCount; r++) {
        if (fold[r] !== f) continue;
        const k = lookup.get(keys[r]!);
        for (let d = 0; d < dims; d++) {
          outputs[j * dims + d]![r] = k === undefined ? encoding.fallback[d]! : encoding.table[k * dims + d]!;
        }
      }
    }
  });
  return new Frame(
    outputs.map((values, k) => numberColumn(fitted.outputNames[k]!, values)),
    frame.source,
  );
}

export class FittedTargetEncoder implements FittedTransformer {
  readonly kind = 'target-encoder';

  constructor(
    readonly params: TargetEncoderParams,
    readonly inputNames: readonly string[],
    /** Multiclass: the class of each output column per input; otherwise empty (one column each). */
    readonly classes: readonly string[],
    readonly encodings: readonly ColumnEncoding[],
  ) {}

  get outputNames(): readonly string[] {
    if (this.classes.length === 0) return this.inputNames;
    return this.inputNames.flatMap((name) => this.classes.map((c) => `${name}:${c}`));
  }

  transform(frame: Frame): Frame {
    const names = this.outputNames;
    const columns = this.inputNames.flatMap((name, j) => {
      const { categories, table, fallback } = this.encodings[j]!;
      const dims = fallback.length;
      const lookup = new Map(categories.map((c, k) => [c, k]));
      const keys = keysOf(frame, name);
      return Array.from({ length: dims }, (_, d) => {
        const values = Float64Array.from(keys, (key) => {
          const k = lookup.get(key);
          return k === undefined ? fallback[d]! : table[k * dims + d]!;
        });
        return numberColumn(names[j * dims + d]!, values);
      });
    });
    return new Frame(columns, frame.source);
  }

  toArtifact(): Artifact {
    const arrays: Record<string, Float64Array> = {};
    this.encodings.forEach((e, j) => {
      arrays[`table${j}`] = e.table;
      arrays[`fallback${j}`] = e.fallback;
    });
    return {
      kind: this.kind,
      version: 1,
      meta: {
        params: this.params,
        inputNames: this.inputNames,
        classes: this.classes,
        categories: this.encodings.map((e) => e.categories),
      },
      arrays,
    };
  }
}

function loadTargetEncoder(artifact: Artifact, source: string): FittedTargetEncoder {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    params: field.params(TARGET_ENCODER),
    inputNames: field.strings(),
    classes: field.strings(),
    categories: field.list(field.strings()),
  });
  const p = meta.inputNames.length;
  stored.length('meta.categories', meta.categories.length, p, 'one per input column');
  // One encoding per class for multiclass targets, else one (the mean, or the share of class 1).
  const dims = Math.max(1, meta.classes.length);
  const arrays = stored.arrays(
    Object.fromEntries(
      meta.categories.flatMap((categories, j) => [
        [`table${j}`, array.f64(categories.length * dims)],
        [`fallback${j}`, array.f64(dims)],
      ]),
    ),
  );
  const encodings = meta.categories.map((categories, j) => ({
    categories,
    table: arrays[`table${j}`]!,
    fallback: arrays[`fallback${j}`]!,
  }));
  return new FittedTargetEncoder(meta.params, meta.inputNames, meta.classes, encodings);
}

registerKind({
  declaration: TARGET_ENCODER,
  role: 'transformer',
  build: (spec) => targetEncoder(TARGET_ENCODER.resolve(spec.params)),
  load: loadTargetEncoder,
});
