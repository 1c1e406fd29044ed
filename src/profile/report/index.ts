export { renderProfileHtml } from './html.js';
export { renderProfileText, type TextReportOptions } from './terminal.js';
