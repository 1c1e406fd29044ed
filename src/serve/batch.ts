/**
 * Batch scoring: a file of any size in, the same rows out with the model's
 * predictions (and, for a classifier, one probability column per class)
 * appended. The file is read a chunk of rows at a time through a scratch
 * DuckDB database on disk (src/data/chunks.ts), so memory holds one chunk and
 * DuckDB's capped buffer pool, never the file; the output is written through
 * a temporary file renamed into place, so a failed run leaves no half file.
 */
import { dirname, extname, resolve } from 'node:path';
import { KeelError, SchemaError, UsageError } from '../core/errors.js';
import { type ChunkedTable, withChunkedTable } from '../data/chunks.js';
import type { Column } from '../data/column.js';
import { Frame } from '../data/frame.js';
import type { Schema } from '../data/schema.js';
import type { Model } from '../estimator/contract.js';
import { PipelineModel } from '../prep/pipeline.js';
import type { LoadedModel } from '../registry/model-registry.js';

export type BatchOutputFormat = 'csv' | 'tsv' | 'parquet';

export interface ScoreFileOptions {
  /** Rows scored at once; default 100,000. Memory grows with it, the result does not change. */
  readonly chunkRows?: number;
  /** The input a bare model accepts (a registered model and a pipeline carry their own). */
  readonly schema?: Schema;
  /** Delimited input: the field delimiter (detected when absent). */
  readonly delimiter?: string;
  /** Delimited input: whether the first line names the columns (detected when absent). */
  readonly header?: boolean;
  /** Strings that mean "missing" in delimited input; default what `readTable` uses. */
  readonly missing?: readonly string[];
  /** DuckDB's buffer pool in MB; default 256 (peak memory of a 1M and a 4M-row file: about 475 and 520 MB). */
  readonly memoryLimitMb?: number;
  /** Called after staging (0 rows done), after each chunk, and before writing. */
  readonly onProgress?: (progress: BatchProgress) => void;
}

export interface BatchProgress {
  readonly stage: 'score' | 'write';
  readonly rowsDone: number;
  readonly rowsTotal: number;
}

export interface ScoreFileResult {
  readonly input: string;
  readonly output: string;
  readonly format: BatchOutputFormat;
  readonly rows: number;
  readonly chunks: number;
  /** The columns appended after the input's. */
  readonly added: readonly string[];
  /** The registered version that scored, when scoring a registered model. */
  readonly model?: { readonly name: string; readonly version: number };
}

export const DEFAULT_CHUNK_ROWS = 100_000;

/** Scores `input` (CSV, TSV or Parquet) with `model` into `output` (format by its extension). */
export async function scoreFile(
  model: LoadedModel | Model,
  input: string,
  output: string,
  options: ScoreFileOptions = {},
): Promise<ScoreFileResult> {
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!(Number.isInteger(chunkRows) && chunkRows >= 1)) {
    throw new UsageError('usage.bad-option', `the chunk size must be a whole number ≥ 1, not ${chunkRows}`, {
      location: { field: 'chunkRows' },
    });
  }
  const format = outputFormat(output);
  const scorer = 'model' in model && 'version' in model ? model.model : model;
  const schema = inputSchema(model, options.schema);
  const readOptions = {
    schema,
    scratchDir: dirname(resolve(output)),
    keepText: format !== 'parquet',
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
    ...(options.header === undefined ? {} : { header: options.header }),
    ...(options.missing === undefined ? {} : { missing: options.missing }),
    ...(options.memoryLimitMb === undefined ? {} : { memoryLimitMb: options.memoryLimitMb }),
  };
  const { rows, chunks, added } = await withChunkedTable(input, readOptions, async (table) => {
    const report = (stage: BatchProgress['stage'], rowsDone: number) =>
      options.onProgress?.({ stage, rowsDone, rowsTotal: table.rowCount });
    report('score', 0);
    let chunkCount = 0;
    let names: readonly string[] = [];
    for await (const chunk of table.chunks(chunkRows)) {
      const predictions = predictChunk(scorer, chunk.frame, table);
      if (chunkCount === 0) refuseClashes(table, predictions.names);
      names = predictions.names;
      await table.append(predictions);
      chunkCount++;
      report('score', chunk.firstRow + chunk.frame.rowCount);
    }
    report('write', table.rowCount);
    await table.writeTo(output, format);
    return { rows: table.rowCount, chunks: chunkCount, added: names };
  });
  const version = 'version' in model && 'model' in model ? model.version : undefined;
  return {
    input,
    output,
    format,
    rows,
    chunks,
    added,
    ...(version === undefined ? {} : { model: { name: version.model, version: version.version } }),
  };
}

/**
 * The columns appended for one chunk: `prediction` (a class label for a
 * classifier, numbers otherwise) and `proba_<class>` for each class. A
 * classifier's prediction is its most probable class (the first on a tie,
 * as keel's classifiers decide), so the two never disagree and the model
 * runs once per chunk, not twice.
 */
export function predictionColumns(model: Model, frame: Frame): Frame {
  const classes = model.classes;
  const classifier = classes !== undefined && (model.task === 'binary' || model.task === 'multiclass');
  if (!classifier || model.predictProba === undefined) {
    const predicted = model.predict(frame);
    if (classifier) return new Frame([classColumn(predicted, classes!)]);
    const kind = model.task === 'clustering' || model.task === 'anomaly' ? 'integer' : 'numeric';
    return new Frame([{ storage: 'number', name: 'prediction', kind, values: predicted }]);
  }
  const proba = model.predictProba(frame);
  const k = classes!.length;
  const columns: Column[] = [classColumn(argmaxRows(proba, k), classes!)];
  classes!.forEach((label, c) => {
    const values = new Float64Array(frame.rowCount);
    for (let i = 0; i < values.length; i++) values[i] = proba[i * k + c]!;
    columns.push({ storage: 'number', name: `proba_${label}`, kind: 'numeric', values });
  });
  return new Frame(columns);
}

function argmaxRows(proba: Float64Array, classes: number): Float64Array {
  const rows = proba.length / classes;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (proba[i * classes + c]! > proba[i * classes + best]!) best = c;
    out[i] = best;
  }
  return out;
}

/** Labels that are all whole numbers are written as numbers ("1", not a text "1"); others as text. */
function classColumn(predicted: Float64Array, classes: readonly string[]): Column {
  const numbers = classes.map(Number);
  if (classes.every((label, c) => label.trim() !== '' && Number.isSafeInteger(numbers[c]!))) {
    const values = new Float64Array(predicted.length);
    for (let i = 0; i < values.length; i++) values[i] = numbers[predicted[i]!]!;
    return { storage: 'number', name: 'prediction', kind: 'integer', values };
  }
  const codes = Int32Array.from(predicted);
  return { storage: 'categorical', name: 'prediction', kind: 'categorical', codes, levels: classes };
}

function predictChunk(model: Model, frame: Frame, table: ChunkedTable): Frame {
  try {
    return predictionColumns(model, frame);
  } catch (error) {
    // A model's complaint about its input (an unseen category it refuses, a value it cannot take)
    // names the column; add the file it came from.
    if (error instanceof KeelError && error.location.source === undefined) {
      const Kind = error.constructor as new (...args: ConstructorParameters<typeof KeelError>) => KeelError;
      throw new Kind(error.code, error.message, {
        location: { ...error.location, source: table.source },
        ...(error.hint === undefined ? {} : { hint: error.hint }),
        cause: error,
      });
    }
    throw error;
  }
}

function refuseClashes(table: ChunkedTable, added: readonly string[]): void {
  const taken = new Set(table.names);
  const clash = added.find((name) => taken.has(name));
  if (clash === undefined) return;
  throw new SchemaError(
    'schema.output-clash',
    'the file already has a column of this name, which scoring adds',
    {
      location: { source: table.source, column: clash },
      hint: 'rename or drop that column (a file scored before?) and score again',
    },
  );
}

/** The input columns the model needs, typed as in training. */
function inputSchema(model: LoadedModel | Model, given: Schema | undefined): Schema {
  if (given !== undefined) return given;
  if ('version' in model && 'model' in model) return model.version.schema;
  if (model instanceof PipelineModel) return model.schema;
  throw new UsageError('usage.no-schema', 'scoring a file with a bare model needs the schema of its input', {
    location: { field: 'schema' },
    hint: 'pass options.schema (schemaOf(trainingFeatures)), or score a registered model or a pipeline',
  });
}

function outputFormat(path: string): BatchOutputFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv') return 'tsv';
  if (ext === '.parquet') return 'parquet';
  throw new UsageError('usage.output-format', `cannot tell the output format from "${ext || path}"`, {
    location: { source: path, field: 'out' },
    hint: 'name the output file .csv, .tsv or .parquet',
  });
}
