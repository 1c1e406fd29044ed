import { describe, expect, it } from 'vitest';
import { decodeArtifact, encodeArtifact } from '../../src/core/artifact.js';
import { KeelError, SchemaError, UsageError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { type Column, categoricalFromLabels, countMissing, valueAt } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import type { FittedTransformer, SupervisedTask, Target, Transformer } from '../../src/estimator/contract.js';
import { loadTransformer, saveModel } from '../../src/estimator/persist.js';

/**
 * The transformer counterpart of test/models/conformance.ts: one suite every
 * transformer passes (issue 3). Shapes and names of the output, determinism
 * under a seed, save → load → the same output, no mutation of the input, and
 * typed errors naming the column for a missing column, a missing value the
 * transformer cannot take, and a category training never saw.
 */

/** The columns of the synthetic frame; a case picks the ones its transformer takes. */
export type SyntheticColumn = 'x0' | 'x1' | 'x2' | 'c0' | 'c1' | 'd0' | 't0';

/** How a transformer meets a missing value (NaN, a missing category or text) at fit. */
export type MissingBehaviour =
  /** fit throws a KeelError naming the column. */
  | 'refuses'
  /** the output has no missing value at all (imputers; encoders with a missing category). */
  | 'fills'
  /** the output is missing somewhere in that row only (scalers: missing stays missing). */
  | 'keeps';

export interface TransformerCase {
  readonly name: string;
  /** Builds the transformer with a given seed (those without randomness ignore it). */
  readonly make: (seed: number) => Transformer;
  /** The columns it is fitted on (default: the numeric x0, x1, x2). */
  readonly columns?: readonly SyntheticColumn[];
  /** The columns the fitted transformer reads (default: all of `columns`). */
  readonly inputNames?: readonly string[];
  /** The target it learns from, if it needs one. */
  readonly target?: SupervisedTask;
  /** Whether the training frame has missing values in every column (for imputers). */
  readonly withGaps?: boolean;
  /** Whether every output column holds numbers (default true; an imputer keeps categories). */
  readonly numericOutput?: boolean;
  /** What a missing value in `missingIn` (default: the first column) does. */
  readonly missing: MissingBehaviour;
  readonly missingIn?: SyntheticColumn;
  /**
   * For encoders: a label training never saw, in `column`. `refuses`: a SchemaError
   * naming the column and row; otherwise a check of the documented handling.
   */
  readonly unseen?: {
    readonly column: SyntheticColumn;
    readonly expect: 'refuses' | ((output: Frame, row: number, fitted: FittedTransformer) => void);
  };
  /**
   * Checks left out for this case because of a defect in src/prep, each with
   * the reason; the lead fixes the defect and removes the entry.
   */
  readonly omit?: Partial<Record<CheckName, string>>;
}

export type CheckName = 'input-names' | 'missing-column' | 'target-length';

const ROWS = 150;
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa'];
const UNSEEN = 'zz-never-seen';

/** A small seeded frame with every column kind, and gaps (about 1 row in 11 per column) if asked. */
export function syntheticFrame(rows = ROWS, seed = 1, withGaps = false): Frame {
  const rng = new Rng(seed);
  const gap = (i: number, j: number) => withGaps && (i * 7 + j * 5) % 11 === 3;
  const normal = (j: number, f: (z: number) => number) =>
    Float64Array.from({ length: rows }, (_, i) => (gap(i, j) ? Number.NaN : f(rng.normal())));
  const pick = (labels: readonly string[], weights: readonly number[], j: number) =>
    Array.from({ length: rows }, (_, i) => (gap(i, j) ? null : labels[weighted(rng, weights)]!));
  const start = Date.UTC(2019, 0, 1);
  const stamps = Float64Array.from({ length: rows }, (_, i) =>
    gap(i, 5) ? Number.NaN : start + Math.floor(rng.next() * 4 * 365 * 24) * 3_600_000,
  );
  const texts = Array.from({ length: rows }, (_, i) => {
    if (gap(i, 6)) return null;
    const length = 2 + rng.int(5);
    return Array.from({ length }, () => WORDS[rng.int(WORDS.length)]!).join(' ');
  });
  // c1 has a level in under 1% of rows, for minFrequency grouping.
  const c1 = pick(['p', 'q', 'r'], [5, 3, 2], 4);
  c1[rows - 1] = 'rare';
  const columns: Column[] = [
    number(
      'x0',
      normal(0, (z) => z),
    ),
    number(
      'x1',
      normal(1, (z) => 3 + 2 * z),
    ),
    number(
      'x2',
      normal(2, (z) => Math.exp(z)),
    ),
    categoricalFromLabels('c0', pick(['a', 'b', 'c', 'd'], [4, 3, 2, 1], 3)),
    categoricalFromLabels('c1', c1),
    { storage: 'number', name: 'd0', kind: 'datetime', values: stamps },
    { storage: 'string', name: 't0', kind: 'text', values: texts },
  ];
  return new Frame(columns, 'synthetic.csv');
}

function number(name: string, values: Float64Array): Column {
  return { storage: 'number', name, kind: 'numeric', values };
}

function weighted(rng: Rng, weights: readonly number[]): number {
  let u = rng.next() * weights.reduce((a, b) => a + b, 0);
  for (let k = 0; k < weights.length; k++) {
    u -= weights[k]!;
    if (u < 0) return k;
  }
  return weights.length - 1;
}

/** A target with signal in x0, x1 and c0 (gaps count as 0). */
export function syntheticTarget(frame: Frame, task: SupervisedTask, seed = 2): Target {
  const rng = new Rng(seed);
  const x0 = frame.column('x0');
  const x1 = frame.column('x1');
  const c0 = frame.column('c0');
  const num = (c: Column, i: number) => Number(valueAt(c, i) ?? 0);
  const signal = Float64Array.from(
    { length: frame.rowCount },
    (_, i) => 2 * num(x0, i) - num(x1, i) / 2 + (valueAt(c0, i) === 'a' ? 1.5 : 0) + 0.3 * rng.normal(),
  );
  if (task === 'regression') return { name: 'y', task, values: signal, classes: [] };
  const cuts = task === 'binary' ? [-1.5] : [-2.5, -0.5];
  const values = signal.map((s) => cuts.filter((c) => s > c).length);
  return { name: 'y', task, values, classes: cuts.map((_, k) => `k${k}`).concat(`k${cuts.length}`) };
}

/** A comparable copy of a frame: names, kinds and every value (NaN compares equal to NaN). */
export function snapshot(frame: Frame): unknown[] {
  return frame.columns.map((c) => {
    if (c.storage === 'categorical')
      return { name: c.name, codes: Array.from(c.codes), levels: [...c.levels] };
    if (c.storage === 'string') return { name: c.name, kind: c.kind, values: [...c.values] };
    return { name: c.name, kind: c.kind, values: Array.from(c.values) };
  });
}

/** The column with the label at `row` replaced (a new category) or made missing. */
function withValueAt(frame: Frame, name: string, row: number, label: string | null): Frame {
  const column = frame.column(name);
  let replaced: Column;
  if (column.storage === 'categorical') {
    const labels = Array.from(column.codes, (c) => (c < 0 ? null : column.levels[c]!));
    labels[row] = label;
    replaced = categoricalFromLabels(name, labels, column.levels);
  } else if (column.storage === 'string') {
    const values = [...column.values];
    values[row] = label;
    replaced = { ...column, values };
  } else {
    const values = Float64Array.from(column.values);
    values[row] = label === null ? Number.NaN : Number(label);
    replaced = { ...column, values };
  }
  return frame.withColumn(replaced);
}

function errorOf(action: () => unknown): KeelError {
  try {
    action();
  } catch (error) {
    if (error instanceof KeelError) return error;
    throw error;
  }
  throw new Error('expected a KeelError, and nothing was thrown');
}

function missingRows(frame: Frame): Set<number> {
  const rows = new Set<number>();
  for (const column of frame.columns) {
    for (let i = 0; i < frame.rowCount; i++) if (valueAt(column, i) === null) rows.add(i);
  }
  return rows;
}

export function transformerSuite(c: TransformerCase): void {
  const columns = c.columns ?? ['x0', 'x1', 'x2'];
  const frame = syntheticFrame(ROWS, 1, c.withGaps === true).select(columns);
  const y = c.target === undefined ? undefined : syntheticTarget(syntheticFrame(ROWS, 1), c.target);
  const fitWith = (seed: number) => c.make(seed).fit(frame, y);

  describe(`${c.name} conforms to the transformer contract`, () => {
    it('outputs exactly its outputNames, one row per input row, and reads its inputNames', () => {
      const spec = c.make(0);
      const fitted = spec.fit(frame, y);
      expect(fitted.kind).toBe(spec.kind);
      const out = fitted.transform(frame);
      expect(out).toBeInstanceOf(Frame);
      expect(out.names).toEqual([...fitted.outputNames]);
      expect(new Set(out.names).size).toBe(out.columnCount);
      expect(out.columnCount).toBeGreaterThan(0);
      expect(out.rowCount).toBe(frame.rowCount);
      if (c.numericOutput !== false) expect(out.columns.every((col) => col.storage === 'number')).toBe(true);
      // Clean input gives output without gaps; so does input with gaps, to a transformer that fills them.
      if (c.withGaps !== true || c.missing === 'fills')
        expect(out.columns.map(countMissing)).toEqual(out.columns.map(() => 0));
      expect(snapshot(fitted.transform(frame.select(fitted.inputNames)))).toEqual(snapshot(out));
    });

    if (c.omit?.['input-names'] === undefined) {
      it('lists as inputNames the columns it reads', () => {
        expect(fitWith(0).inputNames).toEqual(c.inputNames ?? columns);
      });
    }

    if (c.make(0).fitTransform !== undefined) {
      it('fitTransform returns the fitted transformer and a training frame of its outputNames', () => {
        const { fitted, output } = c.make(0).fitTransform!(frame, y);
        expect(snapshot(fitted.transform(frame))).toEqual(snapshot(fitWith(0).transform(frame)));
        expect(output.names).toEqual([...fitted.outputNames]);
        expect(output.rowCount).toBe(frame.rowCount);
        const again = c.make(0).fitTransform!(frame, y);
        expect(snapshot(again.output)).toEqual(snapshot(output));
      });
    }

    it('gives identical artifacts and outputs for the same seed', () => {
      const a = fitWith(7);
      const b = fitWith(7);
      expect(Buffer.from(saveModel(b)).equals(Buffer.from(saveModel(a)))).toBe(true);
      expect(b.outputNames).toEqual(a.outputNames);
      expect(snapshot(b.transform(frame))).toEqual(snapshot(a.transform(frame)));
    });

    it('transforms the same after save and load', () => {
      const fitted = fitWith(3);
      const bytes = saveModel(fitted);
      const loaded = loadTransformer(bytes, 't.keel');
      expect(loaded.kind).toBe(fitted.kind);
      expect(loaded.inputNames).toEqual(fitted.inputNames);
      expect(loaded.outputNames).toEqual(fitted.outputNames);
      expect(snapshot(loaded.transform(frame))).toEqual(snapshot(fitted.transform(frame)));
      expect(Buffer.from(saveModel(loaded)).equals(Buffer.from(bytes))).toBe(true);
      expect(encodeArtifact(decodeArtifact(bytes))).toEqual(bytes);
    });

    it('refuses a damaged artifact', () => {
      const bytes = saveModel(fitWith(0));
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
      expect(errorOf(() => loadTransformer(bytes, 't.keel')).code).toBe('artifact.checksum');
    });

    it('does not change the frame or the target it is given', () => {
      const before = snapshot(frame);
      const targetBefore = y === undefined ? undefined : Float64Array.from(y.values);
      const transformer = c.make(0);
      const fitted = transformer.fit(frame, y);
      fitted.transform(frame);
      transformer.fitTransform?.(frame, y);
      expect(snapshot(frame)).toEqual(before);
      if (targetBefore !== undefined) expect(y!.values).toEqual(targetBefore);
    });

    if (c.omit?.['missing-column'] === undefined) {
      it('refuses a frame without one of its input columns, naming it', () => {
        const fitted = fitWith(0);
        for (const name of fitted.inputNames) {
          const error = errorOf(() => fitted.transform(frame.drop([name])));
          expect(error).toBeInstanceOf(SchemaError);
          expect(error.location.column).toBe(name);
        }
      });
    }

    it('ignores extra columns and the column order', () => {
      const fitted = fitWith(0);
      const noise = number(
        'extra',
        Float64Array.from({ length: frame.rowCount }, (_, i) => i % 7),
      );
      const shuffled = new Frame([noise, ...[...frame.columns].reverse()], frame.source);
      expect(snapshot(fitted.transform(shuffled))).toEqual(snapshot(fitted.transform(frame)));
    });

    missingChecks(c, frame, y, columns);
    if (c.unseen !== undefined) unseenCheck(c, c.unseen, frame, y);
    if (y !== undefined) targetChecks(c, frame, y);
  });
}

function missingChecks(
  c: TransformerCase,
  frame: Frame,
  y: Target | undefined,
  columns: readonly SyntheticColumn[],
): void {
  const column = c.missingIn ?? columns[0]!;
  const row = 4;
  const holed = withValueAt(frame, column, row, null);
  if (c.missing === 'refuses') {
    it(`refuses a missing value in "${column}" at fit, naming the column`, () => {
      const error = errorOf(() => c.make(0).fit(holed, y));
      expect(error).toBeInstanceOf(SchemaError);
      expect(error.location.column).toBe(column);
      expect(error.message).toContain(`row ${row + 1}`);
    });
    return;
  }
  it(`${c.missing === 'fills' ? 'fills' : 'keeps'} a missing value in "${column}"`, () => {
    const fitted = c.make(0).fit(holed, y);
    const out = fitted.transform(holed);
    expect(out.rowCount).toBe(holed.rowCount);
    const gaps = missingRows(out);
    if (c.missing === 'fills') expect([...gaps]).toEqual([]);
    else if (c.withGaps === true) expect(gaps.has(row)).toBe(true);
    else expect([...gaps]).toEqual([row]);
  });
}

function unseenCheck(
  c: TransformerCase,
  unseen: NonNullable<TransformerCase['unseen']>,
  frame: Frame,
  y: Target | undefined,
): void {
  const row = 6;
  it(`${unseen.expect === 'refuses' ? 'refuses' : 'handles'} a category of "${unseen.column}" training never saw`, () => {
    const fitted = c.make(0).fit(frame, y);
    const other = withValueAt(frame, unseen.column, row, UNSEEN);
    if (unseen.expect === 'refuses') {
      const error = errorOf(() => fitted.transform(other));
      expect(error).toBeInstanceOf(SchemaError);
      expect(error.code).toBe('schema.unseen-category');
      expect(error.location.column).toBe(unseen.column);
      expect(error.message).toContain(`row ${row + 1}`);
      return;
    }
    const out = fitted.transform(other);
    expect(out.names).toEqual([...fitted.outputNames]);
    expect(out.rowCount).toBe(frame.rowCount);
    unseen.expect(out, row, fitted);
  });
}

function targetChecks(c: TransformerCase, frame: Frame, y: Target): void {
  it('refuses to fit without its target', () => {
    expect(errorOf(() => c.make(0).fit(frame))).toBeInstanceOf(UsageError);
  });
  if (c.omit?.['target-length'] === undefined) {
    it('refuses a target of another length than the frame', () => {
      const short = { ...y, values: y.values.subarray(0, frame.rowCount - 10) };
      expect(errorOf(() => c.make(0).fit(frame, short))).toBeInstanceOf(UsageError);
    });
  }
}
