import type { Artifact } from '../../core/artifact.js';
import type { Frame, Matrix } from '../../data/frame.js';
import type { Model, Params, SupervisedTask } from '../../estimator/contract.js';
import { registerLoader } from '../../estimator/persist.js';
import { completeInput } from '../input.js';
import {
  argmaxRows,
  averageLeafValues,
  type TreeArrays,
  treeArraysFromArtifact,
  treeArraysToArtifactArrays,
  treeCount,
} from './flat-tree.js';
import { featureImportances } from './importance.js';

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

export function registerTreeLoader(kind: string): void {
  registerLoader(kind, 1, (artifact) => {
    const meta = artifact.meta as {
      params: Params;
      inputNames: string[];
      classes: string[];
      task: SupervisedTask;
      oobScore: number | null;
    };
    const outputs = meta.task === 'regression' ? 1 : meta.classes.length;
    return new TreeModel(
      kind,
      meta.params,
      meta.inputNames,
      meta.classes,
      meta.task,
      treeArraysFromArtifact(artifact, outputs),
      meta.oobScore,
    );
  });
}
