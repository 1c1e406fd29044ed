// Moved to src/estimator.ts (below both prep and models); this re-export goes once nothing imports it.
export * from '../estimator.js';
