export type { FittedTransformer, Transformer } from '../estimator/contract.js';
