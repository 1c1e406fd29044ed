import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { parseModelRef } from '../../src/registry/model-registry.js';

describe('parseModelRef', () => {
  it('reads a name, a name@version and a name@alias', () => {
    expect(parseModelRef('wine')).toEqual({ name: 'wine', ref: 'latest' });
    expect(parseModelRef('wine@latest')).toEqual({ name: 'wine', ref: 'latest' });
    expect(parseModelRef('wine@3')).toEqual({ name: 'wine', ref: 3 });
    expect(parseModelRef('wine@champion')).toEqual({ name: 'wine', ref: 'champion' });
    expect(parseModelRef(' wine@v2-candidate ')).toEqual({ name: 'wine', ref: 'v2-candidate' });
  });

  it.each([
    ['', /model name/],
    ['@champion', /model name/],
    ['wine@', /after "@"/],
    ['wine@0', /from 1/],
    ['wine@-2', /from 1/],
    ['wine@1.5', /from 1/],
    ['wine@a@b', /model name/],
  ])('refuses %j, saying what a reference looks like', (text, hint) => {
    let error: unknown;
    try {
      parseModelRef(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('registry.bad-ref');
    expect((error as UsageError).hint).toMatch(hint);
  });
});
