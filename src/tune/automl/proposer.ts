import { Rng } from '../../core/random.js';
import type { Params } from '../../estimator/contract.js';
import type { PortfolioEntry } from './portfolio.js';
import { configKey, type SearchSpace } from './search-space.js';
import { type AlgorithmRecord, chooseAlgorithm, type Observation, proposeTpe } from './tpe.js';
import type { TrialOutcome, TrialSpec } from './trial.js';
import { isFullData, type Trial } from './trial-log.js';

/**
 * Successive halving pays off only when a full trial is expensive: on small
 * tables every trial takes a moment anyway, and a model trained on a third
 * of a few hundred rows ranks configurations too noisily to prune on.
 */
export const HALVING_MIN_ROWS = 5000;
/** Rung-0 trials see 1/ETA of each fold's training rows; the best 1/ETA of them are promoted. */
const ETA = 3;

export interface ProposerSetup {
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
export class Proposer {
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
