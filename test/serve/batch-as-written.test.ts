import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/read.js';
import { catalogEntry } from '../../src/models/catalog.js';
import { targetFromFrame } from '../../src/models/target.js';
import { defaultPreprocessing } from '../../src/prep/defaults.js';
import { pipeline } from '../../src/prep/pipeline.js';
import { scoreFile } from '../../src/serve/batch.js';
import { DATASETS, tempDir } from '../helpers.js';

const CREDIT = new URL('../fixtures/labels/credit.csv', import.meta.url).pathname;
const dir = tempDir('keel-as-written-');

/** A model of `target` from the whole file, scored back onto the same file. */
async function scoreItself(input: string, target: string, out: string) {
  const frame = await readTable(input);
  const features = frame.drop([target]);
  const entry = catalogEntry('tree');
  const task = targetFromFrame(frame, target);
  const model = pipeline([defaultPreprocessing(features, entry).transformer], entry.make({}, task.task)).fit(
    features,
    task,
  );
  return scoreFile(model, input, out, { chunkRows: 97 });
}

/**
 * None of these files has a line break inside a field, so a line of the input
 * is a row, and the output's line must be it, byte for byte, then the
 * appended cells.
 */
function expectPassedThrough(input: string, output: string, added: readonly string[]): void {
  const inputLines = readFileSync(input, 'utf8').replace(/\n$/, '').split('\n');
  const outputLines = readFileSync(output, 'utf8').replace(/\n$/, '').split('\n');
  expect(outputLines.length).toBe(inputLines.length);
  expect(outputLines[0]).toBe([inputLines[0], ...added].join(','));
  const mismatched = inputLines.findIndex(
    (line, i) =>
      i > 0 &&
      !(
        outputLines[i]!.startsWith(`${line},`) &&
        outputLines[i]!.slice(line.length + 1).split(',').length === added.length
      ),
  );
  expect(mismatched === -1 ? undefined : [inputLines[mismatched], outputLines[mismatched]]).toBeUndefined();
}

describe('scoring a text file writes its columns as they were written', () => {
  it.each([
    ['credit.csv (yes/no, TRUE/false, 0.50, dates, quoted commas, NA and empty cells)', CREDIT, 'card'],
    ['pima_indians_diabetes2.csv (empty cells)', join(DATASETS, 'pima_indians_diabetes2.csv'), 'diabetes'],
    ['iris.csv (3.0 kept as 3.0)', join(DATASETS, 'iris.csv'), 'target'],
    ['glass.csv (integer classes)', join(DATASETS, 'glass.csv'), 'Type'],
  ])('%s', async (_, input, target) => {
    const out = join(dir, `${target}.csv`);
    const result = await scoreItself(input, target, out);
    expectPassedThrough(input, out, result.added);
  });

  it('writes a TSV output with the cells as written, quoting only what a tab would break', async () => {
    const out = join(dir, 'credit.tsv');
    const result = await scoreItself(CREDIT, 'card', out);
    const output = readFileSync(out, 'utf8').split('\n');
    expect(output[0]!.split('\t').slice(0, 3)).toEqual(['card', 'reports', 'age']);
    expect(output[1]!.split('\t').slice(0, 11)).toEqual(
      'yes,0,,5.05,0.50,yes,FALSE,2,263,2024-02-08,'.split(','),
    );
    expect(output[1]!.split('\t')).toHaveLength(11 + result.added.length);
  });
});
