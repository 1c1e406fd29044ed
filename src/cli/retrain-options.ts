import { RETRAIN_DEFAULTS } from '../monitor/retrain/index.js';
import { showDuration } from './duration.js';
import { duration, number, share } from './option-kinds.js';
import { text } from './options.js';

/**
 * How a challenger is trained and judged, for keel retrain and keel watch
 * alike. No defaults are applied here: the library applies its own, and
 * the help only says what they are.
 */
export const CHALLENGER_OPTIONS = {
  alias: text({
    placeholder: 'A',
    help: "the champion's alias",
    defaultHelp: `${RETRAIN_DEFAULTS.alias}; without one, the latest version is the champion and a promotion creates the alias`,
  }),
  time: duration({
    help: 'the AutoML budget: 60s, 5m, 1h; a model from keel train is refitted, which the budget does not limit',
    defaultHelp: showDuration(RETRAIN_DEFAULTS.timeBudgetSeconds),
  }),
  holdout: share({
    placeholder: 'SHARE',
    help: `the share of rows held out, the last ones in file order; the data needs at least ${RETRAIN_DEFAULTS.minRows} labelled rows`,
    above: 0,
    below: 1,
    defaultHelp: String(RETRAIN_DEFAULTS.holdoutShare),
    hint: 'e.g. --holdout 0.2 holds out the last fifth of the rows',
  }),
  margin: number({
    placeholder: 'M',
    help: "how much better the challenger must score, in the metric's units; 0 takes any improvement",
    min: 0,
    defaultHelp: String(RETRAIN_DEFAULTS.margin),
    hint: "in the metric's units, e.g. --margin 0.01 for an AUC, --margin 50 for an RMSE in dollars",
  }),
};
