import type { Artifact } from '../../core/artifact.js';
import { declare, domain, type ParamsOf, param } from '../../core/declare.js';
import { SchemaError, UsageError } from '../../core/errors.js';
import { Rng } from '../../core/random.js';
import { type ArraySpec, array, field, storedArtifact } from '../../core/stored.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, Model, SupervisedTask, Target } from '../../estimator/contract.js';
import { registerKind } from '../../estimator/kinds.js';
import { checkRows, completeInput, earlyStoppingHoldOut, requireTarget, trainingNames } from '../input.js';
import { ACTIVATIONS, type OutputLink } from './activations.js';
import { type Architecture, forward, initialNetwork, Network, parameterCount, Workspace } from './network.js';
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
const MLP_PARAMS = {
  /** Units in each hidden layer, input side first; [] fits a (generalised) linear model. */
  hiddenLayers: param.of<readonly number[]>([domain.list(domain.int({ min: 1 }))], {
    default: [100],
    doc: 'units per hidden layer, e.g. 64,32',
    search: { choices: [[32], [64], [128], [256], [64, 32], [128, 64]] },
  }),
  activation: param.choice(ACTIVATIONS, {
    default: 'relu',
    doc: 'relu, tanh or logistic',
    search: { choices: ['relu', 'tanh'] },
  }),
  alpha: param.float({
    default: 1e-4,
    min: 0,
    doc: 'L2 penalty strength',
    search: { low: 1e-6, high: 1e-1, log: true },
  }),
  batchSize: param.intOrNull({ default: null, min: 1, doc: 'rows per minibatch (null = min(200, rows))' }),
  learningRate: param.float({
    default: 1e-3,
    above: 0,
    doc: "Adam's step size",
    search: { low: 1e-4, high: 1e-2, log: true },
  }),
  beta1: param.float({
    default: 0.9,
    min: 0,
    below: 1,
    doc: "Adam's decay rate for the running mean of the gradient",
  }),
  beta2: param.float({
    default: 0.999,
    min: 0,
    below: 1,
    doc: "Adam's decay rate for the running mean of the squared gradient",
  }),
  epsilon: param.float({
    default: 1e-8,
    above: 0,
    doc: "added to Adam's step denominator, against division by 0",
  }),
  /** Most epochs (passes over the training rows). */
  maxIter: param.int({ default: 200, min: 1, doc: 'most epochs' }),
  /** The least improvement (in loss, or validation score) that resets the patience count. */
  tol: param.float({
    default: 1e-4,
    min: 0,
    doc: 'least improvement (loss, or validation score) that counts',
  }),
  /** Epochs without such an improvement tolerated before stopping. */
  nIterNoChange: param.int({ default: 10, min: 1, doc: 'epochs without improvement before stopping' }),
  /** Hold out validationFraction of the rows (stratified for classes), stop on their score, keep the best weights. */
  earlyStopping: param.bool({
    default: false,
    doc: 'hold out validationFraction of the rows, stop on their score, keep the best weights',
  }),
  validationFraction: param.float({
    default: 0.1,
    above: 0,
    below: 1,
    doc: 'share of rows held out for early stopping',
  }),
  shuffle: param.bool({ default: true, doc: 'reshuffle the training rows before every epoch' }),
  seed: param.int({
    default: 0,
    min: 0,
    max: 2 ** 32 - 1,
    doc: 'seed for initial weights, batch order and the holdout',
  }),
};

/** Above this many training rows a searched MLP holds out 10% and stops when it stops improving: epochs cost rows. */
const EARLY_STOPPING_ROWS = 2000;

const searchFixed = ({ trainRows }: { readonly trainRows: number }) =>
  trainRows > EARLY_STOPPING_ROWS ? { earlyStopping: true } : {};

const CLASSIFIER_TASKS: readonly SupervisedTask[] = ['binary', 'multiclass'];
const REGRESSOR_TASKS: readonly SupervisedTask[] = ['regression'];

export const MLP_CLASSIFIER = declare({
  kind: 'mlp-classifier',
  summary: 'multilayer perceptron classifier: dense relu/tanh/logistic layers trained by minibatch Adam',
  tasks: CLASSIFIER_TASKS,
  tags: { wantsScaling: true },
  params: MLP_PARAMS,
  searchFixed,
});

export const MLP_REGRESSOR = declare({
  kind: 'mlp-regressor',
  summary: 'multilayer perceptron regressor: dense relu/tanh/logistic layers trained by minibatch Adam',
  tasks: REGRESSOR_TASKS,
  tags: { wantsScaling: true },
  params: MLP_PARAMS,
  searchFixed,
});

export type MlpParams = ParamsOf<typeof MLP_PARAMS>;

const DEFAULT_BATCH = 200;
/** Rows per block when predicting: enough to amortise the loops, small enough to stay in cache. */
const PREDICT_BLOCK = 256;

interface Family {
  readonly declaration: typeof MLP_CLASSIFIER | typeof MLP_REGRESSOR;
  readonly tasks: readonly SupervisedTask[];
}
const CLASSIFIER: Family = { declaration: MLP_CLASSIFIER, tasks: CLASSIFIER_TASKS };
const REGRESSOR: Family = { declaration: MLP_REGRESSOR, tasks: REGRESSOR_TASKS };

export function mlpClassifier(params: Partial<MlpParams> = {}): Estimator<MlpModel> {
  return mlp(CLASSIFIER, params);
}

export function mlpRegressor(params: Partial<MlpParams> = {}): Estimator<MlpModel> {
  return mlp(REGRESSOR, params);
}

function mlp(family: Family, given: Partial<MlpParams>): Estimator<MlpModel> {
  const { declaration } = family;
  const params = declaration.resolve(given);
  return {
    kind: declaration.kind,
    params,
    acceptsMissing: declaration.tags.acceptsMissing,
    fit: (X: Matrix | Frame, y?: Target, options: FitOptions = {}) => fitMlp(family, params, X, y, options),
  };
}

function fitMlp(
  family: Family,
  params: MlpParams,
  X: Matrix | Frame,
  y: Target | undefined,
  options: FitOptions,
): MlpModel {
  const { kind } = family.declaration;
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

/**
 * The network's shape against everything else stored: its first layer as
 * wide as the inputs, its hidden layers and activation those of the
 * parameters, its output link and width those of the task and classes; then
 * every layer's weights fanOut × fanIn and its biases fanOut, so the forward
 * pass never reads past a layer.
 */
function loadMlp(family: Family, artifact: Artifact, source: string): MlpModel {
  const { declaration, tasks } = family;
  const stored = storedArtifact(artifact, source);
  const fields = {
    params: field.params(declaration),
    inputNames: field.strings(),
    classes: field.strings(),
    task: field.enum(...tasks),
    sizes: field.list(field.int({ min: 1 })),
    activation: field.enum(...ACTIVATIONS),
    output: field.enum<OutputLink>('softmax', 'logistic', 'identity'),
    converged: field.bool(),
  };
  // Read twice: the second time, the shape must be the one the other fields imply.
  const first = stored.meta(fields);
  const { hiddenLayers, activation } = first.params;
  const output: OutputLink =
    first.task === 'regression' ? 'identity' : first.classes.length === 2 ? 'logistic' : 'softmax';
  const outputs = output === 'softmax' ? first.classes.length : 1;
  const sizes = [first.inputNames.length, ...hiddenLayers, outputs];
  const meta = stored.meta({
    ...fields,
    sizes: field.custom((value) =>
      JSON.stringify(value) === JSON.stringify(sizes)
        ? sizes
        : `must be ${JSON.stringify(sizes)} (inputs, hidden layers, outputs), not ${JSON.stringify(value)}`,
    ),
    activation: field.enum(activation),
    output: field.enum(output),
  });
  const specs: Record<string, ArraySpec<Float64Array>> = {
    lossCurve: array.f64(),
    validationScores: array.f64(),
  };
  for (let l = 0; l + 1 < sizes.length; l++) {
    specs[`weights${l}`] = array.f64(sizes[l]! * sizes[l + 1]!);
    specs[`biases${l}`] = array.f64(sizes[l + 1]!);
  }
  const arrays = stored.arrays(specs);
  const parameters = new Float64Array(parameterCount(sizes));
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    for (const part of [arrays[`weights${l}`]!, arrays[`biases${l}`]!]) {
      parameters.set(part, offset);
      offset += part.length;
    }
  }
  const architecture: Architecture = { sizes, activation: meta.activation, output: meta.output };
  const history: TrainingHistory = {
    lossCurve: arrays['lossCurve']!,
    validationScores: arrays['validationScores']!,
    converged: meta.converged,
  };
  return new MlpModel(
    declaration.kind,
    meta.params,
    meta.inputNames,
    meta.classes,
    meta.task,
    architecture,
    parameters,
    history,
  );
}

for (const family of [CLASSIFIER, REGRESSOR]) {
  const { declaration } = family;
  registerKind({
    declaration,
    role: 'model',
    build: (spec) => mlp(family, declaration.resolve(spec.params)),
    load: (artifact, source) => loadMlp(family, artifact, source),
  });
}
