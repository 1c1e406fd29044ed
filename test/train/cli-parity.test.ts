import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/read.js';
import { openStore } from '../../src/registry/open.js';
import type { RunRecord, Store } from '../../src/registry/types.js';
import { trainAutoml } from '../../src/train/automl.js';
import { recipeOfRun } from '../../src/train/recording.js';
import { train } from '../../src/train/train.js';
import { DATASETS, keelIn, tempDir } from '../helpers.js';

/**
 * A program and the command leave the same records: the same data on two
 * stores, once through `keel train` / `keel automl` and once through
 * `train` / `trainAutoml`, must give equal runs (parameters, metrics per
 * fold, recipes), equal versions (artifact, schema, reference, metrics) and,
 * for AutoML, equal child runs and a kept report. Times and ids differ.
 */
const dir = tempDir('keel-parity-');
const file = join(DATASETS, 'wine.csv');

async function records(home: string) {
  const store = await openStore({ home });
  try {
    const runs = (await store.listRuns()).filter((r) => r.experiment === 'default');
    const top = runs.filter((r) => r.parentId === null);
    return {
      runs: await Promise.all(top.map((run) => comparable(store, run))),
      children: runs
        .filter((r) => r.parentId !== null)
        .map((r) => ({ name: r.name, params: r.params, metrics: r.metrics, status: r.status }))
        .sort((a, b) => String(a.name).localeCompare(String(b.name))),
      versions: (await store.listVersions('wine')).map((v) => ({
        artifact: v.artifactHash,
        kind: v.kind,
        task: v.task,
        schema: v.schema,
        reference: v.reference,
        metrics: v.metrics,
        dataset: v.datasetHash,
      })),
    };
  } finally {
    await store.close();
  }
}

async function comparable(store: Store, run: RunRecord) {
  const artifacts = (await store.runArtifacts(run.id)).map((a) => a.name).sort();
  const points = (await store.runMetrics(run.id)).map((p) => [p.name, p.fold ?? null, p.value]);
  return {
    name: run.name,
    params: run.params,
    metrics: run.metrics,
    seed: run.seed,
    status: run.status,
    dataset: run.datasetHash,
    points,
    artifacts,
    recipe: await recipeOfRun(store, run),
  };
}

describe('the library records what the CLI records', () => {
  it('keel train and train()', async () => {
    const cliHome = join(dir, 'cli-train');
    const run = keelIn({ ...process.env, KEEL_STORE: '', KEEL_HOME: cliHome });
    const out = run(
      'train',
      file,
      '--target',
      'target',
      '--model',
      'gbdt',
      '--set',
      'trees=20',
      '--cv',
      '3',
      '--register',
      'wine',
    );
    expect(out.stderr).not.toContain('keel:');
    expect(out.code).toBe(0);

    const libHome = join(dir, 'lib-train');
    const store = await openStore({ home: libHome });
    try {
      await train(
        {
          model: 'gbdt',
          params: { trees: 20 },
          target: 'target',
          dropped: [],
          seed: 0,
          validation: { folds: 3, shuffle: true },
          source: file,
          read: {},
        },
        await readTable(file),
        { recording: { store, experiment: 'default', register: 'wine' } },
      );
    } finally {
      await store.close();
    }
    const [cli, lib] = [await records(cliHome), await records(libHome)];
    expect(lib.runs).toHaveLength(1);
    expect(lib).toEqual(cli);
  }, 120_000);

  it('keel automl and trainAutoml()', async () => {
    const cliHome = join(dir, 'cli-automl');
    const run = keelIn({ ...process.env, KEEL_STORE: '', KEEL_HOME: cliHome });
    const report = join(dir, 'wine.html');
    const out = run(
      'automl',
      file,
      '--target',
      'target',
      '--trials',
      '6',
      '--threads',
      '2',
      '--register',
      'wine',
      '--report',
      report,
    );
    expect(out.code).toBe(0);

    const libHome = join(dir, 'lib-automl');
    const store = await openStore({ home: libHome });
    try {
      await trainAutoml(
        {
          target: 'target',
          maxTrials: 6,
          seed: 0,
          threads: 2,
          exclude: [],
          source: file,
          read: {},
          sensitive: [],
        },
        await readTable(file),
        { recording: { store, experiment: 'default', register: 'wine' } },
      );
    } finally {
      await store.close();
    }
    const [cli, lib] = [await records(cliHome), await records(libHome)];
    expect(lib.children).toHaveLength(6);
    expect(lib.runs[0]!.artifacts).toEqual(['recipe.json', 'report.html', 'report.json']);
    // The search's metrics and its trials' are measured the same; only the search's wall time differs.
    expect(lib).toEqual(cli);
  }, 180_000);
});
