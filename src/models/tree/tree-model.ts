import type { Artifact } from '../../core/artifact.js';
import { type Field, field, storedArtifact } from '../../core/stored.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Model, Params, SupervisedTask } from '../../estimator/contract.js';
import { completeInput } from '../input.js';
import {
  argmaxRows,
  averageLeafValues,
  storedTreeArrays,
  type TreeArrays,
  treeArraysToArtifactArrays,
  treeCount,
} from './flat-tree.js';
import { featureImportances } from './importance.js';
import { checkClasses } from './stored-trees.js';

/**
 * A fitted tree or forest: its trees as flat arrays (see `TreeArrays`).
 * Predictions average the leaf values the row reaches: class probabilities
 * for classifiers (Breiman 2001 averages votes; scikit-learn, and keel,
 * average the leaves' distributions), means for regression.
 */
export class TreeModel implements Model {
  /** Classifiers only: row-major rows × classes. */
  readonly predictProba?: (X: Matrix | Frame) => Float64Array;

  constructor(
    readonly kind: string,
    readonly params: Params,
    readonly inputNames: readonly string[],
    readonly classes: readonly string[],
    readonly task: SupervisedTask,
    readonly trees: TreeArrays,
    /** Out-of-bag accuracy (classification) or R² (regression), when the fit computed it. */
    readonly oobScore: number | null = null,
  ) {
    if (task !== 'regression')
      this.predictProba = (X) => averageLeafValues(trees, completeInput(X, this.inputNames, this.kind));
  }

  get treeCount(): number {
    return treeCount(this.trees);
  }

  /** Mean decrease in impurity per input column, summing to 1 (see `featureImportances`). */
  get featureImportances(): Float64Array {
    return featureImportances(this.trees, this.inputNames.length);
  }

  predict(X: Matrix | Frame): Float64Array {
    const averaged = averageLeafValues(this.trees, completeInput(X, this.inputNames, this.kind));
    return this.task === 'regression' ? averaged : argmaxRows(averaged, this.classes.length);
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
        oobScore: this.oobScore,
      },
      arrays: treeArraysToArtifactArrays(this.trees),
    };
  }
}

/** What a tree kind's artifacts hold beyond the trees: its parameters, and how many trees they grow. */
export interface StoredTreeKind<P extends Params> {
  readonly params: Field<P>;
  readonly classification: boolean;
  readonly treeCount: (params: P) => number;
}

/** The loader of a tree or forest kind: the header and the trees read against what the kind stores. */
export function treeModelLoader<P extends Params>(kind: string, spec: StoredTreeKind<P>) {
  return (artifact: Artifact, source: string): TreeModel => {
    const stored = storedArtifact(artifact, source);
    const { fail } = stored;
    const meta = stored.meta({
      params: spec.params,
      inputNames: field.strings(),
      classes: field.strings(),
      task: spec.classification ? field.enum('binary', 'multiclass') : field.enum('regression'),
      oobScore: field.nullable(field.number()),
    });
    checkClasses(meta.task, meta.classes, fail);
    const trees = storedTreeArrays(stored, fail, {
      trees: spec.treeCount(meta.params),
      inputs: meta.inputNames.length,
      outputs: spec.classification ? meta.classes.length : 1,
    });
    return new TreeModel(kind, meta.params, meta.inputNames, meta.classes, meta.task, trees, meta.oobScore);
  };
}
