export { embeddedReportJson, REPORT_JSON_ID, renderModelReportHtml, sectionIds } from './html.js';
export { type FilledModelCard, fillModelCard } from './sections/model-card.js';
export type * from './types.js';
