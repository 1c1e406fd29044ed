import { beforeAll, describe, expect, it } from 'vitest';
import { type Artifact, decodeArtifact, type Json } from '../../src/core/artifact.js';
import type { DataError } from '../../src/core/errors.js';
import { categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import type { Target } from '../../src/estimator/contract.js';
import { loadModel, loadTransformer, saveModel } from '../../src/estimator/persist.js';
import '../../src/serve/loaders.js';
import { ensembleModel } from '../../src/models/ensemble.js';
import { RIDGE, ridge } from '../../src/models/linear/ridge.js';
import { defaultPreprocessing } from '../../src/prep/defaults.js';
import { oneHotEncoder } from '../../src/prep/one-hot.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { standardScaler } from '../../src/prep/scale.js';
import { recoded, refusal, refuseModel, SOURCE } from './crafted.js';

const refuseTransformer = (bytes: Uint8Array) => refusal(() => loadTransformer(bytes, SOURCE));

function expectField(error: DataError, field: string): void {
  expect(error.message).toContain(field);
  expect(error.location).toMatchObject({ source: SOURCE, field });
}

/** A child artifact replaced (children are plain artifacts in the decoded header). */
function withChild(a: Artifact, name: string, child: Artifact): Artifact {
  return { ...a, children: { ...a.children, [name]: child } };
}

/** A ridge whose coefficients do not match its inputs: loading it would be refused on its own. */
function brokenRidge(bytes: Uint8Array): Artifact {
  const a = decodeArtifact(bytes);
  return { ...a, arrays: { coef: Float64Array.of(1) } };
}

const rows = 40;
const frame = new Frame([
  {
    storage: 'number',
    name: 'a',
    kind: 'numeric',
    values: Float64Array.from({ length: rows }, (_, i) => i % 7),
  },
  {
    storage: 'number',
    name: 'b',
    kind: 'numeric',
    values: Float64Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? Number.NaN : i / 3)),
  },
  categoricalFromLabels(
    'c',
    Array.from({ length: rows }, (_, i) => ['x', 'y', 'z'][i % 3]!),
  ),
]);
const target: Target = {
  name: 'y',
  task: 'regression',
  values: Float64Array.from({ length: rows }, (_, i) => (i % 7) + i / 10),
  classes: [],
};

let good: Uint8Array;
let ridgeBytes: Uint8Array;

beforeAll(() => {
  good = saveModel(
    pipeline([defaultPreprocessing(frame, RIDGE.tags).transformer], ridge()).fit(frame, target),
  );
  ridgeBytes = saveModel(ridge().fit(frame.select(['a']), target));
});

describe('a crafted pipeline is refused, naming the field', () => {
  it('loads the untouched pipeline', () => {
    expect([...loadModel(good).predict(frame)].every(Number.isFinite)).toBe(true);
  });

  it('refuses a step of a kind no loader knows', () => {
    const crafted = recoded(good, (a) =>
      withChild(a, 'step0', { ...a.children!['step0']!, kind: 'no-such-kind' }),
    );
    const error = refuseModel(crafted);
    expectField(error, 'children.step0.kind');
    expect(error.message).toContain('no-such-kind');
  });

  it('refuses a model where a transformer step belongs, before loading it', () => {
    // The ridge is broken too: had it been loaded, the refusal would name its coefficients.
    const crafted = recoded(good, (a) => withChild(a, 'step0', brokenRidge(ridgeBytes)));
    const error = refuseModel(crafted);
    expectField(error, 'children.step0.kind');
    expect(error.message).toMatch(/"ridge", a model, where a transformer belongs/);
  });

  it('refuses a malformed stored schema, before loading any part', () => {
    const schemaOf = (a: Artifact) => a.meta['schema'] as { rows: number; columns: Json[] };
    const kindless = recoded(good, (a) => {
      const schema = schemaOf(a);
      const columns = schema.columns.map((c, j) => (j === 1 ? { ...(c as object), kind: 'colour' } : c));
      return withChild(
        { ...a, meta: { ...a.meta, schema: { ...schema, columns } } },
        'model',
        brokenRidge(ridgeBytes),
      );
    });
    const error = refuseModel(kindless);
    expectField(error, 'meta.schema');
    expect(error.message).toMatch(/columns\[1\]\.kind must be one of .*not "colour"/);
    const notASchema = recoded(good, (a) => ({ ...a, meta: { ...a.meta, schema: 'everything' } }));
    expectField(refuseModel(notASchema), 'meta.schema');
    const extra = recoded(good, (a) => ({
      ...a,
      meta: { ...a.meta, schema: { ...schemaOf(a), owner: 'x' } },
    }));
    expect(refuseModel(extra).message).toMatch(/meta\.schema.*"owner"/);
  });

  it('names the field inside a part that refuses', () => {
    // The one-hot encoder of the column transformer's second part, one category list short.
    const crafted = recoded(good, (a) => {
      const ct = a.children!['step0']!;
      const part = ct.children!['part1']!;
      const categories = (part.meta['categories'] as Json[]).slice(1);
      const shortened = { ...part, meta: { ...part.meta, categories } };
      return withChild(a, 'step0', withChild(ct, 'part1', shortened));
    });
    const error = refuseModel(crafted);
    expectField(error, 'children.step0.children.part1.meta.categories');
    expect(error.message).toMatch(
      /one-hot artifact: field "meta.categories" has 0 entries, expected 1 \(one per input column\)/,
    );
  });

  it('refuses a step count that does not match its children', () => {
    const crafted = recoded(good, (a) => ({ ...a, meta: { ...a.meta, steps: 2 } }));
    expectField(refuseModel(crafted), 'children.step1');
  });
});

describe('crafted transformers are refused, naming the field', () => {
  it('refuses a one-hot encoder whose category lists disagree with its columns', () => {
    const encoder = saveModel(oneHotEncoder().fit(frame.select(['c'])));
    const extra = recoded(encoder, (a) => ({
      ...a,
      meta: { ...a.meta, categories: [...(a.meta['categories'] as Json[]), { kept: ['q'], infrequent: [] }] },
    }));
    const error = refuseTransformer(extra);
    expectField(error, 'meta.categories');
    expect(error.message).toMatch(/2 entries, expected 1/);
    const malformed = recoded(encoder, (a) => ({ ...a, meta: { ...a.meta, categories: [{ kept: 'xyz' }] } }));
    expectField(refuseTransformer(malformed), 'meta.categories[0].kept');
  });

  it('refuses a scaler whose mean array is short', () => {
    const scaler = saveModel(standardScaler().fit(frame.select(['a', 'b'])));
    const short = recoded(scaler, (a) => ({ ...a, arrays: { ...a.arrays, centre: Float64Array.of(1) } }));
    const error = refuseTransformer(short);
    expectField(error, 'arrays.centre');
    expect(error.message).toMatch(/1 values, expected 2/);
    const zero = recoded(scaler, (a) => ({ ...a, arrays: { ...a.arrays, scale: Float64Array.of(1, 0) } }));
    expectField(refuseTransformer(zero), 'arrays.scale[1]');
  });
});

describe('a crafted ensemble is refused, naming the field', () => {
  let ensemble: Uint8Array;
  beforeAll(() => {
    const a = ridge().fit(frame.select(['a']), target);
    const b = ridge({ alpha: 5 }).fit(frame.select(['a']), target);
    ensemble = saveModel(
      ensembleModel([
        { model: a, weight: 2 },
        { model: b, weight: 1 },
      ]),
    );
  });

  it('refuses weights that do not match its members, before loading them', () => {
    const crafted = recoded(ensemble, (a) =>
      withChild({ ...a, meta: { weights: [0.5, 0.3, 0.2] } }, 'member0', brokenRidge(ridgeBytes)),
    );
    const error = refuseModel(crafted);
    expectField(error, 'meta.weights');
    expect(error.message).toMatch(/has 3 entries, expected 2/);
    const negative = recoded(ensemble, (a) => ({ ...a, meta: { weights: [1, -1] } }));
    expectField(refuseModel(negative), 'meta.weights[1]');
    const zero = recoded(ensemble, (a) => ({ ...a, meta: { weights: [0, 0] } }));
    expectField(refuseModel(zero), 'meta.weights');
  });

  it('refuses a member that is a transformer', () => {
    const scaler = decodeArtifact(saveModel(standardScaler().fit(frame.select(['a']))));
    const crafted = recoded(ensemble, (a) => withChild(a, 'member1', scaler));
    expectField(refuseModel(crafted), 'children.member1.kind');
  });
});
