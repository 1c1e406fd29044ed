export { MONITOR_REPORT_JSON_ID, MONITOR_SECTION_IDS, renderMonitorHtml } from './html.js';
