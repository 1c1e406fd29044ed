import { createHash } from 'node:crypto';
import { type Html, html, raw } from './html.js';

/**
 * The inline stylesheet and script of the HTML report. They live apart from
 * the markup so the page builder reads as structure; both are constants, so a
 * Content-Security-Policy hash of the script stays stable.
 */

export const REPORT_CSS = `
:root {
  --ink: #1f2937; --muted: #5b6472; --line: #e3e6ea; --panel: #ffffff; --page: #f5f6f8;
  --accent: #2f5f9e; --high: #b42318; --high-bg: #fde8e7; --medium: #9a4a06; --medium-bg: #fdf0d5;
  --low: #1d4ed8; --low-bg: #e0eaff; --info: #4b5563; --info-bg: #eef0f3;
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--page); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 1120px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 26px; margin: 0 0 2px; overflow-wrap: anywhere; }
h2 { font-size: 19px; margin: 0 0 12px; }
h3 { font-size: 16px; margin: 0; overflow-wrap: anywhere; }
a { color: var(--accent); }
.eyebrow { margin: 0; color: var(--muted); font-size: 13px; letter-spacing: .04em; text-transform: uppercase; }
.source { margin: 0 0 14px; color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 0; }
.facts div { display: flex; flex-direction: column; }
.facts dt { color: var(--muted); font-size: 12px; }
.facts dd { margin: 0; font-size: 17px; font-weight: 600; font-variant-numeric: tabular-nums; }
nav.toc { margin: 16px 0 0; display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 14px; }
section.panel, header.panel {
  background: var(--panel); border: 1px solid var(--line); border-radius: 10px;
  padding: 20px 22px; margin: 0 0 18px;
}
.lead { color: var(--muted); margin: -6px 0 14px; font-size: 14px; }
.badge {
  display: inline-block; flex: 0 0 84px; width: 84px; text-align: center; border-radius: 999px;
  padding: 1px 10px; font-size: 12px; font-weight: 700; letter-spacing: .03em; text-transform: uppercase;
}
.badge-high { color: var(--high); background: var(--high-bg); }
.badge-medium { color: var(--medium); background: var(--medium-bg); }
.badge-low { color: var(--low); background: var(--low-bg); }
.badge-info { color: var(--info); background: var(--info-bg); }
ol.findings { list-style: none; margin: 0; padding: 0; }
ol.findings li { display: flex; gap: 14px; align-items: baseline; padding: 10px 0; border-top: 1px solid var(--line); }
ol.findings li:first-child { border-top: 0; }
ol.findings p { margin: 0; }
.finding-columns { font-size: 13px; color: var(--muted); }
.finding-columns a { margin-right: 8px; }
.table-wrap { overflow-x: auto; }
table.columns { border-collapse: collapse; width: 100%; font-size: 14px; font-variant-numeric: tabular-nums; }
table.columns th, table.columns td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
table.columns th:first-child, table.columns td:first-child, table.columns th:nth-child(2), table.columns td:nth-child(2) { text-align: left; }
table.columns td:first-child { max-width: 260px; overflow: hidden; text-overflow: ellipsis; }
table.columns th button {
  font: inherit; font-weight: 600; color: var(--ink); background: none; border: 0; padding: 0; cursor: pointer;
}
table.columns th[aria-sort="ascending"] button::after { content: " ▲"; font-size: 10px; }
table.columns th[aria-sort="descending"] button::after { content: " ▼"; font-size: 10px; }
table.columns tbody tr:hover { background: #f8fafc; }
.kind { display: inline-block; font-size: 12px; color: var(--muted); background: var(--info-bg); border-radius: 4px; padding: 0 6px; }
.target-mark { font-size: 11px; color: var(--accent); font-weight: 700; margin-left: 6px; text-transform: uppercase; }
.plots { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 18px 28px; align-items: start; }
figure.plot { margin: 0; }
figure.plot-wide { grid-column: 1 / -1; }
figure.plot h3 { margin-bottom: 6px; }
figcaption, .how { color: var(--muted); font-size: 13px; margin: 6px 0 0; max-width: 68ch; }
svg.chart { display: block; max-width: 100%; height: auto; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 16px; align-items: start; }
article.card { border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; min-width: 0; }
article.card.is-target { border-color: var(--accent); box-shadow: inset 3px 0 0 var(--accent); }
.card-head { display: flex; gap: 10px; align-items: baseline; margin-bottom: 8px; }
dl.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(96px, 1fr)); gap: 4px 12px; margin: 0 0 10px; font-variant-numeric: tabular-nums; }
dl.stats dt { font-size: 12px; color: var(--muted); }
dl.stats dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.empty { color: var(--muted); font-style: italic; margin: 0; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; }
@media (max-width: 560px) { .plots, .cards { grid-template-columns: 1fr; } }
@media print { body { background: #fff; } section.panel, header.panel { break-inside: avoid; } }
`;

/** Sorts the column table by the clicked header; cells carry `data-sort` with the raw number. */
export const SORT_SCRIPT = `
for (const button of document.querySelectorAll('table.sortable th button')) {
  button.addEventListener('click', () => {
    const th = button.closest('th');
    const table = th.closest('table');
    const index = Array.prototype.indexOf.call(th.parentElement.children, th);
    const ascending = th.getAttribute('aria-sort') !== 'ascending';
    for (const other of table.querySelectorAll('th')) other.removeAttribute('aria-sort');
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    const key = (row) => {
      const cell = row.cells[index];
      const raw = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent;
      const number = Number(raw);
      return raw === '' ? null : Number.isNaN(number) ? raw.toLowerCase() : number;
    };
    const body = table.tBodies[0];
    const rows = Array.from(body.rows).sort((a, b) => {
      const x = key(a);
      const y = key(b);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return ascending ? order : -order;
    });
    body.append(...rows);
  });
}
`;

/**
 * Nothing may load from anywhere, and only the table sorter may run: even if
 * some user text slipped past escaping, the browser would refuse to execute it.
 * Every keel report page (profile, model report) uses this policy.
 */
export function reportContentSecurityPolicy(): string {
  const hash = createHash('sha256').update(SORT_SCRIPT).digest('base64');
  return `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${hash}'`;
}

/**
 * Data as JSON safe inside a script element: `<` becomes `\u003c`, which
 * JSON.parse reads back unchanged, so no `</script>` or `<!--` in user text can
 * end or bend the block.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** What a one-page report is made of; the page around it is the same for every report. */
export interface ReportPageParts {
  readonly title: string;
  /** One of keel's stylesheets: CSS, which escaping would corrupt, so never user text. */
  readonly css: string;
  readonly body: Html;
  readonly footer: string;
  /** The id of the script element that carries the report's data, for programs that read it back. */
  readonly jsonId: string;
  /** The report's data, embedded as script-safe JSON. */
  readonly data: unknown;
}

/** A self-contained report page: strict content-security policy, inline styles, embedded data, the table sorter. */
export function reportPage(parts: ReportPageParts): string {
  // Style and script elements hold raw text that no entity is decoded in: the
  // stylesheet and the sorter are ours, and the data is escaped for a script by
  // scriptSafeJson. The policy is ours too, and its quotes are CSP's own syntax.
  return String(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${raw(reportContentSecurityPolicy())}">
<title>${parts.title}</title>
<style>${raw(parts.css)}</style>
</head>
<body>
<main>
${parts.body}
<footer>${parts.footer}</footer>
</main>
<script type="application/json" id="${parts.jsonId}">${raw(scriptSafeJson(parts.data))}</script>
<script>${raw(SORT_SCRIPT)}</script>
</body>
</html>
`);
}
