import type { Artifact } from '../../core/artifact.js';
import { declare, type ParamsOf, param } from '../../core/declare.js';
import { array, type Field, field, storedArtifact } from '../../core/stored.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Estimator, FitOptions, Model, Target } from '../../estimator/contract.js';
import { registerKind } from '../../estimator/kinds.js';
import { columnMeans, linearPredict } from '../../numeric/linalg.js';
import { checkRows, completeInput, requireTarget, trainingNames } from '../input.js';
import { FIT_INTERCEPT } from './ridge.js';

/**
 * Lasso and elastic net by cyclic coordinate descent (Friedman, Hastie &
 * Tibshirani, "Regularization paths for generalized linear models via
 * coordinate descent", J. Stat. Softw. 2010), on scikit-learn's objective
 *
 *   (1 / 2Σw) Σᵢ wᵢ(yᵢ − xᵢ·β − b)² + α·ρ‖β‖₁ + ½α(1 − ρ)‖β‖²,   ρ = l1Ratio,
 *
 * with its stopping rule (a duality gap below tol·‖y‖²), so that the same
 * iterates, iteration count included, come out as from
 * `sklearn.linear_model.Lasso/ElasticNet`.
 */
const LASSO_PARAMS = {
  alpha: param.float({
    default: 1,
    min: 0,
    doc: 'penalty strength',
    search: { low: 1e-4, high: 10, log: true },
  }),
  fitIntercept: FIT_INTERCEPT,
  maxIter: param.int({ default: 1000, min: 1, doc: 'most coordinate-descent sweeps' }),
  /** The duality gap, relative to ‖y‖² (centred), below which fitting stops. */
  tol: param.float({ default: 1e-4, min: 0, doc: 'stop when the duality gap is this small (relative)' }),
  // Random coordinate order is not offered: its result would depend on a random stream.
  selection: param.choice(['cyclic'], { default: 'cyclic', doc: 'coordinate order (cyclic only)' }),
};

export const LASSO = declare({
  kind: 'lasso',
  summary: 'least squares with an L1 penalty (sets weak coefficients to zero)',
  tasks: ['regression'],
  tags: { wantsScaling: true },
  params: LASSO_PARAMS,
});

/** The lasso is the elastic net with l1Ratio = 1 (scikit-learn's Lasso has no l1_ratio either). */
export const ELASTIC_NET = declare({
  kind: 'elasticnet',
  summary: 'least squares with a mix of L1 and L2 penalties',
  tasks: ['regression'],
  tags: { wantsScaling: true },
  params: {
    ...LASSO_PARAMS,
    l1Ratio: param.float({
      default: 0.5,
      min: 0,
      max: 1,
      doc: 'share of the penalty that is L1 (1 = lasso, 0 = ridge)',
      search: { low: 0.05, high: 0.95 },
    }),
  },
});

export type LassoParams = ParamsOf<typeof LASSO.params>;
export type ElasticNetParams = ParamsOf<typeof ELASTIC_NET.params>;
type Kind = 'lasso' | 'elasticnet';

export function lasso(params: Partial<LassoParams> = {}): Estimator<CoordinateDescentModel> {
  return coordinateDescentEstimator('lasso', LASSO.resolve(params), 1);
}

export function elasticNet(params: Partial<ElasticNetParams> = {}): Estimator<CoordinateDescentModel> {
  const resolved = ELASTIC_NET.resolve(params);
  return coordinateDescentEstimator('elasticnet', resolved, resolved.l1Ratio);
}

function coordinateDescentEstimator(
  kind: Kind,
  params: LassoParams | ElasticNetParams,
  l1Ratio: number,
): Estimator<CoordinateDescentModel> {
  return {
    kind,
    params,
    acceptsMissing: false,
    fit(X: Matrix | Frame, y?: Target, options: FitOptions = {}) {
      const target = requireTarget(y, kind, ['regression']);
      const names = trainingNames(X, target);
      const matrix = completeInput(X, names, kind);
      checkRows(matrix, target, options.sampleWeight);
      const problem = centredProblem(matrix, target.values, options.sampleWeight, params.fitIntercept);
      const n = matrix.rows;
      // sklearn's cd_fast minimises n × the objective above: the penalties scale by n too.
      const l1Penalty = params.alpha * l1Ratio * n;
      const l2Penalty = params.alpha * (1 - l1Ratio) * n;
      const fitted = coordinateDescent(problem, l1Penalty, l2Penalty, params.maxIter, params.tol);
      let intercept = 0;
      if (params.fitIntercept) {
        intercept = problem.yMean;
        for (let j = 0; j < matrix.cols; j++) intercept -= problem.xMean[j]! * fitted.coef[j]!;
      }
      const diagnostics = {
        iterations: fitted.iterations,
        dualGap: fitted.dualGap / n,
        converged: fitted.converged,
      };
      const means = columnMeans(matrix, options.sampleWeight);
      return new CoordinateDescentModel(kind, params, names, fitted.coef, intercept, diagnostics, means);
    },
  };
}

/** The least-squares problem coordinate descent works on: centred, weighted, column-major. */
interface CentredProblem {
  /** Column j is X[j·n … (j+1)·n): (xᵢⱼ − x̄ⱼ)·√wᵢ. */
  readonly X: Float64Array;
  /** (yᵢ − ȳ)·√wᵢ */
  readonly y: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly xMean: Float64Array;
  readonly yMean: number;
}

/**
 * Weights are first rescaled to sum to n, as scikit-learn 1.2 does, so that
 * α means the same with and without them; rows are then multiplied by √w,
 * which turns the weighted problem into an unweighted one. Centring by the
 * weighted means takes the (unpenalised) intercept out of the problem.
 */
function centredProblem(
  matrix: Matrix,
  y: Float64Array,
  weight: Float64Array | undefined,
  centre: boolean,
): CentredProblem {
  const { data, rows, cols } = matrix;
  const rootWeight = new Float64Array(rows).fill(1);
  if (weight !== undefined) {
    const total = weight.reduce((s, w) => s + w, 0);
    for (let i = 0; i < rows; i++) rootWeight[i] = Math.sqrt((weight[i]! * rows) / total);
  }
  const xMean = new Float64Array(cols);
  let yMean = 0;
  if (centre) {
    // Σ √w² = n after the rescaling, so the weighted means divide by n.
    for (let i = 0; i < rows; i++) {
      const w = rootWeight[i]! * rootWeight[i]!;
      yMean += (w * y[i]!) / rows;
      for (let j = 0; j < cols; j++) xMean[j]! += (w * data[i * cols + j]!) / rows;
    }
  }
  const X = new Float64Array(rows * cols);
  const yCentred = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const r = rootWeight[i]!;
    yCentred[i] = (y[i]! - yMean) * r;
    for (let j = 0; j < cols; j++) X[j * rows + i] = (data[i * cols + j]! - xMean[j]!) * r;
  }
  return { X, y: yCentred, rows, cols, xMean, yMean };
}

interface CoordinateDescentResult {
  readonly coef: Float64Array;
  readonly iterations: number;
  /** The duality gap at the last check, on the n-scaled objective. */
  readonly dualGap: number;
  readonly converged: boolean;
}

/**
 * Minimises ½‖y − Xβ‖² + λ₁‖β‖₁ + ½λ₂‖β‖² (Friedman et al. 2010, eq. 5: each
 * coordinate's exact minimiser is a soft-thresholded partial residual
 * correlation), sweeping coordinates in order and keeping the residual
 * R = y − Xβ up to date. As scikit-learn's `enet_coordinate_descent`: when a
 * sweep's largest change is small relative to the largest coefficient (or
 * at the last sweep), the duality gap is computed, and fitting stops once
 * it is below tol·‖y‖².
 */
function coordinateDescent(
  problem: CentredProblem,
  l1Penalty: number,
  l2Penalty: number,
  maxIter: number,
  tol: number,
): CoordinateDescentResult {
  const { X, y, rows, cols } = problem;
  const coef = new Float64Array(cols);
  const residual = Float64Array.from(y);
  const columnNorms = new Float64Array(cols);
  for (let j = 0; j < cols; j++) columnNorms[j] = columnDot(X, j, rows, X, j);
  const gapTol = tol * dotVectors(y, y);
  let gap = gapTol + 1;
  for (let sweep = 0; sweep < maxIter; sweep++) {
    const change = coordinateSweep(problem, columnNorms, coef, residual, l1Penalty, l2Penalty);
    if (change < tol || sweep === maxIter - 1) {
      gap = dualityGap(problem, coef, residual, l1Penalty, l2Penalty);
      if (gap < gapTol) return { coef, iterations: sweep + 1, dualGap: gap, converged: true };
    }
  }
  return { coef, iterations: maxIter, dualGap: gap, converged: false };
}

/**
 * One pass over the coordinates, in order. Returns the largest |Δβⱼ| over
 * the largest |βⱼ| after it, or 0 when every βⱼ is 0 (scikit-learn checks
 * the gap then too).
 */
function coordinateSweep(
  { X, rows, cols }: CentredProblem,
  columnNorms: Float64Array,
  coef: Float64Array,
  residual: Float64Array,
  l1Penalty: number,
  l2Penalty: number,
): number {
  let largestChange = 0;
  let largestCoef = 0;
  for (let j = 0; j < cols; j++) {
    if (columnNorms[j] === 0) continue;
    const old = coef[j]!;
    const offset = j * rows;
    // Partial residual correlation xⱼ·(R + xⱼβⱼ) = xⱼ·R + ‖xⱼ‖²βⱼ, with R updated in place.
    if (old !== 0) for (let i = 0; i < rows; i++) residual[i]! += old * X[offset + i]!;
    let correlation = 0;
    for (let i = 0; i < rows; i++) correlation += X[offset + i]! * residual[i]!;
    const shrunk = Math.max(Math.abs(correlation) - l1Penalty, 0);
    const updated = shrunk === 0 ? 0 : (Math.sign(correlation) * shrunk) / (columnNorms[j]! + l2Penalty);
    coef[j] = updated;
    if (updated !== 0) for (let i = 0; i < rows; i++) residual[i]! -= updated * X[offset + i]!;
    largestChange = Math.max(largestChange, Math.abs(updated - old));
    largestCoef = Math.max(largestCoef, Math.abs(updated));
  }
  return largestCoef === 0 ? 0 : largestChange / largestCoef;
}

/**
 * The gap between the primal objective and the dual objective at the dual
 * point built by scaling the residual into the dual feasible set
 * (‖Xᵀθ − λ₂β‖∞ ≤ λ₁); it bounds the distance to the optimum in objective value.
 */
function dualityGap(
  { X, y, rows, cols }: CentredProblem,
  coef: Float64Array,
  residual: Float64Array,
  l1Penalty: number,
  l2Penalty: number,
): number {
  let dualNorm = 0;
  for (let j = 0; j < cols; j++) {
    const correlation = columnDot(X, j, rows, residual, 0) - l2Penalty * coef[j]!;
    dualNorm = Math.max(dualNorm, Math.abs(correlation));
  }
  const residualNorm2 = dotVectors(residual, residual);
  const coefNorm2 = dotVectors(coef, coef);
  let l1Norm = 0;
  for (let j = 0; j < cols; j++) l1Norm += Math.abs(coef[j]!);
  const scale = dualNorm > l1Penalty ? l1Penalty / dualNorm : 1;
  const gap = dualNorm > l1Penalty ? 0.5 * residualNorm2 * (1 + scale * scale) : residualNorm2;
  return (
    gap +
    l1Penalty * l1Norm -
    scale * dotVectors(residual, y) +
    0.5 * l2Penalty * (1 + scale * scale) * coefNorm2
  );
}

/** Column `j` of the column-major X dotted with column `k` of `other` (k = 0 for a vector). */
function columnDot(X: Float64Array, j: number, rows: number, other: Float64Array, k: number): number {
  let sum = 0;
  const a = j * rows;
  const b = k * rows;
  for (let i = 0; i < rows; i++) sum += X[a + i]! * other[b + i]!;
  return sum;
}

function dotVectors(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** What the fit reports about itself, kept with the model (scikit-learn's n_iter_ and dual_gap_). */
export type CoordinateDescentDiagnostics = {
  readonly iterations: number;
  /** The final duality gap on the objective as written above (per row). */
  readonly dualGap: number;
  /** False when maxIter sweeps ended before the gap fell below tol. */
  readonly converged: boolean;
};

export class CoordinateDescentModel implements Model {
  readonly task = 'regression';

  constructor(
    readonly kind: Kind,
    readonly params: LassoParams | ElasticNetParams,
    readonly inputNames: readonly string[],
    /** One coefficient per input column; exactly 0 for the columns the L1 penalty drops. */
    readonly coef: Float64Array,
    readonly intercept: number,
    readonly diagnostics: CoordinateDescentDiagnostics,
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
      meta: {
        params: this.params,
        inputNames: this.inputNames,
        intercept: this.intercept,
        diagnostics: this.diagnostics,
      },
      arrays: { coef: this.coef, ...(this.inputMeans === undefined ? {} : { inputMeans: this.inputMeans }) },
    };
  }
}

function loadCoordinateDescent(
  artifact: Artifact,
  source: string,
  params: Field<LassoParams | ElasticNetParams>,
): CoordinateDescentModel {
  const kind = artifact.kind === 'lasso' ? 'lasso' : 'elasticnet';
  const stored = storedArtifact(artifact, source);
  const meta = stored.meta({
    params,
    inputNames: field.strings(),
    intercept: field.number(),
    diagnostics: field.object({
      iterations: field.int({ min: 0 }),
      dualGap: field.number({ finite: false }),
      converged: field.bool(),
    }),
  });
  const p = meta.inputNames.length;
  const { coef, inputMeans } = stored.arrays({ coef: array.f64(p), inputMeans: array.f64(p).optional() });
  return new CoordinateDescentModel(
    kind,
    meta.params,
    meta.inputNames,
    coef,
    meta.intercept,
    meta.diagnostics,
    inputMeans,
  );
}

registerKind({
  declaration: LASSO,
  role: 'model',
  build: (spec) => lasso(LASSO.resolve(spec.params)),
  load: (artifact, source) => loadCoordinateDescent(artifact, source, field.params(LASSO)),
});
registerKind({
  declaration: ELASTIC_NET,
  role: 'model',
  build: (spec) => elasticNet(ELASTIC_NET.resolve(spec.params)),
  load: (artifact, source) => loadCoordinateDescent(artifact, source, field.params(ELASTIC_NET)),
});
