import type { Artifact } from '../../core/artifact.js';
import { declare, type ParamsOf, param } from '../../core/declare.js';
import { array, field, storedArtifact } from '../../core/stored.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, Model, Target } from '../../estimator/contract.js';
import { registerKind } from '../../estimator/kinds.js';
import {
  centredGram,
  choleskySolve,
  columnMeans,
  linearPredict,
  pseudoInverseSolve,
} from '../../numeric/linalg.js';
import { checkRows, completeInput, requireTarget, trainingNames } from '../input.js';

/**
 * Least squares with an L2 penalty (ridge; alpha = 0 is ordinary least
 * squares): minimise Σ wᵢ(yᵢ − xᵢ·β − b)² + α‖β‖². With an intercept, X and y
 * are centred by their weighted means, so the intercept is not penalised
 * (as scikit-learn's Ridge and LinearRegression do).
 */
export const FIT_INTERCEPT = param.bool({ default: true, doc: 'learn an intercept' });

export const RIDGE = declare({
  kind: 'ridge',
  summary: 'least squares with an L2 penalty',
  tasks: ['regression'],
  tags: { wantsScaling: true },
  params: {
    alpha: param.float({
      default: 1,
      min: 0,
      doc: 'penalty strength (0 = ordinary least squares)',
      search: { low: 1e-3, high: 1e3, log: true },
    }),
    fitIntercept: FIT_INTERCEPT,
  },
});

export const LINEAR = declare({
  kind: 'linear',
  summary: 'ordinary least squares',
  tasks: ['regression'],
  params: {
    alpha: param.float({ default: 0, min: 0, max: 0, doc: 'no penalty (ridge is this with alpha > 0)' }),
    fitIntercept: FIT_INTERCEPT,
  },
});

export type RidgeParams = ParamsOf<typeof RIDGE.params>;

export function ridge(params: Partial<RidgeParams> = {}): Estimator<LinearRegressionModel> {
  return leastSquares('ridge', RIDGE.resolve(params));
}

export function linearRegression(params: Partial<RidgeParams> = {}): Estimator<LinearRegressionModel> {
  return leastSquares('linear', LINEAR.resolve(params));
}

function leastSquares(kind: 'ridge' | 'linear', params: RidgeParams): Estimator<LinearRegressionModel> {
  return {
    kind,
    params,
    acceptsMissing: false,
    fit(X: Matrix | Frame, y?: Target, options: FitOptions = {}) {
      const target = requireTarget(y, kind, ['regression']);
      const names = trainingNames(X, target);
      const matrix = completeInput(X, names, kind);
      checkRows(matrix, target, options.sampleWeight);
      const p = matrix.cols;
      const { gram, xty, xMean, yMean } = centredGram(
        matrix.data,
        matrix.rows,
        p,
        target.values,
        options.sampleWeight,
        params.fitIntercept,
      );
      for (let j = 0; j < p; j++) gram[j * p + j]! += params.alpha;
      const coef = choleskySolve(gram, xty, p) ?? pseudoInverseSolve(gram, xty, p);
      let intercept = 0;
      if (params.fitIntercept) intercept = yMean - coef.reduce((s, c, j) => s + c * xMean[j]!, 0);
      const means = columnMeans(matrix, options.sampleWeight);
      return new LinearRegressionModel(kind, params, names, coef, intercept, means);
    },
  };
}

export class LinearRegressionModel implements Model {
  readonly task = 'regression';

  constructor(
    readonly kind: 'ridge' | 'linear',
    readonly params: RidgeParams,
    readonly inputNames: readonly string[],
    /** One coefficient per input column. */
    readonly coef: Float64Array,
    readonly intercept: number,
    /** The (weighted) training mean of each input column; absent in artifacts written before it was kept. */
    readonly inputMeans?: Float64Array,
  ) {}

  predict(X: Matrix | Frame): Float64Array {
    const matrix = completeInput(X, this.inputNames, this.kind);
    return linearPredict(matrix, this.coef, this.intercept);
  }

  toArtifact(): Artifact {
    return {
      kind: this.kind,
      version: 1,
      meta: { params: this.params, inputNames: this.inputNames, intercept: this.intercept },
      arrays: { coef: this.coef, ...(this.inputMeans === undefined ? {} : { inputMeans: this.inputMeans }) },
    };
  }
}

function loadLeastSquares(artifact: Artifact, source: string): LinearRegressionModel {
  const kind = artifact.kind === 'ridge' ? 'ridge' : 'linear';
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    params: field.params(kind === 'ridge' ? RIDGE : LINEAR),
    inputNames: field.strings(),
    intercept: field.number(),
  });
  const p = meta.inputNames.length;
  const { coef, inputMeans } = stored.arrays({ coef: array.f64(p), inputMeans: array.f64(p).optional() });
  return new LinearRegressionModel(kind, meta.params, meta.inputNames, coef, meta.intercept, inputMeans);
}

registerKind({
  declaration: RIDGE,
  role: 'model',
  build: (spec) => ridge(RIDGE.resolve(spec.params)),
  load: loadLeastSquares,
});
registerKind({
  declaration: LINEAR,
  role: 'model',
  build: (spec) => linearRegression(LINEAR.resolve(spec.params)),
  load: loadLeastSquares,
});
