// Benchmark: keel's gradient boosting against XGBoost (tree_method=hist) and
// scikit-learn's HistGradientBoosting, in one run, on the same data and split
// (rows whose index is a multiple of 5 test, the rest train), with the same
// settings: 100 trees, learning rate 0.1, 31 leaves, 255 bins, no early
// stopping, 2 threads. Prints fit seconds, test AUC or RMSE, batch predict
// rows/s, single-row latency (median, p99) and peak memory (whole process,
// data loading included), with keel ÷ the best peer for each.
// Usage: node bench/gbdt.mjs [--cases cls-100k,cls-1m,reg-1m,diamonds] [--threads 2] [--rows N]
// (on the built library: npm run build first, or npm run bench:gbdt -- FLAGS).
// --rows N: the synthetic cases with N rows instead of their own (a quick
// check that the run goes through end to end; diamonds keeps its rows).
// --help: these lines.
//
// --early-stopping: what watching a held-out share costs. keel alone, with
// earlyStopping 'auto' (its default: on above 10,000 rows, 10% held out) and
// false, the same settings otherwise, alternating which goes first; --runs
// rounds, each started once the 1-minute load average is at most --max-load
// (waiting up to --wait-minutes). Prints each fit's seconds, iterations and
// the load it started at, then the median and range of auto ÷ false.
// 'auto' holds out only above 10,000 training rows (4/5 of the table's rows).
//   node bench/gbdt.mjs --early-stopping [--cases cls-200k] [--runs 3] [--max-load 1.5] [--wait-minutes 30]
// A smoke run on a busy machine: --rows 20000 --runs 1 --max-load 1000.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    cases: { type: 'string' },
    threads: { type: 'string', default: '2' },
    'early-stopping': { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    'max-load': { type: 'string', default: '1.5' },
    'wait-minutes': { type: 'string', default: '30' },
    rows: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  // The usage is the comment block at the top of this file.
  const source = readFileSync(new URL(import.meta.url), 'utf8').split('\n');
  const usage = source.slice(
    0,
    source.findIndex((line) => !line.startsWith('//')),
  );
  console.log(usage.map((line) => line.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const rowsOverride = values.rows === undefined ? null : Number(values.rows);
if (rowsOverride !== null && !(Number.isInteger(rowsOverride) && rowsOverride >= 100)) {
  throw new Error(`--rows wants a whole number of at least 100, not ${values.rows}`);
}
values.cases ??= values['early-stopping'] ? 'cls-200k' : 'cls-100k,cls-1m,reg-1m,diamonds';
const root = new URL('..', import.meta.url).pathname;
const python = '/usr/bin/python3';
const cache = '/tmp/keel-bench';

/** A synthetic table from datasets/make_synthetic.py, made once and kept in /tmp. */
function synthetic(kind, rows) {
  const file = `${cache}/${kind}-${rows}x28.csv`;
  if (!existsSync(file)) {
    mkdirSync(cache, { recursive: true });
    const generator = `${root}datasets/make_synthetic.py`;
    const args = ['--kind', kind, '--rows', String(rows), '--features', '28', '--seed', '0', '--out', file];
    execFileSync(python, [generator, ...args], { stdio: 'inherit' });
  }
  return file;
}

/** Each case: [file, target column, task]; synthetic ones take --rows in place of their own count. */
const CASES = {
  'cls-100k': () => [synthetic('classification', rowsOverride ?? 100_000), 'target', 'binary'],
  'cls-200k': () => [synthetic('classification', rowsOverride ?? 200_000), 'target', 'binary'],
  'cls-1m': () => [synthetic('classification', rowsOverride ?? 1_000_000), 'target', 'binary'],
  'reg-1m': () => [synthetic('regression', rowsOverride ?? 1_000_000), 'target', 'regression'],
  diamonds: () => [`${root}datasets/diamonds.csv`, 'price', 'regression'],
};
for (const name of values.cases.split(',')) {
  if (!(name in CASES)) throw new Error(`unknown case ${name}; the cases: ${Object.keys(CASES).join(', ')}`);
}
/** A case's name in the tables: with --rows, the synthetic ones say how many rows they had. */
const label = (name) =>
  rowsOverride === null || name === 'diamonds' ? name : `${name} (${rowsOverride} rows)`;

function run(command, args) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    cwd: root,
    maxBuffer: 1 << 24,
    env: { ...process.env, OMP_NUM_THREADS: values.threads },
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

if (values['early-stopping']) {
  await earlyStoppingCost();
  process.exit(0);
}

const fmt = (v, digits = 2) => (v >= 1000 ? Math.round(v).toLocaleString('en') : v.toFixed(digits));
const lines = [
  '| data | library | fit s | test score | predict rows/s | 1 row ms (median / p99) | peak MB |',
  '| --- | --- | --- | --- | --- | --- | --- |',
];
for (const name of values.cases.split(',')) {
  const [file, target, task] = CASES[name]();
  const results = {
    keel: run('node', [`${root}bench/peers/gbdt-keel.mjs`, file, target, task, values.threads]),
    xgboost: run(python, [
      `${root}bench/peers/gbdt_python.py`,
      'xgboost',
      file,
      target,
      task,
      values.threads,
    ]),
    sklearn: run(python, [
      `${root}bench/peers/gbdt_python.py`,
      'sklearn',
      file,
      target,
      task,
      values.threads,
    ]),
  };
  const metric = task === 'regression' ? 'rmse' : 'auc';
  for (const [library, r] of Object.entries(results)) {
    lines.push(
      `| ${label(name)} | ${library} | ${fmt(r.fitSeconds)} | ${metric} ${r[metric].toFixed(metric === 'auc' ? 4 : 2)} | ${fmt(r.predictRowsPerSecond)} | ${r.singleRowMs.median.toFixed(3)} / ${r.singleRowMs.p99.toFixed(3)} | ${fmt(r.peakMB, 0)} |`,
    );
  }
  const peers = [results.xgboost, results.sklearn];
  const best = (pick, lower) => (lower ? Math.min(...peers.map(pick)) : Math.max(...peers.map(pick)));
  const k = results.keel;
  lines.push(
    `| ${label(name)} | **keel ÷ best peer** | **${(k.fitSeconds / best((r) => r.fitSeconds, true)).toFixed(2)}×** | ${metric} ${(k[metric] - (metric === 'auc' ? best((r) => r.auc, false) : best((r) => r.rmse, true))).toFixed(metric === 'auc' ? 4 : 2)} | **${(k.predictRowsPerSecond / best((r) => r.predictRowsPerSecond, false)).toFixed(2)}×** | **${(k.singleRowMs.median / best((r) => r.singleRowMs.median, true)).toFixed(2)}×** | **${(k.peakMB / best((r) => r.peakMB, true)).toFixed(2)}×** |`,
  );
  console.error(lines.slice(-4).join('\n'));
}
console.log(lines.join('\n'));

/** Waits until the 1-minute load average is at most --max-load (or --wait-minutes pass); returns it. */
async function quietEnough() {
  const limit = Number(values['max-load']);
  const deadline = Date.now() + Number(values['wait-minutes']) * 60_000;
  while (loadavg()[0] > limit && Date.now() < deadline) {
    console.error(`load average ${loadavg()[0].toFixed(2)} > ${limit}: waiting`);
    await sleep(30_000);
  }
  return loadavg()[0];
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** "median (min–max)" */
function spread(xs, digits) {
  return `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
}

/** keel with earlyStopping 'auto' against false, --runs rounds, alternating which goes first. */
async function earlyStoppingCost() {
  if (rowsOverride !== null && rowsOverride * 0.8 <= 10_000) {
    console.error(`--rows ${rowsOverride}: ${rowsOverride * 0.8} training rows, so 'auto' holds nothing out`);
  }
  const rows = [
    '| data | run | load (auto / false) | auto fit s | auto trees | false fit s | false trees | auto ÷ false |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const summary = [
    '| data | auto fit s, median (range) | false fit s, median (range) | auto ÷ false, median (range) | load |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const name of values.cases.split(',')) {
    const [file, target, task] = CASES[name]();
    const fits = { auto: [], false: [] };
    const loads = [];
    for (let round = 1; round <= Number(values.runs); round++) {
      const order = round % 2 === 1 ? ['auto', 'false'] : ['false', 'auto'];
      const result = {};
      const load = {};
      for (const setting of order) {
        load[setting] = await quietEnough();
        const script = `${root}bench/peers/gbdt-keel.mjs`;
        result[setting] = run('node', [script, file, target, task, values.threads, setting]);
        fits[setting].push(result[setting].fitSeconds);
        loads.push(load[setting]);
      }
      const ratio = result.auto.fitSeconds / result.false.fitSeconds;
      rows.push(
        `| ${label(name)} | ${round} | ${load.auto.toFixed(2)} / ${load.false.toFixed(2)} | ${result.auto.fitSeconds.toFixed(2)} | ${result.auto.iterations} | ${result.false.fitSeconds.toFixed(2)} | ${result.false.iterations} | ${ratio.toFixed(3)}× |`,
      );
      console.error(rows.at(-1));
    }
    const ratios = fits.auto.map((a, i) => a / fits.false[i]);
    summary.push(
      `| ${label(name)} | ${spread(fits.auto, 2)} | ${spread(fits.false, 2)} | **${spread(ratios, 3)}×** | ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} |`,
    );
  }
  console.log([...rows, '', ...summary].join('\n'));
}
