import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/cli/duration.js';

describe('parseDuration', () => {
  it('reads seconds, minutes, hours and mixtures', () => {
    expect(parseDuration('90', 'time')).toBe(90);
    expect(parseDuration('60s', 'time')).toBe(60);
    expect(parseDuration('5m', 'time')).toBe(300);
    expect(parseDuration('1h', 'time')).toBe(3600);
    expect(parseDuration('1m30s', 'time')).toBe(90);
    expect(parseDuration('1.5m', 'time')).toBe(90);
  });

  it('refuses what is not a positive duration, naming the option', () => {
    for (const bad of ['', 'soon', '5 minutes', '0s', '-5m', '5d', 'm']) {
      expect(() => parseDuration(bad, 'time')).toThrow(/--time must be a duration such as 60s, 5m or 1h/);
    }
  });
});
