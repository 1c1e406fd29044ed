import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/**
 * The layer order of `src/`, lowest first: a module may import its own layer
 * and the layers below it, never one above. This list is the one statement of
 * the order; the architecture map (docs/architecture.md) shows it as a table
 * and `npm run layers` prints the imports between layers.
 */
export const LAYERS = [
  // Base layers: no lifecycle folder below them.
  'core', // errors, the seeded generator, the declaration kit, artifacts, stored-data checks, the worker entry
  'numeric', // special functions, quantiles, root finding, linear algebra, optimisers
  'report', // the HTML page, escaping template, SVG chart kit, number formats
  // The lifecycle, in the order data flows.
  'data', // Frame, Schema, readers, validation of input against a schema
  'profile', // column statistics and data-quality findings
  'estimator', // the estimator contract, kinds and their loaders, specs and build()
  'drift', // reference profiles of a model's data and outputs, drift statistics against them
  'prep', // transformers, pipelines
  'models', // estimators
  'evaluate', // metrics and curves
  'tune', // cross-validation, search spaces, AutoML, train(recipe)
  'explain', // importance, SHAP, partial dependence, fairness, the model report
  'registry', // the store: runs, recipes, model versions, artifacts
  'train', // training as a program runs it: train(recipe), recorded and registered, and replayed
  'export', // ONNX export and import
  'serve', // HTTP service, batch scoring, prediction log
  'monitor', // windows, performance, alerts, retraining
  'cli', // one command per verb
  'index.ts', // the library's public face
] as const;

export type Layer = (typeof LAYERS)[number];

export interface Import {
  readonly from: string;
  readonly to: string;
  readonly fromLayer: string;
  readonly toLayer: string;
  readonly line: number;
}

/** `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')`, relative ones only. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\1/g;

/** The layer a file under `src/` belongs to: its top folder, or its own name at the top. */
export function layerOf(srcPath: string): string {
  const [first] = srcPath.split(/[\\/]/);
  return first ?? srcPath;
}

/** The relative imports of one source file, with the layers they cross. */
export function importsOf(srcRoot: string, file: string, text: string): Import[] {
  const from = relative(srcRoot, file);
  const found: Import[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const to = relative(srcRoot, normalize(join(dirname(file), match[2]!)));
    if (to.startsWith(`..${sep}`)) continue; // outside src (package.json)
    const line = text.slice(0, match.index).split('\n').length;
    found.push({ from, to, fromLayer: layerOf(from), toLayer: layerOf(to.replace(/\.js$/, '.ts')), line });
  }
  return found;
}

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

export function allImports(srcRoot: string): Import[] {
  return sourceFiles(srcRoot).flatMap((file) => importsOf(srcRoot, file, readFileSync(file, 'utf8')));
}

/** Imports from a lower layer into a higher one (or from a folder the order does not place). */
export function violations(imports: readonly Import[]): Import[] {
  const rank = (layer: string) => (LAYERS as readonly string[]).indexOf(layer);
  return imports.filter(
    (i) => rank(i.fromLayer) < 0 || rank(i.toLayer) < 0 || rank(i.toLayer) > rank(i.fromLayer),
  );
}

/** Import counts between layers, for the table: rows import columns. */
export function layerMatrix(imports: readonly Import[]): Map<string, Map<string, number>> {
  const matrix = new Map<string, Map<string, number>>();
  for (const { fromLayer, toLayer } of imports) {
    if (fromLayer === toLayer) continue;
    const row = matrix.get(fromLayer) ?? new Map<string, number>();
    row.set(toLayer, (row.get(toLayer) ?? 0) + 1);
    matrix.set(fromLayer, row);
  }
  return matrix;
}
