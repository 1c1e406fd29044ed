// Benchmark: batch scoring. A gradient-boosting classifier (100 trees, 31
// leaves, 255 bins, no early stopping; fitted on the 100,000-row synthetic
// classification table) scores the 1,000,000-row table: keel's scoreFile
// (chunks through DuckDB, CSV out) against scikit-learn's
// HistGradientBoostingClassifier (pandas read_csv → predict_proba → to_csv),
// in the same run. Each side trains in one process and scores in another, so
// the peak memory printed is the scoring's. With --sizes 1,4 the table is also
// repeated four times (4,000,000 rows) to show how memory grows with the file.
// Usage: node bench/batch-score.mjs [--sizes 1] [--threads 2] [--chunk 100000] [--out-format csv]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1' },
    threads: { type: 'string', default: '2' },
    chunk: { type: 'string', default: '100000' },
    'out-format': { type: 'string', default: 'csv' },
  },
});
const root = new URL('..', import.meta.url).pathname;
const python = '/usr/bin/python3';
const cache = '/tmp/keel-bench';

/** A synthetic table from datasets/make_synthetic.py, made once and kept in /tmp. */
function synthetic(rows) {
  const file = `${cache}/classification-${rows}x28.csv`;
  if (!existsSync(file)) {
    mkdirSync(cache, { recursive: true });
    const generator = `${root}datasets/make_synthetic.py`;
    const args = ['--kind', 'classification', '--rows', String(rows), '--features', '28', '--seed', '0'];
    run(python, [generator, ...args, '--out', file], false);
  }
  return file;
}

/** The 1M table written `times` times over (one header), made once. */
function repeated(file, times) {
  const out = file.replace('1000000x28', `${times}000000x28`);
  if (existsSync(out)) return out;
  const copies = Array.from({ length: times - 1 }, () => `tail -n +2 '${file}'`).join('; ');
  run('sh', ['-c', `(cat '${file}'; ${copies}) > '${out}.part' && mv '${out}.part' '${out}'`], false);
  return out;
}

function run(command, args, json = true) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    cwd: root,
    maxBuffer: 1 << 24,
    env: { ...process.env, OMP_NUM_THREADS: values.threads },
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return json ? JSON.parse(result.stdout.trim().split('\n').pop()) : undefined;
}

const train = synthetic(100_000);
const base = synthetic(1_000_000);
const keelModel = `${cache}/batch-gbdt.keel`;
const sklearnModel = `${cache}/batch-hgb.pickle`;
run(
  'node',
  [`${root}bench/peers/batch-keel.mjs`, 'train', train, 'target', values.threads, keelModel],
  false,
);
run(
  python,
  [`${root}bench/peers/batch_sklearn.py`, 'train', train, 'target', values.threads, sklearnModel],
  false,
);

const fmt = (v) => Math.round(v).toLocaleString('en');
const lines = ['| rows | library | seconds | rows/s | peak MB |', '| --- | --- | --- | --- | --- |'];
for (const millions of values.sizes.split(',').map(Number)) {
  const file = millions === 1 ? base : repeated(base, millions);
  const keelOut = `${cache}/batch-out-keel.${values['out-format']}`;
  const sklearnOut = `${cache}/batch-out-sklearn.csv`;
  const keel = run('node', [
    `${root}bench/peers/batch-keel.mjs`,
    'score',
    keelModel,
    file,
    keelOut,
    values.chunk,
  ]);
  const sklearn = run(python, [
    `${root}bench/peers/batch_sklearn.py`,
    'score',
    sklearnModel,
    file,
    sklearnOut,
  ]);
  rmSync(keelOut, { force: true });
  rmSync(sklearnOut, { force: true });
  const rows = fmt(keel.rows);
  lines.push(
    `| ${rows} | keel | ${keel.seconds.toFixed(1)} | ${fmt(keel.rowsPerSecond)} | ${fmt(keel.peakMB)} |`,
  );
  lines.push(
    `| ${rows} | sklearn | ${sklearn.seconds.toFixed(1)} | ${fmt(sklearn.rowsPerSecond)} | ${fmt(sklearn.peakMB)} |`,
  );
  const speed = (keel.rowsPerSecond / sklearn.rowsPerSecond).toFixed(2);
  const memory = (keel.peakMB / sklearn.peakMB).toFixed(2);
  lines.push(`| ${rows} | **keel ÷ sklearn** | | **${speed}×** | **${memory}×** |`);
}
console.log(lines.join('\n'));
