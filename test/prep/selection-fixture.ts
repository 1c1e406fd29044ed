import { readFileSync } from 'node:fs';

/** A case of selection.json (written by test/fixtures/prep/make_selection.py). */
export interface SelectionCase {
  name: string;
  file?: string;
  target?: string;
  kind?: string;
  params?: Record<string, number | string>;
  nodes?: number;
  importances?: number[];
  importancesBySeed?: number[][];
  mean?: number[];
  min?: number[];
  max?: number[];
  columns?: string[];
  scores?: number[];
  pValues?: number[];
  threshold?: number | null;
  selected?: string[];
  selectedBySeed?: string[][];
  grid?: number[][];
  X?: number[][];
  yClass?: number[];
  yReg?: number[];
  classif?: number[];
  classifDiscrete?: number[];
  regression?: number[];
  regressionDiscrete?: number[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/prep/selection.json', import.meta.url), 'utf8'),
) as { cases: SelectionCase[] };

export function selectionCase(name: string): SelectionCase {
  const found = fixture.cases.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no case "${name}" in selection.json`);
  return found;
}

export function selectionCases(prefix: string): SelectionCase[] {
  return fixture.cases.filter((c) => c.name.startsWith(prefix));
}
