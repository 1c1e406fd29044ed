import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeArtifact, encodeArtifact } from '../../src/core/artifact.js';
import { accepts, type Declaration, type Domain, type Param } from '../../src/core/declare.js';
import { UsageError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { type Column, Frame } from '../../src/data/index.js';
import { schemaOf } from '../../src/data/schema.js';
import type { Estimator, ModelTask, Transformer } from '../../src/estimator/contract.js';
import { build, type KindDefinition, registeredKinds, specOf } from '../../src/estimator/kinds.js';
import { loadModel, loadTransformer, saveModel } from '../../src/estimator/persist.js';
import { importOnnx } from '../../src/export/onnx/onnx-import.js';
import '../../src/serve/loaders.js';
import { conformanceSuite, syntheticData } from '../models/conformance.js';

/**
 * The conformance suite over every declared kind, as scikit-learn's
 * all_estimators() feeds check_estimator: the loop reads the registry, so a
 * new estimator or transformer cannot skip it. Models run the estimator
 * suite (test/models/conformance.ts) with their defaults for every task they
 * declare; transformers a suite of their own; the imported ONNX model, which
 * cannot be fitted, the checks that need no fit. And every declared
 * parameter's bounds are enforced, by the declaration and by the builder.
 */
const KINDS = registeredKinds();

/** Specs for the kinds that are made of parts (a new composite must say here what it is made of). */
const COMPOSITE_SAMPLES: Record<
  string,
  (task: ModelTask) => { kind: string; params: object; children: object }
> = {
  pipeline: (task) => ({
    kind: 'pipeline',
    params: { steps: ['standard-scaler'], model: modelFor(task) },
    children: {
      step0: { kind: 'standard-scaler', params: {} },
      model: { kind: modelFor(task), params: {} },
    },
  }),
  ensemble: (task) => ({
    kind: 'ensemble',
    params: { members: [modelFor(task), 'knn'], weights: [0.7, 0.3] },
    children: { member0: { kind: modelFor(task), params: {} }, member1: { kind: 'knn', params: {} } },
  }),
  chain: () => ({
    kind: 'chain',
    params: { steps: ['imputer', 'standard-scaler'] },
    children: { step0: { kind: 'imputer', params: {} }, step1: { kind: 'standard-scaler', params: {} } },
  }),
  'column-transformer': () => ({
    kind: 'column-transformer',
    params: {
      remainder: 'drop',
      parts: ['numbers', 'words'],
      columns: [{ kinds: ['numeric'] }, { kinds: ['categorical'] }],
    },
    children: { part0: { kind: 'standard-scaler', params: {} }, part1: { kind: 'one-hot', params: {} } },
  }),
  'select-from-model': () => ({
    kind: 'select-from-model',
    params: { estimator: 'random-forest-classifier' },
    children: { estimator: { kind: 'random-forest-classifier', params: { trees: 10 } } },
  }),
};

function modelFor(task: ModelTask): string {
  if (task === 'regression') return 'ridge';
  if (task === 'clustering') return 'kmeans';
  if (task === 'anomaly') return 'isolation-forest';
  return 'logistic';
}

/** Kinds whose fit or loader has no data to learn from here. */
const NOT_FITTED = new Set(['onnx']);

function sampleSpec(kind: KindDefinition, task: ModelTask, seed: number) {
  const composite = COMPOSITE_SAMPLES[kind.declaration.kind];
  if (composite !== undefined) return composite(task);
  const params = 'seed' in kind.declaration.params ? { seed } : {};
  return { kind: kind.declaration.kind, params };
}

describe('every declared model conforms to the estimator contract', () => {
  it('covers every model kind registered', () => {
    expect(KINDS.filter((k) => k.role === 'model').length).toBeGreaterThanOrEqual(25);
  });
  for (const kind of KINDS.filter((k) => k.role === 'model' && !NOT_FITTED.has(k.declaration.kind))) {
    const { declaration } = kind;
    for (const task of declaration.tasks) {
      if (declaration.kind === 'pipeline' && (task === 'clustering' || task === 'anomaly')) continue;
      conformanceSuite({
        name: `${declaration.kind} (${task}, declared defaults)`,
        make: (seed) => build(sampleSpec(kind, task, seed) as never) as Estimator,
        task: task as never,
        acceptsMissing: declaration.tags.acceptsMissing,
        fitsEveryTask: declaration.tasks.includes('regression') && declaration.tasks.includes('binary'),
        nonNegative: declaration.tags.nonNegativeInput,
      });
    }
  }
});

describe('every declared transformer conforms to the transformer contract', () => {
  for (const kind of KINDS.filter((k) => k.role === 'transformer')) {
    const name = kind.declaration.kind;
    const frame = mixedFrame(kind.declaration);
    // Two classes: every transformer that learns from a target (selection scores, target encoding) takes them.
    const y = {
      name: 'y',
      task: 'binary' as const,
      values: targetValues(frame.rowCount),
      classes: ['no', 'yes'],
    };
    const make = (seed: number) => build(sampleSpec(kind, 'transform', seed) as never) as Transformer;
    describe(`${name} conforms`, () => {
      it('transforms every row into the columns it names, and loads back to the same output', () => {
        const fitted = make(0).fit(frame, y);
        const out = fitted.transform(frame);
        expect(out.rowCount).toBe(frame.rowCount);
        expect(out.names).toEqual(fitted.outputNames);
        const loaded = loadTransformer(saveModel(fitted));
        expect(loaded.transform(frame)).toEqual(out);
      });

      it('gives the same bytes for the same seed, and again when rebuilt from its spec', () => {
        const bytes = saveModel(make(3).fit(frame, y));
        expect(Buffer.from(saveModel(make(3).fit(frame, y))).equals(Buffer.from(bytes))).toBe(true);
        const rebuilt = build(specOf(make(3).fit(frame, y))) as Transformer;
        expect(Buffer.from(saveModel(rebuilt.fit(frame, y))).equals(Buffer.from(bytes))).toBe(true);
      });

      it('does not change its input', () => {
        const before = frame.columns.map((c) => JSON.stringify(Array.from(columnValues(c))));
        make(0).fit(frame, y).transform(frame);
        expect(frame.columns.map((c) => JSON.stringify(Array.from(columnValues(c))))).toEqual(before);
      });
    });
  }
});

describe('the imported ONNX model keeps the contract where it can', () => {
  const fixtures = new URL('../fixtures/onnx/', import.meta.url).pathname;
  const X = syntheticData('regression', 20, 10).X;
  const names = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
  const frame = new Frame(
    names.map((name, j) => ({
      storage: 'number' as const,
      name,
      kind: 'numeric' as const,
      values: Float64Array.from({ length: X.rows }, (_, i) => X.data[i * X.cols + j]!),
    })),
  );
  it('predicts the same after save and load, refuses a damaged artifact, and cannot be rebuilt', async () => {
    const bytes = new Uint8Array(readFileSync(join(fixtures, 'diabetes_linear.onnx')));
    const model = await importOnnx(bytes, { name: 'diabetes', schema: schemaOf(frame) });
    const saved = saveModel(model);
    expect(loadModel(saved).predict(frame)).toEqual(model.predict(frame));
    expect(encodeArtifact(decodeArtifact(saved))).toEqual(saved);
    saved[Math.floor(saved.length / 2)]! ^= 0xff;
    expect(() => loadModel(saved)).toThrow(/checksum/);
    expect(() => build(specOf(model))).toThrow(UsageError);
  });
});

describe('every declared parameter is held to its bounds', () => {
  for (const kind of KINDS) {
    const { declaration } = kind;
    it(`${declaration.kind}: its builder takes each default and refuses each value outside the domains, naming the parameter`, () => {
      expect(declaration.resolve({})).toEqual(declaration.defaults);
      const sample = sampleSpec(kind, declaration.tasks[0]!, 0);
      for (const [name, spec] of Object.entries(declaration.params)) {
        expect(accepts(spec, spec.default), `${declaration.kind}.${name}'s default`).toBe(true);
        for (const bad of outsideValues(spec)) {
          const attempt = () =>
            NOT_FITTED.has(declaration.kind)
              ? declaration.resolve({ [name]: bad })
              : build({ ...sample, params: { ...sample.params, [name]: bad } } as never);
          let error: unknown;
          try {
            attempt();
          } catch (caught) {
            error = caught;
          }
          expect(error, `${declaration.kind}.${name} = ${JSON.stringify(bad)}`).toBeInstanceOf(UsageError);
          expect((error as UsageError).location.field).toBe(name);
        }
      }
    });
  }
});

/** Values of every shape no domain of the parameter accepts: wrong types, and just past each bound. */
function outsideValues(spec: Param): unknown[] {
  const candidates: unknown[] = ['not-a-value', true, null, [], Number.NaN, 1.5, -1e12, 1e12, [0.5, 'x']];
  for (const d of spec.domains) candidates.push(...edges(d));
  return candidates.filter((v) => !accepts(spec, v));
}

function edges(d: Domain): unknown[] {
  if (d.type === 'int') return [d.min - 1, d.max + 1, d.min + 0.5];
  if (d.type === 'float') return [d.min, d.max, d.min - 1e-9, d.max + 1e-9];
  if (d.type === 'list') return [edges(d.item)];
  return [];
}

/** A frame with columns of every kind the declaration's transformer reads, 80 rows (missing values where it takes them). */
function mixedFrame(declaration: Declaration): Frame {
  const rng = new Rng(11);
  const rows = 80;
  const numbers = (name: string, missing: boolean): Column => ({
    storage: 'number',
    name,
    kind: 'numeric',
    values: Float64Array.from({ length: rows }, (_, i) =>
      missing && i % 9 === 4 ? Number.NaN : rng.normal() * 3 + 1,
    ),
  });
  const reads = declaration.tags.reads ?? ['numeric'];
  const columns: Column[] = [];
  // Twelve numbers: selectors keep ten by default.
  if (reads.includes('numeric')) {
    columns.push(numbers('a', declaration.tags.acceptsMissing));
    for (const name of 'bcdefghijkl') columns.push(numbers(name, false));
  }
  if (reads.includes('categorical')) {
    const levels = ['red', 'green', 'blue'];
    columns.push({
      storage: 'categorical',
      name: 'colour',
      kind: 'categorical',
      levels,
      codes: Int32Array.from({ length: rows }, (_, i) => i % 3),
    });
  }
  if (reads.includes('text')) {
    const words = ['good value', 'poor service', 'good food', 'value for money', 'slow service'];
    columns.push({
      storage: 'string',
      name: 'review',
      kind: 'text',
      values: Array.from({ length: rows }, (_, i) => words[i % 5]!),
    });
  }
  if (reads.includes('datetime')) {
    const start = Date.UTC(2024, 0, 1);
    columns.push({
      storage: 'number',
      name: 'when',
      kind: 'datetime',
      values: Float64Array.from({ length: rows }, (_, i) => start + i * 36e5 * 31),
    });
  }
  return new Frame(columns);
}

function targetValues(rows: number): Float64Array {
  return Float64Array.from({ length: rows }, (_, i) => ((i * 7) % 5 < 2 ? 1 : 0));
}

function columnValues(column: Column): ArrayLike<unknown> {
  return column.storage === 'categorical' ? column.codes : column.values;
}
