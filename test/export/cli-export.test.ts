import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportCommand } from '../../src/cli/export.js';
import { UsageError } from '../../src/core/errors.js';
import { readTable } from '../../src/data/read.js';
import { schemaOf } from '../../src/data/schema.js';
import { catalogEntry } from '../../src/models/catalog.js';
import { targetFromFrame } from '../../src/models/target.js';
import { defaultPreprocessing } from '../../src/prep/defaults.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { registerModel } from '../../src/registry/model-registry.js';
import { openStore } from '../../src/registry/open.js';
import { DATASETS, tempDir } from '../helpers.js';
import { feeds } from './onnx-parity.js';

/** `keel export` in process, against a SQLite store in a temporary KEEL_HOME. */
describe('keel export', () => {
  const home = tempDir();
  const saved = { home: process.env['KEEL_HOME'], store: process.env['KEEL_STORE'] };

  beforeAll(async () => {
    process.env['KEEL_HOME'] = home;
    process.env['KEEL_STORE'] = '';
    const frame = await readTable(join(DATASETS, 'iris.csv'));
    const target = targetFromFrame(frame, 'target', 'multiclass');
    const features = frame.drop(['target']);
    const entry = catalogEntry('logistic');
    const model = pipeline(
      [defaultPreprocessing(features, entry).transformer],
      entry.make({}, 'multiclass'),
    ).fit(features, target);
    const store = await openStore();
    try {
      await registerModel(store, 'iris', model, { schema: schemaOf(features) });
      await store.setAlias('iris', 'champion', 1);
    } finally {
      await store.close();
    }
  });

  afterAll(() => {
    for (const [key, value] of [
      ['KEEL_HOME', saved.home],
      ['KEEL_STORE', saved.store],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('writes the model an alias names, which onnxruntime then runs', async () => {
    const file = join(home, 'iris.onnx');
    const printed = await captured(() => exportCommand.run(['iris@champion', '--onnx', file, '--json']));
    const report = JSON.parse(printed);
    expect(report).toMatchObject({ model: 'iris', version: 1, file });
    expect(report.inputs).toHaveLength(4);
    expect(report.outputs.map((o: { name: string }) => o.name)).toEqual(['label', 'probabilities']);

    const session = await ort.InferenceSession.create(readFileSync(file));
    const frame = (await readTable(join(DATASETS, 'iris.csv'))).take([0, 75, 149]);
    const out = await session.run(feeds(session.inputNames, frame));
    expect(out['label']!.data).toEqual(['0', '1', '2']);
  });

  it('prints a summary of the inputs and outputs', async () => {
    const printed = await captured(() => exportCommand.run(['iris', '--onnx', join(home, 'latest.onnx')]));
    expect(printed).toMatch(/^wrote .*latest\.onnx: iris@1, [\d,]+ bytes/);
    expect(printed).toContain('sepal length (cm) (double)');
  });

  it('refuses a missing --onnx and an unknown model with usage errors', async () => {
    await expect(exportCommand.run(['iris'])).rejects.toThrow(/--onnx FILE is required/);
    await expect(exportCommand.run(['nope', '--onnx', join(home, 'x.onnx')])).rejects.toThrow(UsageError);
  });
});

async function captured(run: () => Promise<number>): Promise<string> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    expect(await run()).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}
