/**
 * Styles the model report adds to the profile report's stylesheet (which it
 * shares, so both reports look like one product): data tables, the pipeline's
 * steps, warnings, notes on absent sections and the model card.
 */

import { REPORT_CSS } from './page.js';

const MODEL_REPORT_EXTRA_CSS = `
.summary-text { max-width: 80ch; margin: 0 0 14px; }
/* File paths and column names are long words; let them break rather than widen the page. */
section.panel p, section.panel li, section.panel dd, .summary-text { overflow-wrap: anywhere; }
.facts .wide dd { overflow-wrap: anywhere; }
.facts .flag dd, td.flag { color: var(--high); font-weight: 700; }
td.flag { background: var(--high-bg); }
dl.stats { margin-top: 6px; }
table.data { border-collapse: collapse; width: 100%; font-size: 14px; font-variant-numeric: tabular-nums; margin: 0 0 14px; }
table.data.narrow { width: auto; min-width: 320px; }
table.data th, table.data td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.data th { font-weight: 600; white-space: nowrap; }
table.data .num { text-align: right; white-space: nowrap; }
table.data td.params { color: var(--muted); font-size: 13px; max-width: 420px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
table.data th button { font: inherit; font-weight: 600; color: var(--ink); background: none; border: 0; padding: 0; cursor: pointer; }
table.data th[aria-sort="ascending"] button::after { content: " ▲"; font-size: 10px; }
table.data th[aria-sort="descending"] button::after { content: " ▼"; font-size: 10px; }
table.leaderboard td:nth-child(n+4):nth-child(-n+6) { text-align: right; }
tr.chosen { background: #eef4fb; }
tr.chosen td:nth-child(2) { font-weight: 700; }
.tag { display: inline-block; margin-left: 6px; padding: 0 6px; border-radius: 4px; font-size: 11px; font-weight: 700; letter-spacing: .03em; text-transform: uppercase; color: var(--accent); background: #e3ecf8; }
.tag-warn { color: var(--medium); background: var(--medium-bg); }
.tag-draft { color: var(--info); background: var(--info-bg); text-transform: none; font-weight: 600; }
ol.steps { list-style: none; counter-reset: step; display: flex; flex-wrap: wrap; gap: 8px; padding: 0; margin: 8px 0 16px; }
ol.steps li { counter-increment: step; border: 1px solid var(--line); border-left: 3px solid var(--accent); border-radius: 6px; padding: 6px 12px; background: #fafbfc; overflow-wrap: anywhere; }
ol.steps li::before { content: counter(step) ". "; color: var(--muted); font-weight: 700; }
section.panel h3 { margin-top: 14px; margin-bottom: 6px; }
section.panel figure h3 { margin-top: 0; }
ul.plain { margin: 4px 0 12px; padding-left: 20px; }
ul.plain li { margin: 2px 0; overflow-wrap: anywhere; }
.absent { color: var(--muted); background: var(--info-bg); border-radius: 6px; padding: 10px 14px; margin: 0; }
.callout.warn { border: 1px solid #f4b4ad; background: var(--high-bg); color: #7a1a12; border-radius: 8px; padding: 10px 14px; margin: 8px 0 12px; }
.callout.warn ul { margin: 4px 0 0; padding-left: 20px; }
.ok { color: #1b6b3a; background: #e6f4ea; border-radius: 6px; padding: 8px 12px; }
article.audit { border-top: 1px solid var(--line); padding-top: 6px; margin-top: 10px; }
article.audit:first-child { border-top: 0; margin-top: 0; }
dl.model-card { margin: 0; }
.card-entry { padding: 10px 0; border-top: 1px solid var(--line); }
.card-entry:first-child { border-top: 0; }
.card-entry dt { font-weight: 700; }
.card-entry dd { margin: 4px 0 0; }
.card-entry p { margin: 0; max-width: 80ch; }
.how { margin: 0 0 8px; }
`;

export const MODEL_REPORT_CSS = REPORT_CSS + MODEL_REPORT_EXTRA_CSS;
