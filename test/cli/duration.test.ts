import { describe, expect, it } from 'vitest';
import { durationSeconds, momentMs, showDuration } from '../../src/cli/duration.js';
import { showSize, sizeBytes } from '../../src/cli/size.js';

describe('durations', () => {
  it('reads seconds, minutes, hours and mixtures', () => {
    expect(durationSeconds('90')).toBe(90);
    expect(durationSeconds('60s')).toBe(60);
    expect(durationSeconds('5m')).toBe(300);
    expect(durationSeconds('1h')).toBe(3600);
    expect(durationSeconds('1m30s')).toBe(90);
    expect(durationSeconds('1.5m')).toBe(90);
  });

  it('reads nothing from what is not a positive duration', () => {
    for (const bad of ['', 'soon', '5 minutes', '0s', '-5m', '5d', 'm']) {
      expect(durationSeconds(bad)).toBeUndefined();
    }
  });

  it('writes one in the largest unit that says it exactly', () => {
    expect([300, 3600, 90, 5400].map(showDuration)).toEqual(['5m', '1h', '90s', '90m']);
  });
});

describe('moments', () => {
  it('reads a time ago, which needs a unit, or a calendar date', () => {
    const now = Date.UTC(2025, 5, 1);
    expect(momentMs('2d', now)).toBe(now - 2 * 86_400_000);
    expect(momentMs('30', now)).toBeUndefined();
    expect(momentMs('2025-01-31', now)).toBe(Date.UTC(2025, 0, 31));
    expect(momentMs('2025-02-30', now)).toBeUndefined();
  });
});

describe('sizes', () => {
  it('writes one in the largest binary unit that says it exactly', () => {
    expect([4 * 2 ** 20, 1536 * 1024, 1000, 0].map(showSize)).toEqual(['4MiB', '1536KiB', '1000', '0']);
    expect(sizeBytes(showSize(1536 * 1024))).toBe(1536 * 1024);
  });
});
