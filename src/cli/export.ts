import { writeFileSync } from 'node:fs';
import { exportOnnxWithSignature } from '../export/onnx/index.js';
import { loadModel } from '../registry/model-registry.js';
import { defineCommand } from './command.js';
import { flag, text } from './options.js';
import { STORE_OPTIONS, withStore } from './store-option.js';

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'write a registered model as an ONNX file',
  usage: ['keel export NAME[@ALIAS|@VERSION] --onnx FILE [--json]'],
  about: `Writes a registered model, with its preprocessing (imputation, scaling,
one-hot and ordinal encoding), as one ONNX graph (opsets ai.onnx 17 and
ai.onnx.ml 3) that any ONNX runtime runs: Python, C#, Java, the browser.

Inputs: one per column the model reads, shape [N, 1]: double for numbers
(NaN = missing), string for categories ('' = missing). Outputs: prediction
[N] for regression; label [N] and probabilities [N, classes] for classifiers.

Exports linear, ridge, lasso, elastic-net and logistic regression, decision
trees, random forests, extra trees and gradient boosting.`,
  args: [{ name: 'NAME[@ALIAS|@VERSION]', what: 'the model to export (NAME or NAME@ALIAS)' }],
  options: {
    onnx: text({
      placeholder: 'FILE',
      help: 'where to write the .onnx file',
      required: 'name the file to write, e.g. --onnx model.onnx',
    }),
    json: flag({ help: 'print what was written as JSON' }),
    ...STORE_OPTIONS,
  },
  async run({ values, args: [ref] }) {
    const file = values.onnx;
    const { model, version } = await withStore(values.store, (store) => loadModel(store, ref));
    const described = `${version.model}@${version.version}`;
    const exported = exportOnnxWithSignature(model, { name: version.model, description: described });
    writeFileSync(file, exported.bytes);
    const report = {
      model: version.model,
      version: version.version,
      file,
      bytes: exported.bytes.length,
      inputs: exported.inputs,
      outputs: exported.outputs,
    };
    if (values.json === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(summary(report));
    return 0;
  },
});

function summary(report: {
  model: string;
  version: number;
  file: string;
  bytes: number;
  inputs: readonly { name: string; type: string }[];
  outputs: readonly { name: string; type: string }[];
}): string {
  const list = (items: readonly { name: string; type: string }[]) =>
    items.map((i) => `${i.name} (${i.type})`).join(', ');
  return [
    `wrote ${report.file}: ${report.model}@${report.version}, ${report.bytes.toLocaleString('en-US')} bytes`,
    `  inputs  [N, 1] each: ${list(report.inputs)}`,
    `  outputs ${list(report.outputs)}`,
    '',
  ].join('\n');
}
