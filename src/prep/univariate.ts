import { fSurvival } from '../numeric/special.js';

/**
 * Univariate F tests of each feature against the target, as scikit-learn's
 * f_classif and f_regression: the F statistic and its p-value per column.
 * A constant column carries no evidence: F = 0, p = 1 (scikit-learn's
 * force_finite); a column that separates the classes (or fits the target)
 * exactly has F = ∞, p = 0.
 */
export interface UnivariateScores {
  readonly scores: Float64Array;
  readonly pValues: Float64Array;
}

/**
 * One-way ANOVA: F = (SS_between / (k − 1)) / (SS_within / (n − k)) over the
 * k classes that occur, computed from centred sums (two passes) so that
 * columns with a large mean and small spread keep their digits.
 */
export function fClassif(columns: readonly Float64Array[], classes: Float64Array): UnivariateScores {
  const n = classes.length;
  const classCount = maxClass(classes) + 1;
  const counts = new Float64Array(classCount);
  for (let i = 0; i < n; i++) counts[classes[i]!]!++;
  const k = counts.filter((c) => c > 0).length;
  const sums = new Float64Array(classCount);
  return collect(columns, (x) => {
    sums.fill(0);
    let total = 0;
    for (let i = 0; i < n; i++) {
      sums[classes[i]!]! += x[i]!;
      total += x[i]!;
    }
    const mean = total / n;
    let within = 0;
    for (let i = 0; i < n; i++) {
      const d = x[i]! - sums[classes[i]!]! / counts[classes[i]!]!;
      within += d * d;
    }
    let between = 0;
    for (let c = 0; c < classCount; c++) {
      if (counts[c]! > 0) between += counts[c]! * (sums[c]! / counts[c]! - mean) ** 2;
    }
    return finiteF(between / (k - 1), within / (n - k), k - 1, n - k);
  });
}

/**
 * The F test of a simple linear regression of y on each column:
 * F = r² / (1 − r²) · (n − 2), r Pearson's correlation.
 */
export function fRegression(columns: readonly Float64Array[], y: Float64Array): UnivariateScores {
  const n = y.length;
  const yMean = mean(y);
  let yy = 0;
  for (let i = 0; i < n; i++) yy += (y[i]! - yMean) ** 2;
  return collect(columns, (x) => {
    const xMean = mean(x);
    let xy = 0;
    let xx = 0;
    for (let i = 0; i < n; i++) {
      const dx = x[i]! - xMean;
      xy += dx * (y[i]! - yMean);
      xx += dx * dx;
    }
    const r2 = xx > 0 && yy > 0 ? (xy * xy) / (xx * yy) : 0;
    return finiteF(r2, (1 - r2) / (n - 2), 1, n - 2);
  });
}

/** F from the explained and residual mean squares, with its p-value on (d1, d2) degrees of freedom. */
function finiteF(explained: number, residual: number, d1: number, d2: number): [number, number] {
  if (!(explained > 0)) return [0, 1];
  const f = residual > 0 ? explained / residual : Number.POSITIVE_INFINITY;
  return [f, fSurvival(f, d1, d2)];
}

function collect(
  columns: readonly Float64Array[],
  score: (x: Float64Array) => [number, number],
): UnivariateScores {
  const scores = new Float64Array(columns.length);
  const pValues = new Float64Array(columns.length);
  columns.forEach((x, j) => {
    [scores[j], pValues[j]] = score(x);
  });
  return { scores, pValues };
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

function maxClass(classes: Float64Array): number {
  let max = 0;
  for (let i = 0; i < classes.length; i++) if (classes[i]! > max) max = classes[i]!;
  return max;
}
