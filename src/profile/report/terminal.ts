/**
 * The profile as plain terminal text: a one-line summary, an aligned column
 * table and the findings, most severe first, all within a given width.
 * Widths count code points, so wide (East Asian) characters may misalign.
 */

import { formatCompact, formatCount, formatPercent, truncate } from '../../report/format.js';
import type { ColumnProfile, Finding, Profile, Severity } from '../types.js';
import { rankFindings, summaryFigures } from './summary.js';

export interface TextReportOptions {
  /** Colour severity tags with ANSI escape codes (default false). */
  readonly color?: boolean;
  /** The widest a line may be, in characters (default 100). */
  readonly width?: number;
}

const GAP = '  ';
const MIN_NAME_WIDTH = 8;
/** Names up to this long are worth more than the least useful figure columns. */
const WANTED_NAME_WIDTH = 16;

const ANSI: Readonly<Record<Severity, string>> = {
  high: '\x1b[1;31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
};
const RESET = '\x1b[0m';

export function renderProfileText(profile: Profile, options: TextReportOptions = {}): string {
  const width = Math.max(20, Math.floor(options.width ?? 100));
  const color = options.color ?? false;
  const sections = [
    wrap(summaryLine(profile), width).join('\n'),
    columnTable(profile, width).join('\n'),
    associationLines(profile, width).join('\n'),
    findingLines(profile.findings, width, color).join('\n'),
  ];
  return `${sections.filter((s) => s.length > 0).join('\n\n')}\n`;
}

/**
 * Column names and messages come from user data: a control character (an
 * escape sequence, a newline) would restyle or break the terminal, so it is replaced.
 */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');
}

function length(text: string): number {
  return [...text].length;
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - length(text)));
}

function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - length(text))) + text;
}

function summaryLine(profile: Profile): string {
  const parts = [
    printable(profile.source ?? 'table'),
    `${formatCount(profile.rows)} rows × ${formatCount(profile.columns)} columns`,
  ];
  if (profile.target) {
    parts.push(`target ${printable(profile.target)}${profile.task ? ` (${profile.task})` : ''}`);
  }
  if (profile.duplicateRows > 0) parts.push(`${formatCount(profile.duplicateRows)} duplicate rows`);
  if (Number.isFinite(profile.seconds)) parts.push(`profiled in ${profile.seconds.toFixed(2)} s`);
  return parts.join(' · ');
}

interface TableColumn {
  readonly header: string;
  readonly width: number;
  /** Lower numbers are dropped first when the table does not fit. */
  readonly keep: number;
  readonly align: 'left' | 'right';
  readonly cell: (column: ColumnProfile) => string;
}

const TABLE_COLUMNS: readonly TableColumn[] = [
  { header: 'kind', width: 11, keep: 9, align: 'left', cell: (c) => c.kind },
  { header: 'missing', width: 7, keep: 8, align: 'right', cell: (c) => formatPercent(c.missingRate) },
  { header: 'distinct', width: 8, keep: 7, align: 'right', cell: (c) => formatCompact(c.distinct) },
  { header: 'mean', width: 10, keep: 6, align: 'right', cell: (c) => summaryFigures(c).mean },
  { header: 'std', width: 8, keep: 3, align: 'right', cell: (c) => summaryFigures(c).std },
  { header: 'min', width: 10, keep: 5, align: 'right', cell: (c) => summaryFigures(c).min },
  { header: 'median', width: 10, keep: 2, align: 'right', cell: (c) => summaryFigures(c).median },
  { header: 'max', width: 10, keep: 4, align: 'right', cell: (c) => summaryFigures(c).max },
];

/** The figure columns that leave room for names of `nameWidth`, least useful dropped first. */
function fittingColumns(width: number, nameWidth: number): TableColumn[] {
  const shown = [...TABLE_COLUMNS];
  const used = () => shown.reduce((sum, c) => sum + GAP.length + c.width, 0);
  while (shown.length > 0 && width - used() < nameWidth) {
    const weakest = shown.reduce((a, b) => (b.keep < a.keep ? b : a));
    shown.splice(shown.indexOf(weakest), 1);
  }
  return shown;
}

function columnTable(profile: Profile, width: number): string[] {
  const names = profile.columnProfiles.map(
    (c) => printable(c.name) + (c.name === profile.target ? ' *' : ''),
  );
  const longest = Math.max(length('column'), ...names.map(length));
  const wanted = Math.max(MIN_NAME_WIDTH, Math.min(longest, WANTED_NAME_WIDTH));
  const shown = fittingColumns(width, Math.min(wanted, width - 2));
  const room = width - shown.reduce((sum, c) => sum + GAP.length + c.width, 0);
  const nameWidth = Math.max(Math.min(room, longest), 1);
  const row = (name: string, cells: string[]) =>
    [padEnd(truncate(name, nameWidth), nameWidth), ...cells].join(GAP).trimEnd();
  const header = row(
    'column',
    shown.map((c) => (c.align === 'left' ? padEnd(c.header, c.width) : padStart(c.header, c.width))),
  );
  const lines = profile.columnProfiles.map((column, i) =>
    row(
      names[i]!,
      shown.map((c) => {
        const text = truncate(c.cell(column), c.width);
        return c.align === 'left' ? padEnd(text, c.width) : padStart(text, c.width);
      }),
    ),
  );
  const note = profile.target ? ['* target'] : [];
  return [header, ...lines, ...note];
}

function associationLines(profile: Profile, width: number): string[] {
  if (!profile.target || profile.targetAssociation.length === 0) return [];
  const top = profile.targetAssociation
    .slice(0, 5)
    .map((a) => `${printable(a.column)} ${formatCompact(a.mutualInformation)}`);
  return wrap(
    `Most informative about ${printable(profile.target)} (mutual information, nats): ${top.join(', ')}`,
    width,
  );
}

function findingLines(findings: readonly Finding[], width: number, color: boolean): string[] {
  if (findings.length === 0) return ['No findings.'];
  const tagWidth = 'medium'.length + 2;
  const lines = [`Findings (${findings.length}), most severe first`];
  for (const finding of rankFindings(findings)) {
    const tag = finding.severity.toUpperCase();
    const painted = color && ANSI[finding.severity] ? `${ANSI[finding.severity]}${tag}${RESET}` : tag;
    const body = wrap(printable(finding.message), width - tagWidth);
    body.forEach((text, i) => {
      const lead = i === 0 ? painted + ' '.repeat(Math.max(1, tagWidth - tag.length)) : ' '.repeat(tagWidth);
      lines.push(lead + text);
    });
  }
  return lines;
}

/** Greedy word wrap; a word longer than the line is cut into pieces. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = [...word];
    while (rest.length > 0) {
      const gap = current ? 1 : 0;
      const space = width - length(current) - gap;
      if (rest.length <= space) {
        current += (gap ? ' ' : '') + rest.join('');
        rest = [];
      } else if (current) {
        lines.push(current);
        current = '';
      } else {
        lines.push(rest.slice(0, width).join(''));
        rest = rest.slice(width);
      }
    }
  }
  if (current) lines.push(current);
  return lines;
}
