/**
 * Every kind of fitted model and transformer keel can load. Importing this
 * module registers their loaders (each kind's module registers its own on
 * import). The registry stores and reads artifacts but sits below the models,
 * the transformers and ONNX, so it does not import them: whatever loads
 * models by name (the server, batch scoring, monitoring, the CLI) imports this.
 */
import '../models/index.js';
import '../prep/index.js';
import '../export/onnx/onnx-model.js';
