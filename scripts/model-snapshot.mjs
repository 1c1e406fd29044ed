#!/usr/bin/env node
/**
 * What keel's commands produce, fingerprinted: for every dataset in a
 * manifest, every catalog model that fits its task (and a few non-default
 * settings) through `keel train`, unsupervised models through `keel train
 * --drop TARGET`, and a seeded `keel automl --trials N`; each registered
 * version's artifact hash and the hashes of its stored schema, metrics and
 * reference profile. Run it with an old and a new build of keel and compare
 * the two files: a refactoring that claims "behaviour unchanged" must give
 * the same lines.
 *
 *   node scripts/model-snapshot.mjs --keel bin/keel.js --datasets datasets --out snap.jsonl
 *   node scripts/model-snapshot.mjs compare old.jsonl new.jsonl
 *
 * --only a.csv,b.csv limits the datasets, --jobs automl the jobs (by the
 * start of their label), --timeout-minutes the time a job may take.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const REGRESSORS = [
  'linear',
  'ridge',
  'lasso',
  'elastic-net',
  'knn',
  'mlp',
  'tree',
  'gbdt',
  'random-forest',
  'extra-trees',
];
const CLASSIFIERS = ['logistic', 'knn', 'naive-bayes', 'mlp', 'tree', 'gbdt', 'random-forest', 'extra-trees'];
const UNSUPERVISED = ['kmeans', 'dbscan', 'pca', 'isolation-forest'];
/** Settings away from the defaults, so that parameter parsing and the less common paths are fingerprinted too. */
const VARIANTS = {
  regression: [
    ['gbdt', 'loss=huber', 'maxLeaves=15', 'subsample=0.8'],
    ['gbdt', 'loss=quantile', 'quantile=0.9'],
    ['knn', 'weights=distance', 'metric=manhattan'],
    ['random-forest', 'trees=20', 'maxFeatures=0.5', 'minSamplesLeaf=3'],
    ['mlp', 'hiddenLayers=16,8', 'activation=tanh', 'maxIter=30'],
  ],
  classification: [
    ['gbdt', 'classWeight=balanced', 'colsample=0.7', 'trees=40'],
    ['logistic', 'penalty=l1', 'C=0.5'],
    ['tree', 'criterion=entropy', 'maxDepth=6'],
    ['naive-bayes', 'variant=bernoulli'],
    ['extra-trees', 'trees=30', 'maxFeatures=log2'],
  ],
};
/** Unsupervised fits on tables larger than this are left out (DBSCAN's neighbourhoods grow with the square of the rows). */
const UNSUPERVISED_MAX_ROWS = 6000;
/** A job still running after this long is recorded as an error (`--timeout-minutes`, default 15). */
let timeoutMs = 15 * 60_000;

function sha(text) {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function keel(bin, home, args) {
  const run = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KEEL_HOME: home, KEEL_STORE: '' },
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: run.status ?? (run.error ? 'timeout' : run.signal), stdout: run.stdout, stderr: run.stderr };
}

/** The registered version's fingerprint, or the error the command ended with. */
function fingerprint(bin, home, name, run) {
  if (run.code !== 0)
    return { error: `exit ${run.code}: ${run.stderr.trim().split('\n').slice(-2).join(' | ')}` };
  const shown = keel(bin, home, ['models', 'show', name, '--json']);
  const version = JSON.parse(shown.stdout).versions.at(-1);
  return {
    artifact: version.artifactHash,
    bytes: version.artifactBytes,
    kind: version.kind,
    task: version.task,
    schema: sha(JSON.stringify(version.schema)),
    metrics: sha(JSON.stringify(version.metrics)),
    reference: sha(JSON.stringify(version.reference)),
    dataset: version.datasetHash,
  };
}

function jobsFor(entry) {
  const classification = entry.task !== 'regression';
  const supervised = (classification ? CLASSIFIERS : REGRESSORS).map((model) => [model]);
  const variants = VARIANTS[classification ? 'classification' : 'regression'];
  const jobs = [...supervised, ...variants].map(([model, ...sets]) => ({
    label: ['train', model, ...sets].join(' '),
    args: [
      'train',
      '--target',
      entry.target,
      '--model',
      model,
      '--cv',
      '2',
      ...sets.flatMap((s) => ['--set', s]),
    ],
  }));
  if (entry.rows <= UNSUPERVISED_MAX_ROWS) {
    for (const model of UNSUPERVISED) {
      jobs.push({ label: `train ${model}`, args: ['train', '--model', model, '--drop', entry.target] });
    }
  }
  jobs.push({
    label: 'automl --trials 12 --seed 0',
    args: [
      'automl',
      '--target',
      entry.target,
      '--trials',
      '12',
      '--seed',
      '0',
      '--threads',
      '2',
      '--cv',
      '3',
    ],
  });
  return jobs;
}

function snapshot(options) {
  const bin = resolve(options.keel);
  const manifest = JSON.parse(readFileSync(join(options.datasets, 'manifest.json'), 'utf8'));
  const only = options.only ? new Set(options.only.split(',')) : null;
  writeFileSync(options.out, '');
  for (const entry of Array.isArray(manifest) ? manifest : manifest.datasets) {
    if (only && !only.has(entry.file)) continue;
    const file = resolve(options.datasets, entry.file);
    for (const [i, job] of jobsFor(entry).entries()) {
      if (options.jobs !== undefined && !job.label.startsWith(options.jobs)) continue;
      const home = mkdtempSync(join(tmpdir(), 'keel-snap-'));
      const name = `snap${i}`;
      const [command, ...rest] = job.args;
      const started = Date.now();
      const report = command === 'automl' ? ['--report', join(home, 'report.html')] : [];
      const run = keel(bin, home, [command, file, ...rest, ...report, '--register', name]);
      const line = { dataset: entry.file, job: job.label, ...fingerprint(bin, home, name, run) };
      appendFileSync(options.out, `${JSON.stringify(line)}\n`);
      process.stderr.write(
        `${entry.file} · ${job.label}: ${line.error ?? line.artifact} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
      );
      rmSync(home, { recursive: true, force: true });
    }
  }
}

function compare(oldFile, newFile) {
  const read = (f) =>
    new Map(
      readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .map((l) => [`${l.dataset} · ${l.job}`, l]),
    );
  const [before, after] = [read(oldFile), read(newFile)];
  let same = 0;
  const differ = [];
  for (const [key, line] of before) {
    const other = after.get(key);
    if (other !== undefined && JSON.stringify(other) === JSON.stringify(line)) same++;
    else differ.push({ key, before: line, after: other ?? 'missing' });
  }
  for (const key of after.keys())
    if (!before.has(key)) differ.push({ key, before: 'missing', after: after.get(key) });
  const errors = [...before.values()].filter((l) => l.error).length;
  console.log(
    `${same} of ${before.size} identical (${errors} ended with the same error on both sides); ${differ.length} differ`,
  );
  for (const d of differ) console.log(JSON.stringify(d));
  return differ.length === 0 ? 0 : 1;
}

const [mode] = process.argv.slice(2);
if (mode === 'compare') {
  process.exit(compare(process.argv[3], process.argv[4]));
} else {
  const { values } = parseArgs({
    options: {
      keel: { type: 'string', default: 'bin/keel.js' },
      datasets: { type: 'string', default: 'datasets' },
      out: { type: 'string', default: 'model-snapshot.jsonl' },
      only: { type: 'string' },
      jobs: { type: 'string' },
      'timeout-minutes': { type: 'string', default: '15' },
    },
  });
  timeoutMs = Number(values['timeout-minutes']) * 60_000;
  snapshot(values);
}
