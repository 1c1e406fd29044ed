import type { Artifact } from '../core/artifact.js';
import { declare, domain, param } from '../core/declare.js';
import { UsageError } from '../core/errors.js';
import { field, storedArtifact } from '../core/stored.js';
import type { Frame, Matrix } from '../data/frame.js';
import type { Estimator, FitOptions, Model, ModelTask, Params, Spec, Target } from '../estimator/contract.js';
import { buildEstimator, registerKind, specOf } from '../estimator/kinds.js';
import { loadPart, numbered, specChildren, specError } from '../prep/parts.js';

export const ENSEMBLE = declare({
  kind: 'ensemble',
  summary: 'a weighted average of models (class probabilities for classifiers, values for regressors)',
  tasks: ['regression', 'binary', 'multiclass'],
  params: {
    members: param.of<readonly string[]>([domain.list(domain.text())], {
      default: [],
      doc: 'the kinds of its members, in order (their specs are its children member0, member1, …)',
    }),
    weights: param.of<readonly number[]>([domain.list(domain.float({ min: 0 }))], {
      default: [],
      doc: "each member's weight (scaled to sum to 1 when blending)",
    }),
  },
});

/**
 * A weighted average of fitted models (an ensemble chosen by AutoML's
 * ensemble selection, or built by hand). Classifiers average their class
 * probabilities and predict the most probable class; regressors average
 * their values. Each member selects its own input columns from the frame,
 * so members with different preprocessing blend as they are.
 */
export interface EnsembleMember {
  readonly model: Model;
  readonly weight: number;
}

export function ensembleModel(members: readonly EnsembleMember[]): EnsembleModel {
  return new EnsembleModel(members);
}

/** An unfitted member: an estimator and its weight. */
export interface EnsembleEstimatorMember {
  readonly estimator: Estimator;
  readonly weight: number;
}

/**
 * An ensemble to fit: each member's estimator is fitted on the same rows
 * (and options), and the fitted members blend with the given weights —
 * what AutoML's refit of a chosen blend does.
 */
export function ensemble(members: readonly EnsembleEstimatorMember[]): Estimator<EnsembleModel> {
  if (members.length === 0) {
    throw new UsageError('usage.bad-ensemble', 'an ensemble needs at least one member', {
      location: { field: 'members' },
    });
  }
  const params = {
    members: members.map((m) => m.estimator.kind),
    weights: members.map((m) => m.weight),
  };
  return {
    kind: 'ensemble',
    params,
    get spec(): Spec {
      return ensembleSpec(
        params,
        members.map((m) => specOf(m.estimator)),
      );
    },
    acceptsMissing: members.every((m) => m.estimator.acceptsMissing),
    fit(X: Matrix | Frame, y?: Target, options?: FitOptions) {
      return ensembleModel(
        members.map(({ estimator, weight }) => ({ model: estimator.fit(X, y, options), weight })),
      );
    },
  };
}

export class EnsembleModel implements Model {
  readonly kind = 'ensemble';
  readonly task: ModelTask;
  readonly inputNames: readonly string[];
  readonly classes: readonly string[] | undefined;
  /** Classifiers only: the weighted average of the members' probabilities (rows still sum to 1). */
  readonly predictProba?: (X: Matrix | Frame) => Float64Array;
  /** The weights scaled to sum to 1, in member order. */
  private readonly shares: readonly number[];

  constructor(readonly members: readonly EnsembleMember[]) {
    checkMembers(members);
    const first = members[0]!.model;
    this.task = first.task;
    // Decided by the task: regressors may carry an empty class list rather than none.
    this.classes = first.task === 'regression' ? undefined : first.classes;
    this.inputNames = [...new Set(members.flatMap((m) => m.model.inputNames))];
    const total = members.reduce((sum, m) => sum + m.weight, 0);
    this.shares = members.map((m) => m.weight / total);
    // A regressor has no probabilities: the contract says so by leaving predictProba out.
    if (this.classes !== undefined) this.predictProba = (X) => this.blend((model) => model.predictProba!(X));
  }

  get params(): Params {
    return { members: this.members.map((m) => m.model.kind), weights: this.members.map((m) => m.weight) };
  }

  /** Its members' specs and weights: `build` of it fits each member again and blends them the same way. */
  get spec(): Spec {
    return ensembleSpec(
      this.params,
      this.members.map((m) => specOf(m.model)),
    );
  }

  predict(X: Matrix | Frame): Float64Array {
    if (this.predictProba === undefined) return this.blend((model) => model.predict(X));
    return argmaxRows(this.predictProba(X), this.classes!.length);
  }

  toArtifact(): Artifact {
    const children = Object.fromEntries(this.members.map((m, k) => [`member${k}`, m.model.toArtifact()]));
    return {
      kind: this.kind,
      version: 1,
      meta: { weights: this.members.map((m) => m.weight) },
      arrays: {},
      children,
    };
  }

  private blend(output: (model: Model) => Float64Array): Float64Array {
    let sum: Float64Array | undefined;
    this.members.forEach(({ model }, k) => {
      const values = output(model);
      sum ??= new Float64Array(values.length);
      const share = this.shares[k]!;
      for (let i = 0; i < values.length; i++) sum[i] = sum[i]! + share * values[i]!;
    });
    return sum!;
  }
}

/** The most probable class of each row (the first, on a tie). */
export function argmaxRows(probabilities: Float64Array, classes: number): Float64Array {
  const rows = probabilities.length / classes;
  const labels = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const at = i * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (probabilities[at + c]! > probabilities[at + best]!) best = c;
    labels[i] = best;
  }
  return labels;
}

/** Members must exist, weigh something, do one supervised task and, as classifiers, know the same classes. */
function checkMembers(members: readonly EnsembleMember[]): void {
  const bad = (message: string, hint?: string) =>
    new UsageError('usage.bad-ensemble', message, { location: { field: 'members' }, hint });
  if (members.length === 0) throw bad('an ensemble needs at least one member');
  if (
    members.some((m) => !(m.weight >= 0 && Number.isFinite(m.weight))) ||
    !members.some((m) => m.weight > 0)
  )
    throw bad('ensemble weights must be finite, ≥ 0, and not all 0');
  const { task, classes } = members[0]!.model;
  if (task !== 'regression' && task !== 'binary' && task !== 'multiclass')
    throw bad(`an ensemble blends supervised models, not ${task}`);
  for (const { model } of members) {
    // Two-class models may call their task binary or multiclass: only regression against classes clashes.
    if ((model.task === 'regression') !== (task === 'regression'))
      throw bad(`members do different tasks: ${task} and ${model.task}`);
    if (task === 'regression') continue;
    if (model.predictProba === undefined)
      throw bad(`the ${model.kind} member gives no class probabilities to blend`);
    if (JSON.stringify(model.classes) !== JSON.stringify(classes)) {
      throw bad(
        `members know different classes: ${JSON.stringify(classes)} and ${JSON.stringify(model.classes)}`,
        'fit every member on the same target',
      );
    }
  }
}

/** An ensemble's spec: member kinds and weights, and the members' specs as children member0, member1, …. */
function ensembleSpec(params: Params, members: readonly Spec[]): Spec {
  return { kind: 'ensemble', params, children: Object.fromEntries(members.map((m, k) => [`member${k}`, m])) };
}

function loadEnsemble(artifact: Artifact, source: string): EnsembleModel {
  const stored = storedArtifact(artifact, source);
  const members = stored.childNames((name) => /^member(0|[1-9][0-9]*)$/.test(name)).length;
  // One weight per member: the children are member0 … member{n-1}, so their count fixes the length.
  const { weights } = stored.meta({ weights: field.list(field.number({ min: 0 }), members) });
  stored.arrays({});
  stored.require(members > 0, 'children', 'holds no member (member0, member1, …)');
  stored.require(
    weights.some((w) => w > 0),
    'meta.weights',
    'must not all be 0',
  );
  const models = numbered('member', members).map((name) => loadPart(artifact, name, 'model', source));
  try {
    return new EnsembleModel(weights.map((weight, k) => ({ model: models[k]!, weight })));
  } catch (error) {
    // Members that cannot blend (different tasks or classes): the file's members, not the caller's.
    if (!(error instanceof UsageError)) throw error;
    return stored.fail('children', error.message);
  }
}

function buildEnsemble(spec: Spec): Estimator<EnsembleModel> {
  const params = ENSEMBLE.resolve(spec.params);
  if (params.weights.length !== params.members.length) {
    throw specError(
      spec.kind,
      'params.weights',
      `has ${params.weights.length} weights for ${params.members.length} members`,
    );
  }
  const children = specChildren(spec, numbered('member', params.members.length), params.members);
  return ensemble(
    children.map((child, k) => ({ estimator: buildEstimator(child), weight: params.weights[k]! })),
  );
}

registerKind({ declaration: ENSEMBLE, role: 'model', build: buildEnsemble, load: loadEnsemble });
