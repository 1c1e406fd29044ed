import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Artifact, decodeArtifact, encodeArtifact } from '../../src/core/artifact.js';
import { DataError, KeelError, UsageError } from '../../src/core/errors.js';
import type { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import { type Schema, schemaOf } from '../../src/data/schema.js';
import { build, specOf } from '../../src/estimator/kinds.js';
import { loadModel as modelFromBytes, saveModel } from '../../src/estimator/persist.js';
import { importOnnx, registerOnnx } from '../../src/export/onnx/onnx-import.js';
import { OnnxModel } from '../../src/export/onnx/onnx-model.js';
import { loadModel } from '../../src/registry/model-registry.js';
import { openStore } from '../../src/registry/open.js';
import { PredictionLog } from '../../src/serve/prediction-log.js';
import { serve } from '../../src/serve/server.js';
import { DATASETS, tempDir, writeFixture } from '../helpers.js';
import { rowsOf } from '../serve/fixtures.js';

const FIXTURES = new URL('../fixtures/onnx/', import.meta.url).pathname;
const onnxFile = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, `${name}.onnx`)));

interface Expected {
  diabetes: { columns: string[]; prediction: number[] };
  iris: { columns: string[]; classes: string[]; prediction: number[]; probabilities: number[][] };
}
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Expected;

let diabetes: Frame;
let iris: Frame;
const inputSchema = (frame: Frame): Schema => schemaOf(frame.drop(['target']));

beforeAll(async () => {
  diabetes = await readTable(join(DATASETS, 'diabetes.csv'));
  iris = await readTable(join(DATASETS, 'iris.csv'));
});

function maxDiff(got: Float64Array, want: readonly number[]): number {
  expect(got.length).toBe(want.length);
  return want.reduce((worst, w, i) => Math.max(worst, Math.abs(got[i]! - w)), 0);
}

describe('importing an ONNX model made outside keel', () => {
  it('predicts a [N, 10] double-input linear regression as scikit-learn does', async () => {
    const model = await importOnnx(onnxFile('diabetes_linear'), {
      name: 'diabetes',
      schema: inputSchema(diabetes),
    });
    expect(model.task).toBe('regression');
    expect(model.params['layout']).toBe('matrix');
    expect(model.inputNames).toEqual(expected.diabetes.columns);
    expect(maxDiff(model.predict(diabetes), expected.diabetes.prediction)).toBeLessThan(1e-5);
  });

  it('predicts a per-column tree ensemble classifier as scikit-learn does, probabilities included', async () => {
    const model = await importOnnx(onnxFile('iris_forest'), { name: 'iris', schema: inputSchema(iris) });
    expect(model.task).toBe('multiclass');
    expect(model.classes).toEqual(['0', '1', '2']);
    expect(maxDiff(model.predictProba!(iris), expected.iris.probabilities.flat())).toBeLessThan(1e-5);
    expect(Array.from(model.predict(iris))).toEqual(expected.iris.prediction);
  });

  it('maps string labels to classes when the graph answers only labels', async () => {
    const schema = inputSchema(iris);
    const bytes = onnxFile('iris_forest_labels');
    await expect(importOnnx(bytes, { name: 'iris', schema })).rejects.toThrow(/answers only labels.*"label"/);
    const model = await importOnnx(bytes, { name: 'iris', schema, classes: expected.iris.classes });
    expect(model.predictProba).toBeUndefined();
    expect(Array.from(model.predict(iris))).toEqual(expected.iris.prediction);
  });

  it('saves to an artifact and loads back to the same predictions', async () => {
    const model = await importOnnx(onnxFile('iris_forest'), { name: 'iris', schema: inputSchema(iris) });
    const loaded = modelFromBytes(saveModel(model));
    expect(loaded).toBeInstanceOf(OnnxModel);
    expect(loaded.predictProba!(iris)).toEqual(model.predictProba!(iris));
  });

  it('refuses a schema whose columns are not the inputs, naming them', async () => {
    const short = inputSchema(diabetes.drop(['s6']));
    await expect(importOnnx(onnxFile('diabetes_linear'), { name: 'd', schema: short })).rejects.toThrow(
      /"float_input" of 10 numbers per row, but the schema has 9 columns/,
    );
    const irisSchema = inputSchema(iris);
    const renamed = {
      ...irisSchema,
      columns: irisSchema.columns.map((c) =>
        c.name === 'petal width (cm)' ? { ...c, name: 'petal_width' } : c,
      ),
    };
    await expect(importOnnx(onnxFile('iris_forest'), { name: 'i', schema: renamed })).rejects.toThrow(
      /no column is named "petal width \(cm\)"/,
    );
    const extra = schemaOf(iris);
    await expect(importOnnx(onnxFile('iris_forest'), { name: 'i', schema: extra })).rejects.toThrow(
      /columns that "i" does not read: "target"/,
    );
  });

  it('refuses a ZipMap output (a sequence of maps), saying how to export instead', async () => {
    const error = await importOnnx(onnxFile('iris_forest_zipmap'), {
      name: 'z',
      schema: inputSchema(iris),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeelError);
    expect((error as KeelError).message).toMatch(/output "output_probability" of "z" is not a tensor/);
    expect((error as KeelError).hint).toMatch(/zipmap/);
  });

  it('refuses a task or classes that do not fit the outputs', async () => {
    const schema = inputSchema(iris);
    await expect(importOnnx(onnxFile('iris_forest'), { name: 'i', schema, task: 'binary' })).rejects.toThrow(
      /3 classes, so it is multiclass/,
    );
    await expect(
      importOnnx(onnxFile('iris_forest'), { name: 'i', schema, classes: ['a', 'b'] }),
    ).rejects.toThrow(/3 probability columns, and 2 classes/);
  });

  it('predicts inside a running event loop, reusing its worker for the next call', async () => {
    const model = await importOnnx(onnxFile('diabetes_linear'), { name: 'd', schema: inputSchema(diabetes) });
    const rows = diabetes.take([0, 1, 2]);
    const first = await new Promise<Float64Array>((resolve) =>
      setImmediate(() => resolve(model.predict(rows))),
    );
    const session = (model as unknown as { session: { running: unknown } }).session;
    const worker = session.running;
    expect(worker).toBeDefined();
    const second = await new Promise<Float64Array>((resolve) =>
      setTimeout(() => resolve(model.predict(rows)), 1),
    );
    expect(session.running).toBe(worker);
    expect(second).toEqual(first);
    expect(maxDiff(first, expected.diabetes.prediction.slice(0, 3))).toBeLessThan(1e-5);
    model.close();
  });

  it('throws a KeelError naming the model when the runtime fails', async () => {
    const model = await importOnnx(onnxFile('iris_forest'), {
      name: 'iris-broken',
      schema: inputSchema(iris),
    });
    const wrong = new OnnxModel(
      { ...model.plan, inputs: model.plan.inputs.map((i) => ({ ...i, type: 'float64' as const })) },
      model.bytes,
    );
    expect(() => wrong.predict(iris)).toThrow(/the ONNX model "iris-broken" failed/);
  });
});

describe('an imported model as a kind', () => {
  it('has a spec, but no build: there is nothing in keel to refit', async () => {
    const model = await importOnnx(onnxFile('diabetes_linear'), { name: 'd', schema: inputSchema(diabetes) });
    expect(specOf(model)).toEqual({ kind: 'onnx', params: { layout: 'matrix' } });
    expect(() => build(specOf(model))).toThrow(UsageError);
    expect(() => build(specOf(model))).toThrow(/an imported ONNX model cannot be refitted/);
    model.close();
  });

  it('refuses a crafted artifact naming the field, before any runtime starts', async () => {
    const model = await importOnnx(onnxFile('iris_forest'), { name: 'iris', schema: inputSchema(iris) });
    const bytes = saveModel(model);
    model.close();
    const crafted = (change: (a: Artifact) => Artifact) => encodeArtifact(change(decodeArtifact(bytes)));
    const refusal = (file: Uint8Array) => {
      try {
        modelFromBytes(file, 'crafted.keel');
      } catch (error) {
        expect(error).toBeInstanceOf(DataError);
        return error as DataError;
      }
      throw new Error('the crafted artifact loaded');
    };
    const { classes: _, ...noClasses } = decodeArtifact(bytes).meta;
    const classless = refusal(crafted((a) => ({ ...a, meta: noClasses })));
    expect(classless.location.field).toBe('meta.classes');
    const badType = refusal(
      crafted((a) => ({
        ...a,
        meta: { ...a.meta, inputs: [{ name: 'x', type: 'complex128', shape: [null, 1] }] },
      })),
    );
    expect(badType.location.field).toBe('meta.inputs[0].type');
    const noBytes = refusal(crafted((a) => ({ ...a, arrays: {} })));
    expect(noBytes.location.field).toBe('arrays.onnx');
  });
});

describe('registering an imported model', () => {
  const home = tempDir('keel-onnx-import-');

  it('registers through the library and loads by name', async () => {
    const store = await openStore({ url: join(home, 'lib.db') });
    try {
      const { version } = await registerOnnx(store, onnxFile('iris_forest'), {
        name: 'iris-onnx',
        schema: inputSchema(iris),
        classes: expected.iris.classes,
      });
      expect(version).toMatchObject({ model: 'iris-onnx', version: 1, kind: 'onnx', task: 'multiclass' });
      const { model } = await loadModel(store, 'iris-onnx');
      expect(model.classes).toEqual(expected.iris.classes);
      expect(Array.from(model.predict(iris))).toEqual(expected.iris.prediction);
    } finally {
      await store.close();
    }
  });

  it('lets a process with a loaded model exit', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { readTable } from './src/data/read.ts';
      import { schemaOf } from './src/data/schema.ts';
      import { importOnnx } from './src/export/onnx/onnx-import.ts';
      const frame = (await readTable(${JSON.stringify(join(DATASETS, 'diabetes.csv'))})).drop(['target']);
      const bytes = readFileSync(${JSON.stringify(join(FIXTURES, 'diabetes_linear.onnx'))});
      const model = await importOnnx(bytes, { name: 'd', schema: schemaOf(frame) });
      console.log(model.predict(frame.take([0]))[0]);
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../../', import.meta.url).pathname,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(Number(run.stdout)).toBeCloseTo(expected.diabetes.prediction[0]!, 5);
  });
});

describe('keel import on the command line', () => {
  const home = tempDir('keel-onnx-cli-');
  const KEEL = new URL('../../bin/keel.js', import.meta.url).pathname;
  /** Runs the CLI (dist/, so `npm run build` first) on a store of its own. */
  const keel = (...args: string[]) => {
    const result = spawnSync(process.execPath, [KEEL, ...args], {
      encoding: 'utf8',
      env: { ...process.env, KEEL_STORE: '', KEEL_HOME: home },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('registers the model, which the server then answers with, validates for and logs', async () => {
    const schema = writeFixture(home, 'iris-schema.json', JSON.stringify(inputSchema(iris)));
    const classes = expected.iris.classes.join(',');
    const imported = keel(
      'import',
      join(FIXTURES, 'iris_forest.onnx'),
      '--name',
      'iris',
      '--schema',
      schema,
      '--classes',
      classes,
      '--json',
    );
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      model: 'iris',
      version: 1,
      kind: 'onnx',
      task: 'multiclass',
      layout: 'columns',
      classes: expected.iris.classes,
      outputs: { probabilities: 'probabilities' },
    });

    const store = await openStore({ home });
    const server = await serve({ store, port: 0, pollMs: 0, log: new PredictionLog(store, { flushMs: 10 }) });
    try {
      const post = async (body: unknown) => {
        const response = await fetch(`${server.url}/v1/models/iris/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      const rows = [0, 60, 77, 120];
      const answered = await post(rowsOf(iris.take(rows).drop(['target'])));
      expect(answered.status).toBe(200);
      expect(answered.body['predictions']).toEqual(
        rows.map((i) => expected.iris.classes[expected.iris.prediction[i]!]),
      );
      const proba = answered.body['probabilities'] as number[][];
      const want = rows.flatMap((r) => expected.iris.probabilities[r]!);
      expect(maxDiff(Float64Array.from(proba.flat()), want)).toBeLessThan(1e-5);
      const invalid = await post([{ 'sepal length (cm)': 5 }]);
      expect(invalid.status).toBe(422);
      expect(JSON.stringify(invalid.body)).toContain('petal width (cm)');
    } finally {
      await server.close();
    }
    try {
      const logged = await store.listPredictions({ model: 'iris' });
      expect(logged.length).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('refuses a schema that does not match, naming the columns, and registers nothing', () => {
    const schema = writeFixture(home, 'wrong-schema.json', JSON.stringify(inputSchema(iris)));
    const refused = keel(
      'import',
      join(FIXTURES, 'diabetes_linear.onnx'),
      '--name',
      'diabetes',
      '--schema',
      schema,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('"float_input" of 10 numbers per row, but the schema has 4 columns');
    expect(keel('models', 'show', 'diabetes').code).not.toBe(0);
  });
});
