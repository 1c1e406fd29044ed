/**
 * Dense linear algebra on small square systems (p × p, p = number of
 * features), row-major Float64Arrays. The data-sized work (XᵀX) is one pass
 * over the rows; everything here is O(p³) and runs once per fit.
 */

/** Each column's unweighted population variance (mean first, then squared deviations). */
export function columnVariances(X: { data: Float64Array; rows: number; cols: number }): Float64Array {
  const variances = new Float64Array(X.cols);
  for (let j = 0; j < X.cols; j++) {
    let mean = 0;
    for (let i = 0; i < X.rows; i++) mean += X.data[i * X.cols + j]!;
    mean /= X.rows;
    let sum = 0;
    for (let i = 0; i < X.rows; i++) sum += (X.data[i * X.cols + j]! - mean) ** 2;
    variances[j] = sum / X.rows;
  }
  return variances;
}

/**
 * Each column's (weighted) mean over the rows. Linear models keep it: the
 * baseline their contributions are measured from (src/explain).
 */
export function columnMeans(
  X: { data: Float64Array; rows: number; cols: number },
  weights?: Float64Array,
): Float64Array {
  const means = new Float64Array(X.cols);
  let total = 0;
  for (let i = 0; i < X.rows; i++) {
    const w = weights === undefined ? 1 : weights[i]!;
    total += w;
    for (let j = 0; j < X.cols; j++) means[j]! += w * X.data[i * X.cols + j]!;
  }
  for (let j = 0; j < X.cols; j++) means[j]! /= total;
  return means;
}

/** X·β + b for every row of a row-major matrix: the prediction of every linear regressor. */
export function linearPredict(
  X: { data: Float64Array; rows: number; cols: number },
  coef: Float64Array,
  intercept: number,
): Float64Array {
  const { data, rows, cols } = X;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = intercept;
    for (let j = 0; j < cols; j++) sum += data[i * cols + j]! * coef[j]!;
    out[i] = sum;
  }
  return out;
}

/** Weighted, centred Gram matrix XᵀWX and XᵀWy, with the weighted means used to centre. */
export function centredGram(
  X: Float64Array,
  rows: number,
  cols: number,
  y: Float64Array,
  weight: Float64Array | undefined,
  centre: boolean,
): { gram: Float64Array; xty: Float64Array; xMean: Float64Array; yMean: number } {
  const xMean = new Float64Array(cols);
  let yMean = 0;
  if (centre) {
    let total = 0;
    for (let i = 0; i < rows; i++) {
      const w = weight === undefined ? 1 : weight[i]!;
      total += w;
      yMean += w * y[i]!;
      for (let j = 0; j < cols; j++) xMean[j]! += w * X[i * cols + j]!;
    }
    yMean /= total;
    for (let j = 0; j < cols; j++) xMean[j]! /= total;
  }
  const gram = new Float64Array(cols * cols);
  const xty = new Float64Array(cols);
  const centred = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const w = weight === undefined ? 1 : weight[i]!;
    for (let j = 0; j < cols; j++) centred[j] = X[i * cols + j]! - xMean[j]!;
    const r = y[i]! - yMean;
    for (let a = 0; a < cols; a++) {
      const wa = w * centred[a]!;
      xty[a]! += wa * r;
      for (let b = a; b < cols; b++) gram[a * cols + b]! += wa * centred[b]!;
    }
  }
  for (let a = 0; a < cols; a++) for (let b = 0; b < a; b++) gram[a * cols + b] = gram[b * cols + a]!;
  return { gram, xty, xMean, yMean };
}

/** Solves A x = b for symmetric positive-definite A by Cholesky; null when A is not positive definite. */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = A[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= L[i * n + k]! * L[j * n + k]!;
      if (i === j) {
        // Relative threshold: a pivot this small means a (near-)singular system.
        if (!(sum > 1e-12 * Math.max(1, Math.abs(A[i * n + i]!)))) return null;
        L[i * n + i] = Math.sqrt(sum);
      } else {
        L[i * n + j] = sum / L[j * n + j]!;
      }
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= L[i * n + k]! * z[k]!;
    z[i] = sum / L[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i]!;
    for (let k = i + 1; k < n; k++) sum -= L[k * n + i]! * x[k]!;
    x[i] = sum / L[i * n + i]!;
  }
  return x;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations
 * (Golub & Van Loan, §8.5): slow for large n, exact enough and simple for
 * the feature counts of tabular data. Returns eigenvalues and the
 * eigenvectors as the columns of a row-major matrix.
 */
export function symmetricEigen(A: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        rotate(a, v, n, p, q, c, s);
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}

function rotate(
  a: Float64Array,
  v: Float64Array,
  n: number,
  p: number,
  q: number,
  c: number,
  s: number,
): void {
  for (let k = 0; k < n; k++) {
    const akp = a[k * n + p]!;
    const akq = a[k * n + q]!;
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = a[p * n + k]!;
    const aqk = a[q * n + k]!;
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
  }
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p]!;
    const vkq = v[k * n + q]!;
    v[k * n + p] = c * vkp - s * vkq;
    v[k * n + q] = s * vkp + c * vkq;
  }
}

/**
 * The minimum-norm solution of A x = b for symmetric positive semi-definite A
 * (the pseudo-inverse): what least squares gives when features are collinear.
 */
export function pseudoInverseSolve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(A, n);
  const largest = values.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  const cutoff = largest * n * Number.EPSILON * 10;
  const x = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    if (values[k]! <= cutoff) continue;
    let projection = 0;
    for (let i = 0; i < n; i++) projection += vectors[i * n + k]! * b[i]!;
    const scale = projection / values[k]!;
    for (let i = 0; i < n; i++) x[i]! += scale * vectors[i * n + k]!;
  }
  return x;
}

/**
 * The squared euclidean distance between A[aStart…] and B[bStart…] (`cols`
 * values each), given up once it passes `limit` (checked every 4 terms): a
 * result ≤ limit is the full distance, bit for bit; a larger one is a lower
 * bound on it, because adding squares never makes a sum smaller. Shared by
 * the neighbour searches and k-means.
 */
export function partialSquaredDistance(
  A: Float64Array,
  aStart: number,
  B: Float64Array,
  bStart: number,
  cols: number,
  limit: number,
): number {
  let sum = 0;
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    const d0 = A[aStart + j]! - B[bStart + j]!;
    const d1 = A[aStart + j + 1]! - B[bStart + j + 1]!;
    const d2 = A[aStart + j + 2]! - B[bStart + j + 2]!;
    const d3 = A[aStart + j + 3]! - B[bStart + j + 3]!;
    sum += d0 * d0;
    sum += d1 * d1;
    sum += d2 * d2;
    sum += d3 * d3;
    if (sum > limit) return sum;
  }
  for (; j < cols; j++) {
    const d = A[aStart + j]! - B[bStart + j]!;
    sum += d * d;
  }
  return sum;
}
