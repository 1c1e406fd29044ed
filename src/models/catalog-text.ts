import { allowedText, type ModelTask, type SearchRange } from '../core/declare.js';
import { type CatalogEntry, type CatalogParam, isSupervised } from './catalog.js';

/**
 * The catalog in words, from the declarations: what `keel train --list`
 * prints and the parameter table in the README (a test checks the README's
 * copy is this one).
 */

/** `keel train --list`. */
export function catalogListing(entries: readonly CatalogEntry[]): string {
  const lines: string[] = [];
  const groups = [
    ['Supervised models (keel train SOURCE --target COL --model NAME --set KEY=VALUE):', true],
    ['Unsupervised models, no target (keel train SOURCE --model NAME --set KEY=VALUE):', false],
  ] as const;
  for (const [title, supervised] of groups) {
    lines.push(title, '');
    for (const e of entries.filter((entry) => isSupervised(entry) === supervised)) {
      lines.push(`${e.name} — ${e.summary} [${e.tasks.join(', ')}]`);
      for (const [key, p] of Object.entries(e.params))
        lines.push(`    ${key} = ${defaultText(p)}   ${p.spec.doc}`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

/** The README's table: every parameter of every model, with what it accepts and where AutoML searches. */
export function parameterTable(entries: readonly CatalogEntry[]): string {
  const rows = [
    '| model | parameter | default | accepts | AutoML searches | meaning |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const e of entries) {
    for (const [key, p] of Object.entries(e.params)) {
      const cells = [e.name, `\`${key}\``, defaultText(p), allowedText(p.spec), searchText(p), p.spec.doc];
      rows.push(`| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`);
    }
  }
  return rows.join('\n');
}

function defaultText(p: CatalogParam): string {
  if (p.defaults.length === 1) return JSON.stringify(p.defaults[0]!.value);
  return p.defaults.map((d) => `${JSON.stringify(d.value)} for ${taskWords(d.tasks)}`).join(', ');
}

function taskWords(tasks: readonly ModelTask[]): string {
  return tasks.includes('regression') ? 'numbers' : 'classes';
}

function searchText(p: CatalogParam): string {
  const { search } = p.spec;
  if (search === undefined) return '—';
  if (typeof search !== 'function') return rangeText(search);
  // Shown as on a large table: the function narrows the range where rows are few.
  const task = p.defaults[0]?.tasks.includes('regression') ? 'regression' : 'binary';
  return `${rangeText(search({ task, trainRows: 1_000_000, seed: 0 }))}, narrower on small tables`;
}

function rangeText(range: SearchRange): string {
  if ('choices' in range) return range.choices.map((c) => JSON.stringify(c)).join(', ');
  return `${range.low} to ${range.high}${range.log === true ? ' (log scale)' : ''}`;
}
