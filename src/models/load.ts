// Moved to src/persist.ts (below both prep and models); this re-export goes once nothing imports it.
export { fromArtifact as modelFromArtifact, loadModel, registerLoader, saveModel } from '../persist.js';
