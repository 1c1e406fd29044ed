import type { Artifact } from '../../core/artifact.js';
import { SchemaError, UsageError } from '../../core/errors.js';
import { checkNumber, withDefaults } from '../../core/params.js';
import { Rng } from '../../core/random.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type {
  Estimator,
  FitOptions,
  Model,
  Params,
  SupervisedTask,
  Target,
} from '../../estimator/contract.js';
import { registerLoader } from '../../estimator/persist.js';
import { checkRows, completeInput, earlyStoppingHoldOut, requireTarget, trainingNames } from '../input.js';
import { ACTIVATIONS, type Activation, type OutputLink } from './activations.js';
import { type Architecture, forward, initialNetwork, Network, Workspace } from './network.js';
import { predictedClass, type TrainingHistory, train } from './train.js';

/**
 * Multilayer perceptrons as scikit-learn 1.2's MLPClassifier and
 * MLPRegressor with solver='adam': fully connected hidden layers,
 * Glorot-uniform initialisation, minibatch Adam on the L2-penalised
 * cross-entropy (softmax outputs for several classes, one logistic output for
 * two) or half squared error (regression), stopped on a plateau of the
 * training loss or, with early stopping, of the score on held-out rows.
 * Neural networks are sensitive to feature scale: standardise first.
 */
export interface MlpParams extends Params {
  /** Units in each hidden layer, input side first; [] fits a (generalised) linear model. */
  readonly hiddenLayers: readonly number[];
  readonly activation: Activation;
  /** L2 penalty strength. */
  readonly alpha: number;
  /** Rows per minibatch; null: min(200, training rows). */
  readonly batchSize: number | null;
  /** Adam's step size. */
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Most epochs (passes over the training rows). */
  readonly maxIter: number;
  /** The least improvement (in loss, or validation score) that resets the patience count. */
  readonly tol: number;
  /** Epochs without such an improvement tolerated before stopping. */
  readonly nIterNoChange: number;
  /** Hold out validationFraction of the rows (stratified for classes), stop on their score, keep the best weights. */
  readonly earlyStopping: boolean;
  readonly validationFraction: number;
  /** Reshuffle the rows before every epoch. */
  readonly shuffle: boolean;
  readonly seed: number;
}

const DEFAULTS: MlpParams = {
  hiddenLayers: [100],
  activation: 'relu',
  alpha: 1e-4,
  batchSize: null,
  learningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  maxIter: 200,
  tol: 1e-4,
  nIterNoChange: 10,
  earlyStopping: false,
  validationFraction: 0.1,
  shuffle: true,
  seed: 0,
};

const DEFAULT_BATCH = 200;
/** Rows per block when predicting: enough to amortise the loops, small enough to stay in cache. */
const PREDICT_BLOCK = 256;

type Family = { readonly kind: string; readonly tasks: readonly SupervisedTask[] };
const CLASSIFIER: Family = { kind: 'mlp-classifier', tasks: ['binary', 'multiclass'] };
const REGRESSOR: Family = { kind: 'mlp-regressor', tasks: ['regression'] };

export function mlpClassifier(params: Partial<MlpParams> = {}): Estimator<MlpModel> {
  return mlp(CLASSIFIER, params);
}

export function mlpRegressor(params: Partial<MlpParams> = {}): Estimator<MlpModel> {
  return mlp(REGRESSOR, params);
}

function mlp(family: Family, given: Partial<MlpParams>): Estimator<MlpModel> {
  const params = withDefaults(family.kind, DEFAULTS, given);
  checkMlpParams(family.kind, params);
  return {
    kind: family.kind,
    params,
    acceptsMissing: false,
    fit: (X: Matrix | Frame, y?: Target, options: FitOptions = {}) => fitMlp(family, params, X, y, options),
  };
}

function checkMlpParams(kind: string, p: MlpParams): void {
  const below1 = 1 - Number.EPSILON;
  if (!Array.isArray(p.hiddenLayers) || !p.hiddenLayers.every((u) => Number.isInteger(u) && u >= 1)) {
    throw new UsageError(
      'usage.bad-param',
      `${kind}: hiddenLayers must be a list of whole numbers ≥ 1, not ${JSON.stringify(p.hiddenLayers)}`,
      {
        location: { field: 'hiddenLayers' },
        hint: 'e.g. [100] for one hidden layer of 100 units, [64, 32] for two',
      },
    );
  }
  if (!ACTIVATIONS.includes(p.activation)) {
    throw new UsageError(
      'usage.bad-param',
      `${kind}: activation must be ${ACTIVATIONS.join(', ')}, not ${JSON.stringify(p.activation)}`,
      { location: { field: 'activation' } },
    );
  }
  checkNumber(kind, 'alpha', p.alpha, 0);
  if (p.batchSize !== null) checkNumber(kind, 'batchSize', p.batchSize, 1, Number.POSITIVE_INFINITY, true);
  checkNumber(kind, 'learningRate', p.learningRate, Number.MIN_VALUE);
  checkNumber(kind, 'beta1', p.beta1, 0, below1);
  checkNumber(kind, 'beta2', p.beta2, 0, below1);
  checkNumber(kind, 'epsilon', p.epsilon, Number.MIN_VALUE);
  checkNumber(kind, 'maxIter', p.maxIter, 1, Number.POSITIVE_INFINITY, true);
  checkNumber(kind, 'tol', p.tol, 0);
  checkNumber(kind, 'nIterNoChange', p.nIterNoChange, 1, Number.POSITIVE_INFINITY, true);
  checkNumber(kind, 'validationFraction', p.validationFraction, Number.MIN_VALUE, below1);
  checkNumber(kind, 'seed', p.seed, 0, 2 ** 32 - 1, true);
}

function fitMlp(
  family: Family,
  params: MlpParams,
  X: Matrix | Frame,
  y: Target | undefined,
  options: FitOptions,
): MlpModel {
  const { kind } = family;
  const target = requireTarget(y, kind, family.tasks);
  const names = trainingNames(X, target);
  const matrix = completeInput(X, names, kind);
  checkRows(matrix, target, options.sampleWeight);
  if (options.sampleWeight !== undefined) throw noSampleWeights(kind);
  const classification = target.task !== 'regression';
  if (classification) requireTwoClasses(target, kind);
  const rng = options.rng ?? new Rng(params.seed);
  const architecture = architectureFor(params, matrix.cols, target);
  const network = initialNetwork(architecture, rng);
  const split = params.earlyStopping
    ? earlyStoppingHoldOut(target, params.validationFraction, rng, kind)
    : null;
  const trainRows = split?.train ?? Int32Array.from({ length: matrix.rows }, (_, i) => i);
  const batchSize = Math.min(params.batchSize ?? DEFAULT_BATCH, trainRows.length);
  const data = { X: matrix, targets: target.values, train: trainRows, validation: split?.test ?? null };
  const history = train(network, data, { ...params, batchSize }, rng, options.onProgress);
  return new MlpModel(
    kind,
    params,
    names,
    target.classes,
    target.task,
    architecture,
    network.parameters,
    history,
  );
}

function architectureFor(params: MlpParams, inputs: number, target: Target): Architecture {
  const classes = target.classes.length;
  const output: OutputLink =
    target.task === 'regression' ? 'identity' : classes === 2 ? 'logistic' : 'softmax';
  const outputs = output === 'softmax' ? classes : 1;
  return { sizes: [inputs, ...params.hiddenLayers, outputs], activation: params.activation, output };
}

function requireTwoClasses(target: Target, kind: string): void {
  const first = target.values[0];
  if (target.classes.length >= 2 && target.values.some((v) => v !== first)) return;
  const label = target.classes[first ?? 0] ?? String(first);
  throw new SchemaError('schema.single-class', `the target has a single class, "${label}"`, {
    location: { column: target.name },
    hint: `${kind} needs at least two classes to tell apart; check the data or a filter before it`,
  });
}

function noSampleWeights(kind: string): UsageError {
  return new UsageError('usage.no-sample-weight', `${kind} does not take sample weights`, {
    location: { field: 'sampleWeight' },
    hint: 'resample the rows by weight instead, or use a model that takes weights (logistic, trees, forests)',
  });
}

export class MlpModel implements Model {
  /** The fitted network; its parameters are the model's and are never changed. */
  readonly network: Network;
  /** Classifiers only: row-major rows × classes. */
  readonly predictProba?: (X: Matrix | Frame) => Float64Array;

  constructor(
    readonly kind: string,
    readonly params: MlpParams,
    readonly inputNames: readonly string[],
    readonly classes: readonly string[],
    readonly task: SupervisedTask,
    architecture: Architecture,
    parameters: Float64Array,
    readonly history: TrainingHistory,
  ) {
    this.network = new Network(architecture, parameters);
    if (task !== 'regression') this.predictProba = (X) => this.probabilities(X);
  }

  /** Epochs run. */
  get epochs(): number {
    return this.history.lossCurve.length;
  }

  /** Regression: values. Classification: the most probable class's index. */
  predict(X: Matrix | Frame): Float64Array {
    const outputs = this.outputs(X);
    if (this.task === 'regression') return outputs;
    const width = this.network.outputs;
    const rows = outputs.length / width;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) out[i] = predictedClass(outputs, i, width);
    return out;
  }

  private probabilities(X: Matrix | Frame): Float64Array {
    const outputs = this.outputs(X);
    if (this.network.outputs > 1) return outputs;
    const proba = new Float64Array(outputs.length * 2);
    for (let i = 0; i < outputs.length; i++) {
      proba[2 * i] = 1 - outputs[i]!;
      proba[2 * i + 1] = outputs[i]!;
    }
    return proba;
  }

  /** The network's outputs for every row, row-major rows × outputs, computed a block of rows at a time. */
  private outputs(X: Matrix | Frame): Float64Array {
    const matrix = completeInput(X, this.inputNames, this.kind);
    const { network } = this;
    const width = network.outputs;
    const out = new Float64Array(matrix.rows * width);
    const work = new Workspace(network.architecture, Math.min(PREDICT_BLOCK, matrix.rows));
    for (let start = 0; start < matrix.rows; start += PREDICT_BLOCK) {
      const rows = Math.min(PREDICT_BLOCK, matrix.rows - start);
      const input = matrix.data.subarray(start * matrix.cols, (start + rows) * matrix.cols);
      out.set(forward(network, input, rows, work).subarray(0, rows * width), start * width);
    }
    return out;
  }

  toArtifact(): Artifact {
    const { architecture, weights, biases } = this.network;
    const arrays: Record<string, Float64Array> = {
      lossCurve: this.history.lossCurve,
      validationScores: this.history.validationScores,
    };
    weights.forEach((w, l) => {
      arrays[`weights${l}`] = w;
      arrays[`biases${l}`] = biases[l]!;
    });
    return {
      kind: this.kind,
      version: 1,
      meta: {
        params: this.params,
        inputNames: this.inputNames,
        classes: this.classes,
        task: this.task,
        sizes: architecture.sizes,
        activation: architecture.activation,
        output: architecture.output,
        converged: this.history.converged,
      },
      arrays,
    };
  }
}

function loadMlp(artifact: Artifact): MlpModel {
  const meta = artifact.meta as {
    params: MlpParams;
    inputNames: string[];
    classes: string[];
    task: SupervisedTask;
    sizes: number[];
    activation: Activation;
    output: OutputLink;
    converged: boolean;
  };
  const architecture: Architecture = { sizes: meta.sizes, activation: meta.activation, output: meta.output };
  const layers = meta.sizes.length - 1;
  const parts: Float64Array[] = [];
  for (let l = 0; l < layers; l++) {
    parts.push(artifact.arrays[`weights${l}`] as Float64Array, artifact.arrays[`biases${l}`] as Float64Array);
  }
  const parameters = new Float64Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    parameters.set(part, offset);
    offset += part.length;
  }
  const history: TrainingHistory = {
    lossCurve: artifact.arrays['lossCurve'] as Float64Array,
    validationScores: artifact.arrays['validationScores'] as Float64Array,
    converged: meta.converged,
  };
  return new MlpModel(
    artifact.kind,
    meta.params,
    meta.inputNames,
    meta.classes,
    meta.task,
    architecture,
    parameters,
    history,
  );
}

for (const family of [CLASSIFIER, REGRESSOR]) registerLoader(family.kind, 1, loadMlp);
