export { apiKeyCheck, type KeyCheck } from './auth.js';
export { MicroBatcher } from './batcher.js';
export { parseJsonBody, tableFromCsv, tableFromJson } from './body.js';
export { ServerMetrics } from './metrics.js';
export { ModelSet, parseServeRef, type ServedModel } from './model-set.js';
export { openApiDocument } from './openapi.js';
export { type PredictionSink, SERVER_DEFAULTS, type ServerOptions } from './options.js';
export { type Answer, answerRows, concatFrames, type Scores, scoreFrame } from './score.js';
export { createServer, type RunningServer, serve } from './server.js';
