/**
 * Guards shared by the two-sample statistics (ks.ts, chi-square.ts, stats.ts):
 * each sample must hold a value, and a p-value built from sums and series is
 * kept inside [0, 1] whatever its rounding.
 */
import { UsageError } from '../core/errors.js';

export function requireValues(n1: number, n2: number, test: string): void {
  if (n1 === 0 || n2 === 0) {
    throw new UsageError('monitor.empty-sample', `${test} needs at least one present value in each sample`, {
      hint: 'drop the column from the comparison, or compare a window that has values',
    });
  }
}

export function clamp01(p: number): number {
  return Math.min(1, Math.max(0, p));
}
