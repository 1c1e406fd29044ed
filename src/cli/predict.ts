import { loadModel } from '../registry/model-registry.js';
import { DEFAULT_CHUNK_ROWS, scoreFile } from '../serve/batch.js';
import { defineCommand } from './command.js';
import { whole } from './option-kinds.js';
import { flag, text } from './options.js';
import { Progress } from './progress.js';
import { DELIMITER, MISSING } from './read-options.js';
import { STORE_OPTIONS, withStore } from './store-option.js';

export const predictCommand = defineCommand({
  name: 'predict',
  summary: 'score a file with a registered model (batch, any size)',
  usage: ['keel predict NAME[@ALIAS|:VERSION] FILE --out OUT.csv|OUT.parquet [--chunk N] [--json]'],
  about: `Scores a CSV, TSV or Parquet file with a registered model and writes its rows
with the model's predictions appended: a "prediction" column and, for a
classifier, one "proba_<class>" column per class (the prediction is the most
probable class). A CSV or TSV output repeats the input's cells as they were
written (yes stays yes, 3 stays 3, NA stays NA); only the appended columns
are keel's. The file is read in chunks through a scratch database kept
beside the output, so a file larger than memory scores in flat memory; the
output appears only once complete, and a failed run leaves no half file.

  keel predict wine FILE --out preds.csv            the latest version
  keel predict wine@champion FILE --out preds.csv   the version an alias points at
  keel predict wine:3 FILE --out preds.parquet      version 3`,
  args: [
    { name: 'NAME[@ALIAS|:VERSION]', what: 'the model to score with' },
    { name: 'FILE', what: 'the file to score' },
  ],
  options: {
    out: text({
      placeholder: 'PATH',
      help: 'the output; .csv, .tsv or .parquet says its format',
      required: '--out preds.csv or --out preds.parquet',
    }),
    chunk: whole({ help: 'rows scored at once; memory grows with it', min: 1, default: DEFAULT_CHUNK_ROWS }),
    delimiter: { ...DELIMITER, help: 'field delimiter of a text input (detected when absent; \\t for tab)' },
    missing: {
      ...MISSING,
      help: 'strings that mean "missing" in a text input',
      defaultHelp: 'as keel train reads',
    },
    json: flag({ help: 'print a summary as JSON on stdout' }),
    ...STORE_OPTIONS,
  },
  async run({ values, args: [ref, input] }) {
    const { out, delimiter, missing } = values;
    const chunkRows = values.chunk;
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
});

/** `wine:3` is `wine@3`; aliases and plain names pass as they are. */
function registryRef(text: string): string {
  const versioned = /^(.+):(\d+)$/.exec(text);
  return versioned === null ? text : `${versioned[1]}@${versioned[2]}`;
}
