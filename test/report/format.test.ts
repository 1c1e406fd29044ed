import { describe, expect, it } from 'vitest';
import {
  formatExact,
  formatFixed,
  formatNumber,
  formatPValue,
  formatScore,
  formatSeconds,
  pValuePhrase,
} from '../../src/report/format.js';

describe('the number formats', () => {
  it('formatNumber keeps significant digits in plain notation and drops trailing zeros', () => {
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(61.749)).toBe('61.7');
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(-0.43)).toBe('-0.43');
    expect(formatNumber(0.81234, { digits: 4 })).toBe('0.8123');
    expect(formatNumber(0.95, { digits: 4, pad: true })).toBe('0.9500');
  });

  it('formatNumber never rounds away the integer digits of a large number', () => {
    expect(formatNumber(18823)).toBe('18823');
    expect(formatNumber(999.7)).toBe('1000');
    expect(formatNumber(123.4)).toBe('123');
  });

  it('formatNumber keeps one decimal when padded, so a column lines up on the point', () => {
    expect(formatNumber(123.456, { digits: 4, pad: true })).toBe('123.5');
    expect(formatNumber(2902.44, { digits: 4, pad: true })).toBe('2902.4');
    expect(formatNumber(9999.97, { digits: 4, pad: true })).toBe('10000.0');
    expect(formatNumber(-12345.67, { digits: 4, pad: true })).toBe('-12345.7');
  });

  it('formatNumber marks what is not a number', () => {
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(undefined)).toBe('—');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('-∞');
  });

  it('formatScore reads like formatNumber with a typeset minus, and goes compact at the extremes', () => {
    expect(formatScore(0.0213)).toBe('0.0213');
    expect(formatScore(-0.4321)).toBe('−0.432');
    expect(formatScore(0)).toBe('0');
    expect(formatScore(0.00012)).toBe('1.2e-4');
    expect(formatScore(12345)).toBe('12.3k');
    expect(formatScore(Number.NaN)).toBe('—');
  });

  it('formatFixed prints a fixed number of decimals and no negative zero', () => {
    expect(formatFixed(0.456, 2)).toBe('0.46');
    expect(formatFixed(-1.234, 2)).toBe('−1.23');
    expect(formatFixed(-0.004, 2)).toBe('0.00');
    expect(formatFixed(undefined, 2)).toBe('—');
  });

  it('formatPValue and pValuePhrase give two significant digits, and no digits below 0.0001', () => {
    expect(formatPValue(0.012345)).toBe('0.012');
    expect(formatPValue(1)).toBe('1');
    expect(formatPValue(0.00001)).toBe('< 0.0001');
    expect(formatPValue(null)).toBe('—');
    expect(pValuePhrase(0.012345)).toBe('p = 0.012');
    expect(pValuePhrase(0.00001)).toBe('p < 0.0001');
    expect(pValuePhrase(undefined)).toBe('p —');
  });

  it('formatSeconds says a time as people do, carrying whole minutes', () => {
    expect(formatSeconds(0.4237)).toBe('0.42 s');
    expect(formatSeconds(4.25)).toBe('4.3 s');
    expect(formatSeconds(48.4)).toBe('48 s');
    expect(formatSeconds(250)).toBe('4 min 10 s');
    expect(formatSeconds(119.6)).toBe('2 min');
    expect(formatSeconds(3599.6)).toBe('1 h');
    expect(formatSeconds(3900)).toBe('1 h 5 min');
    expect(formatSeconds(Number.NaN)).toBe('—');
  });

  it('formatExact keeps every digit, and datetimes as instants', () => {
    expect(formatExact(0.1 + 0.2, 'numeric')).toBe('0.30000000000000004');
    expect(formatExact(Date.UTC(2021, 2, 4, 5, 6, 7), 'datetime')).toBe('2021-03-04T05:06:07.000Z');
  });
});
