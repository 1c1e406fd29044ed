import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/cli/train-options.js';
import { parseParam } from '../../src/core/declare.js';
import { build, registeredKinds } from '../../src/estimator/kinds.js';
import { catalogEntries, isSupervised } from '../../src/models/catalog.js';
import { parameterTable } from '../../src/models/catalog-text.js';
import { searchSpace } from '../../src/tune/automl/search-space.js';
import '../../src/serve/loaders.js';
import { sourceFiles } from '../layers.js';

/**
 * Each hyperparameter is declared once: these tests fail when a second list
 * appears — a catalog parameter, a search dimension or a CLI coercion that
 * does not come from a declaration, defaults written again in a factory, or
 * a README table that drifted from the declarations.
 */
const SRC = new URL('../../src/', import.meta.url).pathname;
const README = new URL('../../README.md', import.meta.url).pathname;

describe('one declaration per hyperparameter', () => {
  it('builds every kind with exactly its declared defaults, in declared order', () => {
    for (const { declaration, role } of registeredKinds()) {
      if (
        ['pipeline', 'ensemble', 'chain', 'column-transformer', 'select-from-model', 'onnx'].includes(
          declaration.kind,
        )
      )
        continue;
      const built = build({ kind: declaration.kind, params: {} });
      expect(Object.keys(built.params), declaration.kind).toEqual(Object.keys(declaration.defaults));
      expect(built.params, `${role} ${declaration.kind}`).toEqual(declaration.defaults);
    }
  });

  it('takes every catalog parameter from a declaration of the name, the same object', () => {
    for (const entry of catalogEntries()) {
      const declarations = entry.tasks.map((task) => entry.declarationFor(task));
      for (const [name, p] of Object.entries(entry.params)) {
        if (Object.hasOwn(entry.kindChoice, name)) continue; // naive Bayes' variant chooses the declaration
        const own = registeredKinds().some((k) => k.declaration.params[name] === p.spec);
        expect(own, `${entry.name}.${name}`).toBe(true);
      }
      for (const d of declarations)
        for (const name of Object.keys(d.params)) expect(entry.params[name]).toBeDefined();
    }
  });

  it('searches only declared ranges, with the declared defaults', () => {
    for (const entry of catalogEntries().filter(isSupervised)) {
      for (const task of entry.tasks) {
        const space = searchSpace(entry.name, { task: task as never, trainRows: 5000, seed: 1 });
        const declaration = entry.declarationFor(task);
        for (const name of Object.keys(space.dimensions)) {
          expect(declaration.params[name]?.search, `${entry.name}.${name}`).toBeDefined();
          expect(space.defaults[name]).toEqual(declaration.params[name]!.default);
        }
        const searched = Object.entries(declaration.params).filter(([, p]) => p.search !== undefined);
        expect(Object.keys(space.dimensions).sort()).toEqual(searched.map(([n]) => n).sort());
      }
    }
  });

  it('reads --set text through the declaration: every default written out comes back as itself', () => {
    for (const entry of catalogEntries()) {
      for (const [name, p] of Object.entries(entry.params)) {
        for (const { value } of p.defaults) {
          const text = Array.isArray(value) ? value.join(',') : String(value);
          expect(parseSettings([`${name}=${text}`], entry)[name], `${entry.name}.${name}`).toEqual(value);
          expect(parseParam(p.spec, text)).toEqual(value);
        }
      }
    }
  });

  it('keeps no second list of defaults or checks in the estimators and transformers', () => {
    const pattern = /\bwithDefaults\(|\bcheckNumber\(|\b[A-Z_]*DEFAULTS\s*[:=]/;
    const offenders = ['models', 'prep', 'export']
      .flatMap((folder) => sourceFiles(join(SRC, folder)))
      .filter((file) => pattern.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    expect(offenders).toEqual([]);
  });

  it('shows in the README exactly the table the declarations give', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toContain(parameterTable(catalogEntries()));
  });
});
