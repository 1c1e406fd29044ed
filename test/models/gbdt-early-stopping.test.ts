import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeArtifact, encodeArtifact } from '../../src/core/artifact.js';
import { Rng } from '../../src/core/random.js';
import { categoricalFromLabels } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import type { Target } from '../../src/estimator/contract.js';
import { saveModel } from '../../src/estimator/persist.js';
import { gbdtClassifier, gbdtRegressor } from '../../src/models/boost/gbdt.js';
import type { GbdtModel } from '../../src/models/boost/gbdt-model.js';

/**
 * A table that reaches every branch of the held-out walk: normal features, one
 * with a tenth missing, one with six distinct values (midpoint edges), and a
 * 40-level category with missing labels and a rare level.
 */
function table(rows: number, seed: number): { frame: Frame; signal: Float64Array } {
  const rng = new Rng(seed);
  const normal = Array.from({ length: 4 }, () => Float64Array.from({ length: rows }, () => rng.normal()));
  const gappy = Float64Array.from({ length: rows }, () => (rng.next() < 0.1 ? Number.NaN : rng.normal()));
  const steps = Float64Array.from({ length: rows }, () => rng.int(6));
  const levels = Array.from({ length: 40 }, (_, c) => `l${c}`);
  const labels = Array.from({ length: rows }, () => {
    const u = rng.next();
    return u < 0.05 ? null : u < 0.06 ? 'rare' : levels[rng.int(40)]!;
  });
  const signal = Float64Array.from({ length: rows }, (_, i) => {
    const code = labels[i] === null ? -1 : labels[i] === 'rare' ? 45 : Number(labels[i]!.slice(1));
    return (
      1.5 * normal[0]![i]! -
      normal[1]![i]! +
      0.5 * normal[2]![i]! * normal[3]![i]! +
      (Number.isNaN(gappy[i]!) ? 1 : 0.7 * gappy[i]!) +
      0.4 * steps[i]! -
      1 +
      (code % 3 === 0 ? 0.8 : code < 0 ? -0.5 : 0) +
      0.5 * rng.normal()
    );
  });
  const frame = new Frame([
    ...normal.map((values, j) => ({ storage: 'number', name: `n${j}`, kind: 'numeric', values }) as const),
    { storage: 'number', name: 'gappy', kind: 'numeric', values: gappy },
    { storage: 'number', name: 'steps', kind: 'numeric', values: steps },
    categoricalFromLabels('level', labels),
  ]);
  return { frame, signal };
}

const ROWS = 3000;
const { frame, signal } = table(ROWS, 23);
const regression: Target = { name: 'y', task: 'regression', values: signal, classes: [] };
const positive: Target = { ...regression, values: signal.map((s) => Math.round(Math.exp(s / 2))) };
const binary: Target = {
  name: 'y',
  task: 'binary',
  values: signal.map((s) => (s > 0.8 ? 1 : 0)),
  classes: ['no', 'yes'],
};
const multiclass: Target = {
  name: 'y',
  task: 'multiclass',
  values: signal.map((s) => (s < -1 ? 0 : s < 0.5 ? 1 : s < 2 ? 2 : 3)),
  classes: ['a', 'b', 'c', 'd'],
};
/**
 * The table plus a category with 20 common levels (that splits use) and 200
 * rare ones of about three rows each: some rare levels fall only in the
 * held-out rows, each in a bin of its own that no training row is in (below
 * the split's category support, so it goes right); with 16 bins most levels
 * share the last bin.
 */
const sparseRng = new Rng(29);
const sparseCodes = Array.from({ length: ROWS }, () => {
  const u = sparseRng.next();
  return u < 0.5 ? -1 : u < 0.8 ? sparseRng.int(20) : 20 + sparseRng.int(200);
});
const sparseLabels = sparseCodes.map((c) => (c < 0 ? null : c < 20 ? `c${c}` : `r${c - 20}`));
const sparseFrame = new Frame([...frame.columns, categoricalFromLabels('sparse', sparseLabels)]);
const sparseSignal = signal.map((s, i) => s + (sparseCodes[i]! >= 0 && sparseCodes[i]! % 2 === 1 ? 1.5 : 0));
const sparseBinary: Target = { ...binary, values: sparseSignal.map((s) => (s > 0.8 ? 1 : 0)) };
const weightRng = new Rng(5);
const sampleWeight = Float64Array.from({ length: ROWS }, () => 0.5 + weightRng.next());

interface PinnedCase {
  readonly name: string;
  readonly fit: () => GbdtModel;
  /** Boosting iterations the fit ran: below `trees` where it stopped early. */
  readonly iterations: number;
  readonly sha256: string;
}

const on = { earlyStopping: true } as const;

/**
 * Fits with early stopping on, pinned by the SHA-256 of their saved bytes
 * (trees, baseline, iteration count and both loss curves), as the code gave
 * them before the held-out scores were kept incrementally. The held-out walk,
 * its loss and the stopping rule must give these models bit for bit.
 */
const CASES: readonly PinnedCase[] = [
  {
    name: 'binary log-loss',
    fit: () => gbdtClassifier({ ...on, trees: 150, learningRate: 0.3, seed: 1 }).fit(frame, binary),
    iterations: 32,
    sha256: '65e8b5609b7b97be1b4a3a5501e8fe7e56e91e2419efcf901ce5add7cc6efad1',
  },
  {
    name: 'binary, balanced class and sample weights, 16 bins, subsample and colsample',
    fit: () =>
      gbdtClassifier({
        ...on,
        trees: 120,
        learningRate: 0.2,
        classWeight: 'balanced',
        maxBins: 16,
        subsample: 0.7,
        colsample: 0.6,
        seed: 2,
      }).fit(frame, binary, { sampleWeight }),
    iterations: 57,
    sha256: 'fe899454b20d610e6419f3b7dc8e524d558cad3d05b0b7028b6b748c9b3e73d4',
  },
  {
    name: 'multiclass log-loss, subsample and colsample',
    fit: () =>
      gbdtClassifier({ ...on, trees: 80, learningRate: 0.3, subsample: 0.8, colsample: 0.7, seed: 3 }).fit(
        frame,
        multiclass,
      ),
    iterations: 23,
    sha256: '0a2012dbb3bd781761b213cb28aa7464df0161f74b8d7380d28e0890d1ebc25f',
  },
  {
    name: 'binary log-loss, small learning rate: no early stop',
    fit: () => gbdtClassifier({ ...on, trees: 40, learningRate: 0.05, seed: 11 }).fit(frame, binary),
    iterations: 40,
    sha256: '929f36c46b9fc2d755a0e44a62c81365247647e9072b2d21a62501851e438edd',
  },
  {
    name: 'multiclass log-loss, small learning rate: no early stop',
    fit: () => gbdtClassifier({ ...on, trees: 30, learningRate: 0.05, seed: 12 }).fit(frame, multiclass),
    iterations: 30,
    sha256: '4a692b1229516e8c80bf515eec5c448c244737af804acad2f028042b4d9875f4',
  },
  {
    name: 'binary, a category with levels seen only in the held-out rows',
    fit: () =>
      gbdtClassifier({ ...on, trees: 150, learningRate: 0.3, seed: 13 }).fit(sparseFrame, sparseBinary),
    iterations: 30,
    sha256: '64cd93e88c99817bf00904535c224d5a18bac1204058e0c303aed9ebed81567b',
  },
  {
    name: 'multiclass, the sparse category in 16 bins, a 30% hold-out',
    fit: () =>
      gbdtClassifier({
        ...on,
        trees: 80,
        learningRate: 0.3,
        maxBins: 16,
        validationFraction: 0.3,
        seed: 14,
      }).fit(sparseFrame, multiclass),
    iterations: 30,
    sha256: 'd1df76b536af5be05b743425819469790bdf5aad15d4b7fcf958d7b6ed191e76',
  },
  {
    name: 'squared error',
    fit: () => gbdtRegressor({ ...on, trees: 200, learningRate: 0.3, seed: 4 }).fit(frame, regression),
    iterations: 47,
    sha256: '48f0cf14846ac8f1a955247d3c26e63442fe9d1982574af2a04b9a4fe80a6e1b',
  },
  {
    name: 'huber, subsample, a 30% hold-out and patience 3',
    fit: () =>
      gbdtRegressor({
        ...on,
        loss: 'huber',
        delta: 0.8,
        trees: 150,
        learningRate: 0.3,
        subsample: 0.6,
        validationFraction: 0.3,
        patience: 3,
        seed: 5,
      }).fit(frame, regression),
    iterations: 51,
    sha256: 'f7c22179a3b9f08b9c1bbb24410c585b85498517e3b5cf428380dfb244783523',
  },
  {
    name: 'absolute error, colsample, sample weights',
    fit: () =>
      gbdtRegressor({ ...on, loss: 'absolute-error', trees: 100, colsample: 0.5, seed: 6 }).fit(
        frame,
        regression,
        { sampleWeight },
      ),
    iterations: 100,
    sha256: 'bd5e103e2e4e4ff38090432309141fba0eb0b0622ad1bd036f6c03646f1a153f',
  },
  {
    name: 'quantile 0.8',
    fit: () =>
      gbdtRegressor({ ...on, loss: 'quantile', quantile: 0.8, trees: 100, learningRate: 0.2, seed: 7 }).fit(
        frame,
        regression,
      ),
    iterations: 95,
    sha256: '21a2750f8ce64ecc8c7b5ccc74c4358e6366b3b887d451b0495000a350591ee0',
  },
  {
    name: 'poisson',
    fit: () =>
      gbdtRegressor({ ...on, loss: 'poisson', trees: 150, learningRate: 0.3, seed: 8 }).fit(frame, positive),
    iterations: 50,
    sha256: '15f376d9194005c435d300f2a85c6a034ff6dca145630a4b0208e6b0e4440c24',
  },
];

describe('gbdt with early stopping: the same models, byte for byte', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const model = c.fit();
      const sha256 = createHash('sha256').update(saveModel(model)).digest('hex');
      expect({ iterations: model.ensemble.iterations, sha256 }).toEqual({
        iterations: c.iterations,
        sha256: c.sha256,
      });
    });
  }
});

/**
 * Above 10,000 training rows the training-loss curve is measured on 10,000 of
 * them, spread evenly (as scikit-learn's HistGradientBoosting scores its
 * training curve): the curve changes, nothing else does. These SHA-256s are of
 * the saved bytes with the training curve emptied, as the code gave them when
 * the curve was measured on every row.
 */
const BIG = table(14_000, 31);
const bigBinary: Target = { ...binary, values: BIG.signal.map((s) => (s > 0.8 ? 1 : 0)) };
const bigMulticlass: Target = {
  ...multiclass,
  values: BIG.signal.map((s) => (s < -1 ? 0 : s < 0.5 ? 1 : s < 2 ? 2 : 3)),
};
const bigRegression: Target = { ...regression, values: BIG.signal };
const BIG_CASES: readonly PinnedCase[] = [
  {
    name: 'binary log-loss',
    fit: () => gbdtClassifier({ ...on, trees: 60, learningRate: 0.3, seed: 2 }).fit(BIG.frame, bigBinary),
    iterations: 60,
    sha256: '230f8ecf4b70554c9e5cad83fab315bb41d21c6bfa16fd97651c7b0b9bf7aea3',
  },
  {
    name: 'multiclass, subsample',
    fit: () =>
      gbdtClassifier({ ...on, trees: 40, learningRate: 0.3, subsample: 0.7, seed: 3 }).fit(
        BIG.frame,
        bigMulticlass,
      ),
    iterations: 38,
    sha256: '06c1990ccc50a93d28d7a08a7919868e994a8097b02bbd3072b47992b2740491',
  },
  {
    name: 'squared error, sample weights',
    fit: () =>
      gbdtRegressor({ ...on, trees: 60, learningRate: 0.3, seed: 4 }).fit(BIG.frame, bigRegression, {
        sampleWeight: Float64Array.from({ length: 14_000 }, (_, i) => 0.5 + (i % 7) / 7),
      }),
    iterations: 60,
    sha256: 'f41c25ed9612d210e2ee25c4940d49f323212127b4281c162b293670fbfb806e',
  },
];

function withoutTrainingCurve(model: GbdtModel): string {
  const artifact = decodeArtifact(saveModel(model));
  const bytes = encodeArtifact({ ...artifact, meta: { ...artifact.meta, trainLoss: [] } });
  return createHash('sha256').update(bytes).digest('hex');
}

describe('gbdt with early stopping above 10,000 training rows: the curve on 10,000 of them', () => {
  for (const c of BIG_CASES) {
    it(c.name, () => {
      const model = c.fit();
      const { trainLoss, validationLoss, iterations } = model.ensemble;
      expect({ iterations, sha256: withoutTrainingCurve(model) }).toEqual({
        iterations: c.iterations,
        sha256: c.sha256,
      });
      expect(trainLoss).toHaveLength(iterations);
      expect(trainLoss.every(Number.isFinite)).toBe(true);
      // An even tenth-and-more of the training rows: its loss follows the held-out loss's scale.
      expect(trainLoss.at(-1)!).toBeLessThan(trainLoss[0]!);
      expect(validationLoss).toHaveLength(iterations);
    });
  }

  it('measures the loss of the training rows it names: 10,000 evenly spread', () => {
    // Squared error, unweighted: the curve's last value against the loss over every row of
    // the table (training and held-out): close, as the 10,000 are most of the 12,600 trained on.
    const model = gbdtRegressor({ ...on, trees: 30, learningRate: 0.3, seed: 4 }).fit(
      BIG.frame,
      bigRegression,
    );
    const predicted = model.predict(BIG.frame);
    let sum = 0;
    for (let i = 0; i < predicted.length; i++) sum += 0.5 * (BIG.signal[i]! - predicted[i]!) ** 2;
    const everyRow = sum / predicted.length;
    const curve = model.ensemble.trainLoss.at(-1)!;
    expect(Math.abs(curve / everyRow - 1)).toBeLessThan(0.05);
    expect(curve).not.toBe(everyRow);
  });
});
