import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { parseModelRef, resolveVersion } from '../registry/model-registry.js';
import type { RunRecord, Store } from '../registry/types.js';
import { defineCommand } from './command.js';
import { flag, text } from './options.js';
import { findRun } from './runs.js';
import { STORE_OPTIONS, withStore } from './store-option.js';

export const reportCommand = defineCommand({
  name: 'report',
  summary: 'write the HTML report of an automl run or a registered model again',
  usage: ['keel report RUN|MODEL[@ALIAS|:VERSION] [--out FILE] [--json]'],
  about: `Writes the HTML report of a keel automl run again: by the run's id (or the
start of it; keel runs lists them) or by a registered model, whose version
names the run that made it.`,
  args: [{ name: 'RUN|MODEL', what: 'the run or registered model whose report to write' }],
  options: {
    out: text({ placeholder: 'FILE', help: 'where to write it', defaultHelp: 'report-<run>.html' }),
    json: flag({ help: 'print where it went as JSON' }),
    ...STORE_OPTIONS,
  },
  async run({ values, args: [what] }) {
    return withStore(values.store, async (store) => {
      const run = await runFor(store, what);
      const artifact = (await store.runArtifacts(run.id)).find((a) => a.name === 'report.html');
      if (artifact === undefined) {
        throw new UsageError('report.none', `run ${run.id.slice(0, 8)} has no report`, {
          location: { field: 'run' },
          hint: 'keel automl writes a report with its run; keel train does not',
        });
      }
      const html = await store.artifacts.get(artifact.hash);
      const path = resolve(values.out ?? `report-${run.id.slice(0, 8)}.html`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}.tmp`, html);
      renameSync(`${path}.tmp`, path);
      process.stdout.write(
        values.json ? `${JSON.stringify({ run: run.id, report: path })}\n` : `wrote ${path}\n`,
      );
      return 0;
    });
  },
});

/** A run id (or prefix) first; a model reference when no run matches. */
async function runFor(store: Store, what: string): Promise<RunRecord> {
  const looksLikeId = /^[0-9a-f-]{4,}$/i.test(what);
  if (looksLikeId) {
    try {
      return await findRun(store, what);
    } catch (error) {
      if ((await store.getModel(parseModelRef(what).name)) === undefined) throw error;
    }
  }
  const version = await resolveVersion(store, parseModelRef(what));
  const run = version.runId === null ? undefined : await store.getRun(version.runId);
  if (run === undefined) {
    throw new UsageError(
      'report.none',
      `${version.model} version ${version.version} was not made by a recorded run`,
      {
        location: { field: 'model' },
        hint: 'register models with keel automl --register to keep their report',
      },
    );
  }
  return run;
}
