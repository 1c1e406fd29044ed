import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allImports, importsOf, LAYERS, violations } from './layers.js';

const SRC = new URL('../src/', import.meta.url).pathname;

describe('the layers of src/', () => {
  it('places every folder and top-level file of src/ in the order', () => {
    const unplaced = readdirSync(SRC).filter((name) => !(LAYERS as readonly string[]).includes(name));
    expect(unplaced).toEqual([]);
  });

  it('has no import from a lower layer into a higher one', () => {
    const upward = violations(allImports(SRC)).map(
      (i) => `${i.from}:${i.line} imports ${i.to} (${i.fromLayer} → ${i.toLayer})`,
    );
    expect(upward).toEqual([]);
  });

  it('finds an upward import, a type-only one and a dynamic one', () => {
    const file = `${SRC}data/frame.ts`;
    const text = [
      "import type { Model } from '../estimator/contract.js';",
      "import { x } from './column.js';",
      "const m = await import('../serve/server.js');",
      "export { y } from '../core/errors.js';",
    ].join('\n');
    const found = violations(importsOf(SRC, file, text));
    expect(found.map((i) => [i.toLayer, i.line])).toEqual([
      ['estimator', 1],
      ['serve', 3],
    ]);
  });
});
