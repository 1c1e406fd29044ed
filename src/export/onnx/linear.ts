import type { CoordinateDescentModel } from '../../models/linear/coordinate-descent.js';
import type { LogisticRegressionModel } from '../../models/linear/logistic.js';
import type { LinearRegressionModel } from '../../models/linear/ridge.js';
import type { GraphBuilder } from './graph.js';
import { classifierOutputs, featureMatrix, regressionOutput, softmax, twoClassFromScore } from './outputs.js';
import type { GraphColumns } from './prep.js';

/**
 * Linear models as X·Wᵀ + b (MatMul, Add) in double precision, which is what
 * keel computes: ai.onnx.ml's LinearRegressor and LinearClassifier hold
 * coefficients as 32-bit floats and would differ from keel by ~1e-7
 * relative. Logistic regression adds a sigmoid (two classes) or a softmax.
 */

export function linearRegressionToGraph(
  g: GraphBuilder,
  model: LinearRegressionModel | CoordinateDescentModel,
  columns: GraphColumns,
): void {
  const x = featureMatrix(g, columns, model.inputNames, model.kind);
  const p = model.coef.length;
  const weights = g.doubles('coef', model.coef, [p, 1]);
  const scores = g.op('Add', [g.op('MatMul', [x, weights]), g.doubles('intercept', [model.intercept])]);
  regressionOutput(g, scores);
}

export function logisticToGraph(
  g: GraphBuilder,
  model: LogisticRegressionModel,
  columns: GraphColumns,
): void {
  const x = featureMatrix(g, columns, model.inputNames, model.kind);
  const p = model.inputNames.length;
  const k = model.outputs;
  // coef is row-major outputs × inputs; MatMul wants inputs × outputs.
  const transposed = new Float64Array(p * k);
  for (let o = 0; o < k; o++) for (let j = 0; j < p; j++) transposed[j * k + o] = model.coef[o * p + j]!;
  const scores = g.op('Add', [
    g.op('MatMul', [x, g.doubles('coef', transposed, [p, k])]),
    g.doubles('intercept', model.intercept, [1, k]),
  ]);
  const probabilities = k === 1 ? twoClassFromScore(g, scores, true) : softmax(g, scores);
  classifierOutputs(g, probabilities, model.classes);
}
