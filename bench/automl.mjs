// Benchmark: the quality of keel's `automl` against scikit-learn baselines on
// every dataset of datasets/manifest.json, all on the same five
// outer folds (issue 6, item 6). For each dataset:
//   1. automl_sklearn.py writes the outer fold of every row (stratified for
//      classification, plain k-fold for regression; shuffled, random_state 0);
//   2. automl-keel.mjs runs `automl` on each fold's training rows within the
//      time budget and predicts the held-out rows;
//   3. automl_sklearn.py fits default HistGradientBoosting, a 300-tree
//      RandomForest and a linear pipeline on the same folds, and scores every
//      system, keel included, with the same scikit-learn metric function.
// Prints a markdown table (mean ± standard error over the folds, keel's rank,
// best or tied), keel's winning models, and the seconds each system took.
// Usage: node bench/automl.mjs [--datasets iris,wine] [--time-per-fold 12] [--threads 2]
//        [--manifest test/fixtures/labels/manifest.json]  (another set of tables, in its folder)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    datasets: { type: 'string' },
    'time-per-fold': { type: 'string', default: '12' },
    threads: { type: 'string', default: '2' },
    manifest: { type: 'string' },
  },
});
const root = new URL('..', import.meta.url).pathname;
const manifestPath = resolve(values.manifest ?? `${root}datasets/manifest.json`);
const datasetDir = dirname(manifestPath);
const python = '/usr/bin/python3';
const work = '/tmp/keel-bench/automl';
const BASELINES = [
  ['hgb', 'HGB'],
  ['rf', 'RF'],
  ['linear', 'linear'],
];
const OUTER_FOLDS = 5;
const GREATER_IS_BETTER = { roc_auc: true, log_loss: false, rmse: false };
const METRIC = { binary: 'roc_auc', multiclass: 'log_loss', regression: 'rmse' };

/** A dataset's key: its file name without `.csv` (`pima_indians_diabetes2`); its manifest name works too. */
const keyOf = (entry) => entry.file.replace(/\.csv$/, '');

function chooseDatasets(manifest) {
  if (values.datasets === undefined) return manifest;
  return values.datasets.split(',').map((wanted) => {
    const entry = manifest.find((e) =>
      [keyOf(e), e.name].some((k) => k.toLowerCase() === wanted.toLowerCase()),
    );
    if (entry === undefined) {
      throw new Error(`no dataset "${wanted}" in the manifest; known: ${manifest.map(keyOf).join(', ')}`);
    }
    return entry;
  });
}

/** Runs a child process, passing its stderr through as progress; resolves with stdout, rejects with stderr's tail. */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      // Passive OpenMP waits: on a machine shared with other work, scikit-learn's
      // HistGradientBoosting spins at every barrier and ran 3-10× slower without it.
      env: { ...process.env, OMP_NUM_THREADS: values.threads, OMP_WAIT_POLICY: 'PASSIVE' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(
            `${command} exited with ${signal ?? code}: ${stderr.trim().split('\n').slice(-12).join('\n')}`,
          ),
        );
    });
  });
}

/** One outer fold of keel in its own process; a process that dies leaves its error as the fold's result. */
async function keelFold(entry, file, folds, fold, dir) {
  const out = `${dir}/keel-fold${fold}.json`;
  rmSync(out, { force: true });
  const args = [entry.target, entry.task, folds, String(fold), out, values['time-per-fold'], values.threads];
  try {
    await run('node', [`${root}bench/peers/automl-keel.mjs`, file, ...args]);
    return JSON.parse(readFileSync(out, 'utf8'));
  } catch (error) {
    return { fold, error: error.message };
  }
}

async function benchmark(entry) {
  const key = keyOf(entry);
  const file = `${datasetDir}/${entry.file}`;
  const dir = `${work}/${key}`;
  mkdirSync(dir, { recursive: true });
  const folds = `${dir}/folds.json`;
  const keelOut = `${dir}/keel.json`;
  const peers = `${root}bench/peers`;
  await run(python, [`${peers}/automl_sklearn.py`, 'folds', file, entry.target, entry.task, folds]);
  const started = performance.now();
  const keel = { folds: [] };
  for (let fold = 0; fold < OUTER_FOLDS; fold++)
    keel.folds.push(await keelFold(entry, file, folds, fold, dir));
  const keelWall = (performance.now() - started) / 1000;
  writeFileSync(keelOut, JSON.stringify(keel));
  const categorical = entry.categorical_features.join(',');
  const scored = JSON.parse(
    await run(python, [
      `${peers}/automl_sklearn.py`,
      'evaluate',
      file,
      entry.target,
      entry.task,
      categorical,
      folds,
      keelOut,
    ]),
  );
  const failed = keel.folds.filter((f) => f.error);
  const keelError =
    failed.length === 0 ? undefined : `${failed.length} of ${OUTER_FOLDS} folds: ${failed[0].error}`;
  return { entry, key, keel, keelWall, keelError, systems: scored.systems };
}

const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4));
const cell = (s) => (s === undefined ? '—' : `${fmt(s.mean)} ± ${fmt(s.se)}`);

/**
 * keel is "best" when its mean beats every baseline's, "tied" when the gap to
 * the best baseline is within one standard error: the larger of keel's and
 * that baseline's, named in the cell, so a noisy baseline cannot hide a loss
 * without saying so.
 */
function verdict(metric, systems) {
  const sign = GREATER_IS_BETTER[metric] ? 1 : -1;
  const keel = systems.keel;
  const [bestKey, bestName] = BASELINES.reduce((a, b) =>
    sign * systems[b[0]].mean > sign * systems[a[0]].mean ? b : a,
  );
  const best = systems[bestKey];
  const ranked = ['keel', ...BASELINES.map((b) => b[0])].sort(
    (a, b) => sign * systems[b].mean - sign * systems[a].mean,
  );
  const rank = ranked.indexOf('keel') + 1;
  const gap = sign * (best.mean - keel.mean);
  if (gap <= 0) return { rank, label: 'best' };
  const [se, whose] = keel.se >= best.se ? [keel.se, "keel's SE"] : [best.se, `${bestName}'s SE`];
  return gap <= se
    ? { rank, label: `tied (gap ${fmt(gap)} ≤ ${whose} ${fmt(se)})` }
    : { rank, label: `**no** (gap ${fmt(gap)} > ${whose} ${fmt(se)})` };
}

function trialsPerFold(keel) {
  const counts = keel.folds.filter((f) => !f.error).map((f) => f.trials);
  if (counts.length === 0) return '—';
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  return `${mean.toFixed(0)} (${Math.min(...counts)}–${Math.max(...counts)})`;
}

/** An error message that fits a table cell. */
const oneLine = (message) => message.replace(/\s+/g, ' ').replace(/\|/g, '/').slice(0, 200);

function tableRow(result) {
  const { entry, key, systems, keel, keelError } = result;
  const metric = METRIC[entry.task];
  if (result.error !== undefined)
    return `| ${key} | ${metric} | failed: ${oneLine(result.error)} | | | | | | |`;
  const baselineCells = BASELINES.map(([k]) => cell(systems[k]));
  if (keelError !== undefined || systems.keel === undefined) {
    return `| ${key} | ${metric} | failed: ${oneLine(keelError ?? 'no predictions')} | ${baselineCells.join(' | ')} | — | **no** | — |`;
  }
  const { rank, label } = verdict(metric, systems);
  return `| ${key} | ${metric} | ${cell(systems.keel)} | ${baselineCells.join(' | ')} | ${rank} | ${label} | ${trialsPerFold(keel)} |`;
}

/** Each fold's winner, grouped: "ensemble (gbdt, random-forest, logistic) ×3; gbdt ×2". */
function winners(keel) {
  const counts = new Map();
  for (const fold of keel.folds ?? []) {
    if (fold.error) continue;
    const w = fold.winner;
    // Members by algorithm, sorted, so that the same blend in two folds counts once.
    const name = w.members
      ? `ensemble (${[...new Set(w.members.map((m) => m.algorithm))].sort().join(', ')})`
      : w.algorithm;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, n]) => `${name} ×${n}`).join('; ') || '—';
}

function secondsRow(result) {
  if (result.error !== undefined) return `| ${result.key} | — | — | — | — | — |`;
  const s = result.systems;
  const keelSearch = (result.keel.folds ?? []).reduce((sum, f) => sum + (f.searchSeconds ?? 0), 0);
  const keelRefit = (result.keel.folds ?? []).reduce((sum, f) => sum + (f.refitSeconds ?? 0), 0);
  const base = BASELINES.map(([k]) => s[k].seconds.toFixed(1)).join(' | ');
  return `| ${result.key} | ${winners(result.keel)} | ${result.keelWall.toFixed(1)} (${keelSearch.toFixed(1)}, ${keelRefit.toFixed(1)}) | ${base} |`;
}

const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const chosen = chooseDatasets(manifest);
const started = performance.now();
const results = [];
for (const entry of chosen) {
  console.error(
    `${keyOf(entry)} (${entry.task}, ${entry.rows} rows): keel with ${values['time-per-fold']} s a fold`,
  );
  try {
    results.push(await benchmark(entry));
  } catch (error) {
    // The folds or the baselines failed: the row says so and the run goes on.
    results.push({ entry, key: keyOf(entry), error: error.message });
  }
  console.error(tableRow(results.at(-1)));
}
const totalMinutes = (performance.now() - started) / 60_000;
const total = (pick) => results.reduce((sum, r) => sum + (r.error === undefined ? pick(r) : 0), 0);
const lines = [
  `AutoML quality, ${chosen.length} datasets, 5 outer folds, keel ${values['time-per-fold']} s a fold, ${values.threads} threads:`,
  '',
  '| dataset | metric | keel | HGB | RF | linear | keel rank | best or tied | keel trials a fold |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...results.map(tableRow),
  '',
  '| dataset | keel winner per fold | keel s, 5 folds (search, refit) | HGB s | RF s | linear s |',
  '| --- | --- | --- | --- | --- | --- |',
  ...results.map(secondsRow),
  '',
  `Total ${totalMinutes.toFixed(1)} min: keel ${total((r) => r.keelWall).toFixed(0)} s, ` +
    BASELINES.map(([k, name]) => `${name} ${total((r) => r.systems[k].seconds).toFixed(0)} s`).join(', ') +
    '.',
];
console.log(lines.join('\n'));
