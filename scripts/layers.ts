/**
 * Prints the layer table of src/: each layer, lowest first, with the number
 * of imports it makes into each layer below it, and any import against the
 * order (the test in test/layers.test.ts fails on those).
 *
 *   npm run layers
 */
import { allImports, LAYERS, layerMatrix, violations } from '../test/layers.js';

const src = new URL('../src/', import.meta.url).pathname;
const imports = allImports(src);
const matrix = layerMatrix(imports);
const width = Math.max(...LAYERS.map((l) => l.length));
console.log(`${imports.length} relative imports under src/; rows import from columns (lowest layer first)\n`);
console.log(`${'layer'.padEnd(width)}  imports from`);
for (const layer of [...LAYERS].reverse()) {
  const row = matrix.get(layer);
  const cells = LAYERS.filter((to) => row?.has(to)).map((to) => `${to} ${row!.get(to)}`);
  console.log(`${layer.padEnd(width)}  ${cells.join(' · ') || '—'}`);
}
const upward = violations(imports);
console.log(`\n${upward.length} imports against the order`);
for (const i of upward) console.log(`  ${i.from}:${i.line} → ${i.to}`);
process.exitCode = upward.length === 0 ? 0 : 1;
