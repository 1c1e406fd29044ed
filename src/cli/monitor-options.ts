import { DEFAULT_WINDOWS } from '../monitor/sources.js';
import { parseWindow, type WindowSpec } from '../monitor/window.js';
import { whole } from './option-kinds.js';
import { flag, parsed, text } from './options.js';

/** How keel monitor and keel watch cut the prediction log into windows, and where alerts go. */
export const MONITOR_OPTIONS = {
  window: parsed({
    placeholder: 'W',
    help: 'cut the log into spans of time (30m, 1h, 1d) or of rows (5000rows)',
    expects: 'a span of time (30m, 1h, 1d) or a number of rows (5000rows)',
    defaultHelp: '1h',
    read: windowOf,
  }),
  windows: whole({ help: 'how many windows back from now', min: 1, defaultHelp: String(DEFAULT_WINDOWS) }),
  'min-rows': whole({
    help: 'rows a window needs for a verdict; smaller windows are left out',
    min: 1,
    defaultHelp: '1000 against a reference of over 1,000 rows, whose distance tests are noise on fewer',
  }),
  webhook: text({
    placeholder: 'URL',
    help: 'POST the alerts (drift, decay, data quality) as JSON to this URL',
  }),
  'no-alerts': flag({ help: 'do not record alerts in the store (keel alerts lists them)' }),
};

/** The window reader says why it refuses; the option's error says it the way every option does. */
function windowOf(text: string): WindowSpec | undefined {
  try {
    return parseWindow(text);
  } catch {
    return undefined;
  }
}
