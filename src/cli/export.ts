import { writeFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { exportOnnxWithSignature } from '../export/onnx/index.js';
import { loadModel } from '../registry/model-registry.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './main.js';
import { STORE_OPTION, STORE_OPTION_HELP, withStore } from './store-option.js';

const USAGE = `Usage: keel export NAME[@ALIAS|@VERSION] --onnx FILE [--json]

Writes a registered model, with its preprocessing (imputation, scaling,
one-hot and ordinal encoding), as one ONNX graph (opsets ai.onnx 17 and
ai.onnx.ml 3) that any ONNX runtime runs: Python, C#, Java, the browser.

Inputs: one per column the model reads, shape [N, 1]: double for numbers
(NaN = missing), string for categories ('' = missing). Outputs: prediction
[N] for regression; label [N] and probabilities [N, classes] for classifiers.

Exports linear, ridge, lasso, elastic-net and logistic regression, decision
trees, random forests, extra trees and gradient boosting.

Options:
  --onnx FILE        where to write the .onnx file
  --json             print what was written as JSON
${STORE_OPTION_HELP}`;

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a registered model as an ONNX file',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs('export', args, {
      ...STORE_OPTION,
      onnx: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1) {
      throw new UsageError(
        'usage.positional',
        `expected one model (NAME or NAME@ALIAS), got ${positionals.length}`,
        {
          hint: 'keel export wine@champion --onnx wine.onnx',
        },
      );
    }
    const file = values.onnx;
    if (file === undefined || file === '') {
      throw new UsageError('usage.missing-option', '--onnx FILE is required', {
        location: { field: 'onnx' },
        hint: 'name the file to write, e.g. --onnx model.onnx',
      });
    }
    const ref = positionals[0]!;
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
};

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
