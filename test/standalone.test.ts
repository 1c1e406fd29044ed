/**
 * The repository stands alone: a clone anywhere builds, tests and benchmarks
 * without a folder beside it. The datasets used to be read from a `shared`
 * folder one level above the repository; they now live in `datasets/`. This
 * test fails if a test, benchmark, script, CI step or example points outside
 * again.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DATASETS } from './helpers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const SCANNED = ['test', 'bench', 'scripts', '.ci', 'examples'];

/** A path into the old shared folder, in any of the ways the code spelled it. */
const OUTSIDE: readonly RegExp[] = [
  // ../shared, ../../shared/datasets, `${root}../shared`, ..\shared
  /(?:\.\.[\\/])+shared\b/,
  // the absolute path of this machine's copy
  /\/work\/shared\b/,
  // path segments: os.path.join(HERE, "..", "..", "shared", ...), join(root, '..', 'shared')
  /["']\.\.["']\s*,\s*["']shared["']/,
  // the test helper's old name, which pointed there
  /\bSHARED_DATASETS\b/,
];

function filesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '__pycache__') files.push(...filesUnder(path));
    } else if (entry.isFile()) {
      files.push(path);
    }
  }
  return files;
}

/** Every line of the scanned folders that names a path outside the repository, as "file:line: text". */
function pathsOutside(root: string, folders: readonly string[], skip: readonly string[] = []): string[] {
  const found: string[] = [];
  for (const folder of folders) {
    const dir = join(root, folder);
    if (!existsSync(dir)) continue;
    for (const file of filesUnder(dir)) {
      if (skip.includes(file)) continue;
      const bytes = readFileSync(file);
      if (bytes.subarray(0, 8192).includes(0)) continue; // binary (the ONNX fixtures)
      const lines = bytes.toString('utf8').split('\n');
      lines.forEach((line, i) => {
        if (OUTSIDE.some((pattern) => pattern.test(line))) {
          found.push(`${relative(root, file).split(sep).join('/')}:${i + 1}: ${line.trim()}`);
        }
      });
    }
  }
  return found;
}

describe('the repository stands alone', () => {
  it('has no test, benchmark, script, CI step or example that reads ../shared or /work/shared', () => {
    expect(pathsOutside(ROOT, SCANNED, [SELF])).toEqual([]);
  });

  it('scans the folders it names (a walk that found nothing would pass vacuously)', () => {
    const seen = SCANNED.flatMap((folder) =>
      existsSync(join(ROOT, folder)) ? filesUnder(join(ROOT, folder)) : [],
    );
    expect(seen.length).toBeGreaterThan(100);
    for (const file of ['test/helpers.ts', 'bench/automl.mjs', '.ci/run', 'examples/data/README.md']) {
      expect(seen).toContain(join(ROOT, file));
    }
  });

  it('finds each spelling of a path outside', () => {
    const lines = [
      "const data = root + '../shared/datasets/diamonds.csv';",
      "export const X = new URL('../../shared/datasets/', import.meta.url).pathname;",
      'DATASETS = Path("/work/shared/datasets")',
      'SHARED = os.path.join(HERE, "..", "..", "..", "..", "shared", "datasets")',
    ];
    for (const line of lines) expect(OUTSIDE.some((pattern) => pattern.test(line))).toBe(true);
    for (const line of ['the machine is shared with other work', "join(DATASETS, 'iris.csv')"]) {
      expect(OUTSIDE.some((pattern) => pattern.test(line))).toBe(false);
    }
  });

  it('reads the datasets from datasets/ in the repository, which holds every file of its manifest', () => {
    expect(relative(ROOT, DATASETS)).toBe('datasets');
    const manifest = JSON.parse(readFileSync(join(DATASETS, 'manifest.json'), 'utf8')) as { file: string }[];
    expect(manifest).toHaveLength(12);
    for (const { file } of manifest) expect(existsSync(join(DATASETS, file)), file).toBe(true);
  });
});
