import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeelError } from '../../src/core/errors.js';
import { type Column, valueAt } from '../../src/data/column.js';
import { Frame } from '../../src/data/frame.js';
import { readTable } from '../../src/data/read.js';
import { writeCsv, writeParquet } from '../../src/data/write.js';
import type { Model } from '../../src/estimator/contract.js';
import { catalogEntry } from '../../src/models/catalog.js';
import { targetFromFrame } from '../../src/models/target.js';
import { defaultPreprocessing } from '../../src/prep/defaults.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { scoreFile } from '../../src/serve/batch.js';
import { DATASETS, tempDir } from '../helpers.js';

const ROWS = 1500;
const dir = tempDir('keel-batch-');

/**
 * Diamonds, 1,500 rows sorted by colour (so a chunk holds only some colours),
 * with holes punched in a number and a category (missing values).
 */
async function scoringFrame(): Promise<Frame> {
  const diamonds = (await readTable(join(DATASETS, 'diamonds.csv'))).head(ROWS);
  const color = diamonds.column('color');
  if (color.storage !== 'categorical') throw new Error('color should be categorical');
  const order = Array.from({ length: ROWS }, (_, i) => i).sort((a, b) => color.codes[a]! - color.codes[b]!);
  const sorted = diamonds.take(order);
  const withHoles = (column: Column): Column => {
    if (column.name === 'carat' && column.storage === 'number') {
      return { ...column, values: column.values.map((v, i) => (i % 7 === 3 ? Number.NaN : v)) };
    }
    if (column.name === 'clarity' && column.storage === 'categorical') {
      return { ...column, codes: column.codes.map((c, i) => (i % 11 === 5 ? -1 : c)) };
    }
    return column;
  };
  return new Frame(sorted.columns.map(withHoles), 'diamonds');
}

function fitPipeline(name: string, frame: Frame): Model {
  const target = targetFromFrame(frame, 'cut');
  const features = frame.drop(['cut']);
  const entry = catalogEntry(name);
  const params = name === 'gbdt' ? { trees: 15, threads: 1 } : {};
  const estimator = entry.make(params as never, 'multiclass');
  return pipeline([defaultPreprocessing(features, entry).transformer], estimator).fit(features, target);
}

/** What scoring must reproduce: the model on the whole file, read at once. */
async function expected(model: Model, input: string) {
  const whole = await readTable(input);
  const features = whole.select(model.inputNames);
  return { whole, predicted: model.predict(features), proba: model.predictProba!(features) };
}

function labels(column: Column): (string | number | null)[] {
  return Array.from(
    { length: column.storage === 'categorical' ? column.codes.length : column.values.length },
    (_, i) => valueAt(column, i),
  );
}

function leftovers(folder: string): string[] {
  return readdirSync(folder).filter((f) => f.startsWith('.'));
}

describe('scoreFile', () => {
  let frame: Frame;
  let csv: string;
  let parquet: string;
  const models: Record<string, Model> = {};

  beforeAll(async () => {
    frame = await scoringFrame();
    csv = join(dir, 'diamonds.csv');
    parquet = join(dir, 'diamonds.parquet');
    await writeCsv(frame, csv);
    await writeParquet(frame, parquet);
    // Trained on rows in file order, so that several colours are in every model.
    models['gbdt'] = fitPipeline('gbdt', frame);
    models['logistic'] = fitPipeline('logistic', frame);
  });

  const cases = [
    { model: 'gbdt', input: 'csv', out: 'csv', chunk: 500 },
    { model: 'gbdt', input: 'csv', out: 'parquet', chunk: 333 },
    { model: 'gbdt', input: 'parquet', out: 'csv', chunk: 1 << 20 },
    { model: 'logistic', input: 'csv', out: 'parquet', chunk: 700 },
    { model: 'logistic', input: 'parquet', out: 'csv', chunk: 1499 },
  ] as const;

  it.each(cases)(
    '$model, $input in, $out out, chunks of $chunk rows: predictions equal the whole-file ones',
    async (c) => {
      const model = models[c.model]!;
      const input = c.input === 'csv' ? csv : parquet;
      const output = join(dir, `out-${c.model}-${c.input}-${c.chunk}.${c.out}`);
      const result = await scoreFile(model, input, output, { chunkRows: c.chunk });
      expect(result.rows).toBe(ROWS);
      expect(result.chunks).toBe(Math.ceil(ROWS / c.chunk));
      const classes = model.classes!;
      expect(result.added).toEqual(['prediction', ...classes.map((label) => `proba_${label}`)]);

      const scored = await readTable(output);
      const { whole, predicted, proba } = await expected(model, input);
      expect(scored.names).toEqual([...whole.names, ...result.added]);
      // The input columns come through unchanged, missing values included.
      for (const name of whole.names) expect(labels(scored.column(name))).toEqual(labels(whole.column(name)));
      expect(labels(scored.column('prediction'))).toEqual(Array.from(predicted, (p) => classes[p]!));
      classes.forEach((label, k) => {
        const column = scored.column(`proba_${label}`);
        if (column.storage !== 'number') throw new Error('probabilities are numbers');
        for (let i = 0; i < ROWS; i++) expect(column.values[i]).toBe(proba[i * classes.length + k]);
      });
      expect(leftovers(dir)).toEqual([]);
    },
  );

  it('scores chunks that hold only some of the colours as the whole file scores them', async () => {
    // Chunks of 100 sorted rows each hold one or two colours; a model coding chunk-local levels would shift them.
    const model = models['logistic']!;
    const output = join(dir, 'sorted.csv');
    await scoreFile(model, csv, output, { chunkRows: 100 });
    const { predicted } = await expected(model, csv);
    const scored = await readTable(output);
    expect(labels(scored.column('prediction'))).toEqual(Array.from(predicted, (p) => model.classes![p]!));
  });

  it('reports progress up to every row, then the write', async () => {
    const seen: string[] = [];
    await scoreFile(models['gbdt']!, csv, join(dir, 'progress.csv'), {
      chunkRows: 600,
      onProgress: (p) => seen.push(`${p.stage} ${p.rowsDone}/${p.rowsTotal}`),
    });
    expect(seen).toEqual([
      'score 0/1500',
      'score 600/1500',
      'score 1200/1500',
      'score 1500/1500',
      'write 1500/1500',
    ]);
  });
});

describe('scoreFile refuses a bad input, leaving no output', () => {
  let model: Model;
  let good: string;

  beforeAll(async () => {
    const frame = await scoringFrame();
    model = fitPipeline('gbdt', frame);
    good = readFileSync(await writeTo(frame, 'good.csv'), 'utf8');
  });

  async function writeTo(frame: Frame, name: string): Promise<string> {
    const path = join(dir, name);
    await writeCsv(frame, path);
    return path;
  }

  async function failure(input: string, output: string): Promise<KeelError> {
    writeFileSync(output, 'the previous good output\n');
    const error = await scoreFile(model, input, output).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeelError);
    expect(readFileSync(output, 'utf8')).toBe('the previous good output\n');
    expect(leftovers(dir)).toEqual([]);
    return error as KeelError;
  }

  it('names the file and the missing column', async () => {
    const lines = good.split('\n').map((line) => line.split(',').slice(1).join(','));
    const input = join(dir, 'no-carat.csv');
    writeFileSync(input, lines.join('\n'));
    const error = await failure(input, join(dir, 'no-carat-out.csv'));
    expect(error.code).toBe('schema.missing-column');
    expect(error.location).toMatchObject({ source: input, column: 'carat' });
  });

  it('names the file, the line and the column of a value of the wrong type', async () => {
    const lines = good.split('\n');
    const header = lines[0]!.split(',');
    const depth = header.indexOf('depth');
    const fields = lines[1234]!.split(',');
    fields[depth] = 'deep';
    lines[1234] = fields.join(',');
    const input = join(dir, 'bad-depth.csv');
    writeFileSync(input, lines.join('\n'));
    const error = await failure(input, join(dir, 'bad-depth-out.parquet'));
    expect(error.code).toBe('data.bad-value');
    expect(error.message).toContain('"deep"');
    expect(error.location).toMatchObject({ source: input, line: 1235, column: 'depth' });
  });

  it('refuses a Parquet column whose type cannot mean what training read', async () => {
    const frame = await scoringFrame();
    const carat = frame.column('carat');
    if (carat.storage !== 'number') throw new Error('carat is a number');
    const asText: Column = {
      storage: 'string',
      name: 'carat',
      kind: 'text',
      values: Array.from(carat.values, (v) => `${v} ct`),
    };
    const input = join(dir, 'text-carat.parquet');
    await writeParquet(frame.withColumn(asText), input);
    const error = await failure(input, join(dir, 'text-carat-out.csv'));
    expect(error.code).toBe('schema.wrong-type');
    expect(error.location).toMatchObject({ source: input, column: 'carat' });
  });

  it('refuses an input that already has a prediction column', async () => {
    const frame = await scoringFrame();
    const input = await writeTo(
      frame.withColumn({
        storage: 'number',
        name: 'prediction',
        kind: 'numeric',
        values: new Float64Array(ROWS),
      }),
      'scored-before.csv',
    );
    const error = await failure(input, join(dir, 'scored-again.csv'));
    expect(error.code).toBe('schema.output-clash');
    expect(error.location.column).toBe('prediction');
  });
});
