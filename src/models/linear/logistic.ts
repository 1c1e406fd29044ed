import type { Artifact } from '../../core/artifact.js';
import { declare, type ParamsOf, param } from '../../core/declare.js';
import { array, field, storedArtifact } from '../../core/stored.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, Model, SupervisedTask, Target } from '../../estimator/contract.js';
import { registerKind } from '../../estimator/kinds.js';
import { type LbfgsResult, minimizeLbfgs } from '../../numeric/lbfgs.js';
import { columnMeans } from '../../numeric/linalg.js';
import { minimizeOwlqn } from '../../numeric/owlqn.js';
import { checkRows, completeInput, requireTarget, trainingNames } from '../input.js';
import { computeScores, LogisticLoss, sigmoid, toLogProbabilities } from './logistic-loss.js';
import { FIT_INTERCEPT } from './ridge.js';

/**
 * Logistic regression as scikit-learn's LogisticRegression with its default
 * multi_class='auto': one score for two classes, a softmax over k scores
 * (multinomial) for more. The fit minimises the penalised log-loss (see
 * `LogisticLoss`) to its optimum, so the coefficients are those of any
 * scikit-learn solver run to convergence: L-BFGS (Nocedal & Wright,
 * Algorithm 7.4) for l2 and no penalty, OWL-QN (Andrew & Gao 2007) for l1,
 * where scikit-learn uses liblinear or saga.
 */
export const LOGISTIC = declare({
  kind: 'logistic',
  summary: 'logistic regression (binary, or multinomial for several classes)',
  tasks: ['binary', 'multiclass'],
  tags: { wantsScaling: true },
  params: {
    /** Inverse penalty strength: larger C, weaker penalty. */
    C: param.float({
      default: 1,
      above: 0,
      doc: 'inverse penalty strength (larger = less regularised)',
      search: { low: 1e-3, high: 1e3, log: true },
    }),
    penalty: param.choice(['l2', 'l1', 'none'], {
      default: 'l2',
      doc: 'l2, l1 or none',
      search: { choices: ['l2', 'l1'] },
    }),
    fitIntercept: FIT_INTERCEPT,
    maxIter: param.int({ default: 100, min: 1, doc: 'most optimiser iterations' }),
    /**
     * Stop when no component of the gradient (for l1, the pseudo-gradient) of
     * Σwᵢℓᵢ + penalty/C exceeds this: scikit-learn 1.2's gtol for lbfgs. It is
     * not a relative test: the same tol asks for a smaller mean gradient on
     * more (or heavier) rows.
     */
    tol: param.float({
      default: 1e-4,
      min: 0,
      doc: 'stop when the largest gradient component is this small',
    }),
  },
});

export type LogisticParams = ParamsOf<typeof LOGISTIC.params>;

export function logistic(params: Partial<LogisticParams> = {}): Estimator<LogisticRegressionModel> {
  const merged = LOGISTIC.resolve(params);
  return {
    kind: 'logistic',
    params: merged,
    acceptsMissing: false,
    fit: (X: Matrix | Frame, y?: Target, options: FitOptions = {}) => fitLogistic(merged, X, y, options),
  };
}

function fitLogistic(
  params: LogisticParams,
  X: Matrix | Frame,
  y: Target | undefined,
  options: FitOptions,
): LogisticRegressionModel {
  const target = requireTarget(y, 'logistic', ['binary', 'multiclass']);
  const names = trainingNames(X, target);
  const matrix = completeInput(X, names, 'logistic');
  checkRows(matrix, target, options.sampleWeight);
  const totalWeight = options.sampleWeight?.reduce((s, w) => s + w, 0) ?? matrix.rows;
  const l2Strength = params.penalty === 'l2' ? 1 / (params.C * totalWeight) : 0;
  const loss = new LogisticLoss(
    matrix,
    target.values,
    options.sampleWeight,
    target.classes.length,
    l2Strength,
    params.fitIntercept,
  );
  const start = new Float64Array(loss.dimension);
  // The optimisers see the objective divided by Σw (see LogisticLoss), so the gradient test is too.
  const settings = { gradientTol: params.tol / totalWeight, maxIter: params.maxIter };
  const result =
    params.penalty === 'l1'
      ? minimizeOwlqn(loss.evaluate, loss.l1Strengths(params.C), start, settings)
      : minimizeLbfgs(loss.evaluate, start, settings);
  const coefCount = loss.outputs * matrix.cols;
  const coef = result.x.slice(0, coefCount);
  const intercept = params.fitIntercept ? result.x.slice(coefCount) : new Float64Array(loss.outputs);
  return new LogisticRegressionModel(
    params,
    names,
    target.classes,
    target.task,
    coef,
    intercept,
    diagnose(result),
    columnMeans(matrix, options.sampleWeight),
  );
}

/** What the fit reports about itself, kept with the model. */
export type LogisticDiagnostics = {
  readonly iterations: number;
  /** The largest (pseudo-)gradient component at the end, to compare with tol. */
  readonly gradientMax: number;
  /** False when maxIter, or rounding, ended the fit before the gradient test passed. */
  readonly converged: boolean;
};

function diagnose(result: LbfgsResult): LogisticDiagnostics {
  return { iterations: result.iterations, gradientMax: result.gradientMax, converged: result.converged };
}

export class LogisticRegressionModel implements Model {
  readonly kind = 'logistic';
  /** Scores per row: 1 for two classes (the second class's), else one per class. */
  readonly outputs: number;

  constructor(
    readonly params: LogisticParams,
    readonly inputNames: readonly string[],
    readonly classes: readonly string[],
    readonly task: SupervisedTask,
    /** Row-major outputs × inputs, as scikit-learn's coef_ (1 × p for two classes). */
    readonly coef: Float64Array,
    /** One per output, as scikit-learn's intercept_. */
    readonly intercept: Float64Array,
    readonly diagnostics: LogisticDiagnostics,
    /** The (weighted) training mean of each input column; absent in artifacts written before it was kept. */
    readonly inputMeans?: Float64Array,
  ) {
    this.outputs = intercept.length;
  }

  /** The class index with the highest probability (for two classes: the second when its score is > 0). */
  predict(X: Matrix | Frame): Float64Array {
    const scores = this.scores(X);
    const rows = scores.length / this.outputs;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      if (this.outputs === 1) {
        out[i] = scores[i]! > 0 ? 1 : 0;
        continue;
      }
      let best = 0;
      for (let c = 1; c < this.outputs; c++)
        if (scores[i * this.outputs + c]! > scores[i * this.outputs + best]!) best = c;
      out[i] = best;
    }
    return out;
  }

  /** Row-major n × classes: σ(−z), σ(z) for two classes; the softmax of the scores for more. */
  predictProba(X: Matrix | Frame): Float64Array {
    const scores = this.scores(X);
    if (this.outputs === 1) {
      const out = new Float64Array(scores.length * 2);
      for (let i = 0; i < scores.length; i++) {
        out[2 * i] = sigmoid(-scores[i]!);
        out[2 * i + 1] = sigmoid(scores[i]!);
      }
      return out;
    }
    for (let i = 0; i < scores.length; i += this.outputs) {
      toLogProbabilities(scores, i, this.outputs);
      for (let c = i; c < i + this.outputs; c++) scores[c] = Math.exp(scores[c]!);
    }
    return scores;
  }

  private scores(X: Matrix | Frame): Float64Array {
    const matrix = completeInput(X, this.inputNames, this.kind);
    const theta = new Float64Array(this.coef.length + this.outputs);
    theta.set(this.coef);
    theta.set(this.intercept, this.coef.length);
    const out = new Float64Array(matrix.rows * this.outputs);
    computeScores(matrix, theta, this.outputs, true, out);
    return out;
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: {
        params: this.params,
        inputNames: this.inputNames,
        classes: this.classes,
        task: this.task,
        diagnostics: this.diagnostics,
      },
      arrays: {
        coef: this.coef,
        intercept: this.intercept,
        ...(this.inputMeans === undefined ? {} : { inputMeans: this.inputMeans }),
      },
    };
  }
}

function loadLogistic(artifact: Artifact, source: string): LogisticRegressionModel {
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    params: field.params(LOGISTIC),
    inputNames: field.strings(),
    classes: field.strings(),
    task: field.enum('binary', 'multiclass'),
    diagnostics: field.object({
      iterations: field.int({ min: 0 }),
      gradientMax: field.number({ finite: false }),
      converged: field.bool(),
    }),
  });
  // Two classes share one score; more have one each (see `outputs`).
  const outputs = meta.classes.length <= 2 ? 1 : meta.classes.length;
  const p = meta.inputNames.length;
  const { coef, intercept, inputMeans } = stored.arrays({
    coef: array.f64(outputs * p),
    intercept: array.f64(outputs),
    inputMeans: array.f64(p).optional(),
  });
  const { params, inputNames, classes, task, diagnostics } = meta;
  return new LogisticRegressionModel(
    params,
    inputNames,
    classes,
    task,
    coef,
    intercept,
    diagnostics,
    inputMeans,
  );
}

registerKind({
  declaration: LOGISTIC,
  role: 'model',
  build: (spec) => logistic(LOGISTIC.resolve(spec.params)),
  load: loadLogistic,
});
