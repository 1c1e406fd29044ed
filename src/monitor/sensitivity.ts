import { DataError } from '../core/errors.js';
import { Rng } from '../core/random.js';
import { type Column, plainValues } from '../data/column.js';
import type { Frame } from '../data/frame.js';
import { inputSpec } from '../data/input-spec.js';
import type { RequestTable } from '../data/request-table.js';
import type { Schema } from '../data/schema.js';
import { type Problem, validateRequest } from '../data/validate.js';
import type { FeatureReference, ReferenceProfile } from '../drift/reference.js';
import type { Model } from '../estimator/contract.js';

/**
 * How much a model relies on each input for the traffic it sees now, with
 * no labels needed: replace one column of the window's rows by values drawn
 * from the reference (independently of the other columns) and measure how
 * far the predictions move — mean absolute change, or for classifiers the
 * total-variation distance between probability rows. Drift in a column the
 * model barely reads matters little; this is the weight `keel monitor`
 * ranks drift by. Drawing from the reference rather than shuffling the
 * window keeps the weight when the window's column has collapsed (every row
 * one category), which is exactly when it matters.
 */
export function predictionSensitivity(
  model: Model,
  schema: Schema,
  frame: Frame,
  reference: ReferenceProfile,
  options: { readonly seed?: number; readonly maxRows?: number } = {},
): Record<string, number> {
  const rng = new Rng(options.seed ?? 0);
  const maxRows = options.maxRows ?? 500;
  let sample = frame.rowCount > maxRows ? frame.take(rng.sampleIndices(frame.rowCount, maxRows)) : frame;
  const checked = modelFrame(model, schema, sample, { source: 'current data', dropBad: true });
  if (checked.kept !== null) sample = sample.take(checked.kept);
  const outputs = (X: Frame) => {
    const input = modelFrame(model, schema, X, { source: 'current data', dropBad: false }).frame;
    return model.predictProba?.(input) ?? model.predict(input);
  };
  const base = outputs(sample);
  const probabilities = model.predictProba !== undefined;
  const result: Record<string, number> = {};
  for (const ref of reference.features) {
    if (!sample.has(ref.name) || !model.inputNames.includes(ref.name)) continue;
    const drawn = drawFromReference(ref, sample.rowCount, rng);
    result[ref.name] = meanChange(base, outputs(sample.withColumn(drawn)), sample.rowCount, probabilities);
  }
  return result;
}

/** `n` values drawn with replacement from the reference's distribution of one column. */
function drawFromReference(ref: FeatureReference, n: number, rng: Rng): Column {
  if (ref.kind === 'numeric') {
    const values = Float64Array.from({ length: n }, () => ref.sample[rng.int(ref.sample.length)]!);
    return { storage: 'number', name: ref.name, kind: 'numeric', values };
  }
  const total = ref.counts.reduce((s, c) => s + c, 0);
  const pick = () => {
    let u = rng.next() * total;
    for (let l = 0; l < ref.counts.length; l++) {
      u -= ref.counts[l]!;
      if (u < 0) return l;
    }
    return ref.counts.length - 1;
  };
  const codes = Int32Array.from({ length: n }, pick);
  if (ref.fromNumbers) {
    const values = Float64Array.from(codes, (c) => Number(ref.levels[c]));
    return { storage: 'number', name: ref.name, kind: 'numeric', values };
  }
  return { storage: 'categorical', name: ref.name, kind: 'categorical', codes, levels: ref.levels };
}

/**
 * A frame as the model reads it, through the server's own validation (so
 * categories map to the training levels, an unseen one becomes missing).
 * Rows the model cannot take (a missing value it does not impute) are
 * reported with their row index; `dropBad` leaves them out instead.
 */
export function modelFrame(
  model: Model,
  schema: Schema,
  frame: Frame,
  options: { readonly source: string; readonly dropBad: boolean; readonly firstLine?: number },
): { readonly frame: Frame; readonly kept: Int32Array | null } {
  const spec = inputSpec(schema, model);
  const names = spec.columns.map((c) => c.name).filter((n) => frame.has(n));
  const table: RequestTable = {
    names,
    values: names.map((n) => plainValues(frame.column(n))),
    rows: frame.rowCount,
    textual: false,
    problems: [],
  };
  const checked = validateRequest(table, spec, { unseen: 'missing' });
  if (checked.frame !== undefined) return { frame: checked.frame, kept: null };
  const wholeColumn = checked.problems.find((p) => p.row === null);
  if (!options.dropBad || wholeColumn !== undefined || checked.problemCount > checked.problems.length) {
    throw unusable(checked.problems[0]!, checked.problemCount, options);
  }
  const bad = new Set(checked.problems.map((p) => p.row));
  const kept = Int32Array.from({ length: frame.rowCount }, (_, i) => i).filter((i) => !bad.has(i));
  if (kept.length === 0) throw unusable(checked.problems[0]!, checked.problemCount, options);
  return { frame: modelFrame(model, schema, frame.take(kept), { ...options, dropBad: false }).frame, kept };
}

function unusable(
  first: Problem,
  count: number,
  options: { readonly source: string; readonly firstLine?: number },
): DataError {
  const where =
    first.row === null
      ? {}
      : {
          line: first.row + (options.firstLine ?? 1),
          ...(first.field === null ? {} : { column: first.field }),
        };
  const field = first.row === null && first.field !== null ? { column: first.field } : {};
  return new DataError(
    'monitor.unusable-rows',
    first.row === null
      ? `the model cannot read the current data: ${first.problem}`
      : `the model cannot read ${count === 1 ? 'a row' : `${count} rows`} of the current data: ${first.problem}`,
    {
      location: { source: options.source, ...where, ...field },
      hint: 'the data must have the columns the model was trained on, with values it accepts',
    },
  );
}

function meanChange(a: Float64Array, b: Float64Array, rows: number, probabilities: boolean): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!Number.isNaN(d)) total += probabilities ? d / 2 : d;
  }
  return total / rows;
}
