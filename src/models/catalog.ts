import type { Declaration, ModelTask, Param, SupervisedTask } from '../core/declare.js';
import { UsageError } from '../core/errors.js';
import type { Estimator, Params } from '../estimator/contract.js';
import { buildEstimator } from '../estimator/kinds.js';
import { ISOLATION_FOREST } from './anomaly/isolation-forest.js';
import { NAIVE_BAYES_KINDS, NAIVE_BAYES_VARIANT } from './bayes/naive-bayes.js';
import { GBDT_CLASSIFIER, GBDT_REGRESSOR } from './boost/gbdt.js';
import { DBSCAN } from './cluster/dbscan.js';
import { KMEANS } from './cluster/kmeans.js';
import { PCA } from './decomposition/pca.js';
import { ELASTIC_NET, LASSO } from './linear/coordinate-descent.js';
import { LOGISTIC } from './linear/logistic.js';
import { LINEAR, RIDGE } from './linear/ridge.js';
import { KNN } from './neighbors/knn.js';
import { MLP_CLASSIFIER, MLP_REGRESSOR } from './neural/mlp.js';
import { DECISION_TREE_CLASSIFIER, DECISION_TREE_REGRESSOR } from './tree/cart.js';
import {
  EXTRA_TREES_CLASSIFIER,
  EXTRA_TREES_REGRESSOR,
  RANDOM_FOREST_CLASSIFIER,
  RANDOM_FOREST_REGRESSOR,
} from './tree/forest.js';

/**
 * The models a user can name (`keel train --model NAME`, `--algorithms` of
 * keel automl): each name stands for the declared kind that fits each task
 * (a tree is a classifier or a regressor), or, for naive Bayes, for the kind
 * a parameter chooses. Everything else an entry tells — its tasks, tags,
 * parameters with their defaults and docs, how to build it — is read from
 * the declarations; this list only says which kinds a name covers.
 */
export interface CatalogEntry {
  readonly name: string;
  readonly summary: string;
  /** Supervised tasks, or the one unsupervised task the model does. */
  readonly tasks: readonly ModelTask[];
  /** Handles NaN itself (no imputation needed). */
  readonly acceptsMissing: boolean;
  /** Sensitive to feature scale (standardise first). */
  readonly wantsScaling: boolean;
  /** Splits categorical columns itself (no one-hot encoding). */
  readonly nativeCategorical: boolean;
  /** The parameter that chooses the kind (naive Bayes' variant) at its default, fixed in a search. */
  readonly kindChoice: Params;
  /** Every parameter of the name's kinds (and the selector), for `--list` and `--set`. */
  readonly params: Readonly<Record<string, CatalogParam>>;
  /** The declaration that fits `task` (for naive Bayes, the one `params.variant` chooses). */
  declarationFor(task: ModelTask, params?: Params): Declaration;
  /** Builds the estimator for the task, its parameters checked against its declaration. */
  make(params: Params, task: ModelTask): Estimator;
}

/** A parameter as the catalog shows it: its declaration, and its defaults where they differ by task. */
export interface CatalogParam {
  readonly spec: Param;
  /** One entry per distinct default: the tasks it applies to. */
  readonly defaults: readonly { readonly tasks: readonly ModelTask[]; readonly value: Params[string] }[];
}

interface Selector {
  readonly name: string;
  readonly param: Param<string>;
  readonly kinds: Readonly<Record<string, Declaration>>;
}

interface EntryInput {
  readonly name: string;
  /** The name's own description, where it covers several kinds (else the kind's summary). */
  readonly summary?: string;
  readonly kinds: Partial<Record<ModelTask, Declaration>>;
  readonly selector?: Selector;
}

const SUPERVISED_TASKS: readonly SupervisedTask[] = ['regression', 'binary', 'multiclass'];

const bySupervisedTask = (regression: Declaration, classification: Declaration) => ({
  regression,
  binary: classification,
  multiclass: classification,
});
const byTask = (declaration: Declaration) =>
  Object.fromEntries(declaration.tasks.map((task) => [task, declaration])) as Partial<
    Record<ModelTask, Declaration>
  >;

const ENTRIES: readonly CatalogEntry[] = [
  { name: 'linear', kinds: byTask(LINEAR) },
  { name: 'ridge', kinds: byTask(RIDGE) },
  { name: 'lasso', kinds: byTask(LASSO) },
  { name: 'elastic-net', kinds: byTask(ELASTIC_NET) },
  { name: 'logistic', kinds: byTask(LOGISTIC) },
  { name: 'knn', kinds: byTask(KNN) },
  {
    name: 'naive-bayes',
    summary: 'naive Bayes: gaussian (numbers), multinomial (counts) or bernoulli (0/1)',
    kinds: byTask(NAIVE_BAYES_KINDS[NAIVE_BAYES_VARIANT.default]),
    selector: { name: 'variant', param: NAIVE_BAYES_VARIANT, kinds: NAIVE_BAYES_KINDS },
  },
  {
    name: 'mlp',
    summary: 'multilayer perceptron: dense relu/tanh/logistic layers trained by minibatch Adam',
    kinds: bySupervisedTask(MLP_REGRESSOR, MLP_CLASSIFIER),
  },
  {
    name: 'tree',
    summary: 'a CART decision tree (gini or entropy for classes, squared error for numbers)',
    kinds: bySupervisedTask(DECISION_TREE_REGRESSOR, DECISION_TREE_CLASSIFIER),
  },
  {
    name: 'gbdt',
    summary: 'histogram gradient boosting: leaf-wise trees, native missing values and categories',
    kinds: bySupervisedTask(GBDT_REGRESSOR, GBDT_CLASSIFIER),
  },
  {
    name: 'random-forest',
    summary: 'random forest: bootstrapped trees on random feature subsets, averaged',
    kinds: bySupervisedTask(RANDOM_FOREST_REGRESSOR, RANDOM_FOREST_CLASSIFIER),
  },
  {
    name: 'extra-trees',
    summary: 'extremely randomised trees: random thresholds, no bootstrap, averaged',
    kinds: bySupervisedTask(EXTRA_TREES_REGRESSOR, EXTRA_TREES_CLASSIFIER),
  },
  { name: 'kmeans', kinds: byTask(KMEANS) },
  { name: 'dbscan', kinds: byTask(DBSCAN) },
  { name: 'pca', kinds: byTask(PCA) },
  { name: 'isolation-forest', kinds: byTask(ISOLATION_FOREST) },
].map(catalogEntryOf);

function catalogEntryOf(input: EntryInput): CatalogEntry {
  const declarations = [
    ...new Set([...Object.values(input.kinds), ...Object.values(input.selector?.kinds ?? {})]),
  ] as Declaration[];
  const first = declarations[0]!;
  const tag = (name: 'acceptsMissing' | 'wantsScaling' | 'nativeCategorical') => first.tags[name];
  for (const d of declarations) {
    for (const name of ['acceptsMissing', 'wantsScaling', 'nativeCategorical'] as const) {
      // Default preprocessing is chosen per name, so every kind a name covers must need the same.
      if (d.tags[name] !== tag(name)) throw new Error(`catalog: ${input.name}'s kinds disagree on ${name}`);
    }
  }
  const entry: CatalogEntry = {
    name: input.name,
    summary: input.summary ?? first.summary,
    tasks: Object.keys(input.kinds) as ModelTask[],
    acceptsMissing: tag('acceptsMissing'),
    wantsScaling: tag('wantsScaling'),
    nativeCategorical: tag('nativeCategorical'),
    params: catalogParams(input),
    kindChoice: input.selector === undefined ? {} : { [input.selector.name]: input.selector.param.default },
    declarationFor: (task, params = {}) => declarationFor(input, task, params),
    make(params, task) {
      const declaration = declarationFor(input, task, params);
      const own = input.selector === undefined ? params : withoutKey(params, input.selector.name);
      return buildEstimator({ kind: declaration.kind, params: declaration.resolve(own) });
    },
  };
  return entry;
}

function declarationFor(input: EntryInput, task: ModelTask, params: Params): Declaration {
  const { selector } = input;
  if (selector !== undefined) {
    const chosen = params[selector.name] ?? selector.param.default;
    const declaration = typeof chosen === 'string' ? selector.kinds[chosen] : undefined;
    if (declaration === undefined) {
      throw new UsageError(
        'usage.bad-param',
        `${input.name}: unknown ${selector.name} ${JSON.stringify(chosen)}`,
        {
          location: { field: selector.name },
          hint: `the ${selector.name}s are: ${Object.keys(selector.kinds).join(', ')}`,
        },
      );
    }
    if (declaration.tasks.includes(task)) return declaration;
  }
  const declaration = input.kinds[task] ?? soleKind(input);
  if (declaration === undefined) {
    throw new UsageError('usage.wrong-task', `${input.name} does not do ${task}`, {
      location: { field: 'model' },
      hint: `it does: ${Object.keys(input.kinds).join(', ')}`,
    });
  }
  return declaration;
}

/**
 * A name with one kind builds it for any task: its fit then refuses the
 * target with a message that names the column and the task it makes.
 */
function soleKind(input: EntryInput): Declaration | undefined {
  const kinds = new Set(Object.values(input.kinds));
  return kinds.size === 1 ? [...kinds][0] : undefined;
}

/** The union of the kinds' parameters, in declaration order, the selector first; a default per set of tasks that share it. */
function catalogParams(input: EntryInput): Record<string, CatalogParam> {
  const out = new Map<string, { spec: Param; defaults: { tasks: ModelTask[]; value: Params[string] }[] }>();
  const add = (name: string, spec: Param, tasks: readonly ModelTask[]) => {
    const param = out.get(name) ?? { spec, defaults: [] };
    out.set(name, param);
    const same = param.defaults.find((d) => JSON.stringify(d.value) === JSON.stringify(spec.default));
    if (same === undefined) param.defaults.push({ tasks: [...tasks], value: spec.default });
    else same.tasks.push(...tasks.filter((t) => !same.tasks.includes(t)));
  };
  const { selector } = input;
  if (selector !== undefined) add(selector.name, selector.param, Object.keys(input.kinds) as ModelTask[]);
  for (const [task, declaration] of Object.entries(input.kinds)) {
    for (const [name, spec] of Object.entries(declaration.params)) add(name, spec, [task as ModelTask]);
  }
  for (const declaration of Object.values(selector?.kinds ?? {})) {
    for (const [name, spec] of Object.entries(declaration.params)) add(name, spec, declaration.tasks);
  }
  return Object.fromEntries(out);
}

function withoutKey(params: Params, key: string): Params {
  const { [key]: _, ...rest } = params;
  return rest;
}

/** Whether the model learns from a target (`keel train --target COL`). */
export function isSupervised(entry: CatalogEntry): boolean {
  return entry.tasks.some((task) => (SUPERVISED_TASKS as readonly ModelTask[]).includes(task));
}

const CATALOG = new Map<string, CatalogEntry>(ENTRIES.map((e) => [e.name, e]));

export function catalogEntries(): readonly CatalogEntry[] {
  return ENTRIES;
}

export function catalogEntry(name: string): CatalogEntry {
  const entry = CATALOG.get(name);
  if (entry === undefined) {
    throw new UsageError('usage.unknown-model', `unknown model "${name}"`, {
      location: { field: 'model' },
      hint: `the models are: ${[...CATALOG.keys()].join(', ')} (keel train --list)`,
    });
  }
  return entry;
}
