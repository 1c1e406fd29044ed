import { UsageError } from '../../core/errors.js';
import type { Rng } from '../../core/random.js';
import type { Matrix } from '../../data/frame.js';
import { Adam, type AdamSettings } from './adam.js';
import { outputErrors } from './loss.js';
import { backward, forward, Network, parameterCount, Workspace } from './network.js';

/**
 * Minibatch training with Adam, stopped as scikit-learn's MLP stops: after
 * more than `nIterNoChange` epochs in a row without an improvement of at
 * least `tol` — in the training loss, or with early stopping in the score on
 * held-out rows, in which case the weights of the best-scoring epoch are the
 * ones kept.
 */
export interface TrainingSettings extends AdamSettings {
  /** L2 penalty: the loss adds ½·alpha·Σw² / (rows in the batch). */
  readonly alpha: number;
  readonly batchSize: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly nIterNoChange: number;
  readonly shuffle: boolean;
}

export interface TrainingData {
  readonly X: Matrix;
  /** Per row of X: the class index (classification) or the value (regression). */
  readonly targets: Float64Array;
  /** The rows to learn from. */
  readonly train: Int32Array;
  /** Rows scored after every epoch to choose when to stop; none without early stopping. */
  readonly validation: Int32Array | null;
}

export interface TrainingHistory {
  /** The mean penalised training loss of each epoch (scikit-learn's loss_curve_). */
  readonly lossCurve: Float64Array;
  /** Accuracy or R² on the validation rows after each epoch (empty without early stopping). */
  readonly validationScores: Float64Array;
  /** Whether a stopping rule ended training before maxIter. */
  readonly converged: boolean;
}

export function train(
  network: Network,
  data: TrainingData,
  settings: TrainingSettings,
  rng: Rng,
  onProgress?: (done: number, total: number) => void,
): TrainingHistory {
  const epoch = new EpochRunner(network, data, settings);
  const scorer = data.validation === null ? null : new ValidationScorer(network, data, settings.batchSize);
  const best = scorer === null ? null : Float64Array.from(network.parameters);
  const lossCurve: number[] = [];
  const validationScores: number[] = [];
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestScore = Number.NEGATIVE_INFINITY;
  let stale = 0;
  let converged = false;
  for (let e = 1; e <= settings.maxIter; e++) {
    const loss = epoch.run(rng);
    lossCurve.push(loss);
    if (scorer !== null) {
      const score = scorer.score();
      validationScores.push(score);
      stale = score < bestScore + settings.tol ? stale + 1 : 0;
      if (score > bestScore) {
        bestScore = score;
        best!.set(network.parameters);
      }
    } else {
      stale = loss > bestLoss - settings.tol ? stale + 1 : 0;
      if (loss < bestLoss) bestLoss = loss;
    }
    onProgress?.(e, settings.maxIter);
    if (stale > settings.nIterNoChange) {
      converged = true;
      break;
    }
  }
  if (best !== null) network.parameters.set(best);
  return {
    lossCurve: Float64Array.from(lossCurve),
    validationScores: Float64Array.from(validationScores),
    converged,
  };
}

/** One pass over the training rows in minibatches; every buffer is allocated once, up front. */
class EpochRunner {
  private readonly order: Int32Array;
  private readonly input: Float64Array;
  private readonly targets: Float64Array;
  private readonly work: Workspace;
  private readonly gradient: Network;
  private readonly adam: Adam;

  constructor(
    private readonly network: Network,
    private readonly data: TrainingData,
    private readonly settings: TrainingSettings,
  ) {
    const { architecture } = network;
    const batch = settings.batchSize;
    this.order = Int32Array.from(data.train);
    this.input = new Float64Array(batch * network.inputs);
    this.targets = new Float64Array(batch);
    this.work = new Workspace(architecture, batch, true);
    this.gradient = new Network(architecture, new Float64Array(parameterCount(architecture.sizes)));
    this.adam = new Adam(network.parameters.length, settings);
  }

  /** Trains on every row once; returns the epoch's mean penalised loss. */
  run(rng: Rng): number {
    const { network, order, settings, work } = this;
    const { output } = network.architecture;
    if (settings.shuffle) rng.shuffle(order);
    const n = order.length;
    const last = network.layers - 1;
    let total = 0;
    for (let start = 0; start < n; start += settings.batchSize) {
      const rows = Math.min(settings.batchSize, n - start);
      gatherRows(this.data.X, order, start, rows, this.input);
      for (let i = 0; i < rows; i++) this.targets[i] = this.data.targets[order[start + i]!]!;
      const predictions = forward(network, this.input, rows, work);
      total += outputErrors(output, predictions, this.targets, rows, network.outputs, work.errors[last]!);
      backward(network, this.input, rows, work, this.gradient);
      const squares = this.adam.step(
        network.parameters,
        this.gradient.parameters,
        network.weightRanges,
        settings.alpha / rows,
      );
      // The batch's mean loss carries ½·alpha·Σw²/rows; weighted by its rows, that is ½·alpha·Σw².
      total += 0.5 * settings.alpha * squares;
    }
    const loss = total / n;
    if (!Number.isFinite(loss)) throw diverged(settings.learningRate);
    return loss;
  }
}

/** Accuracy (classification) or R² (regression) of the current weights on the validation rows. */
class ValidationScorer {
  private readonly input: Float64Array;
  private readonly targets: Float64Array;
  private readonly work: Workspace;

  constructor(
    private readonly network: Network,
    data: TrainingData,
    private readonly batch: number,
  ) {
    const rows = data.validation!;
    this.input = new Float64Array(rows.length * network.inputs);
    gatherRows(data.X, rows, 0, rows.length, this.input);
    this.targets = Float64Array.from(rows, (r) => data.targets[r]!);
    this.work = new Workspace(network.architecture, Math.min(batch, rows.length));
  }

  score(): number {
    const { network, targets, batch } = this;
    const width = network.outputs;
    const output = network.architecture.output;
    let hits = 0;
    let squaredError = 0;
    for (let start = 0; start < targets.length; start += batch) {
      const rows = Math.min(batch, targets.length - start);
      const block = this.input.subarray(start * network.inputs, (start + rows) * network.inputs);
      const predictions = forward(network, block, rows, this.work);
      for (let i = 0; i < rows; i++) {
        const y = targets[start + i]!;
        if (output === 'identity') squaredError += (predictions[i]! - y) ** 2;
        else hits += predictedClass(predictions, i, width) === y ? 1 : 0;
      }
    }
    return output === 'identity' ? rSquared(squaredError, targets) : hits / targets.length;
  }
}

/** The class a row of outputs predicts: the second class when one logistic output exceeds ½, else the argmax. */
export function predictedClass(outputs: Float64Array, row: number, width: number): number {
  if (width === 1) return outputs[row]! > 0.5 ? 1 : 0;
  const start = row * width;
  let best = 0;
  for (let j = 1; j < width; j++) if (outputs[start + j]! > outputs[start + best]!) best = j;
  return best;
}

/** 1 − SS_res / SS_tot; on a constant target, 1 for a perfect fit and 0 otherwise (as scikit-learn). */
function rSquared(squaredError: number, targets: Float64Array): number {
  let mean = 0;
  for (const y of targets) mean += y;
  mean /= targets.length;
  let total = 0;
  for (const y of targets) total += (y - mean) ** 2;
  if (total === 0) return squaredError === 0 ? 1 : 0;
  return 1 - squaredError / total;
}

/** Copies rows order[start … start + count) of X into `out`, one after another. */
function gatherRows(X: Matrix, order: Int32Array, start: number, count: number, out: Float64Array): void {
  const { data, cols } = X;
  for (let i = 0; i < count; i++) {
    const from = order[start + i]! * cols;
    const to = i * cols;
    for (let j = 0; j < cols; j++) out[to + j] = data[from + j]!;
  }
}

function diverged(learningRate: number): UsageError {
  return new UsageError(
    'usage.diverged',
    `mlp: the training loss became infinite at learningRate ${learningRate}`,
    {
      location: { field: 'learningRate' },
      hint: 'lower learningRate (e.g. by a factor of 10), or standardise the features and a regression target',
    },
  );
}
