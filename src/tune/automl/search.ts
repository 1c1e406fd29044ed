import { availableParallelism } from 'node:os';
import type { Frame } from '../../data/frame.js';
import { UsageError } from '../../errors.js';
import type { Model, Params, SupervisedTask, Target } from '../../estimator.js';
import { catalogEntry } from '../../models/catalog.js';
import { argmaxRows, ensembleModel } from '../../models/ensemble.js';
import type { Profile } from '../../profile/types.js';
import { Rng } from '../../random.js';
import type { Fold } from '../splitters.js';
import { selectEnsemble } from './ensemble.js';
import { DEFAULT_ALGORITHMS, type PortfolioEntry, portfolio } from './portfolio.js';
import { type CvChoice, type DroppedColumn, type Prepared, prepareAutoml } from './prepare.js';
import { configKey, type SearchSpace, searchSpace } from './search-space.js';
import { type AlgorithmRecord, chooseAlgorithm, type Observation, proposeTpe } from './tpe.js';
import { type TrialOutcome, type TrialSpec, trialEstimator } from './trial.js';
import { TrialPool } from './trial-pool.js';

/**
 * AutoML: a table and a target column in, the best model an honest search
 * finds within a time budget out, with the reasons. The steps:
 *
 * 1. `prepareAutoml` decides the task, the metric, the folds and the columns.
 * 2. A portfolio of known-good configurations runs first, so that any budget
 *    ends with a leaderboard of several algorithms.
 * 3. Then TPE proposes configurations per algorithm (the algorithm itself
 *    chosen by how well it has done); on larger tables new proposals first
 *    train on a third of each fold's rows, and only the best third of those
 *    earn a full-data trial (asynchronous successive halving).
 * 4. Greedy ensemble selection blends the best full-data trials' out-of-fold
 *    predictions; the blend wins only if it beats the best single model.
 * 5. The winner is refitted on every row.
 *
 * Every trial is scored on the same folds, so scores compare.
 */
export interface AutomlOptions {
  readonly target: string;
  /** Default: inferred from the target column (the profile's rule). */
  readonly task?: SupervisedTask;
  /** Default: binary roc_auc, multiclass log_loss, regression rmse. */
  readonly metric?: string;
  /** Default 300, or no limit when maxTrials is given; no trial starts once it is spent. */
  readonly timeBudgetSeconds?: number;
  /** At most this many trials (halving rungs and failures count). */
  readonly maxTrials?: number;
  /** Default 5. */
  readonly folds?: number;
  /** Time-ordered folds; the column orders rows and is not a feature. */
  readonly timeColumn?: string;
  /** Grouped folds; the column is not a feature. */
  readonly groupColumn?: string;
  /** Columns never used as features (a fairness audit passes its sensitive columns). */
  readonly exclude?: readonly string[];
  /** Catalog names; default: every searchable algorithm that does the task (DEFAULT_ALGORITHMS). */
  readonly algorithms?: readonly string[];
  /** Default 0. */
  readonly seed?: number;
  /** Trials run side by side; default os.availableParallelism(). */
  readonly threads?: number;
  /** Default true. */
  readonly ensemble?: boolean;
  /** Aborting stops starting trials, cancels running ones, and finishes with the best so far. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: AutomlEvent) => void;
}

export interface LeaderboardEntry {
  /** e.g. 'gbdt #7', or 'ensemble'. */
  readonly model: string;
  readonly algorithm: string;
  readonly params: Params;
  /** The metric's raw value, averaged over folds. */
  readonly score: number;
  readonly std: number;
  readonly foldScores: readonly number[];
  /** Fit seconds summed over folds (over members, for the ensemble). */
  readonly fitSeconds: number;
  /** The trial's id (-1 for the ensemble). */
  readonly trial: number;
}

export interface EnsembleSummary {
  readonly members: readonly { trial: number; algorithm: string; weight: number }[];
  readonly score: number;
  readonly std: number;
  readonly chosen: boolean;
}

export type StopReason = 'budget' | 'max-trials' | 'aborted' | 'exhausted';

export interface AutomlResult {
  readonly task: SupervisedTask;
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  readonly cv: CvChoice;
  readonly features: readonly string[];
  readonly dropped: readonly DroppedColumn[];
  readonly notes: readonly string[];
  /** Completed full-data trials (best per configuration) and the ensemble if one was built, best first. */
  readonly leaderboard: readonly LeaderboardEntry[];
  /** Every trial in id order, halving rungs and failures included. */
  readonly trials: readonly { spec: TrialSpec; outcome: TrialOutcome }[];
  readonly best: LeaderboardEntry;
  readonly ensemble?: EnsembleSummary;
  /** The winner refitted on every row. */
  readonly model: Model;
  /** The winner's out-of-fold predictions, aligned with `target`. */
  readonly oof: { readonly predictions: Float64Array; readonly probabilities?: Float64Array };
  readonly target: Target;
  /** The input frame's row of each row of `target` and `oof` (rows without a target are left out; a time column sorts). */
  readonly rows: Int32Array;
  /** The folds every trial was scored on (row numbers into `target`), for per-fold figures of the winner. */
  readonly folds: readonly Fold[];
  /** The profile the search read the table with (its findings go in the report). */
  readonly profile: Profile;
  /** A plain sentence on why the winner won. */
  readonly why: string;
  readonly elapsedSeconds: number;
  readonly stopped: StopReason;
}

export type AutomlEvent =
  | {
      readonly type: 'start';
      readonly task: SupervisedTask;
      readonly metric: string;
      readonly greaterIsBetter: boolean;
      readonly cv: CvChoice;
      readonly rows: number;
      readonly features: readonly string[];
      readonly dropped: readonly DroppedColumn[];
      readonly algorithms: readonly string[];
      readonly budgetSeconds: number;
      readonly maxTrials: number | undefined;
      readonly threads: number;
    }
  | {
      readonly type: 'trial';
      readonly spec: TrialSpec;
      readonly outcome: TrialOutcome;
      /** The best full-data trial so far. */
      readonly best: LeaderboardEntry | undefined;
      readonly trialsDone: number;
      readonly elapsedSeconds: number;
      readonly budgetSeconds: number;
    }
  | { readonly type: 'phase'; readonly phase: 'ensemble' | 'refit'; readonly elapsedSeconds: number }
  | {
      readonly type: 'done';
      readonly best: LeaderboardEntry;
      readonly stopped: StopReason;
      readonly elapsedSeconds: number;
    };

export const DEFAULT_BUDGET_SECONDS = 300;

/**
 * Successive halving pays off only when a full trial is expensive: on small
 * tables every trial takes a moment anyway, and a model trained on a third
 * of a few hundred rows ranks configurations too noisily to prune on.
 */
export const HALVING_MIN_ROWS = 5000;
/** Rung-0 trials see 1/ETA of each fold's training rows; the best 1/ETA of them are promoted. */
const ETA = 3;

/**
 * Proposal i is decided from the outcomes of trials 0 … i − LAG only, never
 * from whichever later trials happen to have finished, so a seed gives the
 * same sequence of trials for any number of threads up to LAG and any
 * finishing order. The cost: up to LAG − 1 recent outcomes are not yet used
 * by each proposal, and a slow trial can hold back the start of the trial
 * LAG places after it (its thread waits). More threads than LAG raise the
 * lag to the thread count (still deterministic for that count).
 */
export const DECISION_LAG = 4;

/**
 * The ensemble must beat the best single model by more than this share of
 * its score (or 1e-6 when the score is near 0): a blend of several models
 * costs more to serve and explain, and a smaller gain is within noise.
 */
export const ENSEMBLE_MARGIN = 1e-3;

export async function automl(frame: Frame, options: AutomlOptions): Promise<AutomlResult> {
  const started = performance.now();
  const settings = checkOptions(options);
  const prepared = prepareAutoml(frame, options);
  const algorithms = resolveAlgorithms(options.algorithms, prepared.task);
  const trainRows = Math.min(...prepared.folds.map((fold) => fold.train.length));
  const spaces = new Map(
    algorithms.map((a) => [a, searchSpace(a, { task: prepared.task, trainRows, seed: settings.seed })]),
  );
  const elapsed = (): number => (performance.now() - started) / 1000;
  options.onEvent?.({
    type: 'start',
    task: prepared.task,
    metric: prepared.metric,
    greaterIsBetter: prepared.greaterIsBetter,
    cv: prepared.cv,
    rows: prepared.target.values.length,
    features: prepared.features.names,
    dropped: prepared.dropped,
    algorithms,
    budgetSeconds: settings.budgetSeconds,
    maxTrials: options.maxTrials,
    threads: settings.threads,
  });
  const proposer = new Proposer({
    spaces,
    portfolio: portfolio(algorithms, prepared.target.values.length),
    halving: prepared.target.values.length > HALVING_MIN_ROWS,
    greaterIsBetter: prepared.greaterIsBetter,
    seed: settings.seed,
  });
  const pool = await TrialPool.open(
    {
      features: prepared.features,
      target: prepared.target,
      folds: prepared.folds,
      metric: prepared.metric,
      seed: settings.seed,
    },
    settings.threads,
  );
  let search: SearchLog;
  try {
    search = await runSearch(pool, proposer, prepared, settings, options, elapsed);
  } finally {
    await pool.close();
  }
  return finish(prepared, search, settings, options, elapsed);
}

interface Settings {
  readonly seed: number;
  readonly threads: number;
  readonly budgetSeconds: number;
  readonly maxTrials: number;
  readonly lag: number;
}

function checkOptions(options: AutomlOptions): Settings {
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) {
    throw new UsageError('automl.seed', `seed must be a whole number from 0 to 2^32 − 1, got ${seed}`, {
      location: { field: 'seed' },
    });
  }
  const threads = options.threads ?? availableParallelism();
  if (!Number.isSafeInteger(threads) || threads < 1) {
    throw new UsageError('automl.threads', `threads must be a whole number ≥ 1, got ${threads}`, {
      location: { field: 'threads' },
    });
  }
  const maxTrials = options.maxTrials ?? Number.POSITIVE_INFINITY;
  if (!(maxTrials === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxTrials) && maxTrials >= 1))) {
    throw new UsageError('automl.max-trials', `maxTrials must be a whole number ≥ 1, got ${maxTrials}`, {
      location: { field: 'maxTrials' },
    });
  }
  // A trial count alone is an exact, reproducible stopping rule: no clock unless one is asked for.
  const budgetSeconds =
    options.timeBudgetSeconds ??
    (options.maxTrials === undefined ? DEFAULT_BUDGET_SECONDS : Number.POSITIVE_INFINITY);
  if (!(budgetSeconds > 0)) {
    throw new UsageError('automl.budget', `timeBudgetSeconds must be > 0, got ${budgetSeconds}`, {
      location: { field: 'timeBudgetSeconds' },
      hint: 'give a few minutes for a real search; 30 seconds gives a first leaderboard on small tables',
    });
  }
  return { seed, threads, budgetSeconds, maxTrials, lag: Math.max(DECISION_LAG, threads) };
}

function resolveAlgorithms(names: readonly string[] | undefined, task: SupervisedTask): string[] {
  const chosen = names ?? DEFAULT_ALGORITHMS[task];
  if (chosen.length === 0) {
    throw new UsageError('automl.algorithms', 'no algorithm to search', {
      location: { field: 'algorithms' },
      hint: `leave the list out for the usual ones: ${DEFAULT_ALGORITHMS[task].join(', ')}`,
    });
  }
  // Unknown names and algorithms that cannot do the task fail here, before any data is shared.
  for (const name of chosen) searchSpace(name, { task, trainRows: 100, seed: 0 });
  return [...new Set(chosen)];
}

// ---------------------------------------------------------------------------
// Proposals

interface Trial {
  readonly spec: TrialSpec;
  outcome?: TrialOutcome;
}

function isFullData(spec: TrialSpec): boolean {
  return spec.trainShare === undefined || spec.trainShare >= 1;
}

interface ProposerSetup {
  readonly spaces: ReadonlyMap<string, SearchSpace>;
  readonly portfolio: readonly PortfolioEntry[];
  readonly halving: boolean;
  readonly greaterIsBetter: boolean;
  readonly seed: number;
}

/** Attempts at a configuration not tried before, per algorithm, before calling its space exhausted. */
const NOVELTY_ATTEMPTS = 10;

/**
 * Decides the trials: the portfolio in order, then promotions and TPE
 * proposals. Its only inputs are the outcomes it is shown and its own
 * seeded generator, so the same outcomes in the same order give the same
 * proposals.
 */
class Proposer {
  private readonly rng: Rng;
  private readonly tried = new Set<string>();
  private readonly promoted = new Set<number>();
  private readonly exhausted = new Set<string>();
  private nextInPortfolio = 0;

  constructor(private readonly setup: ProposerSetup) {
    this.rng = new Rng(setup.seed);
  }

  /** Trial `id`'s spec, from `visible` (trials 0 … id − lag, complete); undefined when nothing new is left. */
  next(id: number, visible: readonly Trial[]): TrialSpec | undefined {
    const fromPortfolio = this.fromPortfolio(id);
    if (fromPortfolio !== undefined) return fromPortfolio;
    if (this.setup.halving) {
      const promotion = this.promotion(id, visible);
      if (promotion !== undefined) return promotion;
    }
    return this.fromTpe(id, visible);
  }

  private fromPortfolio(id: number): TrialSpec | undefined {
    while (this.nextInPortfolio < this.setup.portfolio.length) {
      const entry = this.setup.portfolio[this.nextInPortfolio++]!;
      const space = this.setup.spaces.get(entry.algorithm)!;
      const params = { ...space.fixed, ...space.defaults, ...entry.params };
      if (this.claim(entry.algorithm, params)) return { id, algorithm: entry.algorithm, params };
    }
    return undefined;
  }

  /**
   * Asynchronous successive halving's rule (Li et al., "A System for
   * Massively Parallel Hyperparameter Tuning", MLSys 2020): a rung-0 trial
   * earns a full-data trial once it ranks in the best ⌊n / ETA⌋ of the n
   * rung-0 outcomes seen so far; the best unpromoted one goes first.
   */
  private promotion(id: number, visible: readonly Trial[]): TrialSpec | undefined {
    const rung = visible
      .filter((t) => !isFullData(t.spec) && t.outcome?.status === 'ok')
      .sort((a, b) => this.loss(a.outcome!) - this.loss(b.outcome!) || a.spec.id - b.spec.id);
    const top = rung.slice(0, Math.floor(rung.length / ETA));
    const chosen = top.find((t) => !this.promoted.has(t.spec.id));
    if (chosen === undefined) return undefined;
    this.promoted.add(chosen.spec.id);
    return { id, algorithm: chosen.spec.algorithm, params: chosen.spec.params };
  }

  private fromTpe(id: number, visible: readonly Trial[]): TrialSpec | undefined {
    for (;;) {
      const records = this.records(visible).filter((r) => !this.exhausted.has(r.algorithm));
      const algorithm = chooseAlgorithm(records, this.rng);
      if (algorithm === undefined) return undefined;
      const space = this.setup.spaces.get(algorithm)!;
      const observations = this.observations(algorithm, visible);
      for (let attempt = 0; attempt < NOVELTY_ATTEMPTS; attempt++) {
        const params = proposeTpe(space, observations, this.rng);
        if (!this.claim(algorithm, params)) continue;
        return this.setup.halving
          ? { id, algorithm, params, trainShare: 1 / ETA }
          : { id, algorithm, params };
      }
      this.exhausted.add(algorithm);
    }
  }

  /** Records a configuration as tried; false when it was tried already. */
  private claim(algorithm: string, params: Params): boolean {
    const key = configKey(algorithm, params);
    if (this.tried.has(key)) return false;
    this.tried.add(key);
    return true;
  }

  private loss(outcome: TrialOutcome): number {
    if (outcome.status !== 'ok') return Number.POSITIVE_INFINITY;
    return this.setup.greaterIsBetter ? -outcome.score : outcome.score;
  }

  private records(visible: readonly Trial[]): AlgorithmRecord[] {
    return [...this.setup.spaces.keys()].map((algorithm) => {
      let bestLoss = Number.POSITIVE_INFINITY;
      let succeeded = 0;
      let failed = 0;
      for (const { spec, outcome } of visible) {
        if (spec.algorithm !== algorithm || outcome === undefined) continue;
        if (outcome.status !== 'ok') failed++;
        else if (isFullData(spec)) {
          succeeded++;
          bestLoss = Math.min(bestLoss, this.loss(outcome));
        }
      }
      return { algorithm, bestLoss, succeeded, failed };
    });
  }

  /**
   * TPE's observations for an algorithm. As in BOHB (Falkner et al., ICML
   * 2018), scores from different training sizes are not mixed: full-data
   * outcomes are used once there are enough of them, rung-0 outcomes until
   * then (TPE samples at random below its startup count either way).
   */
  private observations(algorithm: string, visible: readonly Trial[]): Observation[] {
    const full: Observation[] = [];
    const rung: Observation[] = [];
    for (const { spec, outcome } of visible) {
      if (spec.algorithm !== algorithm || outcome === undefined) continue;
      (isFullData(spec) ? full : rung).push({ params: spec.params, loss: this.loss(outcome) });
    }
    return full.length >= TPE_STARTUP || rung.length < TPE_STARTUP ? full : rung;
  }
}

const TPE_STARTUP = 5;

// ---------------------------------------------------------------------------
// Running trials

interface SearchLog {
  readonly trials: readonly Required<Trial>[];
  readonly stopped: StopReason;
}

/**
 * Keeps `threads` trials in flight until the budget is spent, maxTrials
 * have started, the proposer runs dry, or the signal aborts. The budget
 * only counts once a full-data trial has succeeded (a search must end with
 * a model); an abort counts at once, and ends the search with an error if
 * no running trial then succeeds. On a spent budget, running trials get a
 * grace period (a tenth of the budget, 30 s at most: a slow trial near its
 * end, often the strongest model on a large table, is worth a little
 * overrun, but a budget should mean what it says), and are then cancelled;
 * on an abort they are cancelled at once.
 */
async function runSearch(
  pool: TrialPool,
  proposer: Proposer,
  prepared: Prepared,
  settings: Settings,
  options: AutomlOptions,
  elapsed: () => number,
): Promise<SearchLog> {
  const trials: Trial[] = [];
  const running = new Map<number, Promise<void>>();
  let done = 0;
  let best: LeaderboardEntry | undefined;
  const wake = stopWatch(settings.budgetSeconds - elapsed(), options.signal);
  const start = (spec: TrialSpec): void => {
    const trial: Trial = { spec };
    trials.push(trial);
    const promise = pool.run(spec).then((outcome) => {
      trial.outcome = outcome;
      running.delete(spec.id);
      done++;
      if (outcome.status === 'ok' && isFullData(spec)) best = better(best, entryOf(spec, outcome), prepared);
      options.onEvent?.({
        type: 'trial',
        spec,
        outcome,
        best,
        trialsDone: done,
        elapsedSeconds: elapsed(),
        budgetSeconds: settings.budgetSeconds,
      });
    });
    running.set(spec.id, promise);
  };
  const stopReason = (): StopReason | undefined => {
    if (options.signal?.aborted) return 'aborted';
    // The deadline timer may fire a moment before elapsed() reaches the budget; either says it is spent.
    if (best !== undefined && (wake.budgetSpent() || elapsed() >= settings.budgetSeconds)) return 'budget';
    if (trials.length >= settings.maxTrials) return 'max-trials';
    return undefined;
  };
  let stopped: StopReason | undefined;
  try {
    for (;;) {
      stopped = stopReason();
      if (stopped !== undefined) break;
      const id = trials.length;
      const horizon = id - settings.lag;
      if (running.size >= settings.threads || !prefixComplete(trials, horizon)) {
        await wake.race(running.values());
        continue;
      }
      const spec = proposer.next(id, trials.slice(0, Math.max(0, horizon + 1)));
      if (spec === undefined) {
        stopped = 'exhausted';
        break;
      }
      start(spec);
    }
    stopped = await windDown(pool, running, stopped, () => best !== undefined, settings, options, wake);
  } finally {
    wake.clear();
  }
  if (best === undefined) throw noModel(trials, stopped);
  return { trials: trials as Required<Trial>[], stopped };
}

/** Running trials may overrun a spent budget by this share of it, at most GRACE_MAX_MS. */
const GRACE_SHARE = 0.1;
const GRACE_MAX_MS = 30_000;

/** Whether trials 0 … horizon have all finished (true for a negative horizon). */
function prefixComplete(trials: readonly Trial[], horizon: number): boolean {
  for (let i = 0; i <= horizon; i++) if (trials[i]!.outcome === undefined) return false;
  return true;
}

/**
 * Waits for the running trials. After a budget or an abort with a model in
 * hand, they get their grace and are cancelled; otherwise they finish (and
 * a budget or abort arriving meanwhile cancels them then).
 */
async function windDown(
  pool: TrialPool,
  running: Map<number, Promise<void>>,
  stopped: StopReason,
  haveModel: () => boolean,
  settings: Settings,
  options: AutomlOptions,
  wake: StopWatch,
): Promise<StopReason> {
  let reason = stopped;
  let cancelled = false;
  while (running.size > 0) {
    const now: StopReason | undefined = options.signal?.aborted
      ? 'aborted'
      : wake.budgetSpent()
        ? 'budget'
        : undefined;
    if (!cancelled && now !== undefined && haveModel()) {
      cancelled = true;
      if (reason !== 'aborted') reason = now;
      const graceMs =
        now === 'aborted' ? 0 : Math.min(GRACE_MAX_MS, settings.budgetSeconds * 1000 * GRACE_SHARE);
      await pool.cancel(graceMs);
      // Cancelled trials have settled by now: racing an empty set would wait forever.
      if (running.size === 0) break;
    }
    await wake.race(running.values());
  }
  return reason;
}

interface StopWatch {
  /**
   * Waits for one of the running trials, or for the deadline or an abort,
   * whichever comes first; once the deadline or abort has come, for a trial
   * only (an already settled wake-up would make a waiting loop spin).
   */
  race(running: Iterable<Promise<void>>): Promise<void>;
  budgetSpent(): boolean;
  clear(): void;
}

/** Wakes a waiting loop at the deadline or on abort. */
function stopWatch(secondsLeft: number, signal: AbortSignal | undefined): StopWatch {
  let spent = !(secondsLeft > 0);
  let fired = spent || signal?.aborted === true;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const wakeUp = new Promise<void>((resolve) => {
    const fire = () => {
      fired = true;
      resolve();
    };
    if (Number.isFinite(secondsLeft) && !spent) {
      timer = setTimeout(() => {
        spent = true;
        fire();
      }, secondsLeft * 1000);
    }
    onAbort = fire;
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  return {
    race: (running) => Promise.race(fired ? [...running] : [...running, wakeUp]),
    budgetSpent: () => spent,
    clear() {
      clearTimeout(timer);
      if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
    },
  };
}

function noModel(trials: readonly Trial[], stopped: StopReason): UsageError {
  if (stopped === 'aborted') {
    return new UsageError('automl.aborted', 'AutoML was stopped before any model finished', {
      hint: 'let it run until the first trial completes to keep a model',
    });
  }
  const errors = [...new Set(trials.map((t) => t.outcome?.error).filter((e) => e !== undefined))];
  return new UsageError('automl.no-model', `every trial failed (${trials.length} tried)`, {
    hint: errors.length === 0 ? undefined : `the errors: ${errors.slice(0, 3).join('; ')}`,
  });
}

function entryOf(spec: TrialSpec, outcome: TrialOutcome): LeaderboardEntry {
  return {
    model: `${spec.algorithm} #${spec.id}`,
    algorithm: spec.algorithm,
    params: spec.params,
    score: outcome.score,
    std: outcome.std,
    foldScores: outcome.foldScores,
    fitSeconds: outcome.fitSeconds,
    trial: spec.id,
  };
}

function better(
  current: LeaderboardEntry | undefined,
  candidate: LeaderboardEntry,
  prepared: Prepared,
): LeaderboardEntry {
  if (current === undefined) return candidate;
  return compareEntries(candidate, current, prepared.greaterIsBetter) < 0 ? candidate : current;
}

/** Best first; equal scores by trial id, so the order does not depend on finishing order. */
function compareEntries(a: LeaderboardEntry, b: LeaderboardEntry, greaterIsBetter: boolean): number {
  const difference = greaterIsBetter ? b.score - a.score : a.score - b.score;
  return difference !== 0 ? difference : a.trial - b.trial;
}

// ---------------------------------------------------------------------------
// After the search: leaderboard, ensemble, refit

function finish(
  prepared: Prepared,
  search: SearchLog,
  settings: Settings,
  options: AutomlOptions,
  elapsed: () => number,
): AutomlResult {
  const singles = leaderboardOf(search.trials, prepared.greaterIsBetter);
  const outcomes = new Map(search.trials.map((t) => [t.spec.id, t]));
  options.onEvent?.({ type: 'phase', phase: 'ensemble', elapsedSeconds: elapsed() });
  const blend = options.ensemble === false ? undefined : buildEnsemble(singles, outcomes, prepared);
  const leaderboard = [...singles, ...(blend === undefined ? [] : [blend.entry])].sort((a, b) =>
    compareEntries(a, b, prepared.greaterIsBetter),
  );
  const best = blend?.summary.chosen ? blend.entry : singles[0]!;
  options.onEvent?.({ type: 'phase', phase: 'refit', elapsedSeconds: elapsed() });
  const members = blend?.summary.chosen
    ? blend.summary.members.map((m) => ({ spec: outcomes.get(m.trial)!.spec, weight: m.weight }))
    : [{ spec: outcomes.get(best.trial)!.spec, weight: 1 }];
  const model = refit(members, prepared, settings.threads);
  const oof = outOfFold(
    members.map((m) => ({ outcome: outcomes.get(m.spec.id)!.outcome, weight: m.weight })),
    prepared.target,
  );
  const elapsedSeconds = elapsed();
  options.onEvent?.({ type: 'done', best, stopped: search.stopped, elapsedSeconds });
  return {
    task: prepared.task,
    metric: prepared.metric,
    greaterIsBetter: prepared.greaterIsBetter,
    cv: prepared.cv,
    features: prepared.features.names,
    dropped: prepared.dropped,
    notes: [...prepared.notes, ...searchNotes(prepared, search.trials)],
    leaderboard,
    trials: search.trials.map(({ spec, outcome }) => ({ spec, outcome })),
    best,
    ...(blend === undefined ? {} : { ensemble: blend.summary }),
    model,
    oof,
    target: prepared.target,
    rows: prepared.rows,
    folds: prepared.folds,
    profile: prepared.profile,
    why: explainChoice(best, singles, blend?.summary, prepared, search.trials.length),
    elapsedSeconds,
    stopped: search.stopped,
  };
}

/** What the search itself decided, for the report. */
function searchNotes(prepared: Prepared, trials: readonly Required<Trial>[]): string[] {
  const rows = prepared.target.values.length;
  if (!trials.some((t) => !isFullData(t.spec))) return [];
  return [
    `With ${rows.toLocaleString('en-US')} rows, new configurations from the search first trained on a third of each fold's training rows, and only the best third of those were cross-validated on all of them (successive halving): a poor configuration is spotted cheaply, and the budget goes to promising ones. Only full-data results enter the leaderboard.`,
  ];
}

/** Successful full-data trials, best first, keeping the best of any configuration run twice. */
function leaderboardOf(trials: readonly Required<Trial>[], greaterIsBetter: boolean): LeaderboardEntry[] {
  const entries = trials
    .filter((t) => t.outcome.status === 'ok' && isFullData(t.spec))
    .map((t) => entryOf(t.spec, t.outcome))
    .sort((a, b) => compareEntries(a, b, greaterIsBetter));
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = configKey(entry.algorithm, entry.params);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Only the best this many distinct configurations are offered to ensemble selection. */
const ENSEMBLE_CANDIDATES = 20;

function buildEnsemble(
  singles: readonly LeaderboardEntry[],
  trials: ReadonlyMap<number, Required<Trial>>,
  prepared: Prepared,
): { entry: LeaderboardEntry; summary: EnsembleSummary } | undefined {
  if (singles.length < 2) return undefined;
  const candidates = singles.slice(0, ENSEMBLE_CANDIDATES).map((entry) => {
    const { outcome } = trials.get(entry.trial)!;
    return {
      id: entry.trial,
      predictions: outcome.oofPredictions!,
      ...(outcome.oofProbabilities === undefined ? {} : { probabilities: outcome.oofProbabilities }),
    };
  });
  const selection = selectEnsemble(candidates, prepared.target, prepared.folds, prepared.metric, {
    maxCandidates: ENSEMBLE_CANDIDATES,
  });
  // One member is the best single model again, not an ensemble.
  if (selection.members.length < 2) return undefined;
  const byTrial = new Map(singles.map((e) => [e.trial, e]));
  const members = selection.members.map((m) => ({
    trial: m.id,
    algorithm: byTrial.get(m.id)!.algorithm,
    weight: m.weight,
  }));
  const bestSingle = singles[0]!.score;
  const gain = prepared.greaterIsBetter ? selection.score - bestSingle : bestSingle - selection.score;
  const chosen = gain > Math.max(ENSEMBLE_MARGIN * Math.abs(bestSingle), 1e-6);
  const entry: LeaderboardEntry = {
    model: 'ensemble',
    algorithm: 'ensemble',
    params: {
      members: members.map((m) => byTrial.get(m.trial)!.model),
      weights: members.map((m) => Number(m.weight.toFixed(4))),
    },
    score: selection.score,
    std: selection.std,
    foldScores: selection.foldScores,
    fitSeconds: members.reduce((sum, m) => sum + byTrial.get(m.trial)!.fitSeconds, 0),
    trial: -1,
  };
  return { entry, summary: { members, score: selection.score, std: selection.std, chosen } };
}

/**
 * The winner fitted on every row. Models with threads of their own use as
 * many as the search did: trials ran side by side, the refit runs alone.
 */
function refit(
  members: readonly { spec: TrialSpec; weight: number }[],
  prepared: Prepared,
  threads: number,
): Model {
  const fitted = members.map(({ spec, weight }) => {
    const ownThreads = 'threads' in catalogEntry(spec.algorithm).params;
    const params = ownThreads ? { ...spec.params, threads } : spec.params;
    const estimator = trialEstimator({ ...spec, params }, prepared.features, prepared.task);
    return { model: estimator.fit(prepared.features, prepared.target), weight };
  });
  return fitted.length === 1 ? fitted[0]!.model : ensembleModel(fitted);
}

/** The winner's out-of-fold predictions: a member's own, or the weighted blend of the members'. */
function outOfFold(
  members: readonly { outcome: TrialOutcome; weight: number }[],
  target: Target,
): AutomlResult['oof'] {
  if (members.length === 1) {
    const { oofPredictions, oofProbabilities } = members[0]!.outcome;
    return {
      predictions: oofPredictions!,
      ...(oofProbabilities === undefined ? {} : { probabilities: oofProbabilities }),
    };
  }
  const blend = (pick: (o: TrialOutcome) => Float64Array): Float64Array => {
    const sum = new Float64Array(pick(members[0]!.outcome).length);
    for (const { outcome, weight } of members) {
      const values = pick(outcome);
      for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + weight * values[i]!;
    }
    return sum;
  };
  if (target.task === 'regression') return { predictions: blend((o) => o.oofPredictions!) };
  const probabilities = blend((o) => o.oofProbabilities!);
  return { predictions: argmaxRows(probabilities, target.classes.length), probabilities };
}

function formatScore(score: number): string {
  return Math.abs(score) >= 100 ? score.toFixed(1) : score.toPrecision(4);
}

/** One or two sentences a learner can follow: what won, by how much, on what evidence. */
function explainChoice(
  best: LeaderboardEntry,
  singles: readonly LeaderboardEntry[],
  ensemble: EnsembleSummary | undefined,
  prepared: Prepared,
  trialCount: number,
): string {
  const { metric, greaterIsBetter, cv } = prepared;
  const direction = greaterIsBetter ? 'higher' : 'lower';
  const algorithms = new Set(singles.map((e) => e.algorithm)).size;
  const evidence = `${metric} over ${cv.folds} ${cv.kind === 'kfold' ? '' : `${cv.kind} `}folds (${direction} is better)`;
  const top = singles[0]!;
  const runnerUp = singles.find((e) => e.algorithm !== top.algorithm);
  const versus =
    runnerUp === undefined
      ? ''
      : `; the best other algorithm, ${runnerUp.model}, scored ${formatScore(runnerUp.score)}`;
  const single = `${top.model} had the best cross-validated ${evidence}: ${formatScore(top.score)} ± ${formatScore(top.std)}, of ${singles.length} models from ${algorithms} algorithm${algorithms === 1 ? '' : 's'} (${trialCount} trials)${versus}.`;
  if (ensemble === undefined) return single;
  const blend = `a weighted blend of ${ensemble.members.length} models (${ensemble.members.map((m) => `${m.algorithm} #${m.trial}`).join(', ')}) scored ${formatScore(ensemble.score)}`;
  if (best.model === 'ensemble') {
    return `${single} But ${blend} on the same folds, better by more than ${ENSEMBLE_MARGIN * 100}%, so the blend was chosen: models that err differently cancel part of each other's errors.`;
  }
  return `${single} ${blend.charAt(0).toUpperCase()}${blend.slice(1)}, not better by more than ${ENSEMBLE_MARGIN * 100}%, so the simpler single model was kept.`;
}
