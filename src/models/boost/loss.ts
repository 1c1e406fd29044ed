import { softplus } from '../linear/logistic-loss.js';

/**
 * The losses gradient boosting minimises. Each tree is fitted to a second-order
 * expansion of the loss around the current scores: per row a gradient g and a
 * hessian h (both multiplied by the row's weight), and a leaf's value is then
 * -Σg / (Σh + l2). Scores are "raw": the log-odds for log-loss, the log of the
 * mean for Poisson, the prediction itself otherwise.
 *
 * Layouts: `y` holds the target per row (class index for log-loss); `raw`,
 * `g` and `h` are class-major, outputs × rows (one block of rows per class).
 */
export type LossName = 'squared-error' | 'absolute-error' | 'huber' | 'quantile' | 'poisson' | 'log-loss';

export const LOSS_NAMES: readonly LossName[] = [
  'squared-error',
  'absolute-error',
  'huber',
  'quantile',
  'poisson',
  'log-loss',
];

export interface Loss {
  readonly name: LossName;
  /** Scores per row: one, or one per class for multiclass log-loss. */
  readonly outputs: number;
  /** Every hessian equals the row's weight: unweighted, histograms need no hessian sums. */
  readonly unitHessian: boolean;
  /** Absolute and quantile losses refit each leaf to this quantile of its rows' residuals. */
  readonly leafQuantile: number | null;
  /** The best constant scores (the model before its first tree). */
  baseline(y: Float64Array, w: Float64Array | null): Float64Array;
  gradients(
    y: Float64Array,
    raw: Float64Array,
    w: Float64Array | null,
    g: Float64Array,
    h: Float64Array,
  ): void;
  /**
   * The (weighted) mean loss: what early stopping watches, after every
   * iteration on the training and held-out rows. One pass, nothing allocated:
   * Σ wᵢ·lossᵢ / Σ wᵢ, summed in row order.
   */
  value(y: Float64Array, raw: Float64Array, w: Float64Array | null): number;
}

export interface LossSettings {
  /** Huber: residuals beyond this are penalised linearly. */
  readonly delta: number;
  /** Quantile loss: the quantile to predict. */
  readonly quantile: number;
}

export function makeLoss(name: LossName, classes: number, settings: LossSettings): Loss {
  switch (name) {
    case 'squared-error':
      return squaredError;
    case 'absolute-error':
      return pinball('absolute-error', 0.5);
    case 'quantile':
      return pinball('quantile', settings.quantile);
    case 'huber':
      return huber(settings.delta);
    case 'poisson':
      return poisson;
    case 'log-loss':
      return classes > 2 ? multinomial(classes) : binomial;
  }
}

const weightOf = (w: Float64Array | null, i: number): number => (w === null ? 1 : w[i]!);

function weightedMean(values: ArrayLike<number>, w: Float64Array | null): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    sum += weightOf(w, i) * values[i]!;
    total += weightOf(w, i);
  }
  return sum / total;
}

/**
 * The q-quantile: unweighted, interpolated between order statistics (numpy's
 * default); weighted, the smallest value whose cumulative weight reaches q.
 */
export function quantileOf(values: Float64Array, w: Float64Array | null, q: number): number {
  const n = values.length;
  if (n === 0) return 0;
  if (w === null) {
    const sorted = Float64Array.from(values).sort();
    const at = q * (n - 1);
    const lo = Math.floor(at);
    return sorted[lo]! + (at - lo) * (sorted[Math.min(lo + 1, n - 1)]! - sorted[lo]!);
  }
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i]!;
  let cumulative = 0;
  for (const i of order) {
    cumulative += w[i]!;
    if (cumulative >= q * total) return values[i]!;
  }
  return values[order[n - 1]!]!;
}

const squaredError: Loss = {
  name: 'squared-error',
  outputs: 1,
  unitHessian: true,
  leafQuantile: null,
  baseline: (y, w) => Float64Array.of(weightedMean(y, w)),
  gradients(y, raw, w, g, h) {
    for (let i = 0; i < y.length; i++) {
      const wi = weightOf(w, i);
      g[i] = wi * (raw[i]! - y[i]!);
      h[i] = wi;
    }
  },
  value(y, raw, w) {
    let sum = 0;
    let total = 0;
    for (let i = 0; i < y.length; i++) {
      const wi = weightOf(w, i);
      sum += wi * (0.5 * (y[i]! - raw[i]!) ** 2);
      total += wi;
    }
    return sum / total;
  },
};

/** Absolute error is the 0.5 pinball loss (times one half). */
function pinball(name: 'absolute-error' | 'quantile', q: number): Loss {
  return {
    name,
    outputs: 1,
    unitHessian: true,
    leafQuantile: q,
    baseline: (y, w) => Float64Array.of(quantileOf(y, w, q)),
    gradients(y, raw, w, g, h) {
      for (let i = 0; i < y.length; i++) {
        const wi = weightOf(w, i);
        g[i] = wi * (y[i]! > raw[i]! ? -q : 1 - q);
        h[i] = wi;
      }
    },
    value(y, raw, w) {
      let sum = 0;
      let total = 0;
      for (let i = 0; i < y.length; i++) {
        const wi = weightOf(w, i);
        const r = y[i]! - raw[i]!;
        sum += wi * (r >= 0 ? q * r : (q - 1) * r);
        total += wi;
      }
      return sum / total;
    },
  };
}

function huber(delta: number): Loss {
  return {
    name: 'huber',
    outputs: 1,
    unitHessian: true,
    leafQuantile: null,
    baseline: (y, w) => Float64Array.of(quantileOf(y, w, 0.5)),
    gradients(y, raw, w, g, h) {
      for (let i = 0; i < y.length; i++) {
        const wi = weightOf(w, i);
        g[i] = wi * Math.max(-delta, Math.min(delta, raw[i]! - y[i]!));
        h[i] = wi;
      }
    },
    value(y, raw, w) {
      let sum = 0;
      let total = 0;
      for (let i = 0; i < y.length; i++) {
        const wi = weightOf(w, i);
        const r = Math.abs(y[i]! - raw[i]!);
        sum += wi * (r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta));
        total += wi;
      }
      return sum / total;
    },
  };
}

const poisson: Loss = {
  name: 'poisson',
  outputs: 1,
  unitHessian: false,
  leafQuantile: null,
  baseline: (y, w) => Float64Array.of(Math.log(Math.max(weightedMean(y, w), 1e-300))),
  gradients(y, raw, w, g, h) {
    for (let i = 0; i < y.length; i++) {
      const wi = weightOf(w, i);
      const mean = Math.exp(raw[i]!);
      g[i] = wi * (mean - y[i]!);
      h[i] = wi * mean;
    }
  },
  value(y, raw, w) {
    let sum = 0;
    let total = 0;
    for (let i = 0; i < y.length; i++) {
      const wi = weightOf(w, i);
      sum += wi * (Math.exp(raw[i]!) - y[i]! * raw[i]!);
      total += wi;
    }
    return sum / total;
  },
};

const binomial: Loss = {
  name: 'log-loss',
  outputs: 1,
  unitHessian: false,
  leafQuantile: null,
  baseline(y, w) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, weightedMean(y, w)));
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradients(y, raw, w, g, h) {
    for (let i = 0; i < y.length; i++) {
      const wi = weightOf(w, i);
      const p = 1 / (1 + Math.exp(-raw[i]!));
      g[i] = wi * (p - y[i]!);
      h[i] = wi * p * (1 - p);
    }
  },
  value(y, raw, w) {
    let sum = 0;
    let total = 0;
    for (let i = 0; i < y.length; i++) {
      const wi = weightOf(w, i);
      sum += wi * (softplus(raw[i]!) - y[i]! * raw[i]!);
      total += wi;
    }
    return sum / total;
  },
};

function multinomial(classes: number): Loss {
  return {
    name: 'log-loss',
    outputs: classes,
    unitHessian: false,
    leafQuantile: null,
    baseline(y, w) {
      const prior = new Float64Array(classes);
      for (let i = 0; i < y.length; i++) prior[y[i]!]! += weightOf(w, i);
      const total = prior.reduce((a, b) => a + b, 0);
      return prior.map((p) => Math.log(Math.max(p / total, 1e-15)));
    },
    gradients(y, raw, w, g, h) {
      const n = y.length;
      const p = new Float64Array(classes);
      for (let i = 0; i < n; i++) {
        softmaxAt(raw, n, i, p);
        const wi = weightOf(w, i);
        for (let k = 0; k < classes; k++) {
          g[k * n + i] = wi * (p[k]! - (y[i] === k ? 1 : 0));
          h[k * n + i] = wi * p[k]! * (1 - p[k]!);
        }
      }
    },
    value(y, raw, w) {
      const n = y.length;
      let sum = 0;
      let total = 0;
      for (let i = 0; i < n; i++) {
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < classes; k++) max = Math.max(max, raw[k * n + i]!);
        let exps = 0;
        for (let k = 0; k < classes; k++) exps += Math.exp(raw[k * n + i]! - max);
        const wi = weightOf(w, i);
        sum += wi * (max + Math.log(exps) - raw[y[i]! * n + i]!);
        total += wi;
      }
      return sum / total;
    },
  };
}

/** Row i's class probabilities from class-major scores. */
export function softmaxAt(raw: Float64Array, n: number, i: number, out: Float64Array): void {
  const classes = out.length;
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < classes; k++) max = Math.max(max, raw[k * n + i]!);
  let sum = 0;
  for (let k = 0; k < classes; k++) {
    out[k] = Math.exp(raw[k * n + i]! - max);
    sum += out[k]!;
  }
  for (let k = 0; k < classes; k++) out[k]! /= sum;
}
