import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the README’s library example', () => {
  it('runs as written (importing "keel"), cross-validates and reloads a model that predicts the same', () => {
    const script = new URL('../examples/train-ridge.mjs', import.meta.url).pathname;
    const result = spawnSync('node', [script], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const output = JSON.parse(result.stdout);
    expect(output.identical).toBe(true);
    expect(output.rmse).toBeGreaterThan(1000);
    expect(output.rmse).toBeLessThan(1300);
  });
});
