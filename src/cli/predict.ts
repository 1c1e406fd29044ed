import { UsageError } from '../core/errors.js';
import { loadModel } from '../registry/model-registry.js';
import { DEFAULT_CHUNK_ROWS, scoreFile } from '../serve/batch.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './main.js';
import { Progress } from './progress.js';
import { STORE_OPTION, STORE_OPTION_HELP, withStore } from './store-option.js';
import { integerOption } from './train-options.js';

const USAGE = `Usage: keel predict NAME[@ALIAS|:VERSION] FILE --out OUT.csv|OUT.parquet [--chunk N] [--json]

Scores a CSV, TSV or Parquet file with a registered model and writes its rows
with the model's predictions appended: a "prediction" column and, for a
classifier, one "proba_<class>" column per class (the prediction is the most
probable class). The file is read in chunks through a scratch database kept
beside the output, so a file larger than memory scores in flat memory; the
output appears only once complete, and a failed run leaves no half file.

  keel predict wine FILE --out preds.csv            the latest version
  keel predict wine@champion FILE --out preds.csv   the version an alias points at
  keel predict wine:3 FILE --out preds.parquet      version 3

Options:
  --out PATH         the output; .csv, .tsv or .parquet says its format
  --chunk N          rows scored at once (default ${DEFAULT_CHUNK_ROWS.toLocaleString('en')}); memory grows with it
  --delimiter D      field delimiter of a text input (detected when absent)
  --missing A,B,…    strings that mean "missing" in a text input (default: as keel train reads)
  --json             print a summary as JSON on stdout
${STORE_OPTION_HELP}`;

export const predictCommand: Command = {
  name: 'predict',
  summary: 'score a file with a registered model (batch, any size)',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs('predict', args, {
      ...STORE_OPTION,
      out: { type: 'string' },
      chunk: { type: 'string' },
      delimiter: { type: 'string' },
      missing: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 2) {
      throw new UsageError('usage.positional', 'name the model and the file to score', {
        hint: 'keel predict NAME[@ALIAS|:VERSION] FILE --out OUT.csv',
      });
    }
    const [ref, input] = positionals as [string, string];
    if (values.out === undefined) {
      throw new UsageError('usage.missing-option', 'say where the predictions go with --out', {
        location: { field: 'out' },
        hint: '--out preds.csv or --out preds.parquet',
      });
    }
    const out = values.out;
    const chunkRows =
      values.chunk === undefined ? DEFAULT_CHUNK_ROWS : integerOption(values.chunk, 'chunk', 1);
    const delimiter = values.delimiter === '\\t' || values.delimiter === 'tab' ? '\t' : values.delimiter;
    const missing = values.missing?.flatMap((m) => m.split(','));
    return withStore(values.store, async (store) => {
      const loaded = await loadModel(store, registryRef(ref));
      const progress = new Progress();
      progress.start(`reading ${input}`);
      let stage: 'read' | 'score' | 'write' = 'read';
      const result = await scoreFile(loaded, input, out, {
        chunkRows,
        ...(delimiter === undefined ? {} : { delimiter }),
        ...(missing === undefined ? {} : { missing }),
        onProgress: (p) => {
          if (p.stage === 'score' && stage === 'read') {
            progress.finish(`${p.rowsTotal.toLocaleString('en')} rows`);
            progress.start(`scoring with ${loaded.version.model} version ${loaded.version.version}`);
            stage = 'score';
          }
          if (p.stage === 'write' && stage !== 'write') {
            progress.update(p.rowsDone, p.rowsTotal);
            progress.finish(`${p.rowsDone.toLocaleString('en')} rows`);
            progress.start(`writing ${out}`);
            stage = 'write';
          }
          if (p.stage === 'score') progress.update(p.rowsDone, p.rowsTotal);
        },
      });
      progress.finish();
      process.stdout.write(
        values.json === true
          ? `${JSON.stringify(result, null, 2)}\n`
          : `Scored ${result.rows.toLocaleString('en')} rows of ${input} with ${result.model!.name} version ${result.model!.version} into ${out} (added ${result.added.join(', ')}).\n`,
      );
      return 0;
    });
  },
};

/** `wine:3` is `wine@3`; aliases and plain names pass as they are. */
function registryRef(text: string): string {
  const versioned = /^(.+):(\d+)$/.exec(text);
  return versioned === null ? text : `${versioned[1]}@${versioned[2]}`;
}
