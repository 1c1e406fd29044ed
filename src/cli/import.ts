import { readFileSync } from 'node:fs';
import { DataError } from '../core/errors.js';
import { COLUMN_KINDS, type ColumnKind } from '../data/column.js';
import type { Schema } from '../data/schema.js';
import type { SupervisedTask } from '../estimator/contract.js';
import { registerOnnx } from '../export/onnx/onnx-import.js';
import { defineCommand } from './command.js';
import { choice, flag, list, text } from './options.js';
import { STORE_OPTIONS, withStore } from './store-option.js';

const TASKS: readonly SupervisedTask[] = ['regression', 'binary', 'multiclass'];

export const importCommand = defineCommand({
  name: 'import',
  summary: 'register an ONNX model made outside keel',
  usage: ['keel import MODEL.onnx --name NAME --schema SCHEMA.json [options]'],
  about: `Registers an ONNX model made outside keel (scikit-learn through skl2onnx,
LightGBM, XGBoost, PyTorch …) as a new version of NAME. keel serve, keel
predict and the prediction log then use it like any model keel trained, and
requests are checked against the schema.

The graph's inputs are either one per column, named as the schema's columns
(float, double, int32, int64 or string tensors of shape [N] or [N, 1]), or one
[N, k] float or double input fed with the schema's k numeric columns in order.
Regression answers the graph's one numeric output; a classifier its [N,
classes] probability output (the class is the most probable), or its label
output when it has no probabilities.`,
  args: [{ name: 'MODEL.onnx', what: 'the ONNX file to register' }],
  options: {
    name: text({
      placeholder: 'NAME',
      help: 'the model name to register under',
      required: 'e.g. --name churn',
    }),
    schema: text({
      placeholder: 'FILE',
      help: 'the input columns as a keel schema (JSON: {"rows", "columns": [{"name", "kind", …}]}); `keel models show NAME --json` prints one in versions[].schema',
      required: 'e.g. --schema schema.json',
    }),
    task: choice(TASKS, {
      placeholder: 'TASK',
      help: 'regression, binary or multiclass',
      defaultHelp: 'read from the outputs',
    }),
    classes: list({
      help: 'class labels, in probability-column order; needed when the graph answers only labels',
      defaultHelp: "the file's keel.classes metadata (keel export writes it), else 0 … k-1",
    }),
    description: text({ placeholder: 'TEXT', help: 'stored with the version' }),
    json: flag({ help: 'print the registered version as JSON' }),
    ...STORE_OPTIONS,
  },
  async run({ values, args: [file] }) {
    const { name, task, classes } = values;
    const schema = readSchema(values.schema);
    const bytes = readBytes(file);
    const { model, version } = await withStore(values.store, (store) =>
      registerOnnx(store, bytes, {
        name,
        schema,
        ...(task === undefined ? {} : { task }),
        ...(classes === undefined ? {} : { classes }),
        ...(values.description === undefined ? {} : { description: values.description }),
      }),
    );
    const report = {
      model: version.model,
      version: version.version,
      kind: version.kind,
      task: model.task,
      layout: model.plan.layout,
      columns: model.inputNames,
      ...(model.classes === undefined ? {} : { classes: model.classes }),
      outputs: model.plan.outputs,
    };
    if (values.json === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      const answers = Object.entries(report.outputs)
        .map(([role, output]) => `${role} from "${output}"`)
        .join(', ');
      process.stdout.write(
        [
          `registered ${report.model}@${report.version} (onnx, ${report.task}) from ${file}`,
          `  reads   ${report.columns.length} columns (${report.layout === 'matrix' ? 'as one [N, k] input' : 'one input each'}): ${report.columns.join(', ')}`,
          `  answers ${answers}${report.classes === undefined ? '' : `; classes ${report.classes.join(', ')}`}`,
          `  serve it: keel serve ${report.model}`,
          '',
        ].join('\n'),
      );
    }
    return 0;
  },
});

function readBytes(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (error) {
    throw new DataError('data.unreadable', `cannot read ${file}: ${(error as Error).message}`, {
      location: { source: file },
      cause: error,
    });
  }
}

/** A schema file: a keel `Schema`, or an object holding one under `schema` (a model version's JSON). */
function readSchema(file: string): Schema {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DataError('data.unreadable', `cannot read the schema: ${(error as Error).message}`, {
      location: { source: file },
      hint: 'give a JSON file like {"rows": 0, "columns": [{"name": "age", "kind": "numeric", "missingRate": 0}]}',
      cause: error,
    });
  }
  const candidate = (parsed as { schema?: unknown })?.schema ?? parsed;
  const columns = (candidate as { columns?: unknown })?.columns;
  const valid =
    Array.isArray(columns) &&
    columns.length > 0 &&
    columns.every((c) => typeof c?.name === 'string' && COLUMN_KINDS.includes(c?.kind as ColumnKind));
  if (!valid) {
    throw new DataError(
      'data.bad-schema',
      `the schema file does not list columns with a name and a kind (${COLUMN_KINDS.join(', ')})`,
      {
        location: { source: file },
        hint: 'give {"rows": 0, "columns": [{"name": "age", "kind": "numeric", "missingRate": 0}, …]}; keel models show NAME --json prints one',
      },
    );
  }
  const schema = candidate as Schema;
  return { ...schema, rows: typeof schema.rows === 'number' ? schema.rows : 0 };
}
