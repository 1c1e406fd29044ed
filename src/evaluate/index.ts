export * from './classification.js';
export * from './clustering.js';
export * from './curves.js';
export type { WeightOptions } from './inputs.js';
export * from './probabilistic.js';
export * from './registry.js';
export * from './regression.js';
