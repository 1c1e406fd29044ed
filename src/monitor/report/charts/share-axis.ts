/** An axis for shares of rows or features (0 to a nice value above the largest), labelled in percent. */

import type { Axis } from '../../../report/chart-frame.js';
import { formatPercent } from '../../../report/format.js';
import { niceTicks } from '../../../report/svg.js';

export function shareAxis(values: readonly number[], title: string, atLeast = 0.01): Axis {
  const largest = Math.max(atLeast, ...values.filter(Number.isFinite));
  const ticks = niceTicks(0, Math.min(largest, 1), 4, true).map((t) => ({
    value: t.value,
    label: formatPercent(t.value),
  }));
  return { min: 0, max: ticks[ticks.length - 1]!.value, ticks, title };
}
