import type { Artifact } from '../../core/artifact.js';
import { checkNumber, withDefaults } from '../../core/params.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, Model, Params, Target } from '../../estimator/contract.js';
import { registerLoader } from '../../estimator/persist.js';
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
export interface RidgeParams extends Params {
  readonly alpha: number;
  readonly fitIntercept: boolean;
}

const RIDGE_DEFAULTS: RidgeParams = { alpha: 1, fitIntercept: true };
const LINEAR_DEFAULTS: RidgeParams = { alpha: 0, fitIntercept: true };

export function ridge(params: Partial<RidgeParams> = {}): Estimator<LinearRegressionModel> {
  return leastSquares('ridge', withDefaults('ridge', RIDGE_DEFAULTS, params));
}

export function linearRegression(params: Partial<RidgeParams> = {}): Estimator<LinearRegressionModel> {
  return leastSquares('linear', withDefaults('linear', LINEAR_DEFAULTS, params));
}

function leastSquares(kind: 'ridge' | 'linear', params: RidgeParams): Estimator<LinearRegressionModel> {
  checkNumber(kind, 'alpha', params.alpha, 0);
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

function loadLeastSquares(artifact: Artifact): LinearRegressionModel {
  const meta = artifact.meta as { params: RidgeParams; inputNames: string[]; intercept: number };
  const kind = artifact.kind as 'ridge' | 'linear';
  return new LinearRegressionModel(
    kind,
    meta.params,
    meta.inputNames,
    artifact.arrays['coef'] as Float64Array,
    meta.intercept,
    artifact.arrays['inputMeans'] as Float64Array | undefined,
  );
}

registerLoader('ridge', 1, loadLeastSquares);
registerLoader('linear', 1, loadLeastSquares);
