import { describe, expect, it } from 'vitest';
import { decodeArtifact, encodeArtifact } from '../../src/core/artifact.js';
import { formatError, KeelError, SchemaError, UsageError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { Frame, type Matrix } from '../../src/data/frame.js';
import type { Estimator, Model, SupervisedTask, Target } from '../../src/estimator/contract.js';
import { buildEstimator, specOf } from '../../src/estimator/kinds.js';
import { loadModel, saveModel } from '../../src/estimator/persist.js';

/**
 * One suite every estimator passes (STYLE.md: scikit-learn's check_estimator):
 * shapes and types, determinism under a seed, save → load → same output,
 * no mutation of the input, and clear typed errors for the usual mistakes.
 */
export interface ConformanceCase {
  readonly name: string;
  /** Builds the estimator with a given seed (estimators without randomness ignore it). */
  readonly make: (seed: number) => Estimator;
  readonly task: SupervisedTask | 'clustering' | 'transform' | 'anomaly';
  /** Whether the estimator fits NaN itself; otherwise it must refuse NaN with a SchemaError. */
  readonly acceptsMissing?: boolean;
  /** Whether it fits regression and classification targets alike (kNN): then no target task is wrong. */
  readonly fitsEveryTask?: boolean;
  /** Whether it models counts (multinomial naive Bayes): then the synthetic features are |x|. */
  readonly nonNegative?: boolean;
}

/** A small, seeded dataset with signal for the task. */
export function syntheticData(
  task: ConformanceCase['task'],
  rows = 120,
  cols = 4,
  seed = 1,
): { X: Matrix; y?: Target } {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  const columnNames = Array.from({ length: cols }, (_, j) => `x${j}`);
  const X = { data, rows, cols, columnNames };
  const signal = (i: number) => data[i * cols]! * 2 - data[i * cols + 1]! + 0.3 * rng.normal();
  if (task === 'regression') {
    return {
      X,
      y: { name: 'y', task, values: Float64Array.from({ length: rows }, (_, i) => signal(i)), classes: [] },
    };
  }
  if (task === 'binary' || task === 'multiclass') {
    const k = task === 'binary' ? 2 : 3;
    const cuts = k === 2 ? [0] : [-0.8, 0.8];
    const values = Float64Array.from({ length: rows }, (_, i) => cuts.filter((c) => signal(i) > c).length);
    return { X, y: { name: 'y', task, values, classes: Array.from({ length: k }, (_, c) => `c${c}`) } };
  }
  return { X };
}

function outputs(model: Model, X: Matrix | Frame): Float64Array[] {
  const out = [model.predict(X)];
  if (model.predictProba !== undefined) out.push(model.predictProba(X));
  if (model.transform !== undefined) out.push(model.transform(X).data);
  if (model.scoreSamples !== undefined) out.push(model.scoreSamples(X));
  return out;
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

export function conformanceSuite(c: ConformanceCase): void {
  const supervised = c.task === 'regression' || c.task === 'binary' || c.task === 'multiclass';
  const synthetic = syntheticData(c.task);
  const { y } = synthetic;
  const X = c.nonNegative ? { ...synthetic.X, data: synthetic.X.data.map(Math.abs) } : synthetic.X;

  describe(`${c.name} conforms to the estimator contract`, () => {
    it('predicts one value per row, and probabilities that sum to one', () => {
      const model = c.make(0).fit(X, y);
      const predictions = model.predict(X);
      expect(predictions).toBeInstanceOf(Float64Array);
      expect(predictions.length).toBe(X.rows);
      expect(predictions.every(Number.isFinite)).toBe(true);
      expect(model.inputNames).toEqual(X.columnNames);
      if (c.task === 'binary' || c.task === 'multiclass') {
        const k = y!.classes.length;
        expect(model.classes).toEqual(y!.classes);
        expect(predictions.every((p) => Number.isInteger(p) && p >= 0 && p < k)).toBe(true);
        const proba = model.predictProba!(X);
        expect(proba.length).toBe(X.rows * k);
        for (let i = 0; i < X.rows; i++) {
          const row = proba.subarray(i * k, (i + 1) * k);
          expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
          expect(row.every((p) => p >= 0 && p <= 1)).toBe(true);
        }
      }
      if (c.task === 'clustering')
        expect(predictions.every((p) => Number.isInteger(p) && p >= -1)).toBe(true);
      // Anomaly: 1 = outlier, 0 = inlier (src/estimator.ts).
      if (c.task === 'anomaly') expect(predictions.every((p) => p === 0 || p === 1)).toBe(true);
    });

    if (c.task === 'transform' || c.task === 'clustering') {
      it('transforms into one finite row per input row, with named columns', () => {
        const model = c.make(0).fit(X, y);
        if (model.transform === undefined) return;
        const out = model.transform(X);
        expect(out.rows).toBe(X.rows);
        expect(out.columnNames.length).toBe(out.cols);
        expect(out.data.length).toBe(out.rows * out.cols);
        expect(out.data.every(Number.isFinite)).toBe(true);
      });
    }

    it('gives identical models and bytes for the same seed', () => {
      const a = c.make(7).fit(X, y);
      const b = c.make(7).fit(X, y);
      expect(outputs(b, X)).toEqual(outputs(a, X));
      expect(Buffer.from(saveModel(b)).equals(Buffer.from(saveModel(a)))).toBe(true);
    });

    it('predicts the same after save and load', () => {
      const model = c.make(3).fit(X, y);
      const bytes = saveModel(model);
      const loaded = loadModel(bytes);
      expect(loaded.kind).toBe(model.kind);
      expect(outputs(loaded, X)).toEqual(outputs(model, X));
      expect(encodeArtifact(decodeArtifact(bytes))).toEqual(bytes);
    });

    it('is rebuilt from its spec: build(specOf(model)) fits to the same bytes', () => {
      const model = c.make(5).fit(X, y);
      const rebuilt = buildEstimator(specOf(model)).fit(X, y);
      expect(Buffer.from(saveModel(rebuilt)).equals(Buffer.from(saveModel(model)))).toBe(true);
    });

    it('predicts the same from a frame as from the equivalent matrix', () => {
      const model = c.make(0).fit(X, y);
      const frame = new Frame(
        X.columnNames.map((name, j) => ({
          storage: 'number' as const,
          name,
          kind: 'numeric' as const,
          values: Float64Array.from({ length: X.rows }, (_, i) => X.data[i * X.cols + j]!),
        })),
      );
      expect(outputs(model, frame)).toEqual(outputs(model, X));
    });

    it('refuses a damaged artifact', () => {
      const bytes = saveModel(c.make(0).fit(X, y));
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
      expect(errorOf(() => loadModel(bytes, 'm.keel')).code).toBe('artifact.checksum');
    });

    it('does not change its input', () => {
      const before = Float64Array.from(X.data);
      const targetBefore = y === undefined ? undefined : Float64Array.from(y.values);
      const model = c.make(0).fit(X, y);
      model.predict(X);
      expect(X.data).toEqual(before);
      if (targetBefore !== undefined) expect(y!.values).toEqual(targetBefore);
    });

    it('names the missing column when the input has other columns', () => {
      const model = c.make(0).fit(X, y);
      const renamed = { ...X, columnNames: ['x0', 'x1', 'x2', 'other'] };
      const error = errorOf(() => model.predict(renamed));
      expect(error).toBeInstanceOf(SchemaError);
      expect(formatError(error)).toContain('"x3"');
      const fewer = {
        data: X.data.subarray(0, X.rows * 3),
        rows: X.rows,
        cols: 3,
        columnNames: ['x0', 'x1', 'x2'],
      };
      expect(errorOf(() => model.predict(fewer))).toBeInstanceOf(SchemaError);
    });

    if (!c.acceptsMissing) {
      it('refuses missing values, naming the column and the row', () => {
        const holed = { ...X, data: Float64Array.from(X.data) };
        holed.data[5 * X.cols + 2] = Number.NaN;
        const error = errorOf(() => c.make(0).fit(holed, y));
        expect(error).toBeInstanceOf(SchemaError);
        expect(error.location.column).toBe('x2');
        expect(error.message).toContain('row 6');
      });
    }

    if (supervised) {
      it('refuses to fit without a target, or with one of the wrong length', () => {
        expect(errorOf(() => c.make(0).fit(X))).toBeInstanceOf(UsageError);
        const short = { ...y!, values: y!.values.subarray(0, 10) };
        expect(errorOf(() => c.make(0).fit(X, short)).code).toBe('usage.length-mismatch');
      });
    }

    if (supervised && !c.fitsEveryTask) {
      it('refuses a target of the wrong task', () => {
        const other: Target =
          c.task === 'regression'
            ? {
                name: 'y',
                task: 'binary',
                values: y!.values.map((v) => (v > 0 ? 1 : 0)),
                classes: ['a', 'b'],
              }
            : { name: 'y', task: 'regression', values: y!.values, classes: [] };
        expect(errorOf(() => c.make(0).fit(X, other)).code).toBe('usage.wrong-task');
      });
    }
  });
}
