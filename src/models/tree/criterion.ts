/**
 * Split criteria of CART (Breiman et al. 1984, ch. 4 and 8), on a node's
 * sufficient statistics: per-class weights for classification; Σwy and
 * Σwy² for regression.
 *
 * Split search ranks candidates by a proxy that differs from the weighted
 * impurity decrease only by terms that are the same for every split of the
 * node (scikit-learn's `proxy_impurity_improvement`), so each candidate
 * costs O(classes) and no division by the node's weight.
 */
export type Criterion = 'gini' | 'entropy' | 'squared_error';

/** Statistics per node: one weight per class, or Σwy and Σwy². */
export function statsSize(classCount: number): number {
  return classCount > 0 ? classCount : 2;
}

export function impurity(criterion: Criterion, stats: Float64Array, weight: number): number {
  if (criterion === 'squared_error') {
    const mean = stats[0]! / weight;
    return stats[1]! / weight - mean * mean;
  }
  let sum = 0;
  for (let c = 0; c < stats.length; c++) {
    const p = stats[c]! / weight;
    if (criterion === 'gini') sum += p * p;
    else if (p > 0) sum -= p * Math.log2(p);
  }
  return criterion === 'gini' ? 1 - sum : sum;
}

/**
 * −(W_L·impurity_L + W_R·impurity_R) up to a constant of the node: larger is
 * better. Gini: Σ L_c²/W_L + Σ R_c²/W_R. Entropy: Σ L_c log(L_c/W_L) + Σ
 * R_c log(R_c/W_R). Squared error: (Σ_L wy)²/W_L + (Σ_R wy)²/W_R.
 */
export function splitProxy(
  criterion: Criterion,
  left: Float64Array,
  node: Float64Array,
  leftWeight: number,
  nodeWeight: number,
): number {
  const rightWeight = nodeWeight - leftWeight;
  if (criterion === 'squared_error') {
    const rightSum = node[0]! - left[0]!;
    return (left[0]! * left[0]!) / leftWeight + (rightSum * rightSum) / rightWeight;
  }
  let leftPart = 0;
  let rightPart = 0;
  for (let c = 0; c < left.length; c++) {
    const l = left[c]!;
    const r = node[c]! - l;
    if (criterion === 'gini') {
      leftPart += l * l;
      rightPart += r * r;
    } else {
      if (l > 0) leftPart += l * Math.log(l / leftWeight);
      if (r > 0) rightPart += r * Math.log(r / rightWeight);
    }
  }
  return criterion === 'gini' ? leftPart / leftWeight + rightPart / rightWeight : leftPart + rightPart;
}

/** Adds a row of weight `w` to statistics. */
export function addRow(stats: Float64Array, classCount: number, target: number, w: number): void {
  if (classCount > 0) stats[target]! += w;
  else {
    stats[0]! += w * target;
    stats[1]! += w * target * target;
  }
}

/** What a node predicts: class probabilities, or the weighted mean. */
export function nodeValue(stats: Float64Array, classCount: number, weight: number, out: Float64Array): void {
  if (classCount === 0) out[0] = stats[0]! / weight;
  else for (let c = 0; c < classCount; c++) out[c] = stats[c]! / weight;
}
