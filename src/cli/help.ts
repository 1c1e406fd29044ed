import type { Option, Table } from './options.js';

/**
 * `--help` from the option tables: each option's name and placeholder, its
 * help, and what the table says besides (repeatable, required, default), in
 * aligned columns wrapped to a terminal's width.
 */

const WIDTH = 96;
/** Longer names put their text on the next line rather than push every column right. */
const LONGEST_LABEL = 22;

export interface Section {
  /** '' for none. */
  readonly title: string;
  readonly rows: readonly (readonly [label: string, text: string])[];
  /**
   * A section with its own column (a list of subcommands) sets how long its
   * labels may be; the others share one column across the page.
   */
  readonly longestLabel?: number;
}

export interface Page {
  /** The synopsis lines, each starting `keel …`. */
  readonly usage: readonly string[];
  readonly about: string;
  readonly sections: readonly Section[];
  readonly epilogue?: string;
}

export function renderPage(page: Page): string {
  const [first, ...rest] = page.usage;
  const usage = [`Usage: ${first}`, ...rest.map((line) => `       ${line}`)].join('\n');
  const shared = page.sections.filter((s) => s.longestLabel === undefined);
  const column = labelColumn(
    shared.flatMap((s) => s.rows),
    LONGEST_LABEL,
  );
  const sections = page.sections
    .filter((s) => s.rows.length > 0)
    .map((s) =>
      renderSection(s, s.longestLabel === undefined ? column : labelColumn(s.rows, s.longestLabel)),
    );
  return [usage, page.about, ...sections, ...(page.epilogue === undefined ? [] : [page.epilogue])].join(
    '\n\n',
  );
}

/** The table's options grouped by section, the command's own first under `title`. */
export function optionSections(table: Table, title = 'Options:'): Section[] {
  const sections = new Map<string, [string, string][]>([[title, []]]);
  for (const [name, option] of Object.entries(table)) {
    const heading = option.section === undefined ? title : `${option.section}:`;
    sections.set(heading, [
      ...(sections.get(heading) ?? []),
      [optionLabel(name, option), optionText(option)],
    ]);
  }
  return [...sections].map(([t, rows]) => ({ title: t, rows }));
}

export function optionLabel(name: string, option: Option): string {
  const names = option.kind === 'toggle' ? `--${name}, --no-${name}` : `--${name}`;
  return option.placeholder === undefined ? names : `${names} ${option.placeholder}`;
}

function optionText(option: Option): string {
  const notes = [
    option.note,
    option.required === undefined ? undefined : 'required',
    option.defaultHelp === undefined ? undefined : `default: ${option.defaultHelp}`,
  ].filter((n) => n !== undefined);
  return notes.length === 0 ? option.help : `${option.help} (${notes.join('; ')})`;
}

function labelColumn(rows: Section['rows'], longest: number): number {
  const fitting = rows.map(([label]) => label.length).filter((n) => n <= longest);
  return 2 + Math.max(10, ...fitting) + 2;
}

function renderSection(section: Section, column: number): string {
  const rows = section.rows.flatMap(([label, text]) => row(label, text, column));
  return (section.title === '' ? rows : [section.title, ...rows]).join('\n');
}

/** `  --cv K      text…`, the text wrapped under itself; a long label gets the text on the next line. */
function row(label: string, text: string, column: number): string[] {
  const lines = wrap(text, WIDTH - column);
  const head = `  ${label}`;
  const pad = ' '.repeat(column);
  if (head.length + 2 > column) return [head, ...lines.map((l) => pad + l)];
  return [head.padEnd(column) + lines[0], ...lines.slice(1).map((l) => pad + l)];
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}
