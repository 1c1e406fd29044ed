export {
  type ColumnDrift,
  type DatasetDrift,
  DEFAULT_THRESHOLDS,
  DRIFT_DEFAULTS,
  type DriftOptions,
  type DriftReport,
  type DriftTest,
  detectDrift,
  type QualityIssue,
  type TestChoice,
} from '../drift/drift.js';
export { type ModelReferenceInput, modelReference } from '../drift/model-reference.js';
export {
  type CategoricalReference,
  type FeatureReference,
  type NumericReference,
  type OutputValues,
  probabilityName,
  REFERENCE_FORMAT,
  REFERENCE_VERSION,
  type ReferenceOptions,
  type ReferenceProfile,
  referenceProfile,
  type SkippedColumn,
} from '../drift/reference.js';
export {
  binCounts,
  type ChiSquareResult,
  chiSquareDrift,
  chiSquareSurvival,
  chiSquareTest,
  jensenShannonDistance,
  type KsMethod,
  type KsResult,
  kolmogorovSmirnovSurvival,
  ksTwoSample,
  ksTwoSampleSorted,
  normalizedWasserstein,
  populationStd,
  psi,
  quantileBinEdges,
  wassersteinDistance,
  wassersteinSorted,
} from '../drift/stats.js';
export { alertsFrom, type Raised, raiseAlerts } from './alerting.js';
export { type CurrentWindow, type MonitorInput, monitorReport } from './monitor.js';
export type * from './monitor-report.js';
export { monitoredMetric, type PerformanceSettings, windowPerformance } from './performance.js';
export { MONITOR_REPORT_JSON_ID, MONITOR_SECTION_IDS, renderMonitorHtml } from './report/index.js';
export { type RetrainDecision, type RetrainOptions, retrain } from './retrain/index.js';
export { modelFrame, predictionSensitivity } from './sensitivity.js';
export { DEFAULT_WINDOW, DEFAULT_WINDOWS, type MonitorRequest, monitorModel } from './sources.js';
export { type WatchCycle, type WatchOptions, type WatchPolicy, watchModel } from './watch.js';
export { checkWebhookUrl, postAlert, type WebhookOptions, type WebhookResult } from './webhook.js';
export { type CurrentData, currentData, parseWindow, splitWindows, type WindowSpec } from './window.js';
