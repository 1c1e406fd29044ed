export type { FittedTransformer, Transformer } from '../estimator.js';
