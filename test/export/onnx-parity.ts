import * as ort from 'onnxruntime-node';
import type { Frame } from '../../src/data/frame.js';
import type { Model } from '../../src/estimator/contract.js';
import { exportOnnx } from '../../src/export/onnx/index.js';

/** What keel and onnxruntime answered for the same rows, and how far apart they are. */
export interface Parity {
  /** Regression: the largest |onnx − keel|, and that over max(1, |keel|). Classifiers: on probabilities. */
  readonly maxAbs: number;
  readonly maxRel: number;
  /** Classifiers: rows whose ONNX label differs from keel's class. */
  readonly labelMismatches: number;
}

/** Exports `model`, runs it in onnxruntime on `rows`, and compares with keel's own predictions. */
export async function onnxParity(model: Model, rows: Frame): Promise<Parity> {
  const session = await ort.InferenceSession.create(exportOnnx(model), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const outputs = await session.run(feeds(session.inputNames, rows));
  if (model.task === 'regression') {
    const got = outputs['prediction']!.data as Float64Array;
    return { ...differences(got, model.predict(rows)), labelMismatches: 0 };
  }
  const proba = outputs['probabilities']!.data as Float64Array;
  const labels = outputs['label']!.data as string[];
  const classes = model.predict(rows);
  const labelMismatches = labels.filter((label, i) => label !== model.classes![classes[i]!]).length;
  return { ...differences(proba, model.predictProba!(rows)), labelMismatches };
}

/** One [N, 1] tensor per graph input: numbers as doubles (NaN missing), categories as strings ('' missing). */
export function feeds(names: readonly string[], rows: Frame): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const name of names) {
    const column = rows.column(name);
    if (column.storage === 'number') out[name] = new ort.Tensor('float64', column.values, [rows.rowCount, 1]);
    else {
      const labels =
        column.storage === 'categorical'
          ? Array.from(column.codes, (c) => (c < 0 ? '' : column.levels[c]!))
          : column.values.map((v) => v ?? '');
      out[name] = new ort.Tensor('string', labels, [rows.rowCount, 1]);
    }
  }
  return out;
}

function differences(got: Float64Array, want: Float64Array): { maxAbs: number; maxRel: number } {
  if (got.length !== want.length) throw new Error(`onnx gave ${got.length} values, keel ${want.length}`);
  let maxAbs = 0;
  let maxRel = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    if (!(d <= maxAbs)) maxAbs = d; // NaN on either side counts as the worst
    const r = d / Math.max(1, Math.abs(want[i]!));
    if (!(r <= maxRel)) maxRel = r;
  }
  return { maxAbs, maxRel };
}
