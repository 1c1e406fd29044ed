import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import type { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import type { SupervisedTask, Target } from '../../src/estimator/contract.js';
import { catalogEntry } from '../../src/models/catalog.js';
import { targetFromFrame } from '../../src/models/target.js';
import { defaultPreprocessing } from '../../src/prep/defaults.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { DATASETS } from '../helpers.js';
import { onnxParity } from './onnx-parity.js';

/**
 * The differential test of ONNX export: on every shared dataset, each model
 * family is trained as `keel train` trains it (default preprocessing in a
 * pipeline), exported, run in onnxruntime, and must answer as keel does.
 * Tolerance: 1e-5 on probabilities; on regression values 1e-5 relative to
 * max(1, |value|) (diamonds' prices run to 18,823). Labels must be equal.
 */

interface ManifestEntry {
  readonly file: string;
  readonly name: string;
  readonly task: SupervisedTask;
  readonly target: string;
}

const TOLERANCE = 1e-5;
/** Large tables are trained on a sample and scored on another, to keep the file near a minute. */
const MAX_TRAIN_ROWS = 3000;
const MAX_SCORE_ROWS = 1000;

/** Model families and the settings that keep them quick (few, shallow-enough trees). */
const FAMILIES: Record<string, { tasks: readonly SupervisedTask[]; settings: Record<string, number> }> = {
  linear: { tasks: ['regression'], settings: {} },
  ridge: { tasks: ['regression'], settings: {} },
  lasso: { tasks: ['regression'], settings: { alpha: 0.01 } },
  'elastic-net': { tasks: ['regression'], settings: { alpha: 0.01 } },
  logistic: { tasks: ['binary', 'multiclass'], settings: { maxIter: 50 } },
  tree: { tasks: ['regression', 'binary', 'multiclass'], settings: { maxDepth: 8 } },
  'random-forest': { tasks: ['regression', 'binary', 'multiclass'], settings: { trees: 5, maxDepth: 10 } },
  'extra-trees': { tasks: ['regression', 'binary', 'multiclass'], settings: { trees: 5, maxDepth: 10 } },
  gbdt: { tasks: ['regression', 'binary', 'multiclass'], settings: { trees: 10, threads: 1 } },
};

const manifest = JSON.parse(readFileSync(join(DATASETS, 'manifest.json'), 'utf8')) as ManifestEntry[];

/** The figures, printed once at the end for the report (KEEL_ONNX_FIGURES=1). */
const figures: string[] = [];

for (const dataset of manifest) {
  describe(`ONNX export on ${dataset.name} (${dataset.task})`, async () => {
    const frame = await readTable(join(DATASETS, dataset.file));
    const { train, score, target } = splitRows(frame, dataset);
    for (const [family, { tasks, settings }] of Object.entries(FAMILIES)) {
      if (!tasks.includes(dataset.task)) continue;
      it(`${family} answers in onnxruntime as in keel`, async () => {
        const entry = catalogEntry(family);
        const prep = defaultPreprocessing(train, entry);
        const model = pipeline([prep.transformer], entry.make(settings, target.task)).fit(train, target);
        const parity = await onnxParity(model, score);
        figures.push(
          `${dataset.name}\t${family}\tmaxAbs=${parity.maxAbs.toExponential(2)}\tmaxRel=${parity.maxRel.toExponential(2)}\tlabels≠${parity.labelMismatches}`,
        );
        if (process.env['KEEL_ONNX_FIGURES'] === '1') console.log(figures.at(-1));
        expect(parity.labelMismatches).toBe(0);
        if (dataset.task === 'regression') expect(parity.maxRel).toBeLessThanOrEqual(TOLERANCE);
        else expect(parity.maxAbs).toBeLessThanOrEqual(TOLERANCE);
      });
    }
  });
}

/** Up to MAX_TRAIN_ROWS training rows, and up to MAX_SCORE_ROWS scoring rows drawn from all rows (seeded). */
function splitRows(frame: Frame, dataset: ManifestEntry): { train: Frame; score: Frame; target: Target } {
  const order = new Rng(7).permutation(frame.rowCount);
  const trainRows = Int32Array.from(order.slice(0, Math.min(MAX_TRAIN_ROWS, frame.rowCount))).sort();
  const scoreRows = Int32Array.from(order.slice(Math.max(0, order.length - MAX_SCORE_ROWS))).sort();
  const trainFrame = frame.take(trainRows);
  const target = targetFromFrame(trainFrame, dataset.target, dataset.task);
  return {
    train: trainFrame.drop([dataset.target]),
    score: frame.take(scoreRows).drop([dataset.target]),
    target,
  };
}
