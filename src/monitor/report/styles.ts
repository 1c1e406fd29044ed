/**
 * What the monitoring report adds to the model report's stylesheet (shared,
 * so all keel reports look like one product): the verdict banner and the
 * grid of small multiples, with drifted columns marked in red.
 */

import { MODEL_REPORT_CSS } from '../../report/styles.js';

const MONITOR_EXTRA_CSS = `
.verdict { display: flex; gap: 18px; align-items: flex-start; border-radius: 8px; padding: 12px 16px; margin: 6px 0 16px; border: 1px solid; }
.verdict p { margin: 0; }
.verdict-label { font-size: 22px; font-weight: 800; letter-spacing: .05em; white-space: nowrap; }
.verdict-meaning { font-weight: 600; }
.verdict ul.reasons { margin: 6px 0 0; padding-left: 20px; }
.verdict ul.reasons li { overflow-wrap: anywhere; }
.verdict-ok { color: #1b6b3a; background: #e6f4ea; border-color: #a8d5b5; }
.verdict-drift { color: var(--medium); background: var(--medium-bg); border-color: #f0c98a; }
.verdict-decay { color: #7a1a12; background: var(--high-bg); border-color: #f4b4ad; }
.tag-drift { color: var(--high); background: var(--high-bg); }
tr.drifted td.name { font-weight: 700; }
table.data td.name, table.data td.names { overflow-wrap: anywhere; max-width: 320px; }
.multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px 20px; align-items: start; }
figure.multiple { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; min-width: 0; }
figure.multiple.is-drifted { border-color: #f4b4ad; box-shadow: inset 3px 0 0 var(--high); }
figure.multiple h3 { margin: 0; }
.test-line { margin: 2px 0 6px; color: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
@media (max-width: 560px) { .multiples { grid-template-columns: 1fr; } .verdict { flex-direction: column; gap: 4px; } }
`;

export const MONITOR_REPORT_CSS = MODEL_REPORT_CSS + MONITOR_EXTRA_CSS;
