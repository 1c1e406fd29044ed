/**
 * What a caller of `retrain` may ask for, what it hears while the challenger
 * trains, and the defaults (shared with `keel retrain` and `keel watch`).
 */
import type { Frame } from '../../data/frame.js';
import type { AutomlEvent } from '../../tune/automl/index.js';

export const RETRAIN_DEFAULTS = {
  alias: 'champion',
  timeBudgetSeconds: 300,
  holdoutShare: 0.2,
  margin: 0,
  /** Fewer labelled rows than this cannot tell two models apart (nor train one). */
  minRows: 50,
  experiment: 'retrain',
} as const;

export interface RetrainOptions {
  /** The registered model's name. */
  readonly model: string;
  /** The new data, with the champion's target column (rows without a label are dropped). */
  readonly data: Frame;
  /** Where the data came from (a path, or a URL without its password), for the records. */
  readonly source: string;
  /** The champion's alias; default `champion`. Without it the latest version is the champion. */
  readonly alias?: string;
  /** The AutoML search budget when the champion came from `keel automl`; default 300. */
  readonly timeBudgetSeconds?: number;
  /** Orders rows in time: the latest are the holdout. Default: the AutoML run's time column. */
  readonly timeColumn?: string;
  /** The share of rows held out (the last ones in file order without a time column); default 0.2. */
  readonly holdoutShare?: number;
  /** How much better (in metric units) the challenger must score to be promoted; default 0. */
  readonly margin?: number;
  /** Decide without writing anything to the store. */
  readonly dryRun?: boolean;
  /** AutoML trials run side by side; default one per core. */
  readonly threads?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: RetrainEvent) => void;
}

export type RetrainEvent =
  | { readonly type: 'stage'; readonly message: string }
  | { readonly type: 'automl'; readonly event: AutomlEvent };
