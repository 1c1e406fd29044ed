import type { Artifact, Json } from '../../core/artifact.js';
import { type Field, field, storedArtifact } from '../../core/stored.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Model, SupervisedTask } from '../../estimator/contract.js';
import { argmaxRows } from '../tree/flat-tree.js';
import { checkClasses } from '../tree/stored-trees.js';
import type { BinMapper } from './bins.js';
import { categoryBinMaps, type FeatureSpec, predictionInput } from './features.js';
import type { LossName } from './loss.js';
import type { GbdtParams } from './params.js';
import { addTreeScores, type BoostedTrees, storedBoostedArrays, treesToArrays } from './trees.js';

/** What boosting produced: the trees, the constant they start from, and the loss curves. */
export interface BoostedEnsemble {
  readonly trees: BoostedTrees;
  readonly baseline: Float64Array;
  readonly iterations: number;
  /** With early stopping: the training loss after each iteration, on at most 10,000 training rows spread evenly. */
  readonly trainLoss: readonly number[];
  /** With early stopping: the held-out loss after each iteration (what stopping watches). */
  readonly validationLoss: readonly number[];
}

/** Categorical features' code → bin tables, the only part of the binning prediction needs. */
type CategoryBins = Pick<BinMapper, 'levelBins'>;

/**
 * A fitted gradient boosting model. Scores are the baseline plus every
 * tree's leaf value; `predict` turns them into classes (log-odds, softmax),
 * means (Poisson: exp) or values.
 */
export class GbdtModel implements Model {
  readonly predictProba?: (X: Matrix | Frame) => Float64Array;
  private readonly categoryBins: (Map<string, number> | null)[];

  constructor(
    readonly kind: string,
    readonly params: GbdtParams,
    readonly inputNames: readonly string[],
    readonly features: readonly FeatureSpec[],
    readonly classes: readonly string[],
    readonly task: SupervisedTask,
    readonly loss: LossName,
    private readonly bins: CategoryBins,
    readonly ensemble: BoostedEnsemble,
  ) {
    this.categoryBins = categoryBinMaps(features, bins);
    if (task !== 'regression') this.predictProba = (X) => this.probabilities(this.rawScores(X));
  }

  /** Scores per tree-output (row-major rows × outputs): log-odds, softmax inputs, log-means or values. */
  rawScores(X: Matrix | Frame, iterations = this.ensemble.iterations): Float64Array {
    const { data, rows, scores } = this.startScores(X);
    const cols = this.features.length;
    addTreeScores(this.ensemble.trees, data, rows, cols, this.outputs, scores, 0, iterations * this.outputs);
    return scores;
  }

  predict(X: Matrix | Frame): Float64Array {
    return this.fromScores(this.rawScores(X));
  }

  /** Predictions after each of the first `iterations` boosting iterations (scikit-learn's staged_predict). */
  *stagedPredict(X: Matrix | Frame): Generator<Float64Array> {
    const { data, rows, scores } = this.startScores(X);
    const { outputs } = this;
    for (let it = 0; it < this.ensemble.iterations; it++) {
      const first = it * outputs;
      addTreeScores(
        this.ensemble.trees,
        data,
        rows,
        this.features.length,
        outputs,
        scores,
        first,
        first + outputs,
      );
      yield this.fromScores(scores);
    }
  }

  /** The rows as the trees read them, and their scores before any tree: the baseline. */
  private startScores(X: Matrix | Frame): { data: Float64Array; rows: number; scores: Float64Array } {
    const { data, rows } = predictionInput(X, this.features, this.categoryBins, this.kind);
    const outputs = this.outputs;
    const scores = new Float64Array(rows * outputs);
    for (let i = 0; i < scores.length; i++) scores[i] = this.ensemble.baseline[i % outputs]!;
    return { data, rows, scores };
  }

  get outputs(): number {
    return this.ensemble.baseline.length;
  }

  get treeCount(): number {
    return this.ensemble.trees.treeStart.length - 1;
  }

  /**
   * Per input column: 'gain', the loss reduction of its splits as a share of
   * all splits' (sums to 1); 'split', how many splits use it.
   */
  featureImportances(type: 'gain' | 'split' = 'gain'): Float64Array {
    const { feature, gain } = this.ensemble.trees;
    const out = new Float64Array(this.features.length);
    for (let node = 0; node < feature.length; node++) {
      if (feature[node]! >= 0) out[feature[node]!]! += type === 'gain' ? gain[node]! : 1;
    }
    if (type === 'gain') {
      const total = out.reduce((a, b) => a + b, 0);
      if (total > 0) for (let f = 0; f < out.length; f++) out[f]! /= total;
    }
    return out;
  }

  private fromScores(scores: Float64Array): Float64Array {
    if (this.task !== 'regression') return argmaxRows(this.probabilities(scores), this.classes.length);
    return this.loss === 'poisson' ? scores.map(Math.exp) : Float64Array.from(scores);
  }

  private probabilities(scores: Float64Array): Float64Array {
    if (this.outputs === 1) {
      const out = new Float64Array(scores.length * 2);
      scores.forEach((s, i) => {
        const p = 1 / (1 + Math.exp(-s));
        out[2 * i] = 1 - p;
        out[2 * i + 1] = p;
      });
      return out;
    }
    const k = this.outputs;
    const out = new Float64Array(scores.length);
    for (let i = 0; i < scores.length; i += k) {
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, scores[i + c]!);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += out[i + c] = Math.exp(scores[i + c]! - max);
      for (let c = 0; c < k; c++) out[i + c]! /= sum;
    }
    return out;
  }

  toArtifact(): Artifact {
    const { levelBins } = this.bins;
    return {
      kind: this.kind,
      version: 1,
      meta: {
        // How many threads built it is not part of the model: the same fit on
        // 1 or 8 threads saves the same bytes.
        params: { ...this.params, threads: null },
        inputNames: this.inputNames,
        features: this.features as unknown as Json,
        classes: this.classes,
        task: this.task,
        loss: this.loss,
        iterations: this.ensemble.iterations,
        trainLoss: this.ensemble.trainLoss,
        validationLoss: this.ensemble.validationLoss,
      },
      arrays: {
        ...treesToArrays(this.ensemble.trees),
        baseline: this.ensemble.baseline,
        levelBins: Int32Array.from(levelBins.flatMap((b) => [...b])),
        levelBinCounts: Int32Array.from(levelBins, (b) => b.length),
      },
    };
  }
}

/** What a boosting kind's artifacts hold beyond the trees: its parameters and the losses it fits. */
export interface StoredGbdtKind {
  readonly params: Field<GbdtParams>;
  readonly losses: readonly LossName[];
}

/**
 * The loader of a boosting kind. Beyond the trees' own layout (one entry per
 * node, children after their node inside its tree), what prediction indexes
 * is checked against what it indexes: features against the inputs, the tree
 * count against iterations × outputs, the baseline against the outputs,
 * category bitsets against the categories array and the bins of each
 * categorical feature's levels.
 */
export function gbdtLoader(kind: StoredGbdtKind) {
  return (artifact: Artifact, source: string): GbdtModel => {
    const stored = storedArtifact(artifact, source);
    const { fail } = stored;
    const losses = field.list(field.nullable(field.number()));
    const meta = stored.meta({
      params: kind.params,
      inputNames: field.strings(),
      features: field.list(field.object({ name: field.string(), levels: field.nullable(field.strings()) })),
      classes: field.strings(),
      task: field.enum('regression', 'binary', 'multiclass'),
      loss: field.enum(...kind.losses),
      iterations: field.int({ min: 0 }),
      trainLoss: losses,
      validationLoss: losses,
    });
    const { params, inputNames, features, classes, task, loss } = meta;
    const classification = kind.losses.includes('log-loss');
    if ((task === 'regression') === classification) fail('meta.task', `is ${task}, not a task of this kind`);
    checkClasses(task, classes, fail);
    if (params.loss !== 'auto' && params.loss !== loss)
      fail('meta.loss', `is ${loss}, the parameters say ${params.loss}`);
    if (meta.iterations > params.trees)
      fail('meta.iterations', `is ${meta.iterations}, more than trees (${params.trees})`);
    if (features.length !== inputNames.length) {
      fail('meta.features', `has ${features.length} entries for ${inputNames.length} inputs`);
    }
    features.forEach((f, i) => {
      if (f.name !== inputNames[i])
        fail(
          `meta.features[${i}].name`,
          `is ${JSON.stringify(f.name)}, the input is ${JSON.stringify(inputNames[i])}`,
        );
    });
    const outputs = classes.length > 2 ? classes.length : 1;
    const arrays = storedBoostedArrays(stored, fail, { trees: meta.iterations * outputs, outputs, features });
    const levelBins = splitLevelBins(arrays.levelBins, arrays.levelBinCounts);
    return new GbdtModel(
      artifact.kind,
      params,
      inputNames,
      features,
      classes,
      task,
      loss,
      { levelBins },
      {
        trees: arrays.trees,
        baseline: arrays.baseline,
        iterations: meta.iterations,
        // JSON keeps a non-finite loss as null; it was NaN or ±∞, and is written as null again.
        trainLoss: meta.trainLoss.map((l) => l ?? Number.NaN),
        validationLoss: meta.validationLoss.map((l) => l ?? Number.NaN),
      },
    );
  };
}

/** Level bins stored end to end, `counts[f]` for feature f: back to one array per feature. */
function splitLevelBins(flat: Int32Array, counts: Int32Array): Int32Array[] {
  let at = 0;
  return [...counts].map((count) => {
    at += count;
    return flat.slice(at - count, at);
  });
}
