import { join } from 'node:path';
import type { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import { schemaOf } from '../../src/data/schema.js';
import type { Model } from '../../src/estimator/contract.js';
import { catalogEntry } from '../../src/models/catalog.js';
import { targetFromFrame } from '../../src/models/target.js';
import { defaultPreprocessing } from '../../src/prep/defaults.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { registerModel } from '../../src/registry/model-registry.js';
import { openStore } from '../../src/registry/open.js';
import type { Store } from '../../src/registry/types.js';
import { DATASETS, tempDir } from '../helpers.js';

/** A model as `keel train FILE --target T --model M` builds it: keel's default preprocessing, then M. */
export function trainLikeCli(frame: Frame, target: string, modelName: string, set = {}): Model {
  const entry = catalogEntry(modelName);
  const y = targetFromFrame(frame, target);
  const features = frame.drop([target]);
  const prep = defaultPreprocessing(features, entry);
  return pipeline([prep.transformer], entry.make(set, y.task)).fit(features, y);
}

export async function register(store: Store, name: string, model: Model, features: Frame) {
  return registerModel(store, name, model, { schema: schemaOf(features.select(model.inputNames)) });
}

export async function dataset(name: string, rows?: number): Promise<Frame> {
  const frame = await readTable(join(DATASETS, `${name}.csv`));
  return rows === undefined ? frame : frame.head(rows);
}

/** A fresh SQLite store in a temporary KEEL_HOME (removed when the file ends). */
export async function freshStore(): Promise<{ store: Store; home: string }> {
  const home = tempDir('keel-serve-');
  return { store: await openStore({ home }), home };
}

/** Rows of a frame as JSON objects (missing values as null). */
export function rowsOf(frame: Frame, from = 0, to = frame.rowCount): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = from; i < to; i++) {
    const row: Record<string, unknown> = {};
    for (const c of frame.columns) {
      if (c.storage === 'number') row[c.name] = Number.isNaN(c.values[i]!) ? null : c.values[i];
      else if (c.storage === 'categorical') row[c.name] = c.codes[i]! < 0 ? null : c.levels[c.codes[i]!];
      else row[c.name] = c.values[i];
    }
    out.push(row);
  }
  return out;
}
